"""Who is calling the API: a Bearer token, or a signed-in session (with its CSRF header)."""

from flask import current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy import select
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


def user_for_token(token: str, now) -> User | None:
    """Give the enabled user of an unexpired, unrevoked token."""
    row = db.session.execute(
        select(ApiToken.expires_at, ApiToken.revoked_at, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_token(token))
    ).first()
    if row is None:
        return None
    expires_at, revoked_at, user = row
    if revoked_at is not None or (expires_at is not None and expires_at <= now):
        return None
    return user if user.is_enabled else None


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


def authenticate_api(roles=STAFF) -> User:
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
