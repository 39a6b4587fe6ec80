"""Emails of the registration feature: what is queued, and how each kind is rendered."""

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from festival.mail.outbox import MailContent, enqueue, renderer
from festival.programme.models import Event
from festival.registration.models import Registration

CONFIRMED = "registration_confirmed"
PROMOTED = "waitlist_promoted"


def queue_confirmation(registration: Registration, now) -> None:
    """Email the contact person what is booked, with the manage link (and, later, tickets)."""
    enqueue(
        CONFIRMED,
        registration.contact_email,
        registration.locale,
        {"registration_id": registration.id},
        now,
    )


def queue_promotions(promoted_bookings, now) -> None:
    """Tell each promoted registration, once per item, that its seats are confirmed."""
    seen = set()
    for booking in promoted_bookings:
        registration = booking.attendee.registration
        key = (registration.id, booking.event_id)
        if key in seen:
            continue
        seen.add(key)
        enqueue(
            PROMOTED,
            registration.contact_email,
            registration.locale,
            {"registration_id": registration.id, "event_id": booking.event_id},
            now,
        )


def _context(session: Session, payload: dict, locale: str) -> dict:
    from festival.registration.presenters import summary

    registration = session.get(Registration, payload["registration_id"])
    return summary(registration, locale)


@renderer(CONFIRMED)
def render_confirmation(payload: dict, locale: str, session: Session) -> MailContent:
    context = _context(session, payload, locale)
    with force_locale(locale):
        return MailContent(
            subject=_("Votre inscription à Meltingpotch"),
            text=render_template("registration/mail/confirmation.txt", **context),
        )


@renderer(PROMOTED)
def render_promotion(payload: dict, locale: str, session: Session) -> MailContent:
    context = _context(session, payload, locale)
    event = session.get(Event, payload["event_id"])
    with force_locale(locale):
        title = event.text(locale)[0]
        return MailContent(
            subject=_("Une place s'est libérée : « %(t)s »", t=title),
            text=render_template(
                "registration/mail/promotion.txt", event_title=title, event=event, **context
            ),
        )
