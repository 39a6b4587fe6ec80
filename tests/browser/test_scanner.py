"""The scanner page in Chromium: fake camera, verdicts, offline decisions and sync."""

import re
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from festival.checkin.models import Admission, Scan
from festival.extensions import db
from tests.browser.conftest import open_scanner, qr_luma

pytestmark = pytest.mark.browser
VERDICT_TIMEOUT = 15000


def reconnect_and_sync(context, page) -> None:
    """Bring the network back and wait until the phone has sent its whole queue."""
    context.set_offline(False)
    expect(page.locator("#queue-status")).to_have_text(
        "En attente d'envoi : 0", timeout=VERDICT_TIMEOUT
    )


def test_camera_reads_a_real_ticket_green_then_orange(launch_with_clip, live_server):
    """A clip of an issued ticket's QR admits; the same QR shown again says already in."""
    browser = launch_with_clip(f"ticket-{live_server.code[-16:]}", qr_luma(live_server.code))
    context, page = open_scanner(browser, live_server)
    verdict = page.locator("#verdict")
    expect(verdict).to_have_attribute("data-result", "ok", timeout=VERDICT_TIMEOUT)
    expect(page.locator("#verdict-title")).to_have_text("Entrée validée")
    expect(page.locator("#verdict-name")).to_have_text("Amina Benali")
    # The same QR stays in front of the camera: after the cooldown it is a second scan.
    expect(verdict).to_have_attribute("data-result", "already_checked_in", timeout=VERDICT_TIMEOUT)
    expect(page.locator("#verdict-title")).to_have_text("Déjà entré·e")
    expect(page.locator("#verdict-detail")).to_contain_text("Première entrée à")
    context.close()
    with live_server.app.app_context():
        results = db.session.scalars(select(Scan.result).order_by(Scan.id)).all()
    # Held in front of the lens for seconds: far fewer scans than frames.
    assert results[:2] == ["ok", "already_checked_in"]
    assert len(results) <= 4


def test_blank_frames_give_no_verdict(blank_browser, live_server):
    """The negative control: the camera runs, frames are read, nothing is decoded."""
    context, page = open_scanner(blank_browser, live_server)
    root = page.locator("#scanner")
    expect(root).to_have_attribute("data-camera", "on", timeout=VERDICT_TIMEOUT)
    time.sleep(3)
    assert int(root.get_attribute("data-frames")) > 5
    expect(page.locator("#verdict")).to_be_hidden()
    expect(page.locator("#verdict")).to_have_attribute("data-result", "")
    context.close()
    with live_server.app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Scan)) == 0


def forge(code: str) -> str:
    """Change one signature character: well formed, wrongly signed."""
    i = 60
    return code[:i] + ("A" if code[i] != "A" else "B") + code[i + 1 :]


# A browser without WebCrypto Ed25519 (older Safari, Firefox < 129): the page falls back to
# the vendored @noble/ed25519. Init scripts run outside the page's CSP.
NO_WEBCRYPTO_ED25519 = """
const importKey = crypto.subtle.importKey.bind(crypto.subtle);
crypto.subtle.importKey = (format, key, algorithm, ...rest) =>
  algorithm && algorithm.name === "Ed25519"
    ? Promise.reject(new DOMException("unsupported", "NotSupportedError"))
    : importKey(format, key, algorithm, ...rest);
"""


