"""Tickets and the edition's signing keys."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.db import UTCDateTime, utcnow
from festival.extensions import db


class TicketStatus(enum.StrEnum):
    VALID = "valid"
    CANCELLED = "cancelled"


class Ticket(db.Model):
    """One per attendee (a person, or a group counted as its head count)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    attendee_id: Mapped[int] = mapped_column(
        ForeignKey("attendee.id", ondelete="CASCADE"), unique=True
    )
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id"), index=True)
    # Bumped whenever what the ticket admits changes; older codes are then revoked.
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(12), default=TicketStatus.VALID)
    # Typed by a volunteer when a screen is cracked; looked up on the server only.
    short_code: Mapped[str] = mapped_column(String(12), unique=True)
    # Secret of the PDF link: secrets.token_urlsafe(32).
    pdf_token: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    attendee = relationship("Attendee", back_populates="ticket")

    __table_args__ = (
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("status IN ('valid', 'cancelled')", name="status_known"),
    )


class SigningKey(db.Model):
    """An Ed25519 key of an edition. Scanners receive the public halves only."""

    id: Mapped[int] = mapped_column(primary_key=True)  # the key id carried in codes
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id"), index=True)
    private_key: Mapped[bytes] = mapped_column(LargeBinary)  # raw 32 bytes
    public_key: Mapped[bytes] = mapped_column(LargeBinary)  # raw 32 bytes
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A retired key signs nothing new and its codes are refused.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (CheckConstraint("id >= 1 AND id <= 255", name="id_fits_a_byte"),)
