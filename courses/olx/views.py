"""Views of courses.olx (being built)."""

from flask import Blueprint

bp = Blueprint("olx", __name__)
