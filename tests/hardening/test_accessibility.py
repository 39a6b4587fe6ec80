"""axe-core over the registration flow and the manage page in three languages; keyboard only.

Reuses the programme tests' axe helper (WCAG 2.1 A/AA rules, axe loaded from our own origin so
the strict CSP stays on).
"""

import pytest

from festival.extensions import db
from tests.programme.test_programme_browser import axe_violations

pytestmark = pytest.mark.browser
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def database_url(tmp_path):
    return f"sqlite:///{tmp_path / 'a11y.sqlite3'}"


@pytest.fixture
def site(app, serve, demo, client):
    """The demo festival served over HTTP; a registration made so its manage page exists."""
    from festival.programme.models import Event

    event_id = db.session.scalars(
        db.select(Event.id).where(Event.booking_required).order_by(Event.id)
    ).first()
    created = client.post(
        "/api/v1/registrations",
        json={
            "contact": {"name": "Ana", "email": "ana@example.org"},
            "attendees": [{"name": "Ana"}, {"name": "Jan"}],
            "bookings": [event_id],
            "consent": True,
        },
    )
    assert created.status_code == 201, created.json
    manage = created.json["registration"]["manage_url"].replace("http://festival.test", "")
    return f"http://127.0.0.1:{serve(app)}", manage


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_registration_flow_and_manage_page_pass_axe(browser, site, lang):
    base, manage = site
    token = manage.rstrip("/").rsplit("/", 1)[-1]
    page = browser.new_page()
    problems = {}
    for path in (
        f"/{lang}/inscription",
        f"/{lang}/inscription/confirmation/{token}",
        manage.replace("/fr/", f"/{lang}/", 1),
    ):
        page.goto(base + path)
        problems[path] = axe_violations(page)
    # The form shown again with its errors next to the fields.
    page.goto(base + f"/{lang}/inscription")
    page.locator("button[type=submit]").last.press("Enter")
    page.wait_for_load_state()
    problems[f"/{lang}/inscription (errors)"] = axe_violations(page)
    assert {path: found for path, found in problems.items() if found} == {}


def _tab_to(page, selector: str, limit: int = 200) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    target = page.locator(selector).first
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_only_registration_end_to_end(browser, site):
    from playwright.sync_api import expect

    base, _ = site
    page = browser.new_page()
    page.goto(base + "/en/inscription")
    _tab_to(page, "#contact_name")
    page.keyboard.type("Ana Kowalska")
    _tab_to(page, "#contact_email")
    page.keyboard.type("ana.keyboard@example.org")
    _tab_to(page, "#attendees-0")
    page.keyboard.type("Ana Kowalska")
    _tab_to(page, "input[name=events]")
    page.keyboard.press("Space")
    _tab_to(page, "#consent")
    page.keyboard.press("Space")
    _tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/inscription/confirmation/**")
    expect(page.locator("main")).to_contain_text("Ana Kowalska")
