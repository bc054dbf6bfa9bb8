"""Questionnaires and their immutable, numbered versions."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.dbtypes import UTCDateTime, utcnow
from webapp.extensions import Model


class Survey(Model):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    title_vi: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    # Codes of the unit types whose kiosks show this survey.
    unit_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "kiosk": shown on tablets; "field": a longer questionnaire for surveyors' phones (SPEC
    # 13), never in a kiosk's config.
    mode: Mapped[str] = mapped_column(String(8), default="kiosk", server_default="kiosk")

    versions: Mapped[list["SurveyVersion"]] = relationship(
        back_populates="survey", order_by="SurveyVersion.version"
    )

    @property
    def latest(self) -> "SurveyVersion | None":
        return self.versions[-1] if self.versions else None


class SurveyVersion(Model):
    """A published definition. Never updated: a change is a new version."""

    __tablename__ = "survey_versions"
    __table_args__ = (UniqueConstraint("survey_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    version: Mapped[int]
    definition: Mapped[dict] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    survey: Mapped[Survey] = relationship(back_populates="versions")
