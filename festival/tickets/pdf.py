"""Ticket PDFs: one page per attendee or group, in the attendee's language, with the QR.

Safety: templates get plain values (the dataclasses below), Jinja autoescapes them, and
WeasyPrint loads nothing but ``data:`` URIs (``tickets.fetcher``; no files, no network, no
redirects): the QR is the only resource and it is inlined as a ``data:`` URI.

Speed (budget, issue 4: one ticket <= 60 ms warm, ten in one PDF <= 300 ms): the WeasyPrint
state (fonts, parsed CSS, a lean user-agent sheet) is built once per process
(``tickets.renderer``); ``warm_up()`` pays the first render (imports, font discovery, Arabic
shaping) at start-up, called in every gunicorn worker by ``post_worker_init`` ->
``festival.warmup``, which then freezes the start-up heap out of the garbage collector's walks.

Rendering is CPU-bound and holds the GIL, so it scales with processes, not threads. Where it
runs, that holds:

- the PDF link of the manage page (``views.pdf``): in gunicorn sync workers, one process per
  core, one request at a time each (``gunicorn.conf.py``); a PDF is rendered once per ticket
  version and language, then read from ``instance/pdf-cache`` (``pdf_cache``), so renders
  are rare and a second worker never waits on the first;
- the confirmation email (``attachments``): rendered where the message is delivered, in the
  RQ mail worker (``rq worker -w rq.worker.SimpleWorker … mail``: one process that keeps its
  renderer warm between jobs; RQ's default worker would fork a cold child per job), or, with
  no Redis, on the mail thread of the process that registered (``festival.mail.background``),
  after the response; more mail throughput means more worker processes.

The renderer's lock serializes renders inside one process: threads would only queue on it
and on the GIL.
"""

import contextlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale
from flask import render_template
from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import object_session

from festival.extensions import db
from festival.programme.models import Edition, Event, EventStatus, Venue
from festival.programme.presenters import edition_dates, event_view
from festival.programme.texts import localized
from festival.registration.models import BookingStatus
from festival.tickets import services as ticket_services
from festival.tickets.qr import qr_data_uri
from festival.tickets.renderer import get_renderer


@dataclass(frozen=True)
class BookedItem:
    day: str
    time: str
    title: str
    venue: str
    room: str
    is_waitlisted: bool
    notes: tuple[str, ...]


@dataclass(frozen=True)
class VenueInfo:
    name: str
    address: str
    notes: tuple[str, ...]


@dataclass(frozen=True)
class TicketPage:
    """Every value printed on a ticket page, already localized; nothing else reaches HTML."""

    name: str
    group_size: int | None  # None for one person
    festival: str
    dates: str
    code: str
    short_code: str  # grouped for reading: ABC-DEF-GHJ
    items: tuple[BookedItem, ...]
    venues: tuple[VenueInfo, ...]


# The template's line breaks and indentation between tags: each would become a text node
# WeasyPrint parses, styles and then throws away. Values cannot match (Jinja escapes < and >),
# and spaces inside a line (between inline elements) are kept.
_WHITESPACE_BETWEEN_LINES = re.compile(r">\s*\n\s*<")

_warmed = False


def direction_of(text: str) -> str:
    """Give the direction of ``text`` from its first strong character (HTML's dir=auto).

    WeasyPrint does not implement dir=auto: a Latin address inside an Arabic page would have
    its leading house number moved to the end.
    """
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


@lru_cache(maxsize=8)
def _page_direction(locale: str) -> str:
    return "rtl" if Locale.parse(locale).character_order == "right-to-left" else "ltr"


def render_pages(pages: list[TicketPage], locale: str) -> bytes:
    """Lay out ``pages`` in ``locale`` and give the PDF bytes."""
    with force_locale(locale):
        html = render_template(
            "tickets/pdf.html",
            pages=pages,
            qr_uris=[qr_data_uri(page.code) for page in pages],
            locale=locale,
            direction=_page_direction(locale),
            title=gettext("Billet"),
            dir_of=direction_of,
        )
    return get_renderer().render(_WHITESPACE_BETWEEN_LINES.sub("><", html))


