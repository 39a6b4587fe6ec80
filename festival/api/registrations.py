"""API routes for registrations (see DESIGN.md §4)."""

from flask import current_app, request

from festival.api import bp
from festival.db import commit_keeping_objects, utcnow
from festival.errors import ValidationError
from festival.extensions import db, limiter
from festival.registration import services
from festival.registration.inputs import input_from_json
from festival.registration.presenters import registration_json


def _rate_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


@bp.post("/registrations")
@limiter.limit(_rate_limit, methods=["POST"])
def create_registration():
    """Register people or a group for items; give tickets and waiting-list positions."""
    body = request.get_json(silent=True)
    if body is None:
        raise ValidationError(code="invalid_json")
    data = input_from_json(body)
    waitlist = body.get("waitlist", True) is not False
    registration = services.register(data, utcnow(), waitlist=waitlist)
    commit_keeping_objects(db.session())
    # Built after the commit (the event row is locked until then) from loaded objects.
    body = {"registration": registration_json(registration)}
    return body, 201


_TICKET = {
    "type": "object",
    "required": ["code", "short_code", "pdf_url"],
    "properties": {
        "code": {"type": "string", "description": "Signed code carried by the QR."},
        "short_code": {"type": "string", "description": "9 characters a volunteer can type."},
        "pdf_url": {"type": "string", "format": "uri"},
    },
}
_BOOKING = {
    "type": "object",
    "required": ["event_id", "status"],
    "properties": {
        "event_id": {"type": "integer"},
        "status": {"type": "string", "enum": ["confirmed", "waitlisted", "cancelled"]},
        "position": {"type": "integer", "minimum": 1, "description": "Only when waitlisted."},
    },
}

OPENAPI_SCHEMAS: dict = {
    "RegistrationRequest": {
        "type": "object",
        "required": ["contact", "bookings", "consent"],
        "properties": {
            "contact": {
                "type": "object",
                "required": ["name", "email"],
                "properties": {
                    "name": {"type": "string", "maxLength": 120},
                    "email": {"type": "string", "format": "email", "maxLength": 254},
                    "phone": {"type": "string", "maxLength": 30},
                    "postal_code": {"type": "string", "maxLength": 10},
                },
            },
            "locale": {"type": "string", "enum": ["fr", "en", "ar"], "default": "fr"},
            "attendees": {
                "type": "array",
                "minItems": 1,
                "maxItems": 10,
                "items": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {"name": {"type": "string", "maxLength": 120}},
                },
            },
            "group": {
                "type": "object",
                "required": ["name", "size", "adults"],
                "properties": {
                    "name": {"type": "string", "maxLength": 120},
                    "size": {"type": "integer", "minimum": 1, "maximum": 60},
                    "adults": {"type": "integer", "minimum": 1},
                },
            },
            "bookings": {"type": "array", "items": {"type": "integer"}, "minItems": 1},
            "consent": {"type": "boolean", "const": True},
            "waitlist": {
                "type": "boolean",
                "default": True,
                "description": "Join the waiting list of a full item (false: refuse with 409).",
            },
        },
    },
    "Registration": {
        "type": "object",
        "required": ["registration"],
        "properties": {
            "registration": {
                "type": "object",
                "required": ["id", "manage_url", "attendees"],
                "properties": {
                    "id": {"type": "integer"},
                    "manage_url": {"type": "string", "format": "uri"},
                    "locale": {"type": "string"},
                    "warnings": {"type": "array", "items": {"type": "string"}},
                    "attendees": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name", "ticket", "bookings"],
                            "properties": {
                                "name": {"type": "string"},
                                "group_size": {"type": "integer"},
                                "ticket": _TICKET,
                                "bookings": {"type": "array", "items": _BOOKING},
                            },
                        },
                    },
                },
            }
        },
    },
}

OPENAPI_PATHS: dict = {
    "/registrations": {
        "post": {
            "summary": "Register people or a named group for items",
            "description": (
                "Each booking is for every attendee. A full item puts the whole registration "
                "on its waiting list as one entry (unless waitlist is false)."
            ),
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/RegistrationRequest"}
                    }
                },
            },
            "responses": {
                "201": {
                    "description": "Registered.",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/Registration"}
                        }
                    },
                },
                "400": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"},
                "409": {"$ref": "#/components/responses/Error"},
                "429": {"$ref": "#/components/responses/Error"},
            },
        }
    }
}
