"""Work a fresh worker does once, before its first request, so no visitor pays for it."""

import gc

from flask_babel import refresh

from festival.tickets import pdf as ticket_pdf


def warm_up(app) -> None:
    """Load translations, render a ticket in each script (fonts, CSS), then freeze the heap.

    Freezing: what start-up built (modules, the app, fonts, parsed CSS: ~190,000 objects)
    lives as long as the worker, yet each full collection walked it all again: one in ~30
    ticket renders, ~100 ms inside that visitor's request (~3 ms a render on average,
    measured with gc.callbacks). Frozen, ~12,000 objects are left to walk. Collect first, so
    the warm-up's own garbage is not kept forever.
    """
    with app.app_context(), app.test_request_context():
        refresh()
        ticket_pdf.warm_up()
    gc.collect()
    gc.freeze()
