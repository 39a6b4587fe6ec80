"""A small programme with known answers for every filter."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from festival.extensions import db


def paris(day: int, hour: int, minute: int = 0) -> datetime:
    """A time of May 2031 in Paris (UTC+2 in summer), as aware UTC."""
    return datetime(2031, 5, day, hour - 2, minute, tzinfo=UTC)


@pytest.fixture
def programme(make_edition, make_venue, make_language, make_event):
    """Two days, two venues, four items in five languages."""
    from festival.programme.models import EventTranslation

    edition = make_edition(name="Meltingpotch 2031", tagline_fr="Le festival des langues")
    escapade = make_venue(
        slug="escapade",
        name="L'Escapade",
        address="Rue de l'Abbaye",
        postal_code="62110",
        is_step_free=True,
        directions_fr="Bus ligne 11, arrêt Mairie.",
        directions_en="Bus line 11, stop Mairie.",
    )
    mediatheque = make_venue(slug="mediatheque", name="Médiathèque", address="Place Jean Jaurès")
    make_language("fr", native_name="français", name_fr="français", name_en="French")
    make_language("pl", native_name="polski", name_fr="polonais", name_en="Polish")
    make_language("it", native_name="italiano", name_fr="italien", name_en="Italian")
    make_language("ar", native_name="العربية", name_fr="arabe", name_en="Arabic", direction="rtl")
    course = make_event(
        slug="polonais-premiers-pas",
        title="Premiers pas en polonais",
        venue=escapade,
        starts_at=paris(17, 10),
        ends_at=paris(17, 10, 30),
        languages=("pl",),
        capacity=15,
        seats_taken=15,
        level="beginner",
        hosts="Association Polonia",
        is_lsf_interpreted=True,
    )
    talk = make_event(
        slug="langues-immigration",
        kind="talk",
        title="Les langues de l'immigration",
        venue=mediatheque,
        starts_at=paris(17, 14),
        ends_at=paris(17, 15),
        languages=("fr", "it"),
        capacity=80,
        booking_required=False,
    )
    reading = make_event(
        slug="lecture-bilingue",
        kind="reading",
        title="Lecture bilingue arabe-français",
        description="Des contes lus à deux voix.",
        venue=mediatheque,
        starts_at=paris(18, 11),
        ends_at=paris(18, 12),
        languages=("ar", "fr"),
        capacity=None,
        booking_required=False,
    )
    reading.translations.append(
        EventTranslation(locale="en", title="Bilingual reading", description="Tales, two voices.")
    )
    stand = make_event(
        slug="stand-polonais",
        kind="fair_stand",
        title="Stand polonais",
        venue=escapade,
        starts_at=paris(18, 10),
        ends_at=paris(18, 17),
        languages=("pl",),
        capacity=None,
        booking_required=False,
    )
    db.session.commit()
    return SimpleNamespace(
        edition=edition,
        escapade=escapade,
        mediatheque=mediatheque,
        course=course,
        talk=talk,
        reading=reading,
        stand=stand,
    )
