"""Response headers every page carries, and the rules for trusted hosts."""

from flask import request, session
from flask.sessions import SecureCookieSessionInterface

# Pages and API answers that carry personal data (names, emails, tickets, staff views): never
# kept by a browser, a shared computer's history or a proxy. Features add their endpoints here.
PERSONAL_ENDPOINTS = {
    "registration.manage",
    "registration.confirmation",
    "tickets.pdf",
}
PERSONAL_PATH_PREFIXES = (
    "/scan",
    "/organisateur",
    "/tickets/",
    "/api/v1/registrations",
    "/api/v1/checkins",
    "/api/v1/attendees",
    "/api/v1/offline-pack",
    "/api/v1/walk-ins",
    "/api/v1/stats",
)


def has_personal_data() -> bool:
    """Whether this answer may hold personal data: listed, a POST's answer, or staff signed in."""
    if request.endpoint == "static":
        return False
    return (
        request.endpoint in PERSONAL_ENDPOINTS
        or request.path.startswith(PERSONAL_PATH_PREFIXES)
        or request.method not in ("GET", "HEAD", "OPTIONS")
        or "_user_id" in session
    )


def content_security_policy(path: str) -> str:
    # The scanner compiles zxing-wasm: it alone needs 'wasm-unsafe-eval'.
    script = "'self' 'wasm-unsafe-eval'" if path.startswith("/scan") else "'self'"
    return (
        f"default-src 'self'; script-src {script}; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


class LazyCookieSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, whose signer is built only for a request with a cookie.

    Door scanners and other API clients send a Bearer token and no cookie, yet Flask built the
    signer (serializer, key derivation) for each of their requests to read nothing: ~45 of a
    scan's ~2,000 Python calls. Without a cookie the answer is the same empty session.
    """

    def open_session(self, app, request):
        # The raw header, not ``request.cookies``: parsing an absent header cost as much again.
        if app.secret_key and not request.environ.get("HTTP_COOKIE"):
            return self.session_class()
        return super().open_session(app, request)


def _add_missing(headers, defaults) -> None:
    """Add each (name, value) whose header the view did not set (``setdefault`` for many).

    Werkzeug's ``setdefault`` raises and catches a KeyError per missing header: for the few
    headers every answer gets, one pass over what is there costs a fraction of that.
    """
    present = {name.lower() for name, _ in headers}
    for name, value in defaults:
        if name.lower() not in present:
            headers.add(name, value)


_CAMERA_ALLOWED = "camera=(self), microphone=(), geolocation=()"
_CAMERA_DENIED = "camera=(), microphone=(), geolocation=()"


def init_app(app) -> None:
    app.session_interface = LazyCookieSessionInterface()
    if app.config.get("TRUSTED_HOSTS"):
        hosts = app.config["TRUSTED_HOSTS"]
        app.config["TRUSTED_HOSTS"] = hosts.split(",") if isinstance(hosts, str) else hosts

    @app.after_request
    def set_security_headers(response):
        headers, path = response.headers, request.path
        defaults = [
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "same-origin"),
            ("Permissions-Policy", _CAMERA_ALLOWED if path.startswith("/scan") else _CAMERA_DENIED),
        ]
        if response.mimetype == "text/html":
            defaults.append(("Content-Security-Policy", content_security_policy(path)))
        if app.config["FORCE_HTTPS"]:
            defaults.append(("Strict-Transport-Security", "max-age=31536000"))
        _add_missing(headers, defaults)
        if has_personal_data() and "no-store" not in headers.get("Cache-Control", ""):
            headers["Cache-Control"] = "no-store"
        return response
