"""PostgreSQL goes away while volunteers are scanning at the door, then comes back.

A scanner must never show "ok" for a ticket the server could not check: while the link is cut,
every scan answers 503 "unavailable" (the phone says "cannot verify" and keeps the scan to
retry). The link is cut in a TCP proxy between the app and the shared server (see tcp_proxy.py).
"""

import secrets
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from festival.accounts.services import create_api_token
from festival.checkin.checkpoints import ensure_checkpoints
from festival.checkin.models import Admission, CheckpointKind, Scan
from festival.extensions import db
from festival.integrity import broken_invariants
from festival.registration.models import Attendee, Registration
from festival.tickets.services import code_for, issue_ticket
from tests.hardening import outage
from tests.hardening.conftest import ThreadedDriver, post_json

pytestmark = pytest.mark.slow
# The app reaches PostgreSQL through a proxy the test cuts (fixtures shared with the other
# outage test).
proxy = outage.proxy
database_url = outage.database_url
RECOVERY_BUDGET_S = 10
TICKETS = 120  # fewer than the scans of a run: repeated tickets answer "already checked in"
SCANNERS = 4


@pytest.fixture
def door(app, make_edition, make_venue, make_event, make_user):
    """An edition running today, its venue entrance, tickets and a volunteer's API token."""
    now = datetime.now(UTC)
    today = now.date()
    edition = make_edition(starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=1))
    venue = make_venue(name="L'Escapade")
    make_event(edition=edition, venue=venue)  # a venue gets its entrance once it hosts an item
    entrance = next(c for c in ensure_checkpoints(edition.id) if c.kind == CheckpointKind.VENUE)
    entrance_id = entrance.id  # read now: after the commit it would reload, holding a connection
    codes = []
    for n in range(TICKETS):
        registration = Registration(
            edition_id=edition.id,
            contact_name=f"Contact {n}",
            contact_email=f"contact{n}@example.org",
            manage_token=secrets.token_urlsafe(32),
            created_at=now,
        )
        attendee = Attendee(name=f"Personne {n}", group_size=1)
        registration.attendees.append(attendee)
        db.session.add(registration)
        db.session.flush()
        codes.append(code_for(issue_ticket(attendee, edition.id, now)))
    make_user("volunteer@example.org", "volunteer")
    token = create_api_token("volunteer@example.org", now)
    db.session.commit()
    return entrance_id, codes, token


def post_scan(port, token, checkpoint_id, code, nonce) -> tuple[int, dict | None]:
    body = {"code": code, "checkpoint_id": checkpoint_id, "nonce": nonce}
    return post_json(port, "/api/v1/checkins", body, headers={"Authorization": f"Bearer {token}"})


class ScanDriver(ThreadedDriver):
    """Scanners, each scanning tickets of the pool with a fresh nonce every time.

    Answers are kept as (answered_at, status, body, sent_at, nonce, code).
    """

    def __init__(self, port: int, token: str, checkpoint_id: int, codes: list[str]):
        self.port, self.token, self.checkpoint_id, self.codes = port, token, checkpoint_id, codes
        super().__init__(SCANNERS)

    def send(self, client: int, n: int) -> tuple:
        code = self.codes[(client * 37 + n * 7) % len(self.codes)]
        nonce = f"fault-{client}-{n}-{secrets.token_hex(4)}"
        status, body = post_scan(self.port, self.token, self.checkpoint_id, code, nonce)
        return status, body, nonce, code


def test_database_cut_mid_scanning_never_answers_ok_then_recovers(app, serve, proxy, door):
    checkpoint_id, codes, token = door
    port = serve(app)
    with ScanDriver(port, token, checkpoint_id, codes) as driver:
        # Cut only once scans flow: a loaded machine can take seconds to warm up.
        assert driver.first_success_after(time.monotonic(), timeout=25) is not None
        time.sleep(0.5)
        proxy.cut()
        cut_at = time.monotonic()
        time.sleep(2.0)
        proxy.restore()
        restored_at = time.monotonic()
        recovery = driver.first_success_after(restored_at, timeout=RECOVERY_BUDGET_S + 5)
        time.sleep(1.0)
    print(
        f"\nscans answered: {len(driver.answers)}; recovery: {recovery and recovery * 1000:.0f} ms"
    )

    assert recovery is not None and recovery < RECOVERY_BUDGET_S
    for _, status, body, _, _, _ in driver.answers:
        assert status in (200, 503), (status, body)
        if status == 200:
            assert body["result"], body
        else:
            assert body["error"]["code"] == "unavailable", body
            assert "indisponible" in body["error"]["message"]
    # Sent while the link was down and answered before it came back: never "ok", always 503.
    during = [
        (s, b) for at, s, b, sent, _, _ in driver.answers if cut_at < sent and at < restored_at
    ]
    assert during and all(s == 503 for s, _ in during), during
    assert any(s == 200 and b["result"] == "ok" for _, s, b, *_ in driver.answers)

    # The phone retries every scan it could not verify, with the same nonce; then once more, as
    # a flaky network would. Each retry is answered, and a nonce admits at most once.
    final = {nonce: (s, b) for _, s, b, _, nonce, _ in driver.answers}
    code_of = {nonce: code for *_, nonce, code in driver.answers}
    for nonce, (status, _) in list(final.items()):
        if status != 200:
            first = post_scan(port, token, checkpoint_id, code_of[nonce], nonce)
            again = post_scan(port, token, checkpoint_id, code_of[nonce], nonce)
            assert first[0] == again[0] == 200, (first, again)
            assert first[1]["result"] == again[1]["result"]
            assert first[1]["scan_id"] == again[1]["scan_id"]  # the same scan, replayed
            final[nonce] = first

    db.session.remove()  # a fresh connection: any the test held before the cut is dead
    ok_per_code: dict[str, int] = {}
    for nonce, (_, body) in final.items():
        if body["result"] == "ok":
            ok_per_code[code_of[nonce]] = ok_per_code.get(code_of[nonce], 0) + 1
    assert all(count == 1 for count in ok_per_code.values()), ok_per_code
    admissions = db.session.scalar(select(func.count()).select_from(Admission))
    ok_scans = db.session.scalar(select(func.count()).where(Scan.result == "ok"))
    assert ok_scans == admissions == len(ok_per_code)
    # One row per nonce sent, none left half-written.
    assert db.session.scalar(select(func.count()).select_from(Scan)) == len(final)
    assert db.session.scalar(select(func.count()).where(Scan.result == "pending")) == 0
    assert broken_invariants() == []
