"""Fixtures of the registration tests: an input factory and a short way to register."""

import sqlite3
from datetime import UTC, datetime

import pytest

from festival.extensions import db
from festival.registration.inputs import GroupInput, RegistrationInput

_counter = iter(range(1, 1_000_000))


@pytest.fixture
def now():
    """A week before the test edition: people register ahead of time."""
    return datetime(2031, 5, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def make_input():
    """Build a valid RegistrationInput; a fresh email each time unless given."""

    def make(event_ids, *, people=("Ana",), group=None, **fields):
        values = {
            "contact_name": "Ana Kowalska",
            "contact_email": f"ana{next(_counter)}@example.org",
            "event_ids": list(event_ids),
            "consent": True,
            "attendees": [] if group else list(people),
            "group": GroupInput(*group) if group else None,
        }
        values.update(fields)
        return RegistrationInput(**values)

    return make


@pytest.fixture
def register(make_input, now):
    """Register and commit; give the registration."""
    from festival.registration.services import register as register_service

    def run(event_ids, when=None, waitlist=True, **kwargs):
        registration = register_service(
            make_input(event_ids, **kwargs), when or now, waitlist=waitlist
        )
        db.session.commit()
        return registration

    return run


@pytest.fixture
def during_the_first_reads(monkeypatch):
    """Install an action to run while register checks the items, before it writes anything."""
    from festival.registration import services

    def install(action):
        check_clashes = services.check_clashes

        def checking(*args):
            action()
            return check_clashes(*args)

        monkeypatch.setattr(services, "check_clashes", checking)

    return install


@pytest.fixture
def write_elsewhere(database_url):
    """Take and give back SQLite's write lock from another connection, without waiting:
    raises "database is locked" while the app holds it."""

    def write():
        other = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        finally:
            other.close()

    return write
