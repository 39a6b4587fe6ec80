"""The OpenAPI 3.1 document, assembled from the parts each API module declares."""

from flask import jsonify

from festival.api import bp, checkins, events, registrations, stats

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}

_MODULES = (events, registrations, checkins, stats)


def document() -> dict:
    paths, schemas = {}, {"Error": ERROR_SCHEMA}
    for module in _MODULES:
        paths.update(getattr(module, "OPENAPI_PATHS", {}))
        schemas.update(getattr(module, "OPENAPI_SCHEMAS", {}))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Meltingpotch festival API",
            "version": "1.0.0",
            "description": "Programme, registration, check-in and attendance figures.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {
                "Error": {
                    "description": "The request was refused.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
            },
        },
    }


@bp.get("/openapi.json")
def openapi_document():
    """Describe the API (OpenAPI 3.1)."""
    return jsonify(document())
