"""iCalendar (RFC 5545) feeds of the programme: the whole programme or one item.

Times are written in UTC (``…Z``): every calendar converts them to its owner's zone, and no
VTIMEZONE block is needed. UIDs are built from the edition's and the item's slugs, which stay
the same when the programme is reloaded, so a re-import updates events instead of duplicating.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import icalendar
from flask_babel import gettext as _

from festival.programme.models import Event, EventStatus
from festival.programme.texts import language_name


@dataclass(frozen=True)
class Links:
    event_url: Callable[[Event], str]
    uid_domain: str


def event_uid(event: Event, domain: str) -> str:
    return f"{event.edition.slug}.{event.slug}@{domain}"


def location(event: Event) -> str:
    venue = event.venue
    place = ", ".join(p for p in (venue.name, event.room) if p)
    town = " ".join(p for p in (venue.postal_code, venue.city) if p)
    return ", ".join(p for p in (place, venue.address, town) if p)


def _component(event: Event, locale: str, links: Links, now: datetime) -> icalendar.Event:
    title, description = event.text(locale)
    names = ", ".join(language_name(lang, locale) for lang in event.languages)
    languages = _("Langues : %(names)s", names=names) if names else ""
    component = icalendar.Event()
    component.add("uid", event_uid(event, links.uid_domain))
    component.add("dtstamp", now.astimezone(UTC))
    component.add("dtstart", event.starts_at.astimezone(UTC))
    component.add("dtend", event.ends_at.astimezone(UTC))
    component.add("summary", title)
    component.add("description", "\n\n".join(p for p in (description, languages) if p))
    component.add("location", location(event))
    component.add("url", links.event_url(event))
    component.add("categories", [event.kind])
    cancelled = event.status == EventStatus.CANCELLED
    component.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return component


def calendar(events: list[Event], locale: str, links: Links, now: datetime, name: str) -> bytes:
    """Serialise ``events`` as one VCALENDAR, texts in ``locale`` (French fallback)."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Mine de culture(s)//Meltingpotch//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if name:
        cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(_component(event, locale, links, now))
    return cal.to_ical()
