"""Registrations (a contact person), attendees (a person or a group) and their bookings."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.db import UTCDateTime, utcnow
from festival.extensions import db


class BookingStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class Registration(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id"), index=True)
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str] = mapped_column(String(254), index=True)
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    postal_code: Mapped[str | None] = mapped_column(String(10), index=True)
    locale: Mapped[str] = mapped_column(String(10), default="fr")
    # Secret of the manage-my-booking link: secrets.token_urlsafe(32), 256 bits.
    manage_token: Mapped[str] = mapped_column(String(64), unique=True)
    # A named group (school class, social centre) rather than a list of people.
    group_name: Mapped[str | None] = mapped_column(String(120))
    is_walk_in: Mapped[bool] = mapped_column(default=False)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attendees: Mapped[list["Attendee"]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", order_by="Attendee.id"
    )

    # Warnings of the last register/book_more call (e.g. a tight walk between venues); not stored.
    warnings: tuple = ()
    # Ticket codes signed by register (ticket id -> code), so the answer needs no more SQL.
    ticket_codes: dict = {}  # noqa: RUF012  (replaced per instance, never mutated)


class Attendee(db.Model):
    """One person, or one group counted as ``group_size`` people on one ticket."""

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    group_size: Mapped[int] = mapped_column(default=1)
    adults: Mapped[int | None]
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    registration: Mapped[Registration] = relationship(back_populates="attendees")
    bookings: Mapped[list["Booking"]] = relationship(
        back_populates="attendee", cascade="all, delete-orphan", order_by="Booking.id"
    )
    ticket = relationship("Ticket", back_populates="attendee", uselist=False)

    __table_args__ = (
        CheckConstraint("group_size >= 1", name="group_size_positive"),
        CheckConstraint(
            "adults IS NULL OR (adults >= 0 AND adults <= group_size)", name="adults_fit"
        ),
    )

    @property
    def is_group(self) -> bool:
        return self.registration.group_name is not None


class Booking(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    attendee_id: Mapped[int] = mapped_column(ForeignKey("attendee.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    seats: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(12))
    # Place in the event's waiting list (1 = next), only while waitlisted.
    waitlist_position: Mapped[int | None]
    # Set when an entry behind this one was promoted while this one did not fit: from then on
    # freed seats are held for it (see services.seats: a group is passed over at most once).
    passed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attendee: Mapped[Attendee] = relationship(back_populates="bookings")
    event = relationship("Event")

    __table_args__ = (
        UniqueConstraint("attendee_id", "event_id"),
        CheckConstraint("seats >= 1", name="seats_positive"),
        CheckConstraint("status IN ('confirmed', 'waitlisted', 'cancelled')", name="status_known"),
        CheckConstraint(
            "(status = 'waitlisted') = (waitlist_position IS NOT NULL)",
            name="position_only_when_waitlisted",
        ),
        Index(
            "uq_booking_event_waitlist_position",
            "event_id",
            "waitlist_position",
            unique=True,
            sqlite_where=text("waitlist_position IS NOT NULL"),
            postgresql_where=text("waitlist_position IS NOT NULL"),
        ),
        Index("ix_booking_event_status", "event_id", "status"),
    )
