"""Responses received from kiosks, and the ones that were rejected (quarantine)."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.dbtypes import UTCDateTime, UUIDKey, utcnow
from webapp.extensions import db
from webapp.kiosk.models import Kiosk
from webapp.surveys.models import SurveyVersion
from webapp.units.models import Unit


class Response(db.Model):
    __tablename__ = "responses"
    __table_args__ = (
        # Figures aggregate by unit and time, reading only these columns.
        Index("ix_responses_unit_time", "unit_id", "submitted_at", "overall", "flagged"),
    )

    # The kiosk's UUID (v7, time-ordered) is the idempotency key.
    id: Mapped[uuid.UUID] = mapped_column(UUIDKey, primary_key=True)
    kiosk_id: Mapped[int] = mapped_column(ForeignKey("kiosks.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    survey_version_id: Mapped[int] = mapped_column(ForeignKey("survey_versions.id"))
    locale: Mapped[str] = mapped_column(String(5))
    answers: Mapped[dict] = mapped_column(JSON)
    # Copied out of `answers` so aggregation never parses JSON.
    overall: Mapped[int] = mapped_column(SmallInteger)
    domain_code: Mapped[str | None] = mapped_column(String(64), index=True)
    # Times as the tablet saw them, the clock-corrected submission time, and our receipt time.
    device_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    device_submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    clock_skew_seconds: Mapped[int] = mapped_column(default=0)
    # Integrity flags (SPEC section 7): excluded from headline figures, counted apart.
    flagged: Mapped[bool] = mapped_column(default=False)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)

    kiosk: Mapped[Kiosk] = relationship()
    unit: Mapped[Unit] = relationship()
    survey_version: Mapped[SurveyVersion] = relationship()


class QuarantinedResponse(db.Model):
    """A response the server could not accept, kept as sent with the reasons."""

    __tablename__ = "quarantined_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_id: Mapped[int] = mapped_column(ForeignKey("kiosks.id"), index=True)
    client_id: Mapped[str | None] = mapped_column(String(100))
    payload: Mapped[dict] = mapped_column(JSON)
    errors: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    kiosk: Mapped[Kiosk] = relationship()
