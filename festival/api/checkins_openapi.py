"""The check-in part of the OpenAPI document (kept apart so the routes stay readable)."""

_ERR = {"$ref": "#/components/responses/Error"}
_SEC = [{"bearer": []}]


def _json(ref: str) -> dict:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def _post(summary: str, body: str, answer: str) -> dict:
    return {
        "post": {
            "summary": summary,
            "security": _SEC,
            "requestBody": {"required": True, **_json(body)},
            "responses": {
                "200": {"description": "Answer", **_json(answer)},
                "400": _ERR,
                "401": _ERR,
                "403": _ERR,
            },
        }
    }


def _get(summary: str, answer: str, params: list) -> dict:
    return {
        "get": {
            "summary": summary,
            "security": _SEC,
            "parameters": params,
            "responses": {
                "200": {"description": "Answer", **_json(answer)},
                "400": _ERR,
                "401": _ERR,
                "404": _ERR,
            },
        }
    }


def _query(name: str, kind: str, required: bool) -> dict:
    return {"name": name, "in": "query", "required": required, "schema": {"type": kind}}


RESULTS = [
    "ok",
    "already_checked_in",
    "not_booked",
    "waitlisted",
    "cancelled",
    "revoked",
    "invalid",
    "wrong_day",
    "unknown_checkpoint",
]
DEVICE = {
    "type": "object",
    "required": ["id"],
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
}

OPENAPI_PATHS: dict = {
    "/checkins": _post(
        "Check a ticket in (or out) at a checkpoint", "CheckinRequest", "CheckinResult"
    ),
    "/checkins/batch": _post(
        "Check many scans in (offline sync), in order", "CheckinBatch", "CheckinBatchResult"
    ),
    "/checkins/undo": _post("Undo a recent scan", "UndoRequest", "UndoResult"),
    "/checkpoints": _get("The checkpoints of the current edition", "Checkpoints", []),
    "/attendees/search": _get(
        "Find ticket holders by name (no contact details)",
        "AttendeeSearch",
        [_query("q", "string", True), _query("checkpoint_id", "integer", False)],
    ),
    "/walk-ins": _post(
        "Count or register a visitor without a ticket", "WalkInRequest", "WalkInResult"
    ),
    "/offline-pack": _get(
        "What a scanner needs to decide offline at a checkpoint",
        "OfflinePack",
        [_query("checkpoint_id", "integer", True)],
    ),
}

OPENAPI_SCHEMAS: dict = {
    "CheckinRequest": {
        "type": "object",
        "required": ["code", "checkpoint_id", "nonce"],
        "properties": {
            "code": {"type": "string", "description": "QR content (120 chars) or short code"},
            "checkpoint_id": {"type": "integer"},
            "nonce": {"type": "string", "minLength": 8, "maxLength": 64},
            "scanned_at": {"type": "string", "format": "date-time"},
            "direction": {"type": "string", "enum": ["in", "out"]},
            "offline": {"type": "boolean"},
            "device": DEVICE,
        },
    },
    "CheckinResult": {
        "type": "object",
        "required": ["result"],
        "properties": {
            "result": {"type": "string", "enum": [*RESULTS, "error"]},
            "scan_id": {"type": ["integer", "null"]},
            "attendee": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "group_size": {"type": "integer"}},
            },
            "bookings": {"type": "array", "items": {"type": "object"}},
            "first_entry": {
                "type": "object",
                "properties": {
                    "at": {"type": "string", "format": "date-time"},
                    "checkpoint_id": {"type": "integer"},
                    "device": {"type": ["string", "null"]},
                },
            },
            "error": {"type": "object"},
        },
    },
    "CheckinBatch": {
        "type": "object",
        "required": ["scans"],
        "properties": {
            "scans": {"type": "array", "items": {"$ref": "#/components/schemas/CheckinRequest"}}
        },
    },
    "CheckinBatchResult": {
        "type": "object",
        "required": ["results"],
        "properties": {
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/CheckinResult"}}
        },
    },
    "UndoRequest": {
        "type": "object",
        "required": ["nonce"],
        "properties": {"nonce": {"type": "string"}},
    },
    "UndoResult": {
        "type": "object",
        "required": ["undone"],
        "properties": {"undone": {"type": "boolean"}},
    },
    "Checkpoint": {
        "type": "object",
        "required": ["id", "name", "kind", "venue_id"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "kind": {"type": "string", "enum": ["venue", "event"]},
            "venue_id": {"type": "integer"},
            "event_id": {"type": ["integer", "null"]},
            "event_day": {
                "type": "string",
                "format": "date",
                "description": "In the offline pack, at an item's door: the item's local day.",
            },
        },
    },
    "Checkpoints": {
        "type": "object",
        "required": ["checkpoints"],
        "properties": {
            "checkpoints": {"type": "array", "items": {"$ref": "#/components/schemas/Checkpoint"}}
        },
    },
    "AttendeeSearch": {
        "type": "object",
        "required": ["attendees"],
        "properties": {
            "attendees": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "group_size": {"type": "integer"},
                        "short_code": {"type": "string"},
                        "bookings": {"type": "array"},
                    },
                },
            }
        },
    },
    "WalkInRequest": {
        "type": "object",
        "required": ["checkpoint_id", "nonce"],
        "properties": {
            "checkpoint_id": {"type": "integer"},
            "nonce": {"type": "string"},
            "people": {"type": "integer", "minimum": 1, "maximum": 60},
            "name": {"type": "string"},
            "postal_code": {"type": "string"},
            "device": DEVICE,
        },
    },
    "WalkInResult": {
        "type": "object",
        "required": ["result", "people", "walk_ins_today"],
        "properties": {
            "result": {"type": "string"},
            "people": {"type": "integer"},
            "walk_ins_today": {"type": "integer"},
        },
    },
    "OfflinePack": {
        "type": "object",
        "required": [
            "generated_at",
            "edition",
            "checkpoint",
            "public_keys",
            "revocations",
            "tickets",
            "admissions",
        ],
        "properties": {
            "generated_at": {"type": "string"},
            "edition": {"type": "object"},
            "checkpoint": {"$ref": "#/components/schemas/Checkpoint"},
            "public_keys": {"type": "array"},
            "revocations": {"type": "array"},
            "tickets": {"type": "array"},
            "unbooked": {
                "type": "array",
                "description": "At an item's door, the edition's other valid tickets (no "
                "names), so that a typed short code is refused as not booked, not as invalid.",
                "items": {
                    "type": "object",
                    "required": ["ticket_id", "version", "short_code"],
                    "properties": {
                        "ticket_id": {"type": "integer"},
                        "version": {"type": "integer"},
                        "short_code": {"type": "string"},
                    },
                },
            },
            "admissions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["ticket_id", "day", "first_at", "is_inside"],
                    "properties": {
                        "ticket_id": {"type": "integer"},
                        "day": {"type": "string", "format": "date"},
                        "first_at": {"type": "string", "format": "date-time"},
                        "is_inside": {"type": "boolean"},
                    },
                },
            },
        },
    },
}
