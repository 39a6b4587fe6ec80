"""Turn errors into answers: JSON under /api, a page in the visitor's language elsewhere."""

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, SecurityError

from festival.errors import DomainError
from festival.extensions import db

_MESSAGES = {
    400: lambda: _("La demande n'est pas valable."),
    401: lambda: _("Connectez-vous pour continuer."),
    403: lambda: _("Vous n'avez pas accès à cette page."),
    404: lambda: _("Cette page n'existe pas."),
    405: lambda: _("Cette action n'est pas possible ici."),
    409: lambda: _("Cette action n'est plus possible."),
    413: lambda: _("La demande est trop grande."),
    415: lambda: _("Le format envoyé n'est pas accepté."),
    429: lambda: _("Trop de demandes. Attendez un peu et réessayez."),
    500: lambda: _("Une erreur est survenue de notre côté. Réessayez dans un instant."),
    503: lambda: _("Le service est momentanément indisponible. Réessayez dans un instant."),
}

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, code: str, message: str, **extra):
    """Answer an error in the form the client expects."""
    if wants_json():
        body = {"error": {"code": code, "message": message, **extra}}
        return jsonify(body), status
    return render_template("errors/error.html", status=status, message=message), status


def init_app(app) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        # A refusal writes nothing: undo what the service did before it refused (seats taken
        # for a first item, say), now rather than at teardown, which also lets SQLite's write
        # lock go before the answer is rendered.
        db.session.rollback()
        body = error.to_dict()
        return error_response(error.status, body.pop("code"), body.pop("message"), **body)

    @app.errorhandler(SecurityError)
    def handle_untrusted_host(error: SecurityError):
        # Raised before routing: no URL can be built, so no page can be rendered.
        return "Bad host", 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        status = error.code or 500
        message = _MESSAGES.get(status, _MESSAGES[400])()
        response = error_response(status, _CODES.get(status, "http_error"), message)
        if status == 405 and error.valid_methods:
            resp, code = response
            resp = app.make_response((resp, code))
            resp.headers["Allow"] = ", ".join(error.valid_methods)
            return resp
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(500, "server_error", _MESSAGES[500]())
