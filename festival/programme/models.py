"""Edition, venues, languages and the programme's items."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.db import UTCDateTime
from festival.extensions import db


class EventKind(enum.StrEnum):
    FAIR_STAND = "fair_stand"
    TALK = "talk"
    READING = "reading"
    ANIMATION = "animation"
    MINI_COURSE = "mini_course"
    KARAOKE = "karaoke"


class EventStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Edition(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    timezone: Mapped[str] = mapped_column(String(40), default="Europe/Paris")
    tagline_fr: Mapped[str] = mapped_column(String(300), default="")
    tagline_en: Mapped[str] = mapped_column(String(300), default="")
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    is_registration_open: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="dates_in_order"),)


class Venue(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(80), default="")
    capacity: Mapped[int | None]
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    directions_fr: Mapped[str] = mapped_column(Text, default="")
    directions_en: Mapped[str] = mapped_column(Text, default="")
    is_step_free: Mapped[bool] = mapped_column(default=False)
    has_hearing_loop: Mapped[bool] = mapped_column(default=False)
    has_seating: Mapped[bool] = mapped_column(default=True)
    has_accessible_toilets: Mapped[bool] = mapped_column(default=False)
    accessibility_notes_fr: Mapped[str] = mapped_column(Text, default="")
    accessibility_notes_en: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    )


class Language(db.Model):
    code: Mapped[str] = mapped_column(String(35), primary_key=True)  # BCP 47
    native_name: Mapped[str] = mapped_column(String(80))
    name_fr: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    direction: Mapped[str] = mapped_column(String(3), default="ltr")
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (CheckConstraint("direction IN ('ltr', 'rtl')", name="direction_known"),)


event_language = Table(
    "event_language",
    db.metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("language_code", ForeignKey("language.code"), primary_key=True),
    Column("position", db.Integer, nullable=False, default=0),
)


class Event(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default=EventStatus.SCHEDULED)
    title: Mapped[str] = mapped_column(String(200))  # French, the source language
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id"), index=True)
    room: Mapped[str] = mapped_column(String(80), default="")
    level: Mapped[str | None] = mapped_column(String(20))
    # None: open entry, nobody books. Otherwise the hard limit for bookings.
    capacity: Mapped[int | None]
    # Seats held by confirmed bookings; only registration.seats changes it, atomically.
    seats_taken: Mapped[int] = mapped_column(default=0)
    # Seats asked for by its waiting list (a group counts its size); kept by
    # registration.seats in the transaction that moves a booking in or out of the list, so the
    # dashboard reads it instead of summing every waiting booking.
    waitlisted_seats: Mapped[int] = mapped_column(default=0)
    booking_required: Mapped[bool] = mapped_column(default=False)
    hosts: Mapped[str] = mapped_column(String(300), default="")
    audience: Mapped[str] = mapped_column(String(20), default="all")
    is_lsf_interpreted: Mapped[bool] = mapped_column(default=False)
    is_easy_read: Mapped[bool] = mapped_column(default=False)
    sound_level: Mapped[str | None] = mapped_column(String(10))
    accessibility_notes_fr: Mapped[str] = mapped_column(Text, default="")
    accessibility_notes_en: Mapped[str] = mapped_column(Text, default="")

    edition: Mapped[Edition] = relationship()
    venue: Mapped[Venue] = relationship()
    # Main language first (position, set by the loader); the code breaks ties so that lists
    # assigned through the relationship (position 0 each) come out the same on every engine.
    languages: Mapped[list[Language]] = relationship(
        secondary=event_language,
        order_by=(event_language.c.position, event_language.c.language_code),
    )
    translations: Mapped[list["EventTranslation"]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("edition_id", "slug"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("seats_taken >= 0", name="seats_taken_not_negative"),
        CheckConstraint("waitlisted_seats >= 0", name="waitlisted_seats_not_negative"),
        CheckConstraint(
            "capacity IS NULL OR seats_taken <= capacity", name="seats_taken_within_capacity"
        ),
        CheckConstraint(
            "kind IN ('fair_stand', 'talk', 'reading', 'animation', 'mini_course', 'karaoke')",
            name="kind_known",
        ),
        CheckConstraint("status IN ('scheduled', 'cancelled')", name="status_known"),
        CheckConstraint(
            "NOT booking_required OR capacity IS NOT NULL", name="booking_has_capacity"
        ),
        Index("ix_event_edition_starts", "edition_id", "starts_at"),
    )

    @property
    def takes_bookings(self) -> bool:
        return self.capacity is not None and self.status == EventStatus.SCHEDULED

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.seats_taken, 0)

    def text(self, locale: str) -> tuple[str, str]:
        """Give (title, description) in ``locale``, falling back to French."""
        for t in self.translations:
            if t.locale == locale and t.title:
                return t.title, t.description or self.description
        return self.title, self.description


class EventTranslation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    event: Mapped[Event] = relationship(back_populates="translations")

    __table_args__ = (UniqueConstraint("event_id", "locale"),)


def current_edition_query():
    """The edition the site shows: the latest one."""
    return select(Edition).order_by(Edition.starts_on.desc()).limit(1)
