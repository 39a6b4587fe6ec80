"""50 phones scan the same ticket at the same instant: exactly one admission, on both engines."""

import threading

from sqlalchemy import func, select

from festival.checkin.models import Admission, CheckpointTally, Device
from festival.checkin.services import ScanRequest, check_in
from festival.extensions import db

SCANNERS = 50


def _race(app, worker, n=SCANNERS) -> list:
    # End the test's own transaction: on SQLite it would hold the write lock through the race.
    db.session.commit()
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        with app.app_context():
            barrier.wait()
            try:
                results[i] = worker(i)
                db.session.commit()
            except Exception as error:  # the test reports it; a thread must not swallow it
                results[i] = repr(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_fifty_simultaneous_scans_admit_exactly_one(app, fest, make_ticket, now):
    _, code = make_ticket()
    devices = [Device(public_id=f"race-device-{i:04d}") for i in range(SCANNERS)]
    db.session.add_all(devices)
    db.session.commit()
    ids = [d.id for d in devices]
    entrance = fest.entrance.id

    def scan(i):
        request = ScanRequest(
            code=code, checkpoint_id=entrance, nonce=f"race-nonce-{i:04d}", device_id=ids[i]
        )
        return check_in(request, now).result

    results = _race(app, scan)
    assert sorted(results).count("ok") == 1, results
    assert results.count("already_checked_in") == SCANNERS - 1, results
    assert db.session.scalar(select(func.count()).select_from(Admission)) == 1
    assert db.session.scalar(select(CheckpointTally.admitted)) == 1


def test_the_same_nonce_sent_fifty_times_is_one_scan(app, fest, make_ticket, now):
    _, code = make_ticket()
    entrance = fest.entrance.id

    def scan(i):
        request = ScanRequest(code=code, checkpoint_id=entrance, nonce="same-nonce-0001")
        return check_in(request, now).result

    results = _race(app, scan, n=20)
    assert results == ["ok"] * 20, results
    assert db.session.scalar(select(func.count()).select_from(Admission)) == 1
