"""Emails the organiser feature sends (through the outbox): an item was cancelled."""

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from festival.mail.outbox import MailContent, enqueue, renderer
from festival.programme.models import Event
from festival.registration.models import Registration

EVENT_CANCELLED = "event_cancelled"


def queue_event_cancelled(registration: Registration, event: Event, now) -> None:
    """Tell a registration that an item it booked is cancelled."""
    enqueue(
        EVENT_CANCELLED,
        registration.contact_email,
        registration.locale,
        {"registration_id": registration.id, "event_id": event.id},
        now,
    )


@renderer(EVENT_CANCELLED)
def render_event_cancelled(payload: dict, locale: str, session: Session) -> MailContent:
    registration = session.get(Registration, payload["registration_id"])
    event = session.get(Event, payload["event_id"])
    with force_locale(locale):
        title = event.text(locale)[0]
        return MailContent(
            subject=_("Activité annulée : %(title)s", title=title),
            text=render_template(
                "organiser/mail/event_cancelled.txt", registration=registration, title=title
            ),
        )
