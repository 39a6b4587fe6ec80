"""A seeded festival for organiser tests: people inserted directly, scans through check-in."""

import secrets
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from festival.extensions import db

NOW = datetime(2031, 5, 17, 14, 0, tzinfo=UTC)  # Saturday 16:00 in Paris


@pytest.fixture
def festival(demo):
    """The demo festival with its checkpoints and helpers to add people and entries."""
    from festival.checkin.checkpoints import ensure_checkpoints
    from festival.checkin.models import Checkpoint, CheckpointKind, Device
    from festival.checkin.services import ScanRequest, check_in
    from festival.checkin.walkins import WalkInRequest, record_walk_in
    from festival.programme.models import Event
    from festival.registration.models import Attendee, Booking, Registration
    from festival.tickets.services import code_for, issue_ticket

    checkpoints = ensure_checkpoints(demo.id)
    events = db.session.scalars(
        select(Event).where(Event.edition_id == demo.id).order_by(Event.starts_at, Event.id)
    ).all()
    bookable = [e for e in events if e.capacity is not None]
    venue_door = {c.venue_id: c for c in checkpoints if c.kind == CheckpointKind.VENUE}
    event_door = {c.event_id: c for c in checkpoints if c.kind == CheckpointKind.EVENT}

    def register(name, email, postal_code="62110", events=(), group_size=1, waitlisted=()):
        reg = Registration(
            edition_id=demo.id,
            contact_name=name,
            contact_email=email,
            postal_code=postal_code,
            manage_token=secrets.token_urlsafe(32),
            consent_at=NOW,
        )
        attendee = Attendee(registration=reg, name=name, group_size=group_size)
        db.session.add_all([reg, attendee])
        db.session.flush()
        for event in events:
            event.seats_taken += group_size
            db.session.add(
                Booking(
                    attendee=attendee,
                    event_id=event.id,
                    seats=group_size,
                    status="confirmed",
                    confirmed_at=NOW,
                )
            )
        for position, event in enumerate(waitlisted, start=1):
            db.session.add(
                Booking(
                    attendee=attendee,
                    event_id=event.id,
                    seats=group_size,
                    status="waitlisted",
                    waitlist_position=position,
                )
            )
        ticket = issue_ticket(attendee, demo.id, NOW)
        db.session.flush()
        return SimpleNamespace(registration=reg, attendee=attendee, ticket=ticket)

    devices = [Device(public_id="orga-phone-a"), Device(public_id="orga-phone-b")]
    db.session.add_all(devices)
    db.session.flush()

    def admit(ticket, checkpoint, at, double=False):
        """Scan the ticket in through the check-in service (which keeps its counters).

        ``double``: a second phone, offline, let the same ticket in too (sync flags it).
        """
        runs = [(devices[0].id, False), (devices[1].id, True)] if double else [(None, False)]
        for device_id, offline in runs:
            request = ScanRequest(
                code=code_for(ticket),
                checkpoint_id=checkpoint.id,
                nonce=secrets.token_hex(8),
                device_id=device_id,
                offline=offline,
                scanned_at=at if offline else None,
            )
            outcome = check_in(request, at)
            assert outcome.result in ("ok", "already_checked_in"), outcome.result
        db.session.flush()

    def walk_in(checkpoint, people, at):
        record_walk_in(WalkInRequest(checkpoint.id, secrets.token_hex(8), people), at)
        db.session.flush()

    return SimpleNamespace(
        edition=demo,
        events=events,
        bookable=bookable,
        venue_door=venue_door,
        event_door=event_door,
        register=register,
        admit=admit,
        walk_in=walk_in,
        Checkpoint=Checkpoint,
        day=date(2031, 5, 17),
        now=NOW,
        timedelta=timedelta,
    )


@pytest.fixture
def seeded(festival):
    """A few people booked, admitted and walked in: the figures the tests check."""
    f = festival
    first, second = f.bookable[0], f.bookable[1]
    people = [
        f.register("Ana Nowak", "ana@example.org", "62110", [first, second]),
        f.register("Karim B.", "karim@example.org", "62300", [first]),
        f.register("École Jaurès", "ecole@example.org", "62110", [second], group_size=5),
        f.register("Léa Martin", "lea@example.org", None, [], waitlisted=[]),
    ]
    saturday = datetime(2031, 5, 17, 8, 5, tzinfo=UTC)
    door = f.venue_door[first.venue_id]
    f.admit(people[0].ticket, door, saturday)
    f.admit(people[1].ticket, door, saturday + timedelta(minutes=20))
    f.admit(people[0].ticket, f.event_door[first.id], saturday + timedelta(minutes=30), double=True)
    f.walk_in(door, 3, saturday + timedelta(minutes=2))
    db.session.commit()
    f.people = people
    return f


@pytest.fixture
def organiser(make_user, login_as):
    user = make_user("orga@example.org", "organiser")
    login_as(user)
    return user
