"""Statements both engines run the same way: INSERT … ON CONFLICT through the dialect's insert.

The scan path's statements are built once per dialect with bind parameters and reused: building
and cache-keying a fresh ON CONFLICT statement on every scan cost more than running it.
"""

from sqlalchemy import bindparam, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite

from festival.checkin.models import CheckpointTally, QuarterTally
from festival.extensions import db

_PREPARED: dict = {}


def dialect_name() -> str:
    return db.session.get_bind().dialect.name


def insert_for(table):
    """Give the dialect's INSERT for ``table`` (it knows ON CONFLICT on SQLite and PostgreSQL)."""
    return (postgresql.insert if dialect_name() == "postgresql" else sqlite.insert)(table)


class Statements:
    """Run prebuilt statements on the session's connection (Core: no ORM overhead).

    Asking the session for its connection cost a third of each statement's Python work: a scan
    asks once, here, and runs all its statements on that connection (the same one the session
    would give: a service never commits, so the transaction outlives this object).
    """

    def __init__(self):
        self.connection = db.session.connection()
        self.dialect = self.connection.dialect.name

    def run(self, name: str, build, **params):
        """Execute the statement ``build()`` makes (built once per dialect)."""
        key = (self.dialect, name)
        stmt = _PREPARED.get(key)
        if stmt is None:
            stmt = _PREPARED[key] = build()
        return self.connection.execute(stmt, params)


_TALLY_KEYS, _TALLY_COUNTERS = ("checkpoint_id", "day"), ("admitted", "inside", "walk_ins")
_QUARTER_KEYS, _QUARTER_COUNTERS = ("checkpoint_id", "day", "quarter"), ("admitted", "walk_ins")


def _counter_upsert(model, keys: tuple[str, ...], counters: tuple[str, ...], rows=None):
    """INSERT a row of counters, or add to the row already there: one statement, atomic on both
    engines (a first scan of the day and a concurrent one never lose a count).

    The values are bind parameters named after the columns, or the ``rows`` a SELECT gives.
    """
    t = model.__table__
    names = keys + counters
    stmt = insert_for(t)
    if rows is None:
        stmt = stmt.values({name: bindparam(name) for name in names})
    else:
        stmt = stmt.from_select(names, rows)
    return stmt.on_conflict_do_update(
        index_elements=[t.c[name] for name in keys],
        set_={name: t.c[name] + stmt.excluded[name] for name in counters},
    )


def _tally_upsert():
    return _counter_upsert(CheckpointTally, _TALLY_KEYS, _TALLY_COUNTERS)


def _quarter_upsert():
    return _counter_upsert(QuarterTally, _QUARTER_KEYS, _QUARTER_COUNTERS)


def counting_admission(admission_insert):
    """PostgreSQL: ``admission_insert`` and the two counters it adds to, as one statement.

    ``admission_insert`` returns (id, checkpoint_id, day, first_quarter, people) of the row it
    made, none on a conflict. The counter upserts are data-modifying CTEs that read those rows:
    what ``add_to_tally`` does for an admission, in one round trip instead of three, and an
    admission that was not made counts nothing. SQLite has no data-modifying CTEs.
    """
    admitted = admission_insert.cte("admitted")
    people, none = admitted.c.people, literal_column("0")
    day_rows = select(admitted.c.checkpoint_id, admitted.c.day, people, people, none)
    quarter_rows = select(
        admitted.c.checkpoint_id, admitted.c.day, admitted.c.first_quarter, people, none
    )
    return select(admitted.c.id).add_cte(
        _counter_upsert(CheckpointTally, _TALLY_KEYS, _TALLY_COUNTERS, day_rows).cte("day_tally"),
        _counter_upsert(QuarterTally, _QUARTER_KEYS, _QUARTER_COUNTERS, quarter_rows).cte(
            "quarter_tally"
        ),
    )


def add_to_tally(
    checkpoint_id: int,
    day,
    admitted: int = 0,
    inside: int = 0,
    walk_ins: int = 0,
    quarter: int | None = None,
    statements: Statements | None = None,
):
    """Add to the counters of a checkpoint's day, creating the row on first use (one statement).

    People admitted or walked in also count in their quarter hour (``quarter_of`` the first
    entry's time), which must then be given: a second statement.
    """
    run = (statements or Statements()).run
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
