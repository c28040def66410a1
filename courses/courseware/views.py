"""Views of courses.courseware (being built)."""

from flask import Blueprint

bp = Blueprint("courseware", __name__)
