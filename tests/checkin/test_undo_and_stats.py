"""Undo, walk-ins and the attendance figures (service level, both engines)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from festival.accounts.api_auth import ApiCaller
from festival.checkin import stats
from festival.checkin.models import Admission, Scan
from festival.checkin.undo import undo_scan
from festival.checkin.walkins import WalkInRequest, record_walk_in
from festival.errors import DomainError
from festival.extensions import db


def _undo(nonce, user, at):
    scan = undo_scan(nonce, user, at, undo_minutes=5)
    db.session.commit()
    return scan


def test_undo_removes_the_admission_and_is_logged(make_ticket, scan, volunteer, now):
    _, code = make_ticket()
    scan(code, nonce="undo-nonce-1", user_id=volunteer.id)
    undone = _undo("undo-nonce-1", volunteer, now + timedelta(minutes=2))
    assert undone.undone_at == now + timedelta(minutes=2) and undone.undone_by_id == volunteer.id
    assert db.session.scalar(select(func.count()).select_from(Admission)) == 0
    assert scan(code).result == "ok"


def test_undo_after_the_delay_is_refused(make_ticket, scan, volunteer, now):
    _, code = make_ticket()
    scan(code, nonce="undo-nonce-1", user_id=volunteer.id)
    with pytest.raises(DomainError) as error:
        _undo("undo-nonce-1", volunteer, now + timedelta(minutes=6))
    assert error.value.code == "too_late"


def test_undo_of_someone_elses_scan_is_refused(make_ticket, scan, volunteer, now):
    _, code = make_ticket()
    scan(code, nonce="undo-nonce-1", user_id=volunteer.id)
    with pytest.raises(DomainError) as error:
        _undo("undo-nonce-1", ApiCaller(volunteer.id + 1, "volunteer"), now)
    assert error.value.status == 403


def test_undo_of_an_exit_puts_the_person_back_inside(make_ticket, scan, volunteer, fest, now):
    _, code = make_ticket()
    scan(code)
    scan(code, direction="out", nonce="exit-nonce-1", user_id=volunteer.id)
    _undo("exit-nonce-1", volunteer, now)
    assert stats.inside_now_per_venue(fest.edition.id, fest.edition.starts_on)[0]["inside_now"] == 1
    assert db.session.scalar(select(Scan.undone_at).where(Scan.nonce == "exit-nonce-1"))


def test_inside_now_counts_entries_minus_exits(make_ticket, scan, fest):
    codes = [make_ticket()[1] for _ in range(3)]
    for code in codes:
        scan(code)
    scan(codes[0], direction="out")
    venues = stats.inside_now_per_venue(fest.edition.id, fest.edition.starts_on)
    assert venues == [{"venue_id": fest.venue.id, "inside_now": 2, "walk_ins_today": 0}]


def test_totals_and_per_event_figures(make_ticket, scan, fest, now):
    _, booked = make_ticket(event_ids=[fest.event.id], group_size=4)
    make_ticket()
    fest.event.seats_taken = 4
    db.session.commit()
    scan(booked)
    scan(booked, fest.door)
    record_walk_in(WalkInRequest(checkpoint_id=fest.entrance.id, nonce="walk-in-0001"), now)
    assert stats.attendance_totals(fest.edition.id) == {
        "registered": 5,
        "admitted": 4,
        "walk_ins": 1,
    }
    assert stats.admitted_per_event(fest.edition.id) == [
        {"event_id": fest.event.id, "registered": 4, "admitted": 4}
    ]


def test_entries_per_quarter_hour(make_ticket, scan, fest, now):
    for minutes in (0, 5, 20):
        scan(make_ticket()[1], at=now + timedelta(minutes=minutes))
    buckets = stats.entries_per_quarter_hour(fest.edition.id, fest.edition.starts_on)
    assert buckets == [
        {"starts_at": "2031-05-17T10:00:00+02:00", "people": 2},
        {"starts_at": "2031-05-17T10:15:00+02:00", "people": 1},
    ]


def test_entries_per_quarter_hour_add_walk_ins_and_drop_undone_entries(
    make_ticket, scan, volunteer, fest, now
):
    from festival.integrity import broken_invariants

    scan(make_ticket()[1], nonce="quarter-nonce-1", user_id=volunteer.id)
    scan(make_ticket()[1], at=now + timedelta(minutes=20))
    scan(make_ticket()[1], at=now + timedelta(minutes=25))
    record_walk_in(WalkInRequest(fest.entrance.id, "walk-in-0001", people=3), now)
    db.session.commit()
    _undo("quarter-nonce-1", volunteer, now + timedelta(minutes=1))
    day = fest.edition.starts_on
    assert stats.entries_per_quarter_hour(fest.edition.id, day, walk_ins=True) == [
        {"starts_at": "2031-05-17T10:00:00+02:00", "people": 3},
        {"starts_at": "2031-05-17T10:15:00+02:00", "people": 2},
    ]
    assert stats.entries_per_quarter_hour(fest.edition.id, day) == [
        {"starts_at": "2031-05-17T10:15:00+02:00", "people": 2}
    ]
    assert broken_invariants() == []


def test_double_entries_are_listed_for_organisers(make_ticket, scan, fest, now):
    from festival.checkin.models import Device

    a, b = Device(public_id="phone-a-0001"), Device(public_id="phone-b-0001")
    db.session.add_all([a, b])
    db.session.commit()
    _, code = make_ticket(name="Ana")
    scan(code, device_id=a.id)
    scan(code, device_id=b.id, offline=True, scanned_at=now)
    listed = stats.double_entries(fest.edition.id)
    assert [(d["name"], d["checkpoint_id"]) for d in listed] == [("Ana", fest.entrance.id)]
