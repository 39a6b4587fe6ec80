"""Programme data in the reader's language: stored texts, and labels for stored codes."""

from babel import Locale
from flask_babel import lazy_gettext as _l

SOURCE_LOCALE = "fr"

KIND_LABELS = {
    "fair_stand": _l("Stand du salon des langues"),
    "talk": _l("Conférence"),
    "reading": _l("Lecture"),
    "animation": _l("Animation"),
    "mini_course": _l("Mini-cours"),
    "karaoke": _l("Karaoké"),
}

# Courses give a CEFR level (A0 is the usual name for "never studied it").
LEVEL_LABELS = {
    "A0": _l("A0 · grands débutants"),
    "A1": _l("A1 · débutants"),
    "A2": _l("A2 · élémentaire"),
    "B1": _l("B1 · intermédiaire"),
    "B2": _l("B2 · avancé"),
    "beginner": _l("Débutant"),
    "intermediate": _l("Intermédiaire"),
    "advanced": _l("Avancé"),
    "all": _l("Tous niveaux"),
}

AUDIENCE_LABELS = {
    "all": _l("Tout public"),
    "children": _l("Enfants"),
    "families": _l("Familles"),
    "teens": _l("Adolescents"),
    "adults": _l("Adultes"),
}

SOUND_LABELS = {
    "quiet": _l("Calme"),
    "moderate": _l("Volume modéré"),
    "loud": _l("Bruyant"),
}


def localized(obj, field: str, locale: str) -> str:
    """Give ``obj.<field>_<locale>``, falling back to the French source text.

    Venues, languages and editions are written in French and optionally in English; Arabic has no
    column. Arabic pages fall back to French, not English: French is the source (always complete
    and checked by the organisers), and the festival's Arabic-speaking public, in a French town,
    mostly from the Maghreb, reads French far more often than English.
    """
    value = getattr(obj, f"{field}_{locale}", None)
    return value or getattr(obj, f"{field}_{SOURCE_LOCALE}", "") or ""


def localized_locale(obj, field: str, locale: str) -> str:
    """The locale ``localized`` actually used, for the ``lang`` attribute of the text."""
    return locale if getattr(obj, f"{field}_{locale}", None) else SOURCE_LOCALE


def event_text_locale(event, locale: str) -> str:
    """The locale ``Event.text`` actually used (French when there is no translation)."""
    found = any(t.locale == locale and t.title for t in event.translations)
    return locale if found else SOURCE_LOCALE


def language_name_with_locale(language, locale: str) -> tuple[str, str]:
    """Name a language in ``locale`` (our column, else CLDR's), else in French; say which."""
    own = getattr(language, f"name_{locale}", None)
    if own:
        return own, locale
    try:
        cldr = Locale.parse(locale).languages.get(language.code.replace("-", "_").split("_")[0])
    except (ValueError, TypeError):
        cldr = None
    return (cldr, locale) if cldr else (language.name_fr, SOURCE_LOCALE)


def language_name(language, locale: str) -> str:
    return language_name_with_locale(language, locale)[0]


def label(labels: dict, value: str | None) -> str:
    """A translated label for a stored code; unknown codes are shown as they are."""
    if not value:
        return ""
    return str(labels[value]) if value in labels else value
