"""Shared fixtures: an app per test on SQLite and on PostgreSQL, clients, factories."""

import os
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from festival import create_app
from festival.extensions import db

PG_URL = os.environ.get("FESTIVAL_TEST_DATABASE_URL")
IN_CI = bool(os.environ.get("CI"))
_pg_schema_ready = False


def require_postgresql() -> str:
    """Give the PostgreSQL URL, or skip (fail in CI: CI never passes by skipping)."""
    if PG_URL:
        return PG_URL
    reason = "FESTIVAL_TEST_DATABASE_URL is not set: PostgreSQL tests not run"
    if IN_CI:
        pytest.fail(reason + " (CI must run them)")
    pytest.skip(reason)


def _reset_postgresql() -> None:
    global _pg_schema_ready
    if not _pg_schema_ready:
        db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.session.commit()
        db.create_all()
        _pg_schema_ready = True
        return
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """Every database test runs on both engines."""
    if request.param == "postgresql":
        return require_postgresql()
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def app_config(database_url, tmp_path):
    """Settings for the test app; override this fixture to change them."""
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-that-is-long-enough",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "PUBLIC_BASE_URL": "http://festival.test",
    }


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            _reset_postgresql()
        else:
            db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def now():
    """A fixed 'now': Saturday morning of the test edition."""
    return datetime(2031, 5, 17, 8, 0, tzinfo=UTC)


@pytest.fixture
def make_edition(app):
    from festival.programme.models import Edition

    def make(**fields):
        values = {
            "slug": f"edition-{fields.get('starts_on', date(2031, 5, 17))}",
            "name": "Meltingpotch",
            "starts_on": date(2031, 5, 17),
            "ends_on": date(2031, 5, 18),
        }
        values.update(fields)
        edition = Edition(**values)
        db.session.add(edition)
        db.session.flush()
        return edition

    return make


@pytest.fixture
def make_venue(app):
    from festival.programme.models import Venue

    counter = iter(range(1, 10_000))

    def make(**fields):
        n = next(counter)
        values = {"slug": f"venue-{n}", "name": f"Lieu {n}", "city": "Hénin-Beaumont"}
        values.update(fields)
        venue = Venue(**values)
        db.session.add(venue)
        db.session.flush()
        return venue

    return make


@pytest.fixture
def make_language(app):
    from festival.programme.models import Language

    def make(code="pl", **fields):
        language = db.session.get(Language, code)
        if language:
            return language
        values = {"native_name": code, "name_fr": code, "name_en": code}
        values.update(fields)
        language = Language(code=code, **values)
        db.session.add(language)
        db.session.flush()
        return language

    return make


@pytest.fixture
def make_event(app, make_edition, make_venue, make_language):
    """Make an event; by default a bookable mini-course on the edition's first day at 10:00."""
    from festival.programme.models import Edition, Event

    counter = iter(range(1, 10_000))

    def make(languages=("pl",), **fields):
        n = next(counter)
        edition = (
            fields.pop("edition", None)
            or db.session.scalar(db.select(Edition).order_by(Edition.id).limit(1))
            or make_edition()
        )
        venue = fields.pop("venue", None) or make_venue()
        starts_at = fields.pop(
            "starts_at",
            datetime.combine(edition.starts_on, datetime.min.time(), UTC) + timedelta(hours=8),
        )
        values = {
            "slug": f"event-{n}",
            "kind": "mini_course",
            "title": f"Atelier {n}",
            "starts_at": starts_at,
            "ends_at": fields.pop("ends_at", starts_at + timedelta(minutes=45)),
            "capacity": 15,
            "booking_required": True,
        }
        values.update(fields)
        event = Event(edition=edition, venue=venue, **values)
        event.languages = [make_language(code) for code in languages]
        db.session.add(event)
        db.session.flush()
        return event

    return make


@pytest.fixture
def demo(app):
    """The full demo festival, starting on the test edition's Saturday."""
    from festival.programme.demo import seed_demo

    edition = seed_demo(date(2031, 5, 17))
    db.session.commit()
    return edition


@pytest.fixture
def make_user(app):
    """Make a staff account; ``password`` defaults to a fixed test password."""
    from festival.accounts.services import create_user

    def make(email="volunteer@example.org", role="volunteer", password="correct horse battery"):
        user = create_user(email, role, password, datetime.now(UTC))
        db.session.commit()
        return user

    return make


@pytest.fixture
def login_as(client):
    """Sign the test client in as ``user`` without going through the login form."""

    def login(user):
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return client

    return login


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser():
    """Debian's Chromium through Playwright (never a downloaded browser); CI must have it."""
    if not os.path.exists(CHROMIUM):
        if IN_CI:
            pytest.fail("Chromium is missing (CI must run browser tests)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
