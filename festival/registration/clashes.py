"""Time clashes between the items one registration books."""

from datetime import timedelta
from itertools import combinations

from flask import current_app
from flask_babel import lazy_gettext as _l

from festival.errors import ConflictError


def _overlap(a, b) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def check_clashes(events, locale: str) -> list:
    """Refuse overlapping items; give warnings for tight walks between different venues.

    :raises ConflictError: ``clash`` when two items overlap in time.
    """
    walk = timedelta(minutes=current_app.config["WALKING_MINUTES"])
    warnings = []
    for a, b in combinations(sorted(events, key=lambda e: e.starts_at), 2):
        if _overlap(a, b):
            raise ConflictError(
                _l(
                    "« %(a)s » et « %(b)s » ont lieu en même temps. Choisissez l'une des deux.",
                    a=a.text(locale)[0],
                    b=b.text(locale)[0],
                ),
                code="clash",
                field="bookings",
            )
        gap = b.starts_at - a.ends_at
        if a.venue_id != b.venue_id and gap < walk:
            warnings.append(
                _l(
                    "Attention : il faut environ %(n)d minutes à pied entre « %(a)s » et "
                    "« %(b)s », qui ont lieu dans deux lieux différents.",
                    n=current_app.config["WALKING_MINUTES"],
                    a=a.text(locale)[0],
                    b=b.text(locale)[0],
                )
            )
    return warnings
