"""Health check, database outage answers, backups and the invariants they must keep."""

import shutil
import subprocess
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from festival import create_app
from festival.backup import backup_database
from festival.extensions import db
from festival.integrity import broken_invariants


def test_health_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


@pytest.fixture
def app_without_database(tmp_path):
    # Nothing listens on port 1: every connection is refused at once.
    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2",
        }
    )


def test_health_reports_unreachable_database(app_without_database):
    response = app_without_database.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_api_answers_503_with_a_message_when_database_is_down(app_without_database):
    @app_without_database.get("/api/v1/_probe")
    def probe():
        db.session.execute(text("SELECT 1"))
        return {}

    response = app_without_database.test_client().get("/api/v1/_probe")
    assert response.status_code == 503
    assert response.json["error"]["code"] == "unavailable"
    assert response.headers["Retry-After"] == "5"


def _book(make_event, seats_taken=0):
    from festival.registration.models import Attendee, Booking, Registration

    event = make_event(capacity=10)
    registration = Registration(
        edition_id=event.edition_id,
        contact_name="Ana",
        contact_email="ana@example.org",
        manage_token="t" * 43,
    )
    attendee = Attendee(registration=registration, name="Ana")
    db.session.add(
        Booking(
            attendee=attendee,
            event=event,
            seats=1,
            status="confirmed",
            confirmed_at=datetime.now(UTC),
        )
    )
    event.seats_taken = seats_taken
    db.session.commit()
    return event


def test_invariants_hold_for_consistent_data(make_event):
    _book(make_event, seats_taken=1)
    assert broken_invariants() == []


def test_invariants_detect_seat_count_drift(make_event):
    event = _book(make_event, seats_taken=2)
    assert broken_invariants() == [f"event {event.id}: seats_taken=2 but confirmed seats=1"]


def test_invariants_detect_waiting_list_seat_drift(make_event):
    event = _book(make_event, seats_taken=1)
    event.waitlisted_seats = 2
    db.session.commit()
    assert broken_invariants() == [f"event {event.id}: waitlisted_seats=2 but waiting seats=0"]


def test_invariants_detect_quarter_tally_drift(make_event):
    from festival.checkin.models import Checkpoint, CheckpointTally, QuarterTally

    event = _book(make_event, seats_taken=1)
    door = Checkpoint(
        edition_id=event.edition_id, name="Entrée", kind="venue", venue_id=event.venue_id
    )
    db.session.add(door)
    db.session.flush()
    day = event.starts_at.date()
    db.session.add(CheckpointTally(checkpoint_id=door.id, day=day, walk_ins=2))
    db.session.add(QuarterTally(checkpoint_id=door.id, day=day, quarter=7, walk_ins=1))
    db.session.commit()
    assert broken_invariants() == [
        f"checkpoint {door.id} on {day}: quarter tallies do not add up to the day's"
    ]
    db.session.add(QuarterTally(checkpoint_id=door.id, day=day, quarter=8, admitted=1, walk_ins=1))
    db.session.commit()
    assert broken_invariants() == [
        f"checkpoint {door.id} on {day}, quarter 8: admitted=1 but admissions=0",
        f"checkpoint {door.id} on {day}: quarter tallies do not add up to the day's",
    ]


def _restore(app, backup_path, tmp_path) -> str:
    """Restore a backup next to the live database and give the restored database's URL."""
    url = make_url(app.config["DATABASE_URL"])
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{backup_path}"
    restored = "festival_restore_check"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {restored}")
        conn.exec_driver_sql(f"CREATE DATABASE {restored}")
    admin.dispose()
    target = url.set(database=restored)
    subprocess.run(
        [
            shutil.which("pg_restore"),
            "--no-owner",
            "--dbname",
            target.set(drivername="postgresql").render_as_string(hide_password=False),
            str(backup_path),
        ],
        check=True,
        capture_output=True,
    )
    return target.render_as_string(hide_password=False)


def test_backup_restores_with_invariants_intact(app, make_event, tmp_path):
    if db.engine.dialect.name == "postgresql" and not shutil.which("pg_dump"):
        pytest.fail("pg_dump is needed for PostgreSQL backups (postgresql-client)")
    event_id = _book(make_event, seats_taken=1).id
    db.session.remove()  # the live session must hold no transaction during the copy
    backup_path = backup_database(app.config["DATABASE_URL"], tmp_path / "backup.db")
    restored_url = _restore(app, backup_path, tmp_path)
    restored = create_app(
        {"TESTING": True, "DATABASE_URL": restored_url, "INSTANCE_PATH": str(tmp_path / "r")}
    )
    with restored.app_context():
        from festival.programme.models import Event

        assert db.session.get(Event, event_id).seats_taken == 1
        assert broken_invariants() == []
        db.session.remove()
        db.engine.dispose()


def test_backup_command_writes_into_instance(runner, app):
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    assert "Backup written to" in result.output


def test_sqlite_backup_during_concurrent_writes_is_consistent(tmp_path):
    """Writers keep committing while the backup API copies: the copy is whole and valid."""
    import threading

    source = tmp_path / "live.db"
    engine = create_engine(f"sqlite:///{source}")
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, a INT, b INT, CHECK (a = b))")
    stop = threading.Event()

    def write():
        n = 0
        while not stop.is_set():
            n += 1
            with engine.begin() as conn:
                conn.exec_driver_sql("INSERT INTO t (a, b) VALUES (?, ?)", (n, n))

    writer = threading.Thread(target=write)
    writer.start()
    try:
        copies = [
            backup_database(f"sqlite:///{source}", tmp_path / f"copy{i}.db") for i in range(3)
        ]
    finally:
        stop.set()
        writer.join()
        engine.dispose()
    for copy in copies:
        check = create_engine(f"sqlite:///{copy}")
        with check.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("SELECT count(*) FROM t WHERE a != b").scalar() == 0
        check.dispose()
