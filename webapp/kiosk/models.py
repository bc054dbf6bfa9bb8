"""Enrolled tablets."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import User
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
    # Set for a surveyor's phone (/field, SPEC 13): the token was issued to this user, who
    # may send field responses about any of their units. `unit_id` is then only their first
    # unit; such a device is left out of the kiosks' health figures and alerts.
    surveyor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    unit: Mapped[Unit] = relationship()
    surveyor: Mapped[User | None] = relationship()

    @property
    def is_field_device(self) -> bool:
        return self.surveyor_id is not None

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.enrolled_at:
            return "enrolled"
        return "pending"
