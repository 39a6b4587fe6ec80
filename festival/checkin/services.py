"""May this person enter? ``check_in`` is the only place that decides, for every entry point."""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, select, update

from festival.checkin import admissions, cache
from festival.checkin.models import CheckpointKind, Scan
from festival.checkin.models import ScanResult as R
from festival.checkin.sql import Statements, insert_for
from festival.extensions import db
from festival.programme.models import Event
from festival.registration.models import Attendee, Booking, BookingStatus
from festival.tickets import codes
from festival.tickets.models import Ticket, TicketStatus
from festival.tickets.revocations import ClaimStatus, claim_status
from festival.tickets.services import normalise_short_code

# Core statements on tables (not ORM entities): the scan path runs thousands of times a minute
# and the ORM's bulk-statement machinery cost more than the database work.
SCAN = Scan.__table__

# A phone's clock may run a little ahead; beyond this an offline time is not believed.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class ScanRequest:
    code: str
    checkpoint_id: int
    nonce: str
    user_id: int | None = None
    device_id: int | None = None
    direction: str = "in"
    offline: bool = False
    scanned_at: datetime | None = None  # when it happened at the door (offline scans)
    allow_short_code: bool = False  # only for a signed-in volunteer, rate-limited upstream


@dataclass
class ScanOutcome:
    result: str
    scan_id: int | None = None
    attendee: dict | None = None
    bookings: list | None = None
    first_entry: dict | None = None
    replayed: bool = False
    extra: dict = field(default_factory=dict)

    def answer(self) -> dict:
        """The answer without its scan id: what the scan row keeps to replay."""
        body = {"result": self.result}
        for key in ("attendee", "bookings", "first_entry"):
            if getattr(self, key) is not None:
                body[key] = getattr(self, key)
        return body | self.extra

    def to_dict(self) -> dict:
        return self.answer() | {"scan_id": self.scan_id}


@dataclass
class ScanContext:
    """What one scan has established so far; ``admissions`` reads it to write the entry."""

    sql: Statements
    at: datetime
    checkpoint: cache.CheckpointInfo | None  # None: an unknown checkpoint
    edition: cache.EditionInfo | None = None
    day: date | None = None
    ticket: object | None = None  # a row: id, edition_id, version, status, name, group_size…
    bookings: list = field(default_factory=list)  # rows: booking_status, event_id, title…


# What a scan that passed every check still has to write, decided by the database.
ENTER, EXIT = "enter", "exit"
# The answer such a scan is logged with before its write; the write corrects it if it must.
_EXPECTED_EFFECT = {ENTER: "admitted", EXIT: "exited"}


def check_in(request: ScanRequest, now: datetime) -> ScanOutcome:
    """Decide, record and answer one scan; a repeated nonce replays the first answer.

    Never raises for a refusal: the result says why. Only flushes; the caller commits.
    """
    at = _scan_time(request, now)
    checkpoint = cache.checkpoint_info(request.checkpoint_id)
    edition = cache.edition_info(checkpoint.edition_id) if checkpoint else None
    # The signature check is pure CPU: done before the first statement, it is not done while
    # holding SQLite's write lock (or PostgreSQL's row locks), which every other scan waits on.
    claim = _read_code(request, edition) if edition else None
    ctx = ScanContext(Statements(), at, checkpoint)
    outcome, write = ScanOutcome(R.UNKNOWN_CHECKPOINT), None
    if checkpoint is not None:
        ctx.edition, ctx.day = edition, at.astimezone(edition.tz).date()
        outcome, write = _decide(request, ctx, claim)
    # One INSERT logs the scan with its answer and claims the nonce. A scan still to be
    # admitted (or let out) is logged as done: that is the common case, and only when the
    # database says otherwise (already in, back in, not inside) is the row corrected.
    expected_effect = _EXPECTED_EFFECT.get(write)
    scan_id = _log_scan(ctx, request, now, outcome, expected_effect)
    if scan_id is None:
        return _replay(ctx.sql, request.nonce)
    outcome.scan_id = scan_id
    if write is not None:
        if write == ENTER:
            outcome.result, effect, outcome.first_entry = admissions.enter(request, ctx, scan_id)
        else:
            effect = admissions.leave(ctx)
        if effect != expected_effect:
            _correct_log(ctx.sql, scan_id, outcome, effect)
    return outcome


