"""Write new ORM objects with one Core INSERT per table, and keep them as if just loaded.

A registration writes a registration, its attendees, their tickets, an outbox message and
bookings, all inside SQLite's one write lock. Written by the unit of work (a flush), they cost
~1 ms of Python there; one ``INSERT … RETURNING id`` per table costs ~0.1 ms (measured here,
issue 3). The objects come back persistent and clean: every column holds what was written
(column defaults applied here), the relationships set before stay loaded, and the next flush
writes nothing for them. So what the caller shows afterwards needs no SQL, as before.

A rollback (of the transaction, or of the savepoint, that wrote them) makes them transient
again, their values expired with the rest of the session: the session would otherwise keep
them as persistent, and the ids SQLite hands out again after a rollback would clash with them.

Made for the models it is given here: an integer ``id`` primary key, Python-side or no column
defaults, no many-to-many collections. It refuses other mappers rather than write them wrong.
"""

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import MANYTOONE, Session, make_transient, make_transient_to_detached

_INSERTS: dict = {}
_WRITTEN_KEY = "loaded_inserts_written"


def insert_as_loaded(session: Session, *batches: list) -> None:
    """INSERT each batch of new objects (one mapped class per batch, ``id`` primary key).

    Batches go in order, parents first: a many-to-one relationship set on an object (say
    ``Attendee.registration``) gives its foreign key the id its parent just got. Once all are
    written, the objects join ``session`` as persistent, clean and loaded.

    ``session``: a Session, not the scoped proxy.
    """
    connection = session.connection()
    written = []
    for objects in batches:
        if not objects:
            continue
        mapper = inspect(objects[0]).mapper
        rows = [_row(mapper, obj) for obj in objects]
        ids = connection.execute(_insert(mapper), rows).scalars().all()
        for obj, new_id in zip(objects, ids, strict=True):
            obj.id = new_id
            written.append(obj)
    for obj in written:
        make_transient_to_detached(obj)
    for obj in written:
        session.add(obj)
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_WRITTEN_KEY, []).extend((obj, transaction) for obj in written)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous_transaction) -> None:
    written = session.info.get(_WRITTEN_KEY)
    if not written:
        return
    kept = []
    for obj, transaction in written:
        if _is_within(transaction, previous_transaction):
            make_transient(obj)
        else:
            kept.append((obj, transaction))
    session.info[_WRITTEN_KEY] = kept


@event.listens_for(Session, "after_commit")
def _forget_committed(session: Session) -> None:
    # Also called when a savepoint is released: what it wrote is still the enclosing
    # transaction's to roll back (_is_within walks up from the savepoint).
    if session.get_nested_transaction() is None:
        session.info.pop(_WRITTEN_KEY, None)


def _is_within(transaction, ancestor) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def _insert(mapper):
    statement = _INSERTS.get(mapper)
    if statement is None:
        _refuse_unsupported(mapper)
        table = mapper.local_table
        statement = _INSERTS[mapper] = insert(table).returning(
            table.c.id, sort_by_parameter_order=True
        )
    return statement


def _refuse_unsupported(mapper) -> None:
    """What _row cannot write faithfully: say so at the first call, not with wrong rows."""
    table = mapper.local_table
    problems = []
    if [c.key for c in mapper.primary_key] != ["id"] or mapper.inherits is not None:
        problems.append("a primary key other than one 'id' column, or inheritance")
    for column in table.columns:
        if column.server_default is not None or (
            column.default is not None
            and not (column.default.is_scalar or column.default.is_callable)
        ):
            problems.append(f"column {column.key}: a server-side or SQL default")
    if any(r.secondary is not None for r in mapper.relationships):
        problems.append("a many-to-many relationship")
    if problems:
        raise TypeError(f"insert_as_loaded cannot write {mapper.class_.__name__}: {problems}")


def _row(mapper, obj) -> dict:
    """Every column but the id, as the object will hold it: set, else its default, else None."""
    values = obj.__dict__
    for relationship in mapper.relationships:
        parent = values.get(relationship.key)
        if relationship.direction is MANYTOONE and parent is not None:
            for local, remote in relationship.local_remote_pairs:
                setattr(obj, local.key, getattr(parent, remote.key))
    row = {}
    for prop in mapper.column_attrs:
        if prop.key == "id":
            continue
        if prop.key not in values:
            setattr(obj, prop.key, _default(prop.columns[0]))
        row[prop.columns[0].key] = values[prop.key]
    return row


def _default(column):
    default = column.default
    if default is None:
        return None
    # SQLAlchemy wraps a Python callable default to take the execution context; ours ignore it.
    return default.arg(None) if default.is_callable else default.arg
