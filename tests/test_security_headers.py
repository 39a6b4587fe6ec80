"""Headers every response carries, host checking and body size limits."""

import pytest


@pytest.fixture
def app_config(app_config):
    return {**app_config, "TRUSTED_HOSTS": "festival.test,localhost"}


def test_html_pages_carry_a_strict_csp(client):
    response = client.get("/fr/", headers={"Host": "festival.test"})
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "unsafe-inline" not in csp


def test_only_the_scanner_may_compile_wasm_and_use_the_camera(app):
    from festival.security import content_security_policy

    assert "'wasm-unsafe-eval'" in content_security_policy("/scan")
    assert "'wasm-unsafe-eval'" not in content_security_policy("/fr/")


def test_camera_is_denied_outside_the_scanner(client):
    response = client.get("/fr/", headers={"Host": "festival.test"})
    assert "camera=()" in response.headers["Permissions-Policy"]


@pytest.mark.parametrize("path", ["/fr/", "/healthz", "/api/v1/openapi.json"])
def test_every_response_is_nosniff_with_a_referrer_policy(client, path):
    response = client.get(path, headers={"Host": "festival.test"})
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_unknown_host_is_refused(client):
    response = client.get("/fr/", headers={"Host": "evil.example"})
    assert response.status_code == 400


def test_hsts_only_when_https_is_forced(app, client):
    assert (
        "Strict-Transport-Security"
        not in client.get("/healthz", headers={"Host": "festival.test"}).headers
    )
    app.config["FORCE_HTTPS"] = True
    assert (
        "max-age="
        in client.get("/healthz", headers={"Host": "festival.test"}).headers[
            "Strict-Transport-Security"
        ]
    )


def test_body_over_the_limit_gets_413(app, client):
    @app.post("/api/v1/_echo")
    def echo():
        from flask import request

        return {"size": len(request.get_data())}

    too_big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/api/v1/_echo", data=too_big, headers={"Host": "festival.test"})
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"


def test_unknown_api_route_answers_json_404(client):
    response = client.get("/api/v1/nothing-here", headers={"Host": "festival.test"})
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_unknown_interface_language_is_404(client):
    assert client.get("/xx/", headers={"Host": "festival.test"}).status_code == 404


def test_root_picks_the_browser_language(client):
    response = client.get("/", headers={"Host": "festival.test", "Accept-Language": "ar,en;q=0.5"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/ar/")


def _csp_directives(response) -> dict[str, str]:
    csp = response.headers["Content-Security-Policy"]
    pairs = (part.strip().partition(" ") for part in csp.split(";") if part.strip())
    return {name: value for name, _, value in pairs}


@pytest.fixture
def staff_client(client, make_user, login_as, make_edition):
    """A client signed in as an organiser: the dashboard and the scanner both open.

    Its cookie belongs to localhost (a trusted host here), so it sends no other Host header.
    """
    make_edition()  # the dashboard shows the current edition
    return login_as(make_user("orga@example.org", "organiser"))


# Every kind of HTML page: public, a form, sign-in, an error page, and the staff pages.
HTML_PAGES = ["/fr/", "/ar/programme", "/en/inscription", "/fr/login", "/fr/nowhere"]
STAFF_PAGES = ["/scan", "/organisateur/"]


@pytest.mark.parametrize("path", HTML_PAGES + STAFF_PAGES)
def test_every_html_page_carries_the_full_header_set(staff_client, path):
    response = staff_client.get(path)
    assert response.mimetype == "text/html", path
    # The page itself, not a redirect to sign-in; the error page is a 404 on purpose.
    assert response.status_code == (404 if path == "/fr/nowhere" else 200), path
    csp = _csp_directives(response)
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'" and csp["form-action"] == "'self'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "microphone=()" in response.headers["Permissions-Policy"]


def test_the_scanner_page_gets_wasm_its_worker_and_the_camera_nothing_more(staff_client):
    response = staff_client.get("/scan")
    assert response.status_code == 200
    csp = _csp_directives(response)
    assert csp["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert csp["worker-src"] == "'self'"  # its service worker, served from /scan/sw.js
    assert "camera=(self)" in response.headers["Permissions-Policy"]
    dashboard = staff_client.get("/organisateur/")
    assert _csp_directives(dashboard)["script-src"] == "'self'"
    assert "camera=()" in dashboard.headers["Permissions-Policy"]


@pytest.mark.parametrize("path", STAFF_PAGES + ["/organisateur/tableau-de-bord.json"])
def test_staff_pages_with_personal_data_are_never_stored(staff_client, path):
    response = staff_client.get(path)
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


def test_hsts_in_production_covers_a_year(app, client):
    app.config["FORCE_HTTPS"] = True
    hsts = client.get("/fr/", headers={"Host": "festival.test"}).headers
    assert hsts["Strict-Transport-Security"] == "max-age=31536000"


def test_a_refused_host_still_gets_nosniff(client):
    response = client.get("/fr/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_request_without_a_cookie_never_builds_the_session_signer(app, client, monkeypatch):
    def signer(app):
        raise AssertionError("the session signer was built for a cookie-less request")

    monkeypatch.setattr(app.session_interface, "get_signing_serializer", signer)
    response = client.get("/api/v1/events", headers={"Host": "festival.test"})
    assert response.status_code == 200


def test_a_session_cookie_is_still_read(app):
    client = app.test_client()
    with client.session_transaction() as session:
        session["seen"] = "yes"
    with client:
        client.get("/healthz")
        from flask import session

        assert session["seen"] == "yes"


def test_a_header_the_view_set_is_kept_whatever_its_case():
    from werkzeug.datastructures import Headers

    from festival.security import _add_missing

    headers = Headers([("referrer-policy", "no-referrer")])
    _add_missing(headers, [("Referrer-Policy", "same-origin"), ("X-Content-Type-Options", "x")])
    assert headers.getlist("Referrer-Policy") == ["no-referrer"]
    assert headers["X-Content-Type-Options"] == "x"
