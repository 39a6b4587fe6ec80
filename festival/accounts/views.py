"""Sign-in and sign-out pages for staff (organisers, volunteers), in fr/en/ar."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError

from festival.accounts.forms import LoginForm, LogoutForm
from festival.accounts.services import authenticate, end_sessions
from festival.extensions import db, limiter, login_manager
from festival.i18n import best_locale, localized_blueprint

bp = localized_blueprint("accounts", __name__)
# /login without a language, where Flask-Login sends visitors of protected pages.
entry_bp = Blueprint("accounts_entry", __name__)
login_manager.login_view = "accounts_entry.login"


def _email_key() -> str:
    return "login:" + (request.form.get("email") or "").strip().lower()


def _landing(user) -> str:
    """Where a staff member starts: volunteers at the scanner, organisers at their dashboard."""
    target = urlsplit(request.args.get("next", ""))
    if (
        target.path.startswith("/")
        and not target.path.startswith("//")
        and (not target.netloc or target.netloc == request.host)
    ):
        return target.path + (f"?{target.query}" if target.query else "")
    endpoint = "organiser.dashboard" if user.is_organiser else "scanner.scan"
    if endpoint in current_app.view_functions:
        return url_for(endpoint)
    return "/scan"


@entry_bp.get("/login", endpoint="login")
def login_in_best_language():
    """Send to the sign-in page in the browser's language, keeping ``next``."""
    return redirect(url_for("accounts.login", lang=best_locale(), **request.args.to_dict()))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
@limiter.limit("5 per minute", methods=["POST"], key_func=_email_key)
def login():
    """Sign in with email and password."""
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_landing(user))
        flash(_("Adresse ou mot de passe incorrect."), "error")
    status = 400 if form.errors or request.method == "POST" else 200
    return render_template("accounts/login.html", form=form), status


@bp.errorhandler(CSRFError)
def csrf_refused(error: CSRFError):
    """A sign-in or sign-out post without this session's token (missing, forged, another's).

    Refusing it stops login CSRF (a victim signed into an attacker's account). CSRFProtect
    raises before the view, so nobody is signed in; the form comes back with a fresh token.
    """
    flash(_("Le formulaire a expiré ou ne vient pas de cette page : réessayez."), "error")
    return render_template("accounts/login.html", form=LoginForm(formdata=None)), 400


@bp.post("/logout")
def logout():
    """Sign out here and on every other device of the account."""
    if LogoutForm().validate_on_submit() and current_user.is_authenticated:
        end_sessions(current_user)
        db.session.commit()
        logout_user()
        flash(_("Vous êtes déconnecté·e."), "info")
    return redirect(url_for("accounts.login"))
