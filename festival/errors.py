"""Errors that services raise: a stable code for machines, a translatable message for people."""

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    """A rule refused the request. Views turn it into a 4xx; nothing was written."""

    code = "invalid_request"
    status = 400
    message = _l("La demande n'est pas valable.")

    def __init__(self, message=None, *, code=None, status=None, field=None, **details):
        super().__init__(str(message or self.message))
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.field = field
        self.details = details

    def to_dict(self) -> dict:
        body = {"code": self.code, "message": str(self.message)}
        if self.field:
            body["field"] = self.field
        if self.details:
            body["details"] = self.details
        return body


class NotFoundError(DomainError):
    code = "not_found"
    status = 404
    message = _l("Cette page ou cet élément n'existe pas.")


class ValidationError(DomainError):
    code = "validation_error"
    status = 400
    message = _l("Certaines informations ne sont pas valables.")


class ConflictError(DomainError):
    code = "conflict"
    status = 409
    message = _l("Cette action n'est plus possible.")
