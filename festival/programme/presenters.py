"""Ready-to-show values for the programme's templates (templates get values, not queries)."""

from dataclasses import dataclass, field
from datetime import date, time
from functools import lru_cache
from itertools import groupby
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from flask_babel import format_date, ngettext
from flask_babel import gettext as _

from festival.programme.models import Edition, Event, EventStatus, Language, Venue
from festival.programme.texts import (
    AUDIENCE_LABELS,
    KIND_LABELS,
    LEVEL_LABELS,
    SOUND_LABELS,
    event_text_locale,
    label,
    language_name_with_locale,
    localized,
)


@dataclass
class LanguageView:
    code: str
    name: str
    name_lang: str
    native_name: str
    direction: str


@dataclass
class EventView:
    event: Event
    title: str
    description: str
    text_lang: str
    kind: str
    kind_label: str
    day: date
    day_label: str
    starts: str
    ends: str
    starts_at_iso: str
    ends_at_iso: str
    venue: Venue
    venue_column: int
    room: str
    languages: list[LanguageView]
    seats_label: str
    is_full: bool
    is_cancelled: bool
    level: str
    audience: str
    sound: str
    accessibility: list[str] = field(default_factory=list)


# A programme page shows a few hundred times that fall on a handful of quarter-hours and days.
# Formatting each through Flask-Babel (context lookup + CLDR pattern) was a third of the page's
# CPU; the labels depend only on the locale and the local value, so they are computed once per
# process. Times are already converted to the edition's time zone by the caller.
@lru_cache(maxsize=4096)
def time_label(local_time: time, locale: str) -> str:
    return babel_dates.format_time(local_time, "short", locale=locale)


@lru_cache(maxsize=1024)
def day_label(day: date, locale: str) -> str:
    return babel_dates.format_date(day, "full", locale=locale)


def language_view(language: Language, locale: str) -> LanguageView:
    name, name_lang = language_name_with_locale(language, locale)
    return LanguageView(
        code=language.code,
        name=name,
        name_lang=name_lang,
        native_name=language.native_name,
        direction=language.direction,
    )


def seats_label(event: Event) -> str:
    """Say how to get in: open entry, seats left, or full."""
    if event.capacity is None:
        return _("Entrée libre, sans réservation")
    left = event.seats_left
    if left == 0:
        return _("Complet : inscription sur liste d'attente")
    return ngettext("%(num)d place restante", "%(num)d places restantes", left)


def _accessibility(event: Event, locale: str) -> list[str]:
    notes = []
    if event.is_lsf_interpreted:
        notes.append(_("Interprétation en langue des signes française (LSF)"))
    if event.is_easy_read:
        notes.append(_("Supports en facile à lire et à comprendre (FALC)"))
    text = localized(event, "accessibility_notes", locale)
    if text:
        notes.append(text)
    return notes


def event_view(event: Event, locale: str, venue_columns: dict[int, int] | None = None) -> EventView:
    tz = ZoneInfo(event.edition.timezone)
    starts, ends = event.starts_at.astimezone(tz), event.ends_at.astimezone(tz)
    title, description = event.text(locale)
    return EventView(
        event=event,
        title=title,
        description=description,
        text_lang=event_text_locale(event, locale),
        kind=event.kind,
        kind_label=label(KIND_LABELS, event.kind),
        day=starts.date(),
        day_label=day_label(starts.date(), locale),
        starts=time_label(starts.time(), locale),
        ends=time_label(ends.time(), locale),
        starts_at_iso=starts.isoformat(),
        ends_at_iso=ends.isoformat(),
        venue=event.venue,
        venue_column=(venue_columns or {}).get(event.venue_id, 1),
        room=event.room,
        languages=[language_view(lang, locale) for lang in event.languages],
        seats_label=seats_label(event),
        is_full=event.seats_left == 0,
        is_cancelled=event.status == EventStatus.CANCELLED,
        level=label(LEVEL_LABELS, event.level),
        audience=label(AUDIENCE_LABELS, event.audience if event.audience != "all" else None),
        sound=label(SOUND_LABELS, event.sound_level),
        accessibility=_accessibility(event, locale),
    )


@dataclass
class DayView:
    day: date
    label: str
    venues: list[Venue]
    events: list[EventView]


def programme_days(events: list[Event], locale: str) -> list[DayView]:
    """Group the items by local day; each day knows its venues, for the side-by-side grid."""
    views = [event_view(event, locale) for event in events]
    days = []
    for day, items in groupby(views, key=lambda v: v.day):
        items = list(items)
        venues = sorted({v.venue.id: v.venue for v in items}.values(), key=lambda v: v.id)
        columns = {venue.id: i for i, venue in enumerate(venues, start=1)}
        for item in items:
            item.venue_column = columns[item.venue.id]
        days.append(DayView(day=day, label=day_label(day, locale), venues=venues, events=items))
    return days


def edition_dates(edition: Edition) -> str:
    """The edition's dates as a phrase: "du 17 au 18 mai 2031"."""
    start = format_date(edition.starts_on, "long")
    end = format_date(edition.ends_on, "long")
    if edition.starts_on == edition.ends_on:
        return start
    return _("du %(start)s au %(end)s", start=start, end=end)
