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


# Covering indexes for the live dashboard (festival/organiser/stats.py, and the walk-ins per
# quarter hour in festival/checkin/stats.py). They live here although the tables belong to other
# features: each dashboard query then reads one index range instead of the table (measured in
# bench/dashboard.py; a naive GROUP BY over 200k rows took 100-200 ms and held door scans
# behind it). Since the dashboard reads check-in's counters, ix_admission_dashboard and
# ix_admission_double_entry (a twin of check-in's ix_admission_double) are read by no dashboard
# query; dropping them needs a migration, so it is left to a change that makes one.
def _dashboard_indexes() -> None:
    from sqlalchemy import Index

    from festival.checkin.models import Admission, WalkIn
    from festival.registration.models import Booking, Registration

    Index(
        "ix_admission_dashboard",
        Admission.checkpoint_id,
        Admission.day,
        Admission.is_inside,
        Admission.people,
        Admission.first_at,
    )
    Index("ix_admission_double_entry", Admission.is_double_entry)
    Index("ix_booking_dashboard", Booking.event_id, Booking.status, Booking.seats)
    Index(
        "ix_registration_postal_code_dashboard", Registration.edition_id, Registration.postal_code
    )
    Index("ix_walk_in_dashboard", WalkIn.checkpoint_id, WalkIn.at, WalkIn.people)


_dashboard_indexes()
