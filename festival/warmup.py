"""Work a fresh worker does once, before its first request, so no visitor pays for it."""

import importlib


def warm_up(app) -> None:
    """Load translations and any feature's expensive state (fonts, parsed CSS) now."""
    with app.app_context(), app.test_request_context():
        from flask_babel import refresh

        refresh()
        for module_name in ("festival.tickets.pdf",):
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            if hasattr(module, "warm_up"):
                module.warm_up()
