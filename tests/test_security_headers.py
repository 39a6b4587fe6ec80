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
