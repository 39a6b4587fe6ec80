"""The confirmation email carries the ticket PDFs, rendered (or read from cache) at delivery."""

from flask import current_app
from sqlalchemy.orm import Session

from festival.mail.outbox import Attachment, add_attachments
from festival.registration.models import Registration
from festival.registration.notices import CONFIRMED
from festival.tickets import pdf_cache
from festival.tickets.models import TicketStatus


def ticket_pdf_attachments(payload: dict, locale: str, session: Session) -> list[Attachment]:
    """One PDF per valid ticket of the registration, in the message's language."""
    from festival.tickets.pdf import ticket_page  # WeasyPrint: only where mail is rendered

    registration = session.get(Registration, payload.get("registration_id"))
    if registration is None:
        return []
    if locale not in current_app.config["LOCALES"]:
        locale = "fr"
    pages = [
        (attendee.ticket.id, attendee.ticket.version, ticket_page(attendee.ticket, locale))
        for attendee in registration.attendees
        if attendee.ticket is not None
        and attendee.ticket.status == TicketStatus.VALID
        and attendee.cancelled_at is None
    ]
    # Everything is read: end the (read-only) transaction before rendering. Inline delivery
    # runs inside the POST that registered, where SQLite transactions begin IMMEDIATE: held
    # open, it would keep every other writer waiting for the whole render.
    session.commit()
    return [
        Attachment(
            filename=f"meltingpotch-ticket-{ticket_id}.pdf",
            content_type="application/pdf",
            data=pdf_cache.cached_page_pdf(ticket_id, version, page, locale),
        )
        for ticket_id, version, page in pages
    ]


add_attachments(CONFIRMED, ticket_pdf_attachments)
