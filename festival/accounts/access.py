"""Who may do what: roles are checked on the server, on every protected view."""

from functools import wraps

from flask import abort
from flask_login import current_user

from festival.accounts.models import Role, User
from festival.extensions import db, login_manager


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Load the session's user, refusing sessions older than the user's session version."""
    try:
        uid, version = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, uid)
    if user is None or user.session_version != version or not user.is_enabled:
        return None
    return user


def role_required(*roles: str):
    """Let the view run only for signed-in users holding one of ``roles``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


organiser_required = role_required(Role.ORGANISER)
# Organisers can do everything volunteers do at the door.
volunteer_required = role_required(Role.VOLUNTEER, Role.ORGANISER)