@pytest.mark.parametrize("verifier", ["webcrypto", "noble"])
def test_offline_decides_locally_then_syncs_exactly_once(blank_browser, live_server, verifier):
    """The network drops: valid code admitted, forged refused, re-entry orange; then sync."""
    script = NO_WEBCRYPTO_ED25519 if verifier == "noble" else ""
    context, page = open_scanner(blank_browser, live_server, init_script=script)
    root = page.locator("#scanner")
    expect(root).to_have_attribute("data-pack", "ready", timeout=VERDICT_TIMEOUT)
    expect(root).to_have_attribute("data-sw", "ready", timeout=VERDICT_TIMEOUT)

    context.set_offline(True)
    page.reload()  # served by the service worker
    expect(root).to_have_attribute("data-ready", "true", timeout=VERDICT_TIMEOUT)
    expect(page.locator("#net-status")).to_have_text("Hors ligne")
    code_input = page.locator("#code-input")

    code_input.fill(live_server.code)
    code_input.press("Enter")
    expect(page.locator("#verdict")).to_have_attribute("data-result", "ok")
    expect(page.locator("#verdict-detail")).to_contain_text("Décidé hors ligne")
    page.locator("#verdict").click()

    code_input.fill(forge(live_server.code))
    code_input.press("Enter")
    expect(page.locator("#verdict")).to_have_attribute("data-result", "invalid")
    expect(page.locator("#verdict-title")).to_have_text("Code invalide ou falsifié")
    page.locator("#verdict").click()

    code_input.fill(live_server.code)  # the same ticket again, still offline: orange
    code_input.press("Enter")
    expect(page.locator("#verdict")).to_have_attribute("data-result", "already_checked_in")
    expect(page.locator("#queue-status")).to_have_text("En attente d'envoi : 3")

    reconnect_and_sync(context, page)
    context.close()
    with live_server.app.app_context():
        scans = db.session.scalars(select(Scan).order_by(Scan.id)).all()
    assert [s.result for s in scans] == ["ok", "invalid", "already_checked_in"]
    assert all(s.is_offline for s in scans)
    assert [s.ticket_id for s in scans] == [live_server.ticket_id, None, live_server.ticket_id]


