"""Check-in fixtures: a small festival with its doors, tickets made directly, a scan helper."""

import itertools
import secrets
from types import SimpleNamespace

import pytest

from festival.accounts.services import create_api_token
from festival.checkin.checkpoints import ensure_checkpoints
from festival.checkin.models import CheckpointKind
from festival.checkin.services import ScanRequest, check_in
from festival.extensions import db
from festival.registration.models import Attendee, Booking, Registration
from festival.tickets.services import code_for, issue_ticket


@pytest.fixture
def fest(app, make_edition, make_venue, make_event):
    """An edition, one venue, one bookable item on day 1, and their checkpoints."""
    edition = make_edition()
    venue = make_venue(name="L'Escapade")
    event = make_event(edition=edition, venue=venue)
    checkpoints = ensure_checkpoints(edition.id)
    db.session.commit()
    entrance = next(c for c in checkpoints if c.kind == CheckpointKind.VENUE)
    door = next(c for c in checkpoints if c.kind == CheckpointKind.EVENT)
    return SimpleNamespace(edition=edition, venue=venue, event=event, entrance=entrance, door=door)


@pytest.fixture
def make_ticket(fest, now):
    """Make a registration, attendee, bookings and ticket; give (ticket, signed code)."""
    counter = itertools.count(1)

    def make(event_ids=None, group_size=1, booking_status="confirmed", name=None):
        n = next(counter)
        registration = Registration(
            edition_id=fest.edition.id,
            contact_name=name or f"Contact {n}",
            contact_email=f"contact{n}@example.org",
            contact_phone="+33600000000",
            manage_token=secrets.token_urlsafe(32),
            created_at=now,
            group_name="Classe" if group_size > 1 else None,
        )
        attendee = Attendee(name=name or f"Personne {n}", group_size=group_size)
        registration.attendees.append(attendee)
        for event_id in event_ids or []:
            attendee.bookings.append(
                Booking(
                    event_id=event_id,
                    seats=group_size,
                    status=booking_status,
                    waitlist_position=1 if booking_status == "waitlisted" else None,
                )
            )
        db.session.add(registration)
        db.session.flush()
        ticket = issue_ticket(attendee, fest.edition.id, now)
        code = code_for(ticket)
        db.session.commit()
        return ticket, code

    return make


@pytest.fixture
def scan(fest, now):
    """Run the check-in service once and commit, as a view would."""

    def run(code, checkpoint=None, at=None, **fields):
        fields.setdefault("nonce", secrets.token_hex(8))
        checkpoint_id = fields.pop("checkpoint_id", None) or (checkpoint or fest.entrance).id
        outcome = check_in(ScanRequest(code=code, checkpoint_id=checkpoint_id, **fields), at or now)
        db.session.commit()
        return outcome

    return run


@pytest.fixture
def volunteer(make_user):
    return make_user("volunteer@example.org", "volunteer")


@pytest.fixture
def token(volunteer, now):
    value = create_api_token(volunteer.email, now)
    db.session.commit()
    return value


@pytest.fixture
def frozen_clock(monkeypatch, now):
    """Make the API's clock read the test's ``now`` (the edition's first morning)."""
    for module in ("festival.api.checkins", "festival.api.stats", "festival.accounts.api_auth"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: now)


@pytest.fixture
def api(client, token, frozen_clock):
    """POST/GET JSON with the volunteer's Bearer token."""
    headers = {"Authorization": f"Bearer {token}"}

    def call(method, path, json=None, **kwargs):
        return client.open(f"/api/v1{path}", method=method, json=json, headers=headers, **kwargs)

    return call
