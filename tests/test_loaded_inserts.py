"""New objects written by plain INSERTs come back as if loaded, and leave again on rollback."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, select

from festival.extensions import db
from festival.loaded_inserts import insert_as_loaded
from festival.registration.models import Attendee, Registration
from festival.tickets.services import new_ticket
from tests.sql_statements import recorded_statements

NOW = datetime(2031, 5, 1, 9, tzinfo=UTC)


def _family(edition_id: int, email: str = "ana@example.org") -> Registration:
    return Registration(
        edition_id=edition_id,
        contact_name="Ana",
        contact_email=email,
        locale="fr",
        manage_token=email,  # unique, which is all this test needs of it
        consent_at=NOW,
        attendees=[Attendee(name="Ana", bookings=[]), Attendee(name="Bo", bookings=[])],
    )


def _write(registration: Registration) -> list:
    tickets = [new_ticket(a, registration.edition_id, NOW) for a in registration.attendees]
    insert_as_loaded(db.session(), [registration], registration.attendees, tickets)
    return tickets


def test_objects_come_back_persistent_clean_and_fully_loaded(app, make_edition):
    edition = make_edition()
    registration = _family(edition.id)
    with recorded_statements() as statements:
        tickets = _write(registration)
        db.session.flush()  # nothing left to write
        # Columns left unset hold their defaults, relationships what was set: no SQL to read.
        assert (registration.is_walk_in, registration.cancelled_at) == (False, None)
        assert [a.group_size for a in registration.attendees] == [1, 1]
        assert [t.attendee.registration for t in tickets] == [registration] * 2
    # One INSERT per table (SQLite runs one per row of it, PostgreSQL batches them), no more.
    tables = [s.split()[2] for s in statements]
    assert sorted(set(tables), key=tables.index) == ["registration", "attendee", "ticket"]
    assert all(s.startswith("INSERT") for s in statements)
    for obj in [registration, *registration.attendees, *tickets]:
        state = inspect(obj)
        assert state.persistent and not state.expired_attributes and not state.modified
    written = [(a.id, registration.id, a.name, a.ticket.id) for a in registration.attendees]
    db.session.commit()
    db.session.expunge_all()
    stored = db.session.scalars(select(Attendee).order_by(Attendee.id)).all()
    assert [(a.id, a.registration_id, a.name, a.ticket.id) for a in stored] == written


def test_a_rollback_makes_them_transient_and_their_ids_free_again(app, make_edition):
    edition = make_edition()
    db.session.commit()
    refused = _family(edition.id, "refused@example.org")
    _write(refused)
    db.session.rollback()
    assert inspect(refused).transient and all(inspect(a).transient for a in refused.attendees)
    # The refused objects are still referenced: the ids given again must not clash with them.
    accepted = _family(edition.id, "accepted@example.org")
    _write(accepted)
    db.session.commit()
    assert db.session.scalars(select(Registration.contact_email)).all() == ["accepted@example.org"]


def test_a_savepoint_rollback_forgets_only_what_it_wrote(app, make_edition):
    edition = make_edition()
    db.session.commit()
    kept = _family(edition.id, "kept@example.org")
    _write(kept)
    savepoint = db.session.begin_nested()
    dropped = _family(edition.id, "dropped@example.org")
    _write(dropped)
    savepoint.rollback()
    assert inspect(dropped).transient and inspect(kept).persistent
    db.session.commit()
    assert db.session.scalars(select(Registration.contact_email)).all() == ["kept@example.org"]


def test_a_released_savepoint_leaves_its_objects_to_the_enclosing_rollback(app, make_edition):
    edition = make_edition()
    db.session.commit()
    savepoint = db.session.begin_nested()
    inner = _family(edition.id, "inner@example.org")
    _write(inner)
    savepoint.commit()  # released: still the enclosing transaction's to undo
    db.session.rollback()
    assert inspect(inner).transient
    _write(_family(edition.id, "after@example.org"))  # the same ids again: no clash
    db.session.commit()
    assert db.session.scalars(select(Registration.contact_email)).all() == ["after@example.org"]


def test_a_model_it_cannot_write_faithfully_is_refused(app):
    from sqlalchemy import text
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

    class Other(DeclarativeBase):
        pass

    class Stamped(Other):
        __tablename__ = "stamped"
        id: Mapped[int] = mapped_column(primary_key=True)
        made_at: Mapped[str] = mapped_column(server_default=text("CURRENT_TIMESTAMP"))

    with pytest.raises(TypeError, match="made_at"):
        insert_as_loaded(db.session(), [Stamped()])
