"""HTML views of the checkin feature."""

from flask import Blueprint

bp = Blueprint("checkin", __name__)
