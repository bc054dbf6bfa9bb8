"""Stored responses, the ones that were rejected (quarantine), and their per-day counts."""

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.dbtypes import UTCDateTime, UUIDKey, utcnow
from webapp.extensions import Model
from webapp.kiosk.models import Kiosk
from webapp.officials.models import Official
from webapp.surveys.models import SurveyVersion
from webapp.units.models import Unit


class Response(Model):
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
    # Who served the citizen (SPEC 11), when the counter said so; checked at ingest.
    official_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"), index=True)
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
    official: Mapped[Official | None] = relationship()


class QuarantinedResponse(Model):
    """A response the server could not accept, kept as sent with the reasons."""

    __tablename__ = "quarantined_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_id: Mapped[int] = mapped_column(ForeignKey("kiosks.id"), index=True)
    client_id: Mapped[str | None] = mapped_column(String(100))
    payload: Mapped[dict] = mapped_column(JSON)
    errors: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How an admin resolved it: "replayed" (stored after a correction) or "dismissed".
    resolution: Mapped[str | None] = mapped_column(String(16))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution_note: Mapped[str | None] = mapped_column(Text)

    kiosk: Mapped[Kiosk] = relationship()


# Longest stored answer value. Question ids are at most 40 characters and option codes too;
# longer values (free text) are never stored, only counted (rollups.TEXT_ANSWERED).
VALUE_LENGTH = 64


class AnswerCount(Model):
    """How many responses of a unit, on a local day, had `value` for `question_id`.

    One table of "facets" rather than one wide cube: a cube keyed by day x hour x domain x
    kiosk x overall hardly compresses at a thousand responses a day (it has about as many cells
    as responses), while each facet on its own has a handful of values a day. Every response
    adds 1 to one row per facet:

    - `_all` (value ''): headline, months, weekdays, flagged count, rankings;
    - `_hour` (local hour '0'..'23'), `_domain` (procedure domain code, '' when none),
      `_kiosk` (kiosk id), `_version` (survey version id): the other breakdowns;
    - `_flag` (reason; flagged responses only, 'unspecified' when they have none);
    - each answered question (ids start with a letter, so they never meet the `_` facets):
      the answer's raw value as text, or rollups.TEXT_ANSWERED for a free-text answer.

    `flagged` and `overall` are kept in every row so that "counted" (not flagged, overall 1-5),
    "satisfied" (overall 4-5) and "flagged" are all sums over the same rows, as in SPEC 4.
    The key starts with (unit_id, question_id, day) so that a unit's facet over a period is one
    index range, and a ranking reads `_all` only.
    """

    __tablename__ = "answer_counts"
    # On SQLite the rows live in the primary key's own b-tree (WITHOUT ROWID): a figure reads
    # one index range and finds the counts there, instead of one table lookup per row (the
    # district's ranking of officials: 108 -> 85 ms at 400,000 responses).
    __table_args__ = {"sqlite_with_rowid": False}

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(48), primary_key=True)
    # Local calendar day (config TIMEZONE) of the clock-corrected submission time: periods
    # are whole local days, so a day range selects exactly a period's responses.
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    value: Mapped[str] = mapped_column(String(VALUE_LENGTH), primary_key=True)
    flagged: Mapped[bool] = mapped_column(primary_key=True)
    overall: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    responses: Mapped[int] = mapped_column(default=0)
