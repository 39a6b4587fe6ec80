"""Ticket PDFs: one page per attendee or group, in the attendee's language, with the QR.

Safety: templates get plain values (the dataclasses below), Jinja autoescapes them, and
WeasyPrint loads nothing but ``data:`` URIs (no files, no network, no redirects): the QR is the
only resource and it is inlined as a ``data:`` URI.

Speed: one ``FontConfiguration`` and one pre-parsed stylesheet per process, reused by every
render (a fresh configuration costs ~40% more). ``warm_up()`` pays the first-render cost (imports,
font discovery, Arabic shaping) at start-up; ``create_app`` calls it unless TESTING or
``PDF_WARM_UP`` is off. Rendering holds the GIL: scale with worker processes, not threads.
"""

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from flask import render_template
from flask_babel import force_locale, gettext
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from festival.extensions import db
from festival.programme.models import Edition, Venue
from festival.programme.presenters import edition_dates, event_view
from festival.programme.services import programme_venues
from festival.programme.texts import localized
from festival.registration.models import BookingStatus
from festival.tickets import services as ticket_services
from festival.tickets.qr import qr_data_uri

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "tickets-pdf.css"


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


class _Renderer:
    """The per-process rendering state: fonts, the parsed stylesheet, the safe fetcher."""

    def __init__(self):
        self.font_config = FontConfiguration()
        # data: only (the inlined QR); no file:, no http(s):, and no redirects (CVE-2025-68616).
        self.fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)
        self.stylesheet = CSS(
            string=STYLESHEET.read_text(encoding="utf-8"),
            font_config=self.font_config,
            url_fetcher=self.fetcher,
        )

    def render(self, html: str) -> bytes:
        document = HTML(string=html, url_fetcher=self.fetcher, base_url=None)
        return document.write_pdf(stylesheets=[self.stylesheet], font_config=self.font_config)


_renderer: _Renderer | None = None
_warmed = False


def _get_renderer() -> _Renderer:
    global _renderer
    if _renderer is None:
        _renderer = _Renderer()
    return _renderer


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


def group_short_code(short_code: str) -> str:
    """Write a short code in groups of three, easier to read out and to type."""
    return "-".join(short_code[i : i + 3] for i in range(0, len(short_code), 3))


def render_pages(pages: list[TicketPage], locale: str) -> bytes:
    """Lay out ``pages`` in ``locale`` and give the PDF bytes."""
    with force_locale(locale):
        html = render_template(
            "tickets/pdf.html",
            pages=pages,
            qr_uris=[qr_data_uri(page.code) for page in pages],
            locale=locale,
            direction="rtl" if Locale.parse(locale).character_order == "right-to-left" else "ltr",
            title=gettext("Billet"),
            dir_of=direction_of,
        )
    return _get_renderer().render(html)


def render_tickets_pdf(tickets, locale: str) -> bytes:
    """Render the tickets, one page each, in ``locale`` (uncached; see ``pdf_cache``)."""
    return render_pages([ticket_page(ticket, locale) for ticket in tickets], locale)


def ticket_page(ticket, locale: str) -> TicketPage:
    """Collect what a ticket's page prints, localized, from the models."""
    attendee = ticket.attendee
    edition = db.session.get(Edition, ticket.edition_id)
    bookings = [b for b in attendee.bookings if b.status != BookingStatus.CANCELLED]
    bookings.sort(key=lambda b: b.event.starts_at)
    with force_locale(locale):
        items = tuple(_booked_item(b, locale) for b in bookings)
        venues = tuple(_venue_info(v, locale) for v in programme_venues(edition))
        dates = edition_dates(edition)
    return TicketPage(
        name=attendee.name,
        group_size=attendee.group_size if attendee.group_size > 1 else None,
        festival=edition.name,
        dates=dates,
        code=ticket_services.code_for(ticket),
        short_code=group_short_code(ticket.short_code),
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


def warm_up(app) -> None:
    """Pay the first render's cost (fonts, CSS, shaping) at start-up, not in a request.

    Once per process: the renderer it warms is per process too.
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
    with app.app_context():
        for locale in ("fr", "ar"):
            render_pages([sample], locale)
    _warmed = True
