"""PostgreSQL goes away in the middle of a load run, then comes back.

The shared PostgreSQL server is not stopped: a TCP proxy between the app and the server is cut
(open connections closed, new ones refused) and restored.
"""

import time

import pytest
from sqlalchemy import func, select

from festival.extensions import db
from festival.integrity import broken_invariants
from festival.registration.models import Registration
from tests.hardening import outage
from tests.hardening.conftest import LoadDriver, post_json

pytestmark = pytest.mark.slow
# The app reaches PostgreSQL through a proxy the test cuts (fixtures shared with the other
# outage test).
proxy = outage.proxy
database_url = outage.database_url
RECOVERY_BUDGET_S = 10


def test_database_outage_mid_load_gives_503_then_recovers(app, serve, proxy, make_event):
    event_id = make_event(capacity=40).id  # seats run out: waiting-list writes too
    db.session.commit()
    port = serve(app)
    with LoadDriver(port, event_id) as driver:
        # Cut only once registrations flow: a loaded machine can take seconds to warm up.
        assert driver.first_success_after(time.monotonic(), timeout=25) is not None
        time.sleep(0.5)
        proxy.cut()
        cut_at = time.monotonic()
        time.sleep(1.0)
        health_status, health = _get_health(port)
        time.sleep(1.0)
        proxy.restore()
        restored_at = time.monotonic()
        recovery = driver.first_success_after(restored_at, timeout=RECOVERY_BUDGET_S + 5)
        time.sleep(1.0)
    print(f"\nrecovery after the database returned: {recovery and recovery * 1000:.0f} ms")

    assert recovery is not None and recovery < RECOVERY_BUDGET_S
    assert (health_status, health["database"]) == (503, "unreachable")
    statuses = {status for _, status, _, _ in driver.answers}
    assert statuses <= {201, 503}, statuses
    # Judge the requests sent while the link was down: one sent just before the cut may have
    # committed and still answer 201 seconds later on a loaded machine (all in one process).
    during = [(s, b) for at, s, b, sent in driver.answers if cut_at < sent and at < restored_at]
    assert during and all(s == 503 for s, _ in during)
    for _, body in during:
        assert body["error"]["code"] == "unavailable"
        assert "indisponible" in body["error"]["message"]
    created = sum(status == 201 for _, status, _, _ in driver.answers)
    before = sum(s == 201 for at, s, _, _ in driver.answers if at < cut_at)
    after = sum(s == 201 for at, s, _, _ in driver.answers if at > restored_at)
    assert before > 0 and after > 0

    db.session.rollback()
    # Every 201 was committed; a commit whose answer was lost in the cut may add a few more.
    stored = db.session.scalar(select(func.count()).select_from(Registration))
    assert created <= stored <= created + 6
    assert broken_invariants() == []


def _get_health(port: int):
    import http.client
    import json

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/healthz")
    response = conn.getresponse()
    body = json.loads(response.read())
    conn.close()
    return response.status, body


def test_health_answers_503_at_once_while_database_is_cut(app, serve, proxy):
    port = serve(app)
    assert post_json(port, "/healthz", {})[0] == 405
    proxy.cut()
    started = time.monotonic()
    status, body = _get_health(port)
    assert (status, body["status"]) == (503, "unavailable")
    assert time.monotonic() - started < 5
    proxy.restore()
    assert _get_health(port)[0] == 200
