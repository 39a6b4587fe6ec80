"""The organiser dashboard in Chromium: charts drawn with data, tables with the same figures."""

import importlib.util
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

# The organiser tests' seeded festival, shared rather than copied.
_spec = importlib.util.spec_from_file_location(
    "organiser_fixtures", Path(__file__).parent.parent / "organiser" / "conftest.py"
)
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)
festival, seeded = _fixtures.festival, _fixtures.seeded

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHARTS = ["chart-events", "chart-venues", "chart-quarters", "chart-languages", "chart-communes"]
# Non-transparent pixels on a canvas: Chart.js has drawn something.
INK = """id => { const c = document.getElementById(id);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i]) n++; } return n; }"""


@pytest.fixture
def database_url(tmp_path):
    """Drawing does not depend on the engine: SQLite only, to keep the suite fast."""
    return f"sqlite:///{tmp_path / 'browser.sqlite3'}"


@pytest.fixture
def live_url(app, seeded):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def _organiser_cookie(app, make_user, url):
    user = make_user("orga@example.org", "organiser")
    serializer = app.session_interface.get_signing_serializer(app)
    value = serializer.dumps({"_user_id": user.get_id(), "_fresh": True})
    return {"name": app.config.get("SESSION_COOKIE_NAME", "session"), "value": value, "url": url}


def test_dashboard_charts_are_drawn_with_the_figures(browser, live_url, app, make_user, seeded):
    from playwright.sync_api import expect

    context = browser.new_context()
    context.add_cookies([_organiser_cookie(app, make_user, live_url)])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if "Refused" in m.text else None)  # CSP
    page.goto(live_url + "/organisateur/")
    expect(page.locator('[data-total="walk_ins"]')).to_have_text("3")
    first = seeded.bookable[0]
    row = page.locator("#table-events tbody tr", has_text=first.title).first
    expect(row).to_contain_text(str(first.seats_taken))
    expect(page.locator("#table-communes tbody")).to_contain_text("62110")
    expect(page.locator("#table-quarters tbody tr").first).to_contain_text("10:00")
    expect(page.locator("#table-doubles tbody tr")).to_have_count(1)
    for chart in CHARTS:
        assert page.evaluate(INK, chart) > 100, chart
    assert errors == []
