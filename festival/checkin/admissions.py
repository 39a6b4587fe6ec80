"""Admissions: the first entry of a ticket at a checkpoint on a day, who is inside, and the
counters that move with them. Only ``services.check_in`` calls these, once it has decided that
the scan may enter (or leave); the database settles races (unique key, conditional updates).
"""

from typing import TYPE_CHECKING

from sqlalchemy import bindparam, select, update

from festival.checkin.models import Admission, Device, Scan, quarter_of
from festival.checkin.models import ScanResult as R
from festival.checkin.sql import add_to_tally, counting_admission, insert_for

if TYPE_CHECKING:
    from festival.checkin.services import ScanContext, ScanRequest

# Core statements on tables, as in services: the ORM's bulk machinery costs more than the work.
# Each is built once per dialect and run on the scan's connection (checkin.sql.Statements).
SCAN, ADMISSION = Scan.__table__, Admission.__table__


_KEY = ("ticket_id", "checkpoint_id", "day")


def _admission_values(ctx: "ScanContext") -> dict:
    """The admission's key: one first entry per ticket, checkpoint and day."""
    return {"ticket_id": ctx.ticket.id, "checkpoint_id": ctx.checkpoint.id, "day": ctx.day}


def _admission_key():
    """The same key as a condition, its values bound by name (``_key_params``; an UPDATE
    reserves the column names for its SET clause)."""
    return tuple(ADMISSION.c[name] == bindparam(f"key_{name}") for name in _KEY)


def _key_params(ctx: "ScanContext") -> dict:
    return {f"key_{name}": value for name, value in _admission_values(ctx).items()}


def _moving(inside: bool):
    """Build the UPDATE that moves the admission in (or out) if it is not already: a
    conditional update, so two racers cannot both move it."""
    return lambda: (
        update(ADMISSION)
        .where(*_admission_key(), ADMISSION.c.is_inside.is_(not inside))
        .values(is_inside=inside)
    )


def _double_entry():
    return update(ADMISSION).where(*_admission_key()).values(is_double_entry=True)


# What ``counting_admission`` needs of a new admission to count it.
_ADMISSION_RETURNS = ("id", "checkpoint_id", "day", "first_quarter", "people")


def _admission_insert():
    return (
        insert_for(ADMISSION)
        .values(
            ticket_id=bindparam("ticket_id"),
            checkpoint_id=bindparam("checkpoint_id"),
            day=bindparam("day"),
            first_scan_id=bindparam("first_scan_id"),
            first_at=bindparam("first_at"),
            first_quarter=bindparam("first_quarter"),
            people=bindparam("people"),
            is_inside=True,
            is_double_entry=False,
        )
        .on_conflict_do_nothing(index_elements=["ticket_id", "checkpoint_id", "day"])
        .returning(*(ADMISSION.c[name] for name in _ADMISSION_RETURNS))
    )


def enter(request: "ScanRequest", ctx: "ScanContext", scan_id: int):
    """Admit once per day: the unique (ticket, checkpoint, day) key decides between racers.

    Give (result, effect, first entry).
    """
    people, quarter = ctx.ticket.group_size, quarter_of(ctx.at)
    values = _admission_values(ctx) | {
        "first_scan_id": scan_id,
        "first_at": ctx.at,
        "first_quarter": quarter,
        "people": people,
    }
    if ctx.sql.dialect == "postgresql":
        # The admission counts itself in the same statement: a round trip each saved.
        build = lambda: counting_admission(_admission_insert())  # noqa: E731
        admitted = ctx.sql.run("admission_insert_counted", build, **values).scalar()
    else:
        admitted = ctx.sql.run("admission_insert", _admission_insert, **values).scalar()
        if admitted is not None:
            add_to_tally(
                ctx.checkpoint.id,
                ctx.day,
                admitted=people,
                inside=people,
                quarter=quarter,
                statements=ctx.sql,
            )
    if admitted is not None:
        return R.OK, "admitted", None
    first = _first_entry(ctx)
    # Back in after an exit scan: a conditional update, so two racers cannot both re-enter.
    # Read first: most repeats are of someone still inside, who needs no update at all.
    if (
        not first.pop("is_inside")
        and ctx.sql.run("admission_reenter", _moving(True), **_key_params(ctx)).rowcount
    ):
        add_to_tally(ctx.checkpoint.id, ctx.day, inside=people, statements=ctx.sql)
        return R.OK, "reentered", None
    if request.offline and first["device_id"] != request.device_id:
        # The other phone let this ticket in too while offline: organisers must know.
        ctx.sql.run("admission_double_entry", _double_entry, **_key_params(ctx))
    first.pop("device_id")
    return R.ALREADY_CHECKED_IN, None, first


def _first_entry_select():
    return (
        select(
            ADMISSION.c.first_at,
            ADMISSION.c.checkpoint_id,
            ADMISSION.c.is_inside,
            SCAN.c.device_id,
            Device.name,
        )
        .join(SCAN, SCAN.c.id == ADMISSION.c.first_scan_id)
        .outerjoin(Device, Device.id == SCAN.c.device_id)
        .where(*_admission_key())
    )


def _first_entry(ctx: "ScanContext") -> dict:
    row = ctx.sql.run("first_entry", _first_entry_select, **_key_params(ctx)).one()
    return {
        "at": row.first_at.isoformat(),
        "checkpoint_id": row.checkpoint_id,
        "device": row.name,
        "device_id": row.device_id,
        "is_inside": row.is_inside,
    }


def leave(ctx: "ScanContext") -> str | None:
    """Mark the ticket outside (optional exit scans tell who is inside)."""
    left = ctx.sql.run("admission_leave", _moving(False), **_key_params(ctx)).rowcount
    if not left:
        return None
    add_to_tally(ctx.checkpoint.id, ctx.day, inside=-ctx.ticket.group_size, statements=ctx.sql)
    return "exited"
