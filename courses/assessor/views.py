"""Views of courses.assessor (being built)."""

from flask import Blueprint

bp = Blueprint("assessor", __name__)
