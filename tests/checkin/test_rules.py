"""check_in rules, one per test (service level, both engines)."""

from datetime import timedelta

from sqlalchemy import func, select

from festival.checkin.models import Admission, Device, Scan
from festival.extensions import db
from festival.tickets.services import cancel_ticket, code_for, reissue_ticket


def test_first_entry_at_the_entrance_is_ok(make_ticket, scan):
    ticket, code = make_ticket(name="Ana")
    outcome = scan(code)
    assert outcome.result == "ok"
    assert outcome.attendee == {"name": "Ana", "group_size": 1}


def test_second_entry_same_day_is_already_checked_in_with_first_entry(make_ticket, scan, fest, now):
    device = Device(public_id="phone-aaaaaaaa", name="Porte A")
    db.session.add(device)
    db.session.commit()
    _, code = make_ticket(name="Ana")
    scan(code, device_id=device.id)
    outcome = scan(code, at=now + timedelta(minutes=20))
    assert outcome.result == "already_checked_in"
    assert outcome.attendee["name"] == "Ana"
    assert outcome.first_entry == {
        "at": now.isoformat(),
        "checkpoint_id": fest.entrance.id,
        "device": "Porte A",
    }


def test_exit_then_entry_is_ok_again(make_ticket, scan):
    _, code = make_ticket()
    scan(code)
    assert scan(code, direction="out").result == "ok"
    assert scan(code).result == "ok"
    assert scan(code).result == "already_checked_in"


def test_next_day_admits_again(make_ticket, scan, now):
    _, code = make_ticket()
    scan(code)
    assert scan(code, at=now + timedelta(days=1)).result == "ok"


def test_day_outside_the_edition_is_wrong_day(make_ticket, scan, now):
    _, code = make_ticket()
    assert scan(code, at=now + timedelta(days=5)).result == "wrong_day"


def test_event_door_needs_a_booking(make_ticket, scan, fest):
    _, code = make_ticket()
    assert scan(code, fest.door).result == "not_booked"


def test_event_door_admits_a_confirmed_booking_once(make_ticket, scan, fest):
    _, code = make_ticket(event_ids=[fest.event.id])
    assert scan(code, fest.door).result == "ok"
    assert scan(code, fest.door).result == "already_checked_in"


def test_waitlisted_booking_is_refused(make_ticket, scan, fest):
    _, code = make_ticket(event_ids=[fest.event.id], booking_status="waitlisted")
    assert scan(code, fest.door).result == "waitlisted"


def test_cancelled_booking_is_refused(make_ticket, scan, fest):
    _, code = make_ticket(event_ids=[fest.event.id], booking_status="cancelled")
    assert scan(code, fest.door).result == "cancelled"


def test_event_door_on_another_day_is_wrong_day(make_ticket, scan, fest, now):
    _, code = make_ticket(event_ids=[fest.event.id])
    assert scan(code, fest.door, at=now + timedelta(days=1)).result == "wrong_day"


def test_reissued_ticket_old_code_is_revoked(make_ticket, scan):
    ticket, old = make_ticket()
    reissue_ticket(ticket)
    new = code_for(ticket)
    db.session.commit()
    assert scan(old).result == "revoked"
    assert scan(new).result == "ok"


def test_cancelled_ticket_is_revoked(make_ticket, scan):
    ticket, code = make_ticket()
    cancel_ticket(ticket)
    db.session.commit()
    assert scan(code).result == "revoked"


def test_garbage_and_forged_codes_are_invalid(make_ticket, scan):
    _, code = make_ticket()
    forged = code[:-10] + ("A" if code[-10] != "A" else "B") + code[-9:]
    assert scan("not a code").result == "invalid"
    assert scan(forged).result == "invalid"


def test_unknown_checkpoint(make_ticket, scan):
    _, code = make_ticket()
    assert scan(code, checkpoint_id=999_999).result == "unknown_checkpoint"


def test_short_code_only_when_allowed(make_ticket, scan):
    ticket, _ = make_ticket()
    typed = ticket.short_code.lower()[:4] + "-" + ticket.short_code[4:]
    assert scan(typed).result == "invalid"
    assert scan(typed, allow_short_code=True).result == "ok"


def test_group_counts_its_head_count(make_ticket, scan, fest):
    from festival.checkin.stats import inside_now_per_venue

    _, code = make_ticket(group_size=25)
    outcome = scan(code)
    assert outcome.attendee["group_size"] == 25
    day = fest.edition.starts_on
    assert inside_now_per_venue(fest.edition.id, day)[0]["inside_now"] == 25


def test_repeated_nonce_replays_and_writes_nothing(make_ticket, scan):
    _, code = make_ticket()
    first = scan(code, nonce="nonce-0001")
    again = scan(code, nonce="nonce-0001")
    assert again.to_dict() == first.to_dict() and again.result == "ok"
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 1


def test_every_scan_is_logged_refused_too(make_ticket, scan, volunteer):
    _, code = make_ticket()
    scan(code, user_id=volunteer.id)
    scan("garbage", user_id=volunteer.id)
    rows = db.session.execute(select(Scan.result, Scan.user_id).order_by(Scan.id)).all()
    assert rows == [("ok", volunteer.id), ("invalid", volunteer.id)]


def test_offline_scan_is_recorded_when_it_happened(make_ticket, scan, now):
    _, code = make_ticket()
    earlier = now - timedelta(minutes=40)
    scan(code, offline=True, scanned_at=earlier, at=now)
    admission = db.session.scalar(select(Admission))
    assert admission.first_at == earlier


def test_offline_second_admission_on_another_device_is_a_double_entry(make_ticket, scan, now):
    a, b = Device(public_id="phone-a-0001"), Device(public_id="phone-b-0001")
    db.session.add_all([a, b])
    db.session.commit()
    _, code = make_ticket()
    scan(code, device_id=a.id)
    outcome = scan(code, device_id=b.id, offline=True, scanned_at=now - timedelta(minutes=1))
    assert outcome.result == "already_checked_in"
    assert db.session.scalar(select(Admission.is_double_entry)) is True


def test_online_rescan_is_not_a_double_entry(make_ticket, scan):
    _, code = make_ticket()
    scan(code)
    scan(code)
    assert db.session.scalar(select(Admission.is_double_entry)) is False
