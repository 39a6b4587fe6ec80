"""API routes for stats (see DESIGN.md §4)."""

OPENAPI_PATHS: dict = {}
OPENAPI_SCHEMAS: dict = {}
