"""Declarative base, column types and the SQLite settings every connection needs."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import has_request_context, request
from sqlalchemy import DateTime, MetaData, event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import Pool
from sqlalchemy.types import TypeDecorator

from festival import sqlite_gate

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Store naive UTC on every engine; hand back aware UTC datetimes.

    SQLite drops offsets, so storing naive UTC everywhere keeps comparisons identical on both
    engines. Naive values given to us are refused: they are a bug waiting for a DST change.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Python's sqlite3 would issue its own deferred BEGIN; we emit BEGIN ourselves (see below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# Execution option of an engine whose transactions only read (``engine.execution_options``).
READ_ONLY = "festival_read_only"


def _is_read_only_request() -> bool:
    return has_request_context() and request.method in ("GET", "HEAD", "OPTIONS")


_reading_first: ContextVar[bool] = ContextVar("festival_reading_first", default=False)


@contextmanager
def reads_before_write_lock(session) -> Iterator[None]:
    """Run a write request's first reads outside SQLite's write lock, then end them.

    A POST's transaction begins IMMEDIATE on SQLite: it holds the database's one write lock
    from its first read to its commit, and every other writer waits. The checks that only read
    (is the item bookable, do two items clash, the signing key) run in this block instead, in a
    deferred transaction that the block ends, keeping what it loaded; the writes after it
    begin IMMEDIATE as usual. Whatever can change in between and matters (seats left, an item
    cancelled) must be decided again under the lock. The block must not write: a deferred
    transaction that writes fails at once when another writer holds the lock.

    Services only flush (DESIGN.md); the commit at the end of this block is no exception in
    spirit: it ends a transaction the block began itself and that only read. When the caller
    has begun one already (anything read, added or written), or on PostgreSQL, the block
    changes nothing.
    ``session``: a Session, not the scoped proxy.
    """
    # A change to a loaded object begins a transaction too: the block never commits it.
    if session.in_transaction() or session.get_bind().dialect.name != "sqlite":
        yield
        return
    token = _reading_first.set(True)
    try:
        session.connection()  # begins this session's transaction, deferred; no other one
    finally:
        _reading_first.reset(token)
    yield
    commit_keeping_objects(session)


def commit_keeping_objects(session) -> None:
    """Commit ``session`` (a Session, not the scoped proxy) without expiring what it loaded.

    A statement after the commit to read back what is already in memory would open another
    transaction: on SQLite, in a POST, another wait for the write lock.
    """
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire_on_commit


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection):
    if connection.dialect.name != "sqlite":
        return
    # A deferred transaction that reads, then writes, fails at once with "database is locked"
    # instead of waiting for busy_timeout (49 of 50 concurrent writers did, measured here).
    # Reads for safe methods stay deferred so page views never queue behind the write lock.
    # A READ_ONLY engine (the mail worker renders with one) reads without the write lock too,
    # as do the first reads of a write request (reads_before_write_lock).
    if (
        _is_read_only_request()
        or _reading_first.get()
        or connection.get_execution_options().get(READ_ONLY)
    ):
        connection.exec_driver_sql("BEGIN")
        return
    sqlite_gate.acquire(connection)
    _begin_immediate(connection)


def _begin_immediate(connection) -> None:
    # Straight to the driver: through the engine (events, cursor, result) this statement,
    # which returns nothing, cost ~50 Python calls on every write request. A failure is still
    # the engine's OperationalError (the 503 "retry" answer of festival/health.py).
    try:
        connection.connection.driver_connection.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as error:
        raise exc.DBAPIError.instance("BEGIN IMMEDIATE", None, error, sqlite3.Error) from error


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _end_sqlite(connection):
    # Runs before the COMMIT/ROLLBACK itself; the next writer's BEGIN IMMEDIATE waits on
    # SQLite's lock for the few microseconds until it is done.
    if connection.dialect.name == "sqlite":
        sqlite_gate.release(connection.connection.info)


@event.listens_for(Pool, "reset")
def _reset_sqlite(dbapi_connection, connection_record, reset_state):
    sqlite_gate.release(connection_record.info)


@event.listens_for(Pool, "close")
def _close_sqlite(dbapi_connection, connection_record):
    sqlite_gate.close(connection_record.info)
