"""Append-only audit log of security- and report-relevant events."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import User
from webapp.dbtypes import UTCDateTime, utcnow
from webapp.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_kiosk_id: Mapped[int | None] = mapped_column(ForeignKey("kiosks.id"))
    actor_label: Mapped[str | None] = mapped_column(String(254))  # e.g. "cli", an e-mail tried
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    target: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))

    actor_user: Mapped[User | None] = relationship()
