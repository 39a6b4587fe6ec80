"""Statements both engines run the same way: INSERT … ON CONFLICT through the dialect's insert.

The scan path's statements are built once per dialect with bind parameters and reused: building
and cache-keying a fresh ON CONFLICT statement on every scan cost more than running it.
"""

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite

from festival.checkin.models import CheckpointTally, QuarterTally
from festival.extensions import db

_PREPARED: dict = {}


def dialect_name() -> str:
    return db.session.get_bind().dialect.name


def insert_for(table):
    """Give the dialect's INSERT for ``table`` (it knows ON CONFLICT on SQLite and PostgreSQL)."""
    return (postgresql.insert if dialect_name() == "postgresql" else sqlite.insert)(table)


def prepared(name: str, build):
    """Give the statement ``build()`` makes, built once per dialect."""
    key = (dialect_name(), name)
    stmt = _PREPARED.get(key)
    if stmt is None:
        stmt = _PREPARED[key] = build()
    return stmt


def run(name: str, build, **params):
    """Execute a prepared statement on the session's connection (Core: no ORM overhead)."""
    return db.session.connection().execute(prepared(name, build), params)


def _counter_upsert(model, keys: tuple[str, ...], counters: tuple[str, ...]):
    """INSERT a row of counters, or add to the row already there: one statement, atomic on both
    engines (a first scan of the day and a concurrent one never lose a count)."""
    t = model.__table__
    stmt = insert_for(t).values({name: bindparam(name) for name in keys + counters})
    return stmt.on_conflict_do_update(
        index_elements=[t.c[name] for name in keys],
        set_={name: t.c[name] + stmt.excluded[name] for name in counters},
    )


def _tally_upsert():
    return _counter_upsert(
        CheckpointTally, ("checkpoint_id", "day"), ("admitted", "inside", "walk_ins")
    )


def _quarter_upsert():
    return _counter_upsert(
        QuarterTally, ("checkpoint_id", "day", "quarter"), ("admitted", "walk_ins")
    )


def add_to_tally(
    checkpoint_id: int,
    day,
    admitted: int = 0,
    inside: int = 0,
    walk_ins: int = 0,
    quarter: int | None = None,
):
    """Add to the counters of a checkpoint's day, creating the row on first use (one statement).

    People admitted or walked in also count in their quarter hour (``quarter_of`` the first
    entry's time), which must then be given: a second statement.
    """
    run(
        "tally_upsert",
        _tally_upsert,
        checkpoint_id=checkpoint_id,
        day=day,
        admitted=admitted,
        inside=inside,
        walk_ins=walk_ins,
    )
    if admitted or walk_ins:
        if quarter is None:
            raise ValueError("admitted or walk_ins changed without their quarter hour")
        run(
            "quarter_upsert",
            _quarter_upsert,
            checkpoint_id=checkpoint_id,
            day=day,
            quarter=quarter,
            admitted=admitted,
            walk_ins=walk_ins,
        )
