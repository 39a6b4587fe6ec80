"""The scanner page over HTTP: who may open it, its headers, the manifest, the service worker."""

import importlib.util
import json
import struct
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


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


def test_manifest_names_icons_that_exist_with_their_sizes(client):
    """Installers want a 192 and a 512 PNG (and take an SVG): each one is served and true."""
    icons = json.loads(client.get("/scan/manifest.webmanifest").data)["icons"]
    assert {i["type"] for i in icons} == {"image/svg+xml", "image/png"}
    assert {i["sizes"] for i in icons if i["purpose"] == "any"} >= {"192x192", "512x512"}
    assert any(i["purpose"] == "maskable" for i in icons)
    for icon in icons:
        response = client.get(icon["src"])
        assert response.status_code == 200, icon["src"]
        assert response.mimetype == icon["type"]
        if icon["type"] == "image/png":
            assert response.data[:8] == b"\x89PNG\r\n\x1a\n"
            width, height = struct.unpack(">II", response.data[16:24])
            assert f"{width}x{height}" == icon["sizes"]
        response.close()


def test_icons_are_the_output_of_the_committed_script():
    """The PNGs are drawn by scripts/scanner_icons.py, not fetched: redrawing gives the same."""
    spec = importlib.util.spec_from_file_location(
        "scanner_icons", ROOT / "scripts/scanner_icons.py"
    )
    icons = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(icons)
    assert (icons.OUT / "scanner.svg").read_text(encoding="utf-8") == icons.svg()
    assert (icons.OUT / "scanner-192.png").read_bytes() == icons.png(icons.render(192))


def test_the_service_worker_keeps_the_icons_offline(client):
    body = client.get("/scan/sw.js").get_data(as_text=True)
    assert "/static/icons/scanner-192.png" in body


def test_the_direction_switch_and_the_live_region_are_on_the_page(client, make_user, login_as):
    login_as(make_user())
    page = client.get("/scan?lang=en").get_data(as_text=True)
    assert 'name="direction" value="out"> Exit</label>' in page
    assert "Exit recorded" in page and 'id="verdict-live"' in page
    assert 'aria-live="assertive"' in page
