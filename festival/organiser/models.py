"""What organisers' actions leave behind: the log of personal-data exports."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from festival.db import UTCDateTime, utcnow
from festival.extensions import db


class ExportLog(db.Model):
    """Who exported which personal data, and when (RGPD accountability)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    what: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# Covering index for the live dashboard's visitors per postal code (festival/organiser/stats.py):
# it lives here although the table belongs to registration, and reads one index range instead
# of the table. The other dashboard figures read counters kept with the writes (Event's seat
# counts, check-in's tallies), so the indexes that once served them are gone: each one cost
# every booking's or scan's write.
def _dashboard_indexes() -> None:
    from sqlalchemy import Index

    from festival.registration.models import Registration

    Index(
        "ix_registration_postal_code_dashboard", Registration.edition_id, Registration.postal_code
    )


_dashboard_indexes()