def _read_code(request: ScanRequest, edition: cache.EditionInfo):
    """Give the signed code's claim (or its CodeError); None for a typed short code."""
    code = _code_text(request)
    if not codes.looks_like_code(code):
        return None
    return codes.decode(code, cache.public_keys(edition.id))


def _code_text(request: ScanRequest) -> str:
    return request.code.strip() if isinstance(request.code, str) else ""


def _scan_time(request: ScanRequest, now: datetime) -> datetime:
    if (
        request.offline
        and request.scanned_at is not None
        and request.scanned_at <= now + CLOCK_SKEW
    ):
        return min(request.scanned_at, now)
    return now


_SCAN_COLUMNS = (
    "nonce",
    "checkpoint_id",
    "device_id",
    "user_id",
    "direction",
    "result",
    "ticket_id",
    "effect",
    "scanned_at",
    "recorded_at",
    "is_offline",
    "response_json",
)


def _scan_insert():
    return (
        insert_for(SCAN)
        .values({name: bindparam(name) for name in _SCAN_COLUMNS})
        .on_conflict_do_nothing(index_elements=[SCAN.c.nonce])
        .returning(SCAN.c.id)
    )


def _log_scan(ctx: ScanContext, request: ScanRequest, now, outcome, effect) -> int | None:
    """Insert the scan's log row; None when the nonce was seen before (a retry or a re-upload)."""
    return ctx.sql.run(
        "scan_insert",
        _scan_insert,
        nonce=request.nonce,
        checkpoint_id=ctx.checkpoint.id if ctx.checkpoint else None,
        device_id=request.device_id,
        user_id=request.user_id,
        direction=request.direction,
        result=outcome.result,
        ticket_id=ctx.ticket.id if ctx.ticket else None,
        effect=effect,
        scanned_at=ctx.at,
        recorded_at=now,
        is_offline=request.offline,
        response_json=json.dumps(outcome.answer()),
    ).scalar()


def _replay(sql: Statements, nonce: str) -> ScanOutcome:
    """Give the answer first given for ``nonce``, with its scan id; write nothing."""
    scan_id, result, stored = sql.run(
        "scan_by_nonce",
        lambda: select(SCAN.c.id, SCAN.c.result, SCAN.c.response_json).where(
            SCAN.c.nonce == bindparam("nonce")
        ),
        nonce=nonce,
    ).one()
    # An erased attendee's scans keep their result but no answer (it carried the name): the
    # replay gives the result alone. Rows logged before the scan id was left out of the stored
    # answer carry it: the same value.
    answer = json.loads(stored) or {"result": result}
    return ScanOutcome(**(answer | {"scan_id": scan_id}), replayed=True)


def _scan_update():
    return (
        update(SCAN)
        .where(SCAN.c.id == bindparam("scan_id"))
        .values(
            result=bindparam("result"),
            effect=bindparam("effect"),
            response_json=bindparam("response_json"),
        )
    )


def _correct_log(sql: Statements, scan_id: int, outcome: ScanOutcome, effect) -> None:
    """Log the answer the database decided, when it is not the one the scan was logged with."""
    sql.run(
        "scan_update",
        _scan_update,
        scan_id=scan_id,
        result=outcome.result,
        effect=effect,
        response_json=json.dumps(outcome.answer()),
    )


def _decide(request: ScanRequest, ctx: ScanContext, claim) -> tuple[ScanOutcome, str | None]:
    """Give the answer the rules give before any write, and the write still to do (or None)."""
    refusal = _find_ticket(request, ctx, claim)
    if refusal:
        return ScanOutcome(refusal), None
    attendee = ctx.ticket
    person = {"name": attendee.name, "group_size": attendee.group_size}
    if attendee.cancelled_at is not None:
        return ScanOutcome(R.CANCELLED, attendee=person), None
    refusal = _booking_refusal(ctx, ctx.bookings)
    outcome = ScanOutcome(
        refusal or R.OK, attendee=person, bookings=_bookings_today(ctx, ctx.bookings)
    )
    if refusal:
        return outcome, None
    return outcome, EXIT if request.direction == "out" else ENTER