def render_tickets_pdf(tickets, locale: str) -> bytes:
    """Render the tickets, one page each, in ``locale`` (uncached; see ``pdf_cache``)."""
    return render_pages([ticket_page(ticket, locale) for ticket in tickets], locale)


def ticket_page(ticket, locale: str) -> TicketPage:
    """Collect what a ticket's page prints, localized, from the models."""
    # The ticket's own session: the mail worker renders tickets outside db.session.
    session = object_session(ticket) or db.session
    attendee = ticket.attendee
    edition = session.get(Edition, ticket.edition_id)
    bookings = [b for b in attendee.bookings if b.status != BookingStatus.CANCELLED]
    bookings.sort(key=lambda b: b.event.starts_at)
    with force_locale(locale):
        items = tuple(_booked_item(b, locale) for b in bookings)
        venues = tuple(_venue_info(v, locale) for v in _edition_venues(session, edition.id))
        dates = edition_dates(edition)
    return TicketPage(
        name=attendee.name,
        group_size=attendee.group_size if attendee.group_size > 1 else None,
        festival=edition.name,
        dates=dates,
        code=ticket_services.code_for(ticket),
        short_code=ticket_services.group_short_code(ticket.short_code),
        items=items,
        venues=venues,
    )


def _booked_item(booking, locale: str) -> BookedItem:
    view = event_view(booking.event, locale)
    notes = list(view.accessibility)
    if view.sound:
        notes.append(view.sound)
    return BookedItem(
        day=view.day_label,
        time=f"{view.starts} – {view.ends}",
        title=view.title,
        venue=view.venue.name,
        room=view.room,
        is_waitlisted=booking.status == BookingStatus.WAITLISTED,
        notes=tuple(notes),
    )


def _edition_venues(session, edition_id: int) -> list[Venue]:
    """Venues with a scheduled item of the edition, as ``programme_venues`` (in ``session``)."""
    used = select(Event.venue_id).where(
        Event.edition_id == edition_id, Event.status == EventStatus.SCHEDULED
    )
    return list(session.scalars(select(Venue).where(Venue.id.in_(used)).order_by(Venue.id)))


def _venue_info(venue: Venue, locale: str) -> VenueInfo:
    flags = (
        (venue.is_step_free, gettext("Accès de plain-pied")),
        (venue.has_hearing_loop, gettext("Boucle magnétique")),
        (venue.has_seating, gettext("Places assises")),
        (venue.has_accessible_toilets, gettext("Toilettes accessibles")),
    )
    notes = [label for present, label in flags if present]
    if text := localized(venue, "accessibility_notes", locale):
        notes.append(text)
    city = f"{venue.postal_code} {venue.city}".strip()
    address = ", ".join(part for part in (venue.address, city) if part)
    return VenueInfo(name=venue.name, address=address, notes=tuple(notes))


def warm_up(app=None) -> None:
    """Pay the first render's cost (fonts, CSS, shaping) at start-up, not in a request.

    Called by gunicorn's ``post_worker_init`` (``festival.warmup``) in each worker process,
    inside an app context; once per process, as the renderer it warms is per process.
    """
    global _warmed
    if _warmed:
        return
    sample = TicketPage(
        name="Échauffement مرحبا",
        group_size=2,
        festival="Meltingpotch",
        dates="",
        code="A" * 120,
        short_code="ABC-DEF-GHJ",
        items=(BookedItem("", "10:00", "Atelier", "Escapade", "", False, ()),),
        venues=(VenueInfo("Escapade", "", ()),),
    )
    with app.app_context() if app is not None else contextlib.nullcontext():
        for locale in ("fr", "ar"):
            render_pages([sample], locale)
    _warmed = True
