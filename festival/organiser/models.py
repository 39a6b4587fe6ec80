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
