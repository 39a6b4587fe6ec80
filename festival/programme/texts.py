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

LEVEL_LABELS = {
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


def language_name(language, locale: str) -> str:
    """Name a language in ``locale``: our own column, else CLDR's name, else the French one."""
    own = getattr(language, f"name_{locale}", None)
    if own:
        return own
    try:
        cldr = Locale.parse(locale).languages.get(language.code.replace("-", "_").split("_")[0])
    except (ValueError, TypeError):
        cldr = None
    return cldr or language.name_fr


def label(labels: dict, value: str | None) -> str:
    """A translated label for a stored code; unknown codes are shown as they are."""
    if not value:
        return ""
    return str(labels[value]) if value in labels else value