def test_typed_short_code_in_arabic_then_undo(blank_browser, live_server):
    """The fallback a volunteer types, in Arabic (right to left), and the undo of a mistake."""
    context, page = open_scanner(blank_browser, live_server, locale="ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    code_input = page.locator("#code-input")
    code_input.fill(live_server.short_code.lower())
    code_input.press("Enter")
    expect(page.locator("#verdict")).to_have_attribute("data-result", "ok")
    expect(page.locator("#verdict-title")).to_have_text("الدخول مقبول")
    page.locator("#verdict").click()
    page.locator("#undo").click()
    expect(page.locator("#undo-status")).to_have_text("تم إلغاء آخر مسح")
    context.close()
    with live_server.app.app_context():
        scan = db.session.scalars(select(Scan)).one()
    assert scan.result == "ok" and scan.undone_at is not None


def test_name_search_and_walk_ins(blank_browser, live_server):
    """Without a code: find the person by name; without a ticket: +1 and the quick form."""
    from festival.checkin.models import WalkIn

    context, page = open_scanner(blank_browser, live_server)
    page.locator("#search-input").fill("amina")
    page.locator("#search-input").press("Enter")
    page.get_by_role("button", name="Amina Benali").click()
    expect(page.locator("#verdict")).to_have_attribute("data-result", "ok")
    page.locator("#verdict").click()

    page.locator("#plus-one").click()
    expect(page.locator("#walk-in-status")).to_have_text(
        "Entrée sans billet comptée (1 aujourd'hui)"
    )
    page.locator("summary").click()
    page.locator("#walk-in-people").fill("3")
    page.locator("#walk-in-postal").fill("62110")
    page.locator("#walk-in-form button").click()
    expect(page.locator("#walk-in-status")).to_contain_text("Entrée sans billet comptée (")
    context.close()
    with live_server.app.app_context():
        people = db.session.scalars(select(WalkIn.people).order_by(WalkIn.id)).all()
    assert people == [1, 3]


def scan(page, code: str, result: str, kind: str | None = None) -> None:
    """Type (or hardware-scan) ``code`` and wait for its verdict, then dismiss it."""
    code_input = page.locator("#code-input")
    code_input.fill(code)
    code_input.press("Enter")
    verdict = page.locator("#verdict")
    expect(verdict).to_have_attribute("data-result", result, timeout=VERDICT_TIMEOUT)
    if kind:
        expect(verdict).to_have_attribute("data-kind", kind)
    verdict.click()
    expect(verdict).to_be_hidden()


def test_exit_scan_lets_the_visitor_back_in_green(blank_browser, live_server):
    """At an entrance: admitted, exit scanned, admitted again is green, not orange."""
    context, page = open_scanner(blank_browser, live_server)
    expect(page.locator("#direction")).to_be_visible()
    scan(page, live_server.code, "ok", "ok")
    page.get_by_label("Sortie", exact=True).check()
    scan(page, live_server.code, "ok", "exit")
    page.get_by_label("Entrée", exact=True).check()
    scan(page, live_server.code, "ok", "ok")
    scan(page, live_server.code, "already_checked_in", "already")  # no exit in between
    context.close()
    with live_server.app.app_context():
        scans = db.session.scalars(select(Scan).order_by(Scan.id)).all()
        inside = db.session.scalar(select(Admission.is_inside))
    assert [(s.direction, s.result) for s in scans] == [
        ("in", "ok"),
        ("out", "ok"),
        ("in", "ok"),
        ("in", "already_checked_in"),
    ]
    assert [s.effect for s in scans] == ["admitted", "exited", "reentered", None]
    assert inside is True


def test_offline_exit_and_reentry_sync_at_the_time_they_happened(blank_browser, live_server):
    """Offline, the exit is decided locally too; the server replays the queue in door order."""
    context, page = open_scanner(blank_browser, live_server)
    root = page.locator("#scanner")
    expect(root).to_have_attribute("data-pack", "ready", timeout=VERDICT_TIMEOUT)
    context.set_offline(True)
    scan(page, live_server.code, "ok", "ok")
    page.get_by_label("Sortie", exact=True).check()
    scan(page, live_server.short_code, "ok", "exit")  # typed: found in the pack
    page.get_by_label("Entrée", exact=True).check()
    scan(page, live_server.code, "ok", "ok")
    scan(page, live_server.code, "already_checked_in", "already")
    expect(page.locator("#queue-status")).to_have_text("En attente d'envoi : 4")
    time.sleep(1)  # so that "when it happened" and "when it reached the server" differ
    reconnect_and_sync(context, page)
    context.close()
    with live_server.app.app_context():
        scans = db.session.scalars(select(Scan).order_by(Scan.scanned_at)).all()
        admission = db.session.scalars(select(Admission)).one()
    assert [(s.direction, s.result, s.effect) for s in scans] == [
        ("in", "ok", "admitted"),
        ("out", "ok", "exited"),
        ("in", "ok", "reentered"),
        ("in", "already_checked_in", None),
    ]
    assert all(s.is_offline and s.scanned_at < s.recorded_at for s in scans)
    assert admission.first_at == scans[0].scanned_at and admission.is_inside


def add_item_doors(server) -> dict[str, int]:
    """Two more booked items at the venue: tomorrow (booking confirmed), today (waitlisted)."""
    from datetime import timedelta

    from festival.checkin.checkpoints import ensure_checkpoints
    from festival.programme.models import Event
    from festival.registration.models import Attendee, Booking

    with server.app.app_context():
        polonais = db.session.scalars(select(Event)).one()
        attendee = db.session.scalars(select(Attendee)).one()
        doors = {}
        for slug, delay, status in (("demain", 1, "confirmed"), ("complet", 0, "waitlisted")):
            event = Event(
                edition_id=polonais.edition_id,
                venue_id=polonais.venue_id,
                slug=slug,
                kind="mini_course",
                title=slug.capitalize(),
                starts_at=polonais.starts_at + timedelta(days=delay),
                ends_at=polonais.ends_at + timedelta(days=delay),
                capacity=15,
                booking_required=True,
            )
            db.session.add(event)
            db.session.flush()
            db.session.add(
                Booking(
                    attendee_id=attendee.id,
                    event_id=event.id,
                    status=status,
                    waitlist_position=1 if status == "waitlisted" else None,
                )
            )
        checkpoints = ensure_checkpoints(polonais.edition_id)
        db.session.commit()
        for c in checkpoints:
            doors[c.name] = c.id
    return doors


def test_offline_item_doors_refuse_like_the_server(blank_browser, live_server):
    """Offline at an item's door: another day is wrong_day, waitlisted is refused, a typed
    short code of a ticket not booked there is not_booked; the server agrees at sync."""
    doors = add_item_doors(live_server)
    context, page = open_scanner(blank_browser, live_server)
    root = page.locator("#scanner")
    for title in ("Demain", "Complet", "Premiers pas en polonais"):  # packs loaded online
        page.locator("#checkpoint").select_option(str(doors[title]))
        expect(root).to_have_attribute("data-pack-checkpoint", str(doors[title]))
    expect(page.locator("#direction")).to_be_hidden()  # no exits at an item's door
    context.set_offline(True)
    scan(page, live_server.short_code, "not_booked")
    page.locator("#checkpoint").select_option(str(doors["Complet"]))
    expect(root).to_have_attribute("data-pack-checkpoint", str(doors["Complet"]))
    scan(page, live_server.code, "waitlisted")
    page.locator("#checkpoint").select_option(str(doors["Demain"]))
    expect(root).to_have_attribute("data-pack-checkpoint", str(doors["Demain"]))
    scan(page, live_server.code, "wrong_day")
    scan(page, live_server.short_code, "wrong_day")
    reconnect_and_sync(context, page)
    context.close()
    with live_server.app.app_context():
        results = db.session.scalars(select(Scan.result).order_by(Scan.scanned_at)).all()
    assert results == ["not_booked", "waitlisted", "wrong_day", "wrong_day"]


def test_volunteer_signs_in_through_the_login_form_then_admits(blank_browser, live_server):
    """No session shortcut: /scan sends to the sign-in form, which leads back to a green scan."""
    context = blank_browser.new_context(permissions=["camera"], locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + "/scan")
    expect(page).to_have_url(re.compile(r"/fr/login\?next=%2Fscan$|/fr/login\?next=/scan$"))
    page.get_by_label("Adresse e-mail").fill("benevole@example.org")
    page.get_by_label("Mot de passe").fill("correct horse battery")
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(live_server.url + "/scan")
    expect(page.locator("#scanner")).to_have_attribute("data-ready", "true", timeout=15000)
    scan(page, live_server.code, "ok", "ok")
    context.close()


def test_verdict_is_announced_and_not_by_colour_only(blank_browser, live_server):
    """A live region reads each verdict; a shape and a word go with the colour."""
    context, page = open_scanner(blank_browser, live_server)
    live = page.locator("#verdict-live")
    expect(live).to_have_attribute("aria-live", "assertive")
    code_input = page.locator("#code-input")
    code_input.fill(forge(live_server.code))
    code_input.press("Enter")
    expect(live).to_have_text(re.compile("^Code invalide ou falsifié"))
    icon = page.evaluate(
        "getComputedStyle(document.querySelector('#verdict .verdict-icon'), '::before').content"
    )
    assert icon == '"✕"'
    colours = page.evaluate(
        "(() => { const s = getComputedStyle(document.getElementById('verdict'));"
        " return [s.color, s.backgroundColor]; })()"
    )
    assert colours == ["rgb(255, 255, 255)", "rgb(176, 0, 32)"]
    context.close()


def test_chromium_finds_the_scanner_installable(blank_browser, live_server):
    """Chromium's own installability check: manifest, icons, service worker, start URL."""
    context, page = open_scanner(blank_browser, live_server)
    expect(page.locator("#scanner")).to_have_attribute("data-sw", "ready", timeout=VERDICT_TIMEOUT)
    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [], manifest["errors"]
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's contexts are incognito, where Chromium never installs: the only error left.
    assert [e["errorId"] for e in errors] == ["in-incognito"]
    context.close()
