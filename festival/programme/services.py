"""The programme's rules: which edition is shown, filters, what is on next.

The HTML pages, the iCal feeds and the JSON API all read the programme through these functions,
so a filter means the same thing everywhere.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from festival.errors import NotFoundError, ValidationError
from festival.extensions import db
from festival.programme.models import (
    Edition,
    Event,
    EventKind,
    EventStatus,
    Language,
    Venue,
    current_edition_query,
    event_language,
)

FILTER_NAMES = ("language", "kind", "venue", "day")
# Ids are 32-bit integers on PostgreSQL; a bigger number would be a driver error, not a miss.
MAX_ID = 2**31 - 1
# Longest filter value echoed back in an error message (the rest is someone's typo or a probe).
_ECHO_LIMIT = 40


@dataclass(frozen=True)
class ProgrammeFilters:
    """Validated filters; None means "all"."""

    language: Language | None = None
    kind: str | None = None
    venue: Venue | None = None
    day: date | None = None

    def query_args(self) -> dict[str, str]:
        """The filters as query-string values, for shareable links."""
        args = {
            "language": self.language.code if self.language else None,
            "kind": self.kind,
            "venue": str(self.venue.id) if self.venue else None,
            "day": self.day.isoformat() if self.day else None,
        }
        return {k: v for k, v in args.items() if v}

    @property
    def is_empty(self) -> bool:
        return not self.query_args()


def current_edition() -> Edition | None:
    return db.session.scalar(current_edition_query())


def edition_days(edition: Edition | None) -> list[date]:
    if edition is None:
        return []
    count = (edition.ends_on - edition.starts_on).days + 1
    return [edition.starts_on + timedelta(days=i) for i in range(count)]


def _echo(value: str) -> str:
    return value if len(value) <= _ECHO_LIMIT else value[:_ECHO_LIMIT] + "…"


def _searchable(value: str) -> bool:
    # PostgreSQL refuses NUL characters in text parameters (a driver error, not a miss).
    return "\x00" not in value


def _find_venue(value: str) -> Venue | None:
    if not _searchable(value):
        return None
    # Shared URLs may carry the id (as the API gives it) or the slug (as people type it).
    if value.isdigit():
        return db.session.get(Venue, int(value)) if int(value) <= MAX_ID else None
    return db.session.scalar(select(Venue).where(Venue.slug == value))


def _find_language(code: str) -> Language | None:
    if not _searchable(code):
        return None
    # BCP 47 tags are case-insensitive: "PL" and "pl" are the same language.
    return db.session.scalar(select(Language).where(func.lower(Language.code) == code.lower()))


def _parse_day(value: str, edition: Edition | None) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            _l("« %(value)s » n'est pas une date au format AAAA-MM-JJ.", value=_echo(value)),
            code="bad_date",
            field="day",
        ) from None
    if day not in edition_days(edition):
        raise ValidationError(
            _l("Le festival n'a pas lieu le %(value)s.", value=value),
            code="unknown_day",
            field="day",
        )
    return day


def parse_filters(args, edition: Edition | None) -> ProgrammeFilters:
    """Turn query-string values into filters; empty values mean "all".

    :raises ValidationError: ``unknown_language``, ``unknown_kind``, ``unknown_venue``,
        ``bad_date`` or ``unknown_day``, with ``field`` set to the filter's name.
    """
    raw = {name: (args.get(name) or "").strip() for name in FILTER_NAMES}
    language = kind = venue = day = None
    if raw["language"]:
        language = _find_language(raw["language"])
        if language is None:
            raise ValidationError(
                _l("La langue « %(value)s » n'est pas au programme.", value=_echo(raw["language"])),
                code="unknown_language",
                field="language",
            )
    if raw["kind"]:
        if raw["kind"] not in set(EventKind):
            raise ValidationError(
                _l("Le type « %(value)s » n'existe pas.", value=_echo(raw["kind"])),
                code="unknown_kind",
                field="kind",
            )
        kind = raw["kind"]
    if raw["venue"]:
        venue = _find_venue(raw["venue"])
        if venue is None:
            raise ValidationError(
                _l("Le lieu « %(value)s » n'existe pas.", value=_echo(raw["venue"])),
                code="unknown_venue",
                field="venue",
            )
    if raw["day"]:
        day = _parse_day(raw["day"], edition)
    return ProgrammeFilters(language=language, kind=kind, venue=venue, day=day)


def _day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone))
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(timezone))


def _programme_query(edition: Edition):
    return (
        select(Event)
        .where(Event.edition_id == edition.id, Event.status == EventStatus.SCHEDULED)
        .options(
            joinedload(Event.venue),
            selectinload(Event.languages),
            selectinload(Event.translations),
        )
        .order_by(Event.starts_at, Event.venue_id, Event.id)
    )


def list_events(edition: Edition | None, filters: ProgrammeFilters | None = None) -> list[Event]:
    """The edition's scheduled items matching every given filter, in time order."""
    if edition is None:
        return []
    filters = filters or ProgrammeFilters()
    query = _programme_query(edition)
    if filters.language is not None:
        query = query.where(
            Event.id.in_(
                select(event_language.c.event_id).where(
                    event_language.c.language_code == filters.language.code
                )
            )
        )
    if filters.kind is not None:
        query = query.where(Event.kind == filters.kind)
    if filters.venue is not None:
        query = query.where(Event.venue_id == filters.venue.id)
    if filters.day is not None:
        start, end = _day_bounds(filters.day, edition.timezone)
        query = query.where(Event.starts_at >= start, Event.starts_at < end)
    return list(db.session.scalars(query).unique())


