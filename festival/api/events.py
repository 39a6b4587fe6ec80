"""API routes for the programme (see DESIGN.md §4): the same filters as the HTML programme."""

from zoneinfo import ZoneInfo

from flask import current_app, g, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_babel import refresh

from festival.api import bp
from festival.errors import ValidationError
from festival.programme import services
from festival.programme.models import Event, EventKind


def request_locale() -> str:
    """The locale of the texts: ``?locale=``, else Accept-Language, else French.

    :raises ValidationError: ``unknown_locale``.
    """
    locales = current_app.config["LOCALES"]
    asked = request.args.get("locale")
    if asked and asked not in locales:
        raise ValidationError(
            _l(
                "Langue d'affichage inconnue : choisissez parmi %(locales)s.",
                locales=", ".join(locales),
            ),
            code="unknown_locale",
            field="locale",
        )
    locale = asked or request.accept_languages.best_match(locales) or locales[0]
    # Error messages of this request then speak the same language as the texts.
    g.lang = locale
    refresh()
    return locale


def event_json(event: Event, locale: str) -> dict:
    tz = ZoneInfo(event.edition.timezone)
    title, description = event.text(locale)
    return {
        "id": event.id,
        "slug": event.slug,
        "kind": event.kind,
        "title": title,
        "description": description,
        "starts_at": event.starts_at.astimezone(tz).isoformat(),
        "ends_at": event.ends_at.astimezone(tz).isoformat(),
        "venue": {"id": event.venue.id, "name": event.venue.name},
        "languages": [language.code for language in event.languages],
        "capacity": event.capacity,
        "seats_left": event.seats_left,
        "booking_required": event.booking_required,
    }


@bp.get("/events")
def list_events():
    """List the current edition's programme, filtered like the HTML programme."""
    locale = request_locale()
    edition = services.current_edition()
    filters = services.parse_filters(request.args, edition)
    events = services.list_events(edition, filters)
    return jsonify({"events": [event_json(e, locale) for e in events]})


@bp.get("/events/<int:event_id>")
def get_event(event_id):
    """Give one item of the programme."""
    locale = request_locale()
    return jsonify(event_json(services.get_event(event_id), locale))


def _query(name: str, description: str, schema: dict) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


_LOCALE_PARAM = _query(
    "locale",
    "Language of title and description (default: Accept-Language, else French).",
    {"type": "string", "enum": ["fr", "en", "ar"]},
)
_ERROR = {"$ref": "#/components/responses/Error"}

OPENAPI_PATHS: dict = {
    "/events": {
        "get": {
            "operationId": "listEvents",
            "summary": "The programme of the current edition, in time order.",
            "description": "Filters combine (all must match). An unknown value gives a 400.",
            "parameters": [
                _query(
                    "language",
                    "BCP 47 code of a language of the programme, e.g. `pl`.",
                    {"type": "string"},
                ),
                _query(
                    "kind",
                    "Kind of item.",
                    {"type": "string", "enum": [k.value for k in EventKind]},
                ),
                _query("venue", "Venue id (or slug).", {"type": "string"}),
                _query(
                    "day",
                    "A day of the edition, local time (Europe/Paris).",
                    {"type": "string", "format": "date"},
                ),
                _LOCALE_PARAM,
            ],
            "responses": {
                "200": {
                    "description": "The matching items.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/EventList"}}
                    },
                },
                "400": _ERROR,
            },
        }
    },
    "/events/{id}": {
        "get": {
            "operationId": "getEvent",
            "summary": "One item of the programme.",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                _LOCALE_PARAM,
            ],
            "responses": {
                "200": {
                    "description": "The item.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Event"}}
                    },
                },
                "400": _ERROR,
                "404": _ERROR,
            },
        }
    },
}

_NULLABLE_COUNT = {"type": ["integer", "null"], "minimum": 0}

OPENAPI_SCHEMAS: dict = {
    "Event": {
        "type": "object",
        "required": [
            "id",
            "slug",
            "kind",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "venue",
            "languages",
            "capacity",
            "seats_left",
            "booking_required",
        ],
        "properties": {
            "id": {"type": "integer"},
            "slug": {"type": "string"},
            "kind": {"type": "string", "enum": [k.value for k in EventKind]},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "starts_at": {
                "type": "string",
                "format": "date-time",
                "description": "ISO 8601 with the local offset.",
            },
            "ends_at": {"type": "string", "format": "date-time"},
            "venue": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            },
            "languages": {
                "type": "array",
                "items": {"type": "string"},
                "description": "BCP 47 codes.",
            },
            "capacity": {**_NULLABLE_COUNT, "description": "null: open entry."},
            "seats_left": {**_NULLABLE_COUNT, "description": "null: open entry."},
            "booking_required": {"type": "boolean"},
        },
    },
    "EventList": {
        "type": "object",
        "required": ["events"],
        "properties": {
            "events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}}
        },
    },
}
