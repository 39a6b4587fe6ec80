"""Load the Meltingpotch demo edition from ``demo_data`` (plain data, French and English)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from festival.checkin.checkpoints import ensure_checkpoints
from festival.extensions import db
from festival.programme import demo_data
from festival.programme.models import (
    Edition,
    Event,
    EventTranslation,
    Language,
    Venue,
    event_language,
)

PARIS = ZoneInfo("Europe/Paris")


def coming_saturday(today: date) -> date:
    """The Saturday of this weekend (today if it is Saturday), else of the next one."""
    if today.weekday() == 6:  # Sunday: this weekend is almost over
        return today + timedelta(days=6)
    return today + timedelta(days=(5 - today.weekday()) % 7)


def programme_exists() -> bool:
    return db.session.scalar(select(Event.id).limit(1)) is not None


def _local(day: date, hhmm: str) -> datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=PARIS)


def _upsert_languages() -> dict[str, Language]:
    languages = {}
    for data in demo_data.LANGUAGES:
        language = db.session.get(Language, data["code"]) or Language(code=data["code"])
        for field in ("native_name", "name_fr", "name_en", "direction"):
            setattr(language, field, data[field])
        language.description_fr = data.get("description_fr", "")
        language.description_en = data.get("description_en", "")
        db.session.add(language)
        languages[language.code] = language
    return languages


def _upsert_venues() -> dict[str, Venue]:
    venues = {}
    fields = [c.key for c in Venue.__table__.columns if c.key not in ("id", "slug")]
    for data in demo_data.VENUES:
        venue = db.session.scalar(select(Venue).where(Venue.slug == data["slug"]))
        venue = venue or Venue(slug=data["slug"])
        for field in fields:
            if field in data:
                setattr(venue, field, data[field])
        db.session.add(venue)
        venues[venue.slug] = venue
    return venues


def seed_demo(first_day: date) -> Edition:
    """Create a two-day demo edition starting on ``first_day``; the caller commits."""
    info = demo_data.EDITION
    slug = f"{info['slug']}-{first_day.isoformat()}"
    edition = Edition(
        slug=slug,
        name=info["name"],
        starts_on=first_day,
        ends_on=first_day + timedelta(days=1),
        timezone="Europe/Paris",
        tagline_fr=info.get("tagline_fr", ""),
        tagline_en=info.get("tagline_en", ""),
        description_fr=info.get("description_fr", ""),
        description_en=info.get("description_en", ""),
    )
    db.session.add(edition)
    languages = _upsert_languages()
    venues = _upsert_venues()
    db.session.flush()
    for data in demo_data.EVENTS:
        day = first_day + timedelta(days=data["day"])
        event = Event(
            edition=edition,
            slug=data["slug"],
            kind=data["kind"],
            title=data["title_fr"],
            description=data["description_fr"],
            starts_at=_local(day, data["start"]),
            ends_at=_local(day, data["end"]),
            venue=venues[data["venue"]],
            room=data.get("room", ""),
            level=data.get("level"),
            capacity=data.get("capacity"),
            booking_required=data.get("booking_required", False),
            hosts=data.get("hosts", ""),
            audience=data.get("audience", "all"),
            is_lsf_interpreted=data.get("is_lsf_interpreted", False),
            is_easy_read=data.get("is_easy_read", False),
            sound_level=data.get("sound_level"),
            accessibility_notes_fr=data.get("accessibility_notes_fr", ""),
            accessibility_notes_en=data.get("accessibility_notes_en", ""),
        )
        db.session.add(event)
        if data.get("title_en"):
            event.translations.append(
                EventTranslation(
                    locale="en", title=data["title_en"], description=data.get("description_en", "")
                )
            )
        db.session.flush()
        db.session.execute(
            event_language.insert(),
            [
                {"event_id": event.id, "language_code": languages[code].code, "position": i}
                for i, code in enumerate(data["languages"])
            ],
        )
    ensure_checkpoints(edition.id)
    db.session.flush()
    return edition