def next_events(edition: Edition | None, now: datetime, limit: int = 5) -> list[Event]:
    """What is on now or starts next, soonest first."""
    if edition is None:
        return []
    query = _programme_query(edition).where(Event.ends_at > now).limit(limit)
    return list(db.session.scalars(query).unique())


def get_event(event_id: int) -> Event:
    """:raises NotFoundError: ``event_not_found``."""
    event = db.session.get(Event, event_id) if 0 < event_id <= MAX_ID else None
    if event is None:
        raise NotFoundError(_l("Cet événement n'existe pas."), code="event_not_found")
    return event


def get_event_by_slug(edition: Edition | None, slug: str) -> Event:
    """:raises NotFoundError: ``event_not_found``."""
    event = None
    if edition is not None and _searchable(slug):
        event = db.session.scalar(
            select(Event).where(Event.edition_id == edition.id, Event.slug == slug)
        )
    if event is None:
        raise NotFoundError(_l("Cet événement n'existe pas."), code="event_not_found")
    return event


def get_venue_by_slug(slug: str) -> Venue:
    """:raises NotFoundError: ``venue_not_found``."""
    venue = (
        db.session.scalar(select(Venue).where(Venue.slug == slug)) if _searchable(slug) else None
    )
    if venue is None:
        raise NotFoundError(_l("Ce lieu n'existe pas."), code="venue_not_found")
    return venue


def get_language(code: str) -> Language:
    """:raises NotFoundError: ``language_not_found``."""
    language = _find_language(code)
    if language is None:
        raise NotFoundError(_l("Cette langue n'est pas au programme."), code="language_not_found")
    return language


def programme_languages(edition: Edition | None) -> list[Language]:
    """Languages that at least one scheduled item of the edition uses."""
    if edition is None:
        return []
    used = (
        select(event_language.c.language_code)
        .join(Event, Event.id == event_language.c.event_id)
        .where(Event.edition_id == edition.id, Event.status == EventStatus.SCHEDULED)
    )
    return list(db.session.scalars(select(Language).where(Language.code.in_(used))))


def programme_venues(edition: Edition | None) -> list[Venue]:
    """Venues where the edition has at least one scheduled item, by id."""
    if edition is None:
        return []
    used = select(Event.venue_id).where(
        Event.edition_id == edition.id, Event.status == EventStatus.SCHEDULED
    )
    return list(db.session.scalars(select(Venue).where(Venue.id.in_(used)).order_by(Venue.id)))
