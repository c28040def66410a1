"""Views of courses.studio (being built)."""

from flask import Blueprint

bp = Blueprint("studio", __name__)
