"""Meltingpotch festival app: programme, registration, tickets, check-in, figures."""

import os
import secrets
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from festival import config as default_config


class FestivalFlask(Flask):
    """Flask, remembering which of its hooks and views are plain functions."""

    # More than the app registers (~60): only a caller passing new functions each time fills it.
    _MAX_KNOWN = 1000

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._known_sync: set = set()

    def ensure_sync(self, func):
        # Flask asks this of every hook and view on every request, and inspecting a function
        # cost ~7 Python calls each time: ~75 of a door scan's ~2,000, for an answer that
        # never changes. Coroutine functions are not remembered: Flask wraps them each time.
        try:
            if func in self._known_sync:
                return func
        except TypeError:  # an unhashable callable
            return super().ensure_sync(func)
        synced = super().ensure_sync(func)
        if synced is func and len(self._known_sync) < self._MAX_KNOWN:
            self._known_sync.add(func)
        return synced


def create_app(config: dict | None = None) -> Flask:
    """Build the app: documented defaults, then FESTIVAL_* variables, then ``config``."""
    config = dict(config or {})
    instance_path = config.pop("INSTANCE_PATH", None) or os.environ.get("FESTIVAL_INSTANCE_PATH")
    app = FestivalFlask(__name__, instance_relative_config=True, instance_path=instance_path)
    app.config.from_object(default_config)
    app.config.from_prefixed_env("FESTIVAL")
    app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _resolve_settings(app)

    if app.config["PROXY_COUNT"]:
        n = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    from festival import extensions, i18n
    from festival.extensions import babel, csrf, db, limiter, login_manager, mail, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    babel.init_app(app, locale_selector=i18n.best_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)
    login_manager.init_app(app)
    del extensions

    from festival import cli, errors_http, health, models, security  # noqa: F401
    from festival.accounts import access  # noqa: F401  (registers the user loader)

    i18n.init_app(app)
    errors_http.init_app(app)
    health.init_app(app)
    security.init_app(app)
    cli.init_app(app)
    _register_blueprints(app)
    return app


def _resolve_settings(app: Flask) -> None:
    """Fill the settings whose default depends on the instance folder."""
    instance = Path(app.instance_path)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'festival.sqlite3'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if app.config["DATABASE_URL"].startswith("sqlite"):
        # One connection per thread is enough; a pool would only hold write locks longer.
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    else:
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance / "secret_key")
    from festival.i18n import translation_directories

    app.config["BABEL_TRANSLATION_DIRECTORIES"] = translation_directories(Path(app.root_path))
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    from festival.mail.delivery import delivery_mode

    delivery_mode(app)  # a mistyped MAIL_DELIVERY stops the start, not the first email
    if app.config["FORCE_HTTPS"]:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True


def _instance_secret(path: Path) -> str:
    """Read the instance's secret key, creating 256 random bits on first run."""
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _register_blueprints(app: Flask) -> None:
    from festival.accounts.views import bp as accounts_bp
    from festival.accounts.views import entry_bp as accounts_entry_bp
    from festival.api import bp as api_bp
    from festival.checkin.scanner_views import bp as scanner_bp
    from festival.checkin.views import bp as checkin_bp
    from festival.organiser.views import bp as organiser_bp
    from festival.programme.views import bp as programme_bp
    from festival.registration.views import bp as registration_bp
    from festival.tickets.views import bp as tickets_bp

    for bp in (
        programme_bp,
        registration_bp,
        tickets_bp,
        checkin_bp,
        scanner_bp,
        accounts_bp,
        accounts_entry_bp,
        organiser_bp,
        api_bp,
    ):
        app.register_blueprint(bp)
