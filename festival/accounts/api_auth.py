"""Who is calling the API: a Bearer token, or a signed-in session (with its CSRF header)."""

from dataclasses import dataclass

from flask import current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy import bindparam, select
from wtforms import ValidationError as WTFValidationError

from festival.accounts.models import ApiToken, Role, User
from festival.accounts.services import hash_token
from festival.db import utcnow
from festival.errors import DomainError
from festival.extensions import db

STAFF = (Role.VOLUNTEER, Role.ORGANISER)


class UnauthorizedError(DomainError):
    code = "unauthorized"
    status = 401
    message = _l("Connectez-vous ou donnez un jeton d'accès valable.")


class ForbiddenError(DomainError):
    code = "forbidden"
    status = 403
    message = _l("Votre compte n'a pas accès à cette action.")


@dataclass(frozen=True)
class ApiCaller:
    """The token holder, read in one light query (scanners call the API thousands of times)."""

    id: int
    role: str

    @property
    def is_organiser(self) -> bool:
        return self.role == Role.ORGANISER


# Built once: every scan authenticates, and building the query cost as much as running it.
_TOKEN_QUERY = (
    select(User.id, User.role, User.is_enabled, ApiToken.expires_at, ApiToken.revoked_at)
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("h"))
)


def user_for_token(token: str, now) -> ApiCaller | None:
    """Give the enabled holder of an unexpired, unrevoked token."""
    row = db.session.connection().execute(_TOKEN_QUERY, {"h": hash_token(token)}).first()
    if row is None or not row.is_enabled or row.revoked_at is not None:
        return None
    if row.expires_at is not None and row.expires_at <= now:
        return None
    return ApiCaller(row.id, row.role)


def _session_user() -> User | None:
    if not current_user.is_authenticated:
        return None
    if request.method not in ("GET", "HEAD", "OPTIONS") and current_app.config.get(
        "WTF_CSRF_ENABLED", True
    ):
        try:
            validate_csrf(request.headers.get("X-CSRFToken", ""))
        except (CSRFError, WTFValidationError) as error:
            raise ForbiddenError(
                _l("Jeton CSRF manquant ou périmé : rechargez la page."), code="csrf_failed"
            ) from error
    return current_user._get_current_object()


def authenticate_api(roles=STAFF) -> "User | ApiCaller":
    """Give the caller (Bearer token or session); refuse anyone else.

    :raises: unauthorized (401: no, expired or revoked credentials), forbidden (403: role, CSRF)
    """
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        user = user_for_token(token.strip(), utcnow()) if scheme.lower() == "bearer" else None
    else:
        user = _session_user()
    if user is None:
        raise UnauthorizedError()
    if user.role not in roles:
        raise ForbiddenError()
    g.api_user = user
    return user
