"""JSON API under /api/v1. Each module adds its routes and its part of the OpenAPI document."""

from flask import Blueprint

from festival.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# The API authenticates with Bearer tokens or is public; no cookie grants anything here.
csrf.exempt(bp)

from festival.api import checkins, events, openapi, registrations, stats  # noqa: E402,F401
