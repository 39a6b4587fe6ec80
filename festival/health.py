"""Health check for the reverse proxy and monitoring, and the answer when the database is down."""

from flask import Blueprint, jsonify
from flask_babel import gettext as _
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from festival.errors_http import error_response
from festival.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Say whether the app can reach its database."""
    try:
        db.session.execute(text("SELECT 1"))
    except (OperationalError, DBAPIError):
        db.session.rollback()
        return jsonify({"status": "unavailable", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})


def init_app(app) -> None:
    app.register_blueprint(bp)

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        # Nothing was committed: the transaction is rolled back and the client may retry.
        db.session.rollback()
        app.logger.warning("Database unavailable: %s", type(error.orig).__name__)
        response = error_response(
            503,
            "unavailable",
            _("Le service est momentanément indisponible. Réessayez dans un instant."),
        )
        body, status = response
        response = app.make_response((body, status))
        response.headers["Retry-After"] = "5"
        return response
