"""The SQLite writer gate: a second writer waits for the first and wakes up at once."""

import threading
import time

from sqlalchemy import create_engine, text

import festival.db  # noqa: F401  (installs the SQLite listeners)


def test_a_second_writer_waits_for_the_first_and_then_goes(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'gate.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (i INTEGER)"))
    order = []
    first = engine.connect()
    first.begin()
    first.execute(text("INSERT INTO t VALUES (1)"))

    def second_writer():
        with engine.begin() as conn:
            order.append(("second", time.monotonic()))
            conn.execute(text("INSERT INTO t VALUES (2)"))

    thread = threading.Thread(target=second_writer)
    thread.start()
    time.sleep(0.2)
    assert order == []  # still waiting for the first writer
    released = time.monotonic()
    first.commit()
    first.close()
    thread.join(5)
    assert order and order[0][1] - released < 0.05
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 2
    engine.dispose()


def test_a_write_lock_taken_outside_the_gate_gives_the_engines_error(tmp_path):
    # The 503 "retry" answer (festival/health.py) catches SQLAlchemy's OperationalError: BEGIN
    # IMMEDIATE, sent straight to the driver, must still fail as one.
    import sqlite3

    import pytest
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    path = tmp_path / "locked.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", lambda dbapi, record: dbapi.execute("PRAGMA busy_timeout=50"))
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(OperationalError, match="locked"), engine.begin() as conn:
            conn.execute(text("SELECT 1"))
    finally:
        other.rollback()
        other.close()
        engine.dispose()
