"""Database constraints of the programme, the migration, and the demo loader."""

import importlib.util
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from festival import create_app
from festival.extensions import db
from festival.programme.models import Event, event_language


def refused(make, **fields):
    with pytest.raises(IntegrityError):
        make(**fields)
    db.session.rollback()


def test_seats_taken_cannot_exceed_capacity(make_event):
    refused(make_event, capacity=10, seats_taken=11)


def test_seats_taken_cannot_exceed_capacity_on_update(make_event):
    event = make_event(capacity=10, seats_taken=10)
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(
            Event.__table__.update().where(Event.id == event.id).values(seats_taken=11)
        )
    db.session.rollback()


def test_event_must_end_after_it_starts(make_event):
    start = datetime(2031, 5, 17, 8, tzinfo=UTC)
    refused(make_event, starts_at=start, ends_at=start)
    refused(make_event, starts_at=start, ends_at=start - timedelta(minutes=5))


def test_booking_required_needs_a_capacity(make_event):
    refused(make_event, capacity=None, booking_required=True)


def test_kind_must_be_known(make_event):
    refused(make_event, kind="concert")


def test_slug_is_unique_per_edition(make_edition, make_event):
    make_event(slug="polonais")
    db.session.commit()
    refused(make_event, slug="polonais")
    other = make_edition(slug="next-year", starts_on=date(2032, 5, 15), ends_on=date(2032, 5, 16))
    assert make_event(slug="polonais", edition=other).id


def test_naive_datetimes_are_refused(make_event):
    with pytest.raises(Exception, match="naive datetime"):
        make_event(starts_at=datetime(2031, 5, 17, 10), ends_at=datetime(2031, 5, 17, 11))
    db.session.rollback()


# Until the demo data lands on main (another teammate writes it).
needs_demo_data = pytest.mark.skipif(
    importlib.util.find_spec("festival.programme.demo_data") is None,
    reason="festival/programme/demo_data.py is not there yet",
)


@needs_demo_data
def test_seed_demo_command(runner):
    result = runner.invoke(args=["seed-demo", "--start", "2031-05-17"])
    assert result.exit_code == 0, result.output
    events = db.session.scalars(select(Event)).all()
    assert len(events) >= 35
    assert len({e.kind for e in events}) == 6
    languages = db.session.scalar(select(func.count(func.distinct(event_language.c.language_code))))
    assert languages >= 12
    paris = ZoneInfo("Europe/Paris")
    assert {e.starts_at.astimezone(paris).date() for e in events} == {
        date(2031, 5, 17),
        date(2031, 5, 18),
    }
    courses = [e for e in events if e.kind == "mini_course"]
    assert courses and all(12 <= e.capacity <= 20 and e.booking_required for e in courses)
    # --if-empty leaves an existing programme alone.
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0
    assert db.session.scalar(select(func.count(Event.id))) == len(events)


@needs_demo_data
def test_demo_programme_is_browsable(client, demo):
    for lang in ("fr", "en", "ar"):
        assert client.get(f"/{lang}/programme").status_code == 200
    body = client.get("/api/v1/events").get_json()
    assert len(body["events"]) >= 35
    for event in body["events"][:5]:
        assert client.get(f"/ar/evenements/{event['slug']}").status_code == 200


@pytest.fixture
def fresh_database_url(database_url, tmp_path):
    """An empty database: a new SQLite file, or a new PostgreSQL schema (public is the suite's)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    schema = "migration_check"
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in database_url else "?"
    yield f"{database_url}{separator}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


def test_init_db_migrates_a_fresh_database_to_the_models(fresh_database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": fresh_database_url,
            "SECRET_KEY": "x" * 32,
            "INSTANCE_PATH": str(tmp_path / "fresh-instance"),
        }
    )
    with app.app_context():
        # `flask` pushes an app context itself; the test runner does not.
        result = app.test_cli_runner().invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        try:
            with db.engine.connect() as conn:
                tables = set(inspect(conn).get_table_names())
                diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        finally:
            db.engine.dispose()
    assert {"edition", "venue", "language", "event", "alembic_version"} <= tables
    assert diff == [], "models and migrations/versions disagree: run `make migration`"
