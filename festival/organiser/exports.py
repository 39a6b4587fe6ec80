"""CSV exports of personal data for organisers, each one logged (RGPD accountability)."""

import csv
import io
from datetime import datetime

from sqlalchemy import select

from festival.checkin.models import Checkpoint, Scan
from festival.extensions import db
from festival.organiser.models import ExportLog
from festival.programme.models import Event
from festival.registration.models import Attendee, Booking, Registration
from festival.tickets.models import Ticket

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXPORTS = ("attendees", "bookings", "checkins")


def neutralise(value) -> str:
    """Give the cell as text a spreadsheet shows and never evaluates."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(header: list[str], rows) -> bytes:
    """Write RFC 4180 CSV (CRLF, quoted as needed) in UTF-8 with a BOM for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def attendee_rows(edition_id: int):
    query = (
        select(Attendee, Registration, Ticket.short_code)
        .join(Registration, Registration.id == Attendee.registration_id)
        .outerjoin(Ticket, Ticket.attendee_id == Attendee.id)
        .where(Registration.edition_id == edition_id)
        .order_by(Registration.id, Attendee.id)
    )
    for attendee, reg, short_code in db.session.execute(query):
        yield [
            reg.id,
            attendee.name,
            attendee.group_size,
            reg.contact_name,
            reg.contact_email,
            reg.contact_phone,
            reg.postal_code,
            reg.locale,
            short_code,
            _iso(attendee.cancelled_at or reg.cancelled_at),
        ]


def booking_rows(edition_id: int):
    query = (
        select(Booking, Attendee.name, Registration.id, Event.title)
        .join(Attendee, Attendee.id == Booking.attendee_id)
        .join(Registration, Registration.id == Attendee.registration_id)
        .join(Event, Event.id == Booking.event_id)
        .where(Registration.edition_id == edition_id)
        .order_by(Event.starts_at, Booking.id)
    )
    for booking, name, reg_id, title in db.session.execute(query):
        yield [
            booking.id,
            reg_id,
            name,
            booking.event_id,
            title,
            booking.seats,
            booking.status,
            booking.waitlist_position,
            _iso(booking.created_at),
        ]


def checkin_rows(edition_id: int):
    query = (
        select(Scan, Checkpoint.name, Attendee.name)
        .join(Checkpoint, Checkpoint.id == Scan.checkpoint_id)
        .outerjoin(Ticket, Ticket.id == Scan.ticket_id)
        .outerjoin(Attendee, Attendee.id == Ticket.attendee_id)
        .where(Checkpoint.edition_id == edition_id)
        .order_by(Scan.scanned_at, Scan.id)
    )
    for scan, checkpoint, name in db.session.execute(query):
        yield [
            scan.id,
            _iso(scan.scanned_at),
            checkpoint,
            name,
            scan.direction,
            scan.result,
            "1" if scan.is_offline else "0",
            _iso(scan.undone_at),
        ]


HEADERS = {
    "attendees": [
        "registration",
        "nom",
        "personnes",
        "contact",
        "email",
        "telephone",
        "code_postal",
        "langue",
        "code_court",
        "annule_le",
    ],
    "bookings": [
        "reservation",
        "registration",
        "nom",
        "item",
        "titre",
        "places",
        "statut",
        "position_attente",
        "cree_le",
    ],
    "checkins": [
        "scan",
        "heure",
        "point_de_controle",
        "nom",
        "sens",
        "resultat",
        "hors_ligne",
        "annule_le",
    ],
}
ROWS = {"attendees": attendee_rows, "bookings": booking_rows, "checkins": checkin_rows}


def log_export(user_id: int | None, what: str, now: datetime) -> ExportLog:
    """Record who exported what, and when."""
    entry = ExportLog(user_id=user_id, what=what[:120], at=now)
    db.session.add(entry)
    db.session.flush()
    return entry


def export_csv(kind: str, edition_id: int, user_id: int | None, now: datetime) -> bytes:
    """Build one CSV export and log it.

    :raises KeyError: unknown export (the view only passes names from ``EXPORTS``).
    """
    data = to_csv(HEADERS[kind], ROWS[kind](edition_id))
    log_export(user_id, f"csv:{kind}:edition={edition_id}", now)
    return data


def door_list_rows(event_id: int) -> list[dict]:
    """Confirmed bookings of an item, by name: the paper backup at the door."""
    query = (
        select(Attendee.name, Booking.seats, Ticket.short_code)
        .join(Attendee, Attendee.id == Booking.attendee_id)
        .outerjoin(Ticket, Ticket.attendee_id == Attendee.id)
        .where(Booking.event_id == event_id, Booking.status == "confirmed")
        .order_by(Attendee.name)
    )
    return [{"name": n, "seats": s, "short_code": c} for n, s, c in db.session.execute(query)]


def door_list_pdf(event: Event, user_id: int | None, now: datetime) -> bytes:
    """Render an item's door list to PDF, and log the export."""
    from zoneinfo import ZoneInfo

    from flask import render_template

    from festival.organiser.pdf import html_to_pdf

    starts = event.starts_at.astimezone(ZoneInfo(event.edition.timezone))
    html = render_template(
        "organiser/door_list.html",
        event=event,
        rows=door_list_rows(event.id),
        starts=starts.strftime("%Y-%m-%d %H:%M"),
    )
    log_export(user_id, f"pdf:door-list:event={event.id}", now)
    return html_to_pdf(html)
