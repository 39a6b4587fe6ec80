"""API routes for checkins (see DESIGN.md §4)."""

OPENAPI_PATHS: dict = {}
OPENAPI_SCHEMAS: dict = {}
