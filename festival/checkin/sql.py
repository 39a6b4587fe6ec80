"""Statements both engines run the same way: INSERT … ON CONFLICT through the dialect's insert."""

from sqlalchemy.dialects import postgresql, sqlite

from festival.checkin.models import CheckpointTally
from festival.extensions import db


def insert_for(model):
    """Give the dialect's INSERT for ``model`` (it knows ON CONFLICT on SQLite and PostgreSQL)."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def add_to_tally(checkpoint_id: int, day, admitted: int = 0, inside: int = 0, walk_ins: int = 0):
    """Add to the counters of a checkpoint's day, creating the row on first use (one statement)."""
    stmt = insert_for(CheckpointTally).values(
        checkpoint_id=checkpoint_id, day=day, admitted=admitted, inside=inside, walk_ins=walk_ins
    )
    t = CheckpointTally
    stmt = stmt.on_conflict_do_update(
        index_elements=[t.checkpoint_id, t.day],
        set_={
            "admitted": t.admitted + stmt.excluded.admitted,
            "inside": t.inside + stmt.excluded.inside,
            "walk_ins": t.walk_ins + stmt.excluded.walk_ins,
        },
    )
    db.session.execute(stmt)
