"""axe-core over the staff pages: the scanner (a volunteer) and the dashboard (an organiser).

Both pages live outside /<lang>/: the language comes from the browser (Accept-Language), as it
would on a volunteer's phone. Signed in through the real sign-in form. axe is loaded from our
own origin (vendored, test-only), so the strict CSP stays on; WCAG 2.1 A/AA rules.
"""

import pytest

from festival.extensions import db

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
BLOCKING = {"serious", "critical"}


@pytest.fixture
def database_url(tmp_path):
    return f"sqlite:///{tmp_path / 'a11y-staff.sqlite3'}"


@pytest.fixture
def base(app, serve, demo, make_user):
    make_user("volunteer@example.org", "volunteer", PASSWORD)
    make_user("orga@example.org", "organiser", PASSWORD)
    db.session.commit()
    return f"http://127.0.0.1:{serve(app)}"


def axe_run(page) -> list[dict]:
    """Give axe's violations (id, impact, targets) on the page as it is now."""
    page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    result = page.evaluate(
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
    )
    assert len(result["passes"]) > 10  # axe did run its checks
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


def _signed_in_page(browser, base: str, lang: str, email: str):
    context = browser.new_context(locale=lang, extra_http_headers={"Accept-Language": lang})
    page = context.new_page()
    page.goto(f"{base}/{lang}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_load_state()
    return page


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_scanner_page_has_no_serious_violation(browser, base, lang):
    page = _signed_in_page(browser, base, lang, "volunteer@example.org")
    assert page.url.endswith("/scan"), page.url  # a volunteer lands on the scanner
    assert page.locator("html").get_attribute("lang") == lang
    # The page finished starting up: its checkpoint list is filled from the API.
    page.wait_for_function("document.querySelectorAll('select option').length > 0", timeout=15000)
    found = axe_run(page)
    print(f"\n/scan [{lang}] all violations: {found}")
    assert [v for v in found if v["impact"] in BLOCKING] == []


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_dashboard_has_no_serious_violation(browser, base, lang):
    page = _signed_in_page(browser, base, lang, "orga@example.org")
    page.goto(f"{base}/organisateur/")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    page.wait_for_load_state("networkidle")  # the figures arrive from the JSON endpoint
    found = axe_run(page)
    print(f"\n/organisateur/ [{lang}] all violations: {found}")
    assert [v for v in found if v["impact"] in BLOCKING] == []


def test_the_audit_catches_a_broken_staff_page(browser, base):
    """The control: the same audit on the dashboard with an unlabelled field and an image
    without text finds them, so a clean result above means something."""
    page = _signed_in_page(browser, base, "fr", "orga@example.org")
    page.goto(f"{base}/organisateur/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<input type=text><img src=/static/missing.png>')"
    )
    blocking = {v["id"] for v in axe_run(page) if v["impact"] in BLOCKING}
    assert {"label", "image-alt"} <= blocking
