"""Checkpoints, scanning devices, every scan, and who is admitted where."""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.db import UTCDateTime, utcnow
from festival.extensions import db


class CheckpointKind(enum.StrEnum):
    VENUE = "venue"  # a venue's entrance: once per day, exits optional
    EVENT = "event"  # a booked item's door: once, confirmed booking needed


class ScanResult(enum.StrEnum):
    OK = "ok"
    ALREADY_CHECKED_IN = "already_checked_in"
    NOT_BOOKED = "not_booked"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    REVOKED = "revoked"
    INVALID = "invalid"
    WRONG_DAY = "wrong_day"
    UNKNOWN_CHECKPOINT = "unknown_checkpoint"


class Checkpoint(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(10))
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"), unique=True)

    venue = relationship("Venue")
    event = relationship("Event")

    __table_args__ = (
        CheckConstraint("kind IN ('venue', 'event')", name="kind_known"),
        CheckConstraint("(kind = 'event') = (event_id IS NOT NULL)", name="event_iff_event_kind"),
    )


class Device(db.Model):
    """A volunteer's phone (or any scanner), named by the scanner page on first use."""

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")


class Scan(db.Model):
    """Every scan, accepted or refused, as the volunteer saw it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # Chosen by the client; a retried or re-uploaded scan carries the same one.
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    checkpoint_id: Mapped[int | None] = mapped_column(ForeignKey("checkpoint.id"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), index=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    direction: Mapped[str] = mapped_column(String(4), default="in")
    result: Mapped[str] = mapped_column(String(24))
    # When it happened at the door (offline scans arrive later) and when the server learnt it.
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    is_offline: Mapped[bool] = mapped_column(default=False)
    # The answer given, replayed as is for a repeated nonce.
    response_json: Mapped[str] = mapped_column(Text, default="{}")
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # What the scan changed, so that an undo can reverse exactly that (None: nothing).
    effect: Mapped[str | None] = mapped_column(String(10))

    __table_args__ = (
        CheckConstraint("direction IN ('in', 'out')", name="direction_known"),
        Index("ix_scan_scanned_at", "scanned_at"),
    )


QUARTER_SECONDS = 15 * 60


def quarter_of(at: datetime) -> int:
    """The quarter hour since the epoch ``at`` falls in (``Admission.first_quarter``)."""
    return int(at.timestamp()) // QUARTER_SECONDS


class Admission(db.Model):
    """The first entry of a ticket at a checkpoint on a day; the unique key makes it atomic."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"))
    day: Mapped[date]
    first_scan_id: Mapped[int] = mapped_column(ForeignKey("scan.id"))
    first_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # first_at in quarter hours since the epoch: the QuarterTally row this admission counts in
    # (an undo takes it back out of that row).
    first_quarter: Mapped[int] = mapped_column(default=0)
    people: Mapped[int] = mapped_column(default=1)
    is_inside: Mapped[bool] = mapped_column(default=True)
    # Set when offline sync reveals the ticket was admitted on two devices.
    is_double_entry: Mapped[bool] = mapped_column(default=False)

    first_scan = relationship("Scan")

    __table_args__ = (
        UniqueConstraint("ticket_id", "checkpoint_id", "day"),
        # The offline pack reads a checkpoint's admissions of the day.
        Index("ix_admission_day_checkpoint", "day", "checkpoint_id"),
        Index("ix_admission_double", "is_double_entry"),
    )


class CheckpointTally(db.Model):
    """Running counts per checkpoint and day, updated in the scan's own transaction.

    The dashboard reads these few rows instead of aggregating 100k scans (FIELD-NOTES: a GROUP BY
    held door scans up to 2.5 s; a counter table answers in microseconds).
    """

    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    admitted: Mapped[int] = mapped_column(default=0)  # people, first entries only
    inside: Mapped[int] = mapped_column(default=0)  # people with tickets inside now
    walk_ins: Mapped[int] = mapped_column(default=0)  # people without a ticket


class QuarterTally(db.Model):
    """People who came in per checkpoint and quarter hour, kept with CheckpointTally.

    The entries-per-quarter chart reads these rows instead of grouping every admission of the
    day (11-18 ms at 100k scans here, per dashboard refresh). Per checkpoint and day, the
    quarters add up to CheckpointTally's ``admitted`` and ``walk_ins`` (festival/integrity.py).
    """

    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    quarter: Mapped[int] = mapped_column(primary_key=True)  # quarter_of(first entry's time)
    admitted: Mapped[int] = mapped_column(default=0)  # people, first entries only
    walk_ins: Mapped[int] = mapped_column(default=0)  # people without a ticket


class WalkIn(db.Model):
    """A visitor with no ticket, counted at a door ("+1" at the open fair)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"), index=True)
    people: Mapped[int] = mapped_column(default=1)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (CheckConstraint("people >= 1", name="people_positive"),)
