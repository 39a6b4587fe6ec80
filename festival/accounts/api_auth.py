"""Who is calling the API: a Bearer token, or a signed-in session (with its CSRF header).

A door scanner sends its token with every scan, hundreds a second at peak: each worker keeps
what it learnt of a token for ``TOKEN_CACHE_SECONDS``, keyed by the token's hash. Expiry is
checked on every request; a revoked token or a disabled account is refused by every worker
within those few seconds, not at once.
"""

import time
from dataclasses import dataclass
from datetime import datetime

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


TOKEN_CACHE_SECONDS = 5.0
_TOKEN_CACHE_SIZE = 1000  # tokens in use at once: a few dozen phones; past this, start afresh
_clock = time.monotonic  # tests move it


def _token_cache() -> dict:
    """{token hash: (kept until, caller or None, expires_at)}, one per app and process."""
    return current_app.extensions.setdefault("api_token_cache", {})


def _look_up(token_hash: str) -> tuple[ApiCaller | None, datetime | None]:
    row = db.session.connection().execute(_TOKEN_QUERY, {"h": token_hash}).first()
    if row is None or not row.is_enabled or row.revoked_at is not None:
        return None, None
    return ApiCaller(row.id, row.role), row.expires_at


def user_for_token(token: str, now) -> ApiCaller | None:
    """Give the enabled holder of an unexpired, unrevoked token (revocation: see the module)."""
    token_hash = hash_token(token)
    cache = _token_cache()
    hit = cache.get(token_hash)
    if hit is not None and hit[0] > _clock():
        caller, expires_at = hit[1], hit[2]
    else:
        caller, expires_at = _look_up(token_hash)
        if caller is not None:  # unknown tokens are not kept: a new token works at once
            if len(cache) >= _TOKEN_CACHE_SIZE:
                cache.clear()
            cache[token_hash] = (_clock() + TOKEN_CACHE_SECONDS, caller, expires_at)
    if caller is None or (expires_at is not None and expires_at <= now):
        return None
    return caller


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
