"""API routes for attendance figures (see DESIGN.md §4)."""

from flask import jsonify

from festival.accounts.api_auth import authenticate_api
from festival.accounts.models import Role
from festival.api import bp
from festival.checkin import stats
from festival.db import utcnow
from festival.extensions import db
from festival.programme.models import current_edition_query


@bp.get("/stats/attendance")
def attendance():
    """Registered, admitted, walk-ins; per bookable item; people inside each venue now."""
    authenticate_api(roles=(Role.ORGANISER,))
    edition = db.session.scalar(current_edition_query())
    if edition is None:
        return jsonify(
            {"totals": {"registered": 0, "admitted": 0, "walk_ins": 0}, "events": [], "venues": []}
        )
    return jsonify(stats.attendance(edition.id, utcnow()))


OPENAPI_PATHS: dict = {
    "/stats/attendance": {
        "get": {
            "summary": "Attendance figures of the current edition (organisers)",
            "security": [{"bearer": []}],
            "responses": {
                "200": {
                    "description": "Figures",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Attendance"}}
                    },
                },
                "401": {"$ref": "#/components/responses/Error"},
                "403": {"$ref": "#/components/responses/Error"},
            },
        }
    }
}
OPENAPI_SCHEMAS: dict = {
    "Attendance": {
        "type": "object",
        "required": ["totals", "events", "venues"],
        "properties": {
            "totals": {
                "type": "object",
                "required": ["registered", "admitted", "walk_ins"],
                "properties": {
                    k: {"type": "integer"} for k in ("registered", "admitted", "walk_ins")
                },
            },
            "events": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["event_id", "registered", "admitted"],
                    "properties": {
                        k: {"type": "integer"} for k in ("event_id", "registered", "admitted")
                    },
                },
            },
            "venues": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["venue_id", "inside_now"],
                    "properties": {
                        k: {"type": "integer"} for k in ("venue_id", "inside_now", "walk_ins_today")
                    },
                },
            },
        },
    }
}
