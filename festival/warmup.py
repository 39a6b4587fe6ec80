"""Work a fresh worker does once, before its first request, so no visitor pays for it."""

import gc

from flask_babel import refresh

from festival.tickets import pdf as ticket_pdf


def warm_up(app) -> None:
    """Load translations, render a ticket in each script (fonts, CSS), then freeze the heap.

    Freezing: what start-up built (modules, the app, fonts, parsed CSS) lives as long as the
    worker, yet every full collection walked it again: ~20% of a warm ticket render's
    instructions (callgrind) went to the collector before ``gc.freeze()``, 1.5% after.
    Collect first, so the warm-up's own garbage is not kept forever.
    """
    with app.app_context(), app.test_request_context():
        refresh()
        ticket_pdf.warm_up()
    gc.collect()
    gc.freeze()
