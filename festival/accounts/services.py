"""Staff accounts and API tokens."""

import hashlib
import secrets
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from festival.accounts.models import ApiToken, Role, User
from festival.errors import ConflictError, NotFoundError, ValidationError
from festival.extensions import db

MIN_PASSWORD_LENGTH = 10


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(email: str, role: str, password: str | None, now: datetime, name: str = "") -> User:
    """Create a staff account (scrypt hash).

    :raises: validation_error (email, role, short password), conflict (email taken)
    """
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise ValidationError(_l("Adresse e-mail non valable."), field="email") from error
    if role not in set(Role):
        raise ValidationError(_l("Rôle inconnu."), field="role")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            _l("Le mot de passe doit avoir au moins 10 caractères."), field="password"
        )
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise ConflictError(_l("Ce compte existe déjà."), code="user_exists")
    user = User(
        email=email,
        name=name or email.split("@")[0],
        role=role,
        password_hash=generate_password_hash(password) if password else None,
        created_at=now,
    )
    db.session.add(user)
    db.session.flush()
    return user


def create_api_token(email: str, now: datetime, name: str = "") -> str:
    """Make a Bearer token for the user; only its hash is kept, so show it once.

    :raises: not_found (no such user)
    """
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFoundError(_l("Aucun compte avec cette adresse."), code="user_not_found")
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=hash_token(token), name=name, created_at=now))
    db.session.flush()
    return token


# Checked against when the email is unknown, so that both paths cost one scrypt verification.
_DUMMY_HASH = generate_password_hash("not-a-password-of-anyone")


def authenticate(email: str, password: str) -> User | None:
    """Give the enabled account matching ``email`` and ``password``, else None."""
    user = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    valid = check_password_hash(
        user.password_hash if user and user.password_hash else _DUMMY_HASH, password or ""
    )
    return user if valid and user is not None and user.is_enabled else None


def end_sessions(user: User) -> None:
    """End every session of the account, on every device (the user loader checks the version)."""
    user.session_version += 1
    db.session.flush()


def disable_user(email: str) -> User:
    """Disable an account: its sessions end and its tokens stop working.

    :raises: not_found (no such user)
    """
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFoundError(_l("Aucun compte avec cette adresse."), code="user_not_found")
    user.is_enabled = False
    end_sessions(user)
    return user
