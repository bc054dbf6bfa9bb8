"""Enrolled tablets."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.dbtypes import UTCDateTime, utcnow
from webapp.extensions import Model
from webapp.units.models import Unit


class Kiosk(Model):
    __tablename__ = "kiosks"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # Secrets are kept only as SHA-256 hashes (both are long random values).
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    enroll_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    enroll_code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    default_domain_code: Mapped[str | None] = mapped_column(ForeignKey("procedure_domains.code"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # What the tablet last told us about itself.
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    app_version: Mapped[str | None] = mapped_column(String(40))
    queued_count: Mapped[int | None]
    storage_persisted: Mapped[bool | None]
    user_agent: Mapped[str | None] = mapped_column(String(300))

    unit: Mapped[Unit] = relationship()

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.enrolled_at:
            return "enrolled"
        return "pending"
