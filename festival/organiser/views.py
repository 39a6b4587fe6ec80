"""HTML views of the organiser feature."""

from flask import Blueprint

bp = Blueprint("organiser", __name__)
