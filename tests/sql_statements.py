"""Record the SQL statements the app's engine sends: tests that hold a path to its statements."""

from contextlib import contextmanager

from sqlalchemy import event

from festival.extensions import db


@contextmanager
def recorded_statements():
    """Give a list that collects every statement sent inside the ``with`` block."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
