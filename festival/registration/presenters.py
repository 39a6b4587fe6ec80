"""Plain values for templates, emails and the API, built from a registration."""

from festival.registration.links import manage_url, pdf_url
from festival.registration.models import BookingStatus, Registration
from festival.tickets.services import code_for


def booking_json(booking) -> dict:
    body = {"event_id": booking.event_id, "status": booking.status}
    if booking.status == BookingStatus.WAITLISTED:
        body["position"] = booking.waitlist_position
    return body


def registration_json(registration: Registration) -> dict:
    """The API's view of a registration (DESIGN.md §4)."""
    return {
        "id": registration.id,
        "manage_url": manage_url(registration),
        "locale": registration.locale,
        "warnings": [str(w) for w in registration.warnings],
        "attendees": [
            {
                "name": attendee.name,
                "group_size": attendee.group_size,
                "ticket": {
                    "code": registration.ticket_codes.get(attendee.ticket.id)
                    or code_for(attendee.ticket),
                    "short_code": attendee.ticket.short_code,
                    "pdf_url": pdf_url(attendee.ticket),
                },
                "bookings": [booking_json(b) for b in attendee.bookings],
            }
            for attendee in registration.attendees
        ],
    }


def _item(event, locale: str) -> dict:
    title, _ = event.text(locale)
    return {
        "event_id": event.id,
        "title": title,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "venue": event.venue.name,
        "room": event.room,
        "confirmed": [],
        "waitlisted": [],
        "positions": [],
    }


def summary(registration: Registration, locale: str) -> dict:
    """What the manage page and the emails show: people, tickets and items with statuses."""
    items: dict[int, dict] = {}
    people = []
    for attendee in registration.attendees:
        ticket = attendee.ticket
        people.append(
            {
                "name": attendee.name,
                "group_size": attendee.group_size,
                "adults": attendee.adults,
                "is_cancelled": attendee.cancelled_at is not None,
                "ticket": ticket,
                "pdf_url": pdf_url(ticket) if ticket is not None else None,
            }
        )
        for booking in attendee.bookings:
            if booking.status == BookingStatus.CANCELLED:
                continue
            item = items.setdefault(booking.event_id, _item(booking.event, locale))
            if booking.status == BookingStatus.CONFIRMED:
                item["confirmed"].append(attendee.name)
            else:
                item["waitlisted"].append(attendee.name)
                item["positions"].append(booking.waitlist_position)
    ordered = sorted(items.values(), key=lambda i: i["starts_at"])
    for item in ordered:
        item["position"] = min(item["positions"]) if item["positions"] else None
    return {
        "registration": registration,
        "manage_url": manage_url(registration),
        "people": people,
        "items": ordered,
        "is_cancelled": registration.cancelled_at is not None,
    }