def _find_ticket(request: ScanRequest, ctx: ScanContext, claim) -> str | None:
    """Load the scanned ticket and its bookings into ``ctx``; give the refusal when the code
    does not hold.

    ``claim`` is what ``_read_code`` made of a signed code, None for a typed short code.
    """
    code = _code_text(request)
    if claim is not None:
        if isinstance(claim, codes.CodeError) or claim.edition_id != ctx.edition.id:
            return R.INVALID
        _load_ticket(ctx, "ticket_by_id", Ticket.id, claim.ticket_id)
        status = claim_status(claim, ctx.ticket)
        if status == ClaimStatus.INVALID:
            return R.INVALID
        if status in (ClaimStatus.CANCELLED, ClaimStatus.REVOKED):
            # A cancelled ticket's code is revoked, as the offline scanners' list says.
            return R.REVOKED
        valid_today = claim.is_valid_on((ctx.day - ctx.edition.starts_on).days)
    else:
        if not request.allow_short_code or not code:
            return R.INVALID
        _load_ticket(ctx, "ticket_by_short_code", Ticket.short_code, normalise_short_code(code))
        if ctx.ticket is None or ctx.ticket.edition_id != ctx.edition.id:
            return R.INVALID
        if ctx.ticket.status != TicketStatus.VALID:
            return R.REVOKED
        valid_today = ctx.edition.starts_on <= ctx.day <= ctx.edition.ends_on
    return None if valid_today else R.WRONG_DAY


def _ticket_select(column):
    """The ticket, its holder and every booking (soonest first), in one read: one row per
    booking, or one row with no booking."""
    return (
        select(
            Ticket.id,
            Ticket.edition_id,
            Ticket.version,
            Ticket.status,
            Attendee.name,
            Attendee.group_size,
            Attendee.cancelled_at,
            Booking.status.label("booking_status"),
            Event.id.label("event_id"),
            Event.title,
            Event.starts_at,
        )
        .join(Attendee, Attendee.id == Ticket.attendee_id)
        .outerjoin(Booking, Booking.attendee_id == Attendee.id)
        .outerjoin(Event, Event.id == Booking.event_id)
        .where(column == bindparam("key"))
        .order_by(Event.starts_at)
    )


def _load_ticket(ctx: ScanContext, name: str, column, key) -> None:
    rows = ctx.sql.run(name, lambda: _ticket_select(column), key=key).all()
    ctx.ticket = rows[0] if rows else None
    ctx.bookings = [row for row in rows if row.event_id is not None]


def _local_day(ctx: ScanContext, moment: datetime) -> date:
    return moment.astimezone(ctx.edition.tz).date()


def _booking_refusal(ctx: ScanContext, bookings) -> str | None:
    """At an item's door: the item must be today and the booking confirmed."""
    if ctx.checkpoint.kind != CheckpointKind.EVENT:
        return None
    event_id = ctx.checkpoint.event_id
    found = [b for b in bookings if b.event_id == event_id]
    if not found:
        starts_at = db.session.get(Event, event_id).starts_at
        return R.WRONG_DAY if _local_day(ctx, starts_at) != ctx.day else R.NOT_BOOKED
    booking = found[0]
    if _local_day(ctx, booking.starts_at) != ctx.day:
        return R.WRONG_DAY
    if booking.booking_status == BookingStatus.WAITLISTED:
        return R.WAITLISTED
    if booking.booking_status == BookingStatus.CANCELLED:
        return R.CANCELLED
    return None


def _bookings_today(ctx: ScanContext, bookings) -> list[dict]:
    return [
        {
            "event_id": b.event_id,
            "title": b.title,
            "starts_at": b.starts_at.isoformat(),
            "status": b.booking_status,
        }
        for b in bookings
        if _local_day(ctx, b.starts_at) == ctx.day
    ]
