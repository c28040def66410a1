"""Views of courses.olx (being built). The studio links to the endpoints `olx.import_course`
(GET/POST /studio/import) and `olx.export_course` (GET /studio/courses/<code>/export): keep these names."""

from flask import Blueprint, abort

bp = Blueprint("olx", __name__)


@bp.route("/studio/import", methods=["GET", "POST"])
def import_course():
    abort(404)


@bp.get("/studio/courses/<code>/export")
def export_course(code: str):
    abort(404)
