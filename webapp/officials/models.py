"""Officials of a unit and their moves. Never deleted: their history stays rankable."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.dbtypes import UTCDateTime, utcnow
from webapp.extensions import Model
from webapp.units.models import Unit


class Official(Model):
    __tablename__ = "officials"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The staff code of the unit's personnel list; what the kiosk sends with each response.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    left_on: Mapped[date | None]
    # Hash of the official's own 4-6 digit counter PIN (quick sign-in at the kiosk), if any.
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()

    def __repr__(self) -> str:
        return f"<Official {self.code}>"


class OfficialMove(Model):
    """An official's move from one unit to another, on a date (the history of `unit_id`)."""

    __tablename__ = "official_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id"), index=True)
    from_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    moved_on: Mapped[date]
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OfficialReview(Model):
    """An admin's decision on an official flagged for an unusual share of 5s in a period
    (SPEC 7, 11): "confirmed" excludes that period's answers from the official's figure,
    "dismissed" keeps them. One decision per official and period; every one is audited."""

    __tablename__ = "official_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id"), index=True)
    period: Mapped[str] = mapped_column(String(10))
    decision: Mapped[str] = mapped_column(String(12))  # confirmed | dismissed
    note: Mapped[str | None] = mapped_column(String(500))
    # The figures the decision was taken on (share of 5s: the official, their history, unit).
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("official_id", "period"),)
