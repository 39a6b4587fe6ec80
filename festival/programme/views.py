"""Public pages of the programme, in the language of the URL."""

from urllib.parse import urlsplit

from flask import Response, current_app, g, render_template, request, url_for

from festival.db import utcnow
from festival.errors import ValidationError
from festival.i18n import localized_blueprint
from festival.programme import ical, services
from festival.programme.models import EventKind
from festival.programme.presenters import (
    edition_dates,
    event_view,
    language_view,
    programme_days,
)
from festival.programme.texts import KIND_LABELS, localized, localized_locale

bp = localized_blueprint("programme", __name__)


def registration_url(event_id: int | None = None) -> str:
    """Where to book (an item, or any); the registration feature owns that page."""
    if "registration.form" in current_app.view_functions:
        return url_for("registration.form", event=event_id)
    return f"/{g.lang}/inscription" + (f"?event={event_id}" if event_id else "")


@bp.app_context_processor
def programme_helpers():
    return {
        "registration_url": registration_url,
        "localized": localized,
        "localized_locale": localized_locale,
    }


@bp.get("/")
def home():
    """Show what the festival is, when and where, and what is on next."""
    edition = services.current_edition()
    upcoming = services.next_events(edition, utcnow())
    return render_template(
        "programme/home.html",
        edition=edition,
        dates=edition_dates(edition) if edition else "",
        venues=services.programme_venues(edition),
        upcoming=[event_view(e, g.lang) for e in upcoming],
    )


def _filter_choices(edition) -> dict:
    return {
        "day_choices": services.edition_days(edition),
        "venue_choices": services.programme_venues(edition),
        "kind_choices": [(kind.value, KIND_LABELS[kind.value]) for kind in EventKind],
        "language_choices": sorted(
            (language_view(lang, g.lang) for lang in services.programme_languages(edition)),
            key=lambda lang: lang.name.casefold(),
        ),
    }


@bp.get("/programme")
def programme():
    """List the programme by day and venue, filtered by the query string."""
    edition = services.current_edition()
    try:
        filters = services.parse_filters(request.args, edition)
    except ValidationError as error:
        page = render_template(
            "programme/programme.html",
            edition=edition,
            error=error,
            days=[],
            filters=services.ProgrammeFilters(),
            **_filter_choices(edition),
        )
        return page, error.status
    events = services.list_events(edition, filters)
    return render_template(
        "programme/programme.html",
        edition=edition,
        error=None,
        filters=filters,
        days=programme_days(events, g.lang),
        count=len(events),
        **_filter_choices(edition),
    )


@bp.get("/evenements/<slug>")
def event(slug):
    """Show one item: when, where, languages, hosts, access, seats, how to book."""
    item = services.get_event_by_slug(services.current_edition(), slug)
    return render_template("programme/event.html", item=event_view(item, g.lang))


@bp.get("/langues")
def languages():
    """List the languages of the festival."""
    edition = services.current_edition()
    langs = [language_view(lang, g.lang) for lang in services.programme_languages(edition)]
    return render_template(
        "programme/languages.html", languages=sorted(langs, key=lambda x: x.name.casefold())
    )


@bp.get("/langues/<code>")
def language(code):
    """Show everything the festival offers in one language."""
    edition = services.current_edition()
    lang = services.get_language(code)
    events = services.list_events(edition, services.ProgrammeFilters(language=lang))
    return render_template(
        "programme/language.html",
        language=lang,
        info=language_view(lang, g.lang),
        items=[event_view(e, g.lang) for e in events],
    )


@bp.get("/lieux/<slug>")
def venue(slug):
    """Show a venue: address, how to get there, accessibility, what happens there."""
    edition = services.current_edition()
    place = services.get_venue_by_slug(slug)
    events = services.list_events(edition, services.ProgrammeFilters(venue=place))
    return render_template(
        "programme/venue.html", venue=place, items=[event_view(e, g.lang) for e in events]
    )


def _calendar_response(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _ical_links() -> ical.Links:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return ical.Links(
        event_url=lambda e: base + url_for("programme.event", slug=e.slug),
        uid_domain=urlsplit(base).hostname or "meltingpotch.invalid",
    )


@bp.get("/programme.ics")
def programme_ical():
    """Give the programme (with the same filters as the page) as an iCalendar feed."""
    edition = services.current_edition()
    filters = services.parse_filters(request.args, edition)
    events = services.list_events(edition, filters)
    body = ical.calendar(
        events, g.lang, _ical_links(), utcnow(), name=edition.name if edition else ""
    )
    return _calendar_response(body, "meltingpotch.ics")


@bp.get("/evenements/<slug>.ics")
def event_ical(slug):
    """Give one item as an iCalendar file."""
    item = services.get_event_by_slug(services.current_edition(), slug)
    body = ical.calendar([item], g.lang, _ical_links(), utcnow(), name=item.edition.name)
    return _calendar_response(body, f"{item.slug}.ics")
