"""Organisers edit the programme: items with their translations, capacity, cancellation, CSV."""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from festival.errors import ConflictError, ValidationError
from festival.extensions import db
from festival.organiser import notices
from festival.programme.models import (
    Edition,
    Event,
    EventKind,
    EventStatus,
    EventTranslation,
    Language,
    Venue,
)
from festival.registration.models import Attendee, Booking, BookingStatus, Registration
from festival.registration.services import promote_waiting_list

TRANSLATED_LOCALES = ("en", "ar")


@dataclass
class EventInput:
    """What an organiser types for an item; times are local to the edition."""

    slug: str
    kind: str
    title: str
    venue_id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int | None = None
    booking_required: bool = False
    languages: list[str] = field(default_factory=list)
    description: str = ""
    translations: dict[str, str] = field(default_factory=dict)  # locale -> title


def _check(data: EventInput, edition: Edition, event: Event | None) -> None:
    """Refuse an item that breaks a rule; the message says which."""
    if not data.title.strip() or not data.slug.strip():
        raise ValidationError(_("Le titre et l'identifiant sont obligatoires."), field="title")
    if data.kind not in {k.value for k in EventKind}:
        raise ValidationError(_("Type d'item inconnu : %(kind)s.", kind=data.kind), field="kind")
    if db.session.get(Venue, data.venue_id) is None:
        raise ValidationError(_("Lieu inconnu."), field="venue_id")
    zone = ZoneInfo(edition.timezone)
    for moment in (data.starts_at, data.ends_at):
        if not edition.starts_on <= moment.astimezone(zone).date() <= edition.ends_on:
            raise ValidationError(
                _(
                    "Les dates doivent être dans celles de l'édition (%(start)s – %(end)s).",
                    start=edition.starts_on.isoformat(),
                    end=edition.ends_on.isoformat(),
                ),
                field="starts_at",
            )
    if data.ends_at <= data.starts_at:
        raise ValidationError(_("La fin doit venir après le début."), field="ends_at")
    if data.capacity is not None and data.capacity < 1:
        raise ValidationError(_("La jauge doit être d'au moins une place."), field="capacity")
    if data.booking_required and data.capacity is None:
        raise ValidationError(_("Une réservation obligatoire demande une jauge."), field="capacity")
    unknown = [c for c in data.languages if db.session.get(Language, c) is None]
    if unknown:
        raise ValidationError(
            _("Langue inconnue : %(codes)s.", codes=", ".join(unknown)), field="languages"
        )
    clash = db.session.scalar(
        select(Event.id).where(Event.edition_id == edition.id, Event.slug == data.slug)
    )
    if clash is not None and (event is None or clash != event.id):
        raise ValidationError(
            _("L'identifiant %(slug)s existe déjà.", slug=data.slug), field="slug"
        )


def _apply_capacity(event: Event, capacity: int | None, lower_confirmed: bool) -> bool:
    """Set the capacity; say whether seats were added (the waiting list may move up).

    Lowering under the seats already taken needs ``lower_confirmed``: then the capacity is set
    to the seats taken, so every confirmed booking is kept and no new one is accepted.
    """
    if capacity is None or event.capacity is None or capacity >= event.seats_taken:
        raised = capacity is not None and event.capacity is not None and capacity > event.capacity
        event.capacity = capacity
        return raised
    if not lower_confirmed:
        raise ConflictError(
            _(
                "%(taken)s places sont déjà prises : confirmez pour ramener la jauge à ce nombre "
                "(aucune réservation confirmée n'est annulée).",
                taken=event.seats_taken,
            ),
            code="capacity_below_seats_taken",
            field="capacity",
        )
    event.capacity = event.seats_taken
    return False


def save_event(
    edition: Edition,
    data: EventInput,
    now: datetime,
    event: Event | None = None,
    lower_confirmed: bool = False,
) -> Event:
    """Create or update an item and its translations.

    :raises ValidationError: a field breaks a rule.
    :raises ConflictError: ``capacity_below_seats_taken`` without confirmation.
    """
    _check(data, edition, event)
    if event is None:
        event = Event(edition=edition, seats_taken=0)
        db.session.add(event)
    raised = _apply_capacity(event, data.capacity, lower_confirmed) if event.id else False
    if not event.id:
        event.capacity = data.capacity
    event.slug, event.kind, event.title = data.slug.strip(), data.kind, data.title.strip()
    event.venue_id, event.description = data.venue_id, data.description
    event.starts_at, event.ends_at = data.starts_at, data.ends_at
    event.booking_required = data.booking_required
    event.languages = [db.session.get(Language, c) for c in data.languages]
    existing = {t.locale: t for t in event.translations}
    for locale in TRANSLATED_LOCALES:
        title = (data.translations.get(locale) or "").strip()
        if title and locale in existing:
            existing[locale].title = title
        elif title:
            event.translations.append(EventTranslation(locale=locale, title=title))
        elif locale in existing:
            event.translations.remove(existing[locale])
    db.session.flush()
    if raised:
        promote_waiting_list(event.id, now)
    return event


def cancel_event(event: Event, now: datetime) -> int:
    """Cancel an item and tell each registration holding a booking; give how many were told.

    :raises ConflictError: ``already_cancelled``.
    """
    if event.status == EventStatus.CANCELLED:
        raise ConflictError(_("Cet item est déjà annulé."), code="already_cancelled")
    event.status = EventStatus.CANCELLED
    registrations = db.session.scalars(
        select(Registration)
        .distinct()
        .join(Attendee, Attendee.registration_id == Registration.id)
        .join(Booking, Booking.attendee_id == Attendee.id)
        .where(
            Booking.event_id == event.id,
            Booking.status != BookingStatus.CANCELLED,
            Registration.anonymised_at.is_(None),
        )
    ).all()
    for registration in registrations:
        notices.queue_event_cancelled(registration, event, now)
    db.session.flush()
    return len(registrations)
