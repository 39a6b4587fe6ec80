"""What only a browser shows: axe-core checks, the mirrored grid, the list on phones."""

import threading

import pytest
from werkzeug.serving import make_server

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def database_url(tmp_path):
    """Layout does not depend on the engine: SQLite only, to keep the suite fast."""
    return f"sqlite:///{tmp_path / 'browser.sqlite3'}"


@pytest.fixture
def live_url(app, programme):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def axe_violations(page) -> list:
    # Loaded from our own origin: the strict CSP allows it, as it would a page script.
    page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    result = page.evaluate(
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
    )
    assert len(result["passes"]) > 10  # axe did run its checks
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


PAGES = [
    "/fr/",
    "/fr/programme",
    "/en/programme?language=pl",
    "/ar/programme",
    "/fr/programme?kind=nope",
    "/ar/evenements/lecture-bilingue",
    "/en/evenements/polonais-premiers-pas",
    "/fr/langues",
    "/ar/langues/pl",
    "/en/lieux/escapade",
]


def test_pages_pass_axe_wcag_aa(browser, live_url):
    page = browser.new_page()
    problems = {}
    for path in PAGES:
        page.goto(live_url + path)
        violations = axe_violations(page)
        if violations:
            problems[path] = violations
    assert problems == {}


def test_axe_can_fail(browser, live_url):
    page = browser.new_page()
    page.goto(live_url + "/fr/langues")
    page.evaluate("document.documentElement.removeAttribute('lang')")
    assert any(rule == "html-has-lang" for rule, _ in axe_violations(page))


def column_lefts(page) -> list[float]:
    lefts = []
    for selector in (".day-grid .venue-col-1 .event-card", ".day-grid .venue-col-2 .event-card"):
        lefts.append(page.locator(selector).first.bounding_box()["x"])
    return lefts


def test_wide_screen_puts_venues_side_by_side_mirrored_in_arabic(browser, live_url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_url + "/fr/programme")
    first, second = column_lefts(page)
    assert first < second
    page.goto(live_url + "/ar/programme")
    first, second = column_lefts(page)
    assert first > second  # right to left: the first venue is on the right


def test_phone_shows_one_list(browser, live_url):
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(live_url + "/fr/programme")
    first, second = column_lefts(page)
    assert first == second
    assert page.locator(".venue-heads").first.is_hidden()


def test_keyboard_reaches_the_skip_link_first(browser, live_url):
    page = browser.new_page()
    page.goto(live_url + "/ar/programme")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    assert focused.get_attribute("href") == "#main"
    assert focused.is_visible()
