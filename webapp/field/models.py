"""Stored field interviews and inspections, apart from the kiosks' responses."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import User
from webapp.dbtypes import UTCDateTime, UUIDKey, utcnow
from webapp.extensions import Model
from webapp.kiosk.models import Kiosk
from webapp.surveys.models import SurveyVersion
from webapp.units.models import Unit


class FieldResponse(Model):
    """One interview or inspection, about one unit, by one surveyor.

    A table of its own rather than rows of `responses`: a field interview has no overall
    rating and must never be counted in a kiosk figure, export or PDF, so keeping it apart
    makes that true by construction instead of by a filter in every query.
    """

    __tablename__ = "field_responses"
    __table_args__ = (
        # Results read one survey's interviews of a unit over a year.
        Index(
            "ix_field_responses_unit_version_time", "unit_id", "survey_version_id", "submitted_at"
        ),
    )

    # The phone's UUID (v7) is the idempotency key, as for kiosks.
    id: Mapped[uuid.UUID] = mapped_column(UUIDKey, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("kiosks.id"), index=True)
    surveyor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    survey_version_id: Mapped[int] = mapped_column(ForeignKey("survey_versions.id"))
    locale: Mapped[str] = mapped_column(String(5))
    answers: Mapped[dict] = mapped_column(JSON)
    device_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    device_submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)  # clock-corrected
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    clock_skew_seconds: Mapped[int] = mapped_column(default=0)

    device: Mapped[Kiosk] = relationship()
    surveyor: Mapped[User] = relationship()
    unit: Mapped[Unit] = relationship()
    survey_version: Mapped[SurveyVersion] = relationship()
