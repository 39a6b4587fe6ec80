"""Response headers every page carries, and the rules for trusted hosts."""

from flask import request, session

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


def init_app(app) -> None:
    if app.config.get("TRUSTED_HOSTS"):
        hosts = app.config["TRUSTED_HOSTS"]
        app.config["TRUSTED_HOSTS"] = hosts.split(",") if isinstance(hosts, str) else hosts

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        camera = "(self)" if request.path.startswith("/scan") else "()"
        headers.setdefault("Permissions-Policy", f"camera={camera}, microphone=(), geolocation=()")
        if response.mimetype == "text/html":
            headers.setdefault("Content-Security-Policy", content_security_policy(request.path))
        if has_personal_data() and "no-store" not in headers.get("Cache-Control", ""):
            headers["Cache-Control"] = "no-store"
        if app.config["FORCE_HTTPS"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
