"""The scanner page over HTTP: who may open it, its headers, the manifest, the service worker."""

import json

import pytest


def test_anonymous_visitor_cannot_open_the_scanner(client):
    response = client.get("/scan")
    assert response.status_code in (302, 401)
    assert b"scanner-messages" not in response.data


@pytest.mark.parametrize("role", ["volunteer", "organiser"])
def test_staff_open_the_scanner_with_camera_and_wasm_allowed(client, make_user, login_as, role):
    login_as(make_user(email=f"{role}@example.org", role=role))
    response = client.get("/scan")
    assert response.status_code == 200
    assert "camera=(self)" in response.headers["Permissions-Policy"]
    csp = response.headers["Content-Security-Policy"]
    assert "'wasm-unsafe-eval'" in csp
    assert "'unsafe-inline'" not in csp
    assert b'name="csrf-token"' in response.data


def test_scanner_strings_follow_the_volunteers_language(client, make_user, login_as):
    login_as(make_user())
    page = client.get("/scan?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in page
    start = page.index('id="scanner-messages">') + len('id="scanner-messages">')
    messages = json.loads(page[start : page.index("</script>", start)])
    assert messages["ok"] != "Entrée validée"  # translated, not the French source
    assert "{time}" in messages["first_entry"] and "{place}" in messages["first_entry"]


def test_no_inline_script_or_style_on_the_page(client, make_user, login_as):
    login_as(make_user())
    page = client.get("/scan").get_data(as_text=True)
    assert " style=" not in page
    for chunk in page.split("<script")[1:]:
        assert chunk.lstrip().startswith(("src=", 'type="application/json"', 'type="module" src='))


def test_service_worker_controls_the_page_and_caches_the_decoder(client):
    response = client.get("/scan/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/scan"
    body = response.get_data(as_text=True)
    assert "/static/vendor/zxing-wasm/zxing_reader.wasm" in body
    assert "/static/js/scanner/scanner.js" in body
    assert 'const PAGE = "/scan"' in body


def test_manifest_describes_an_installable_scanner(client):
    response = client.get("/scan/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.data)
    assert manifest["start_url"] == "/scan"
    assert manifest["display"] == "standalone"
