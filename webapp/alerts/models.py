"""Alerts (each recorded once) and the cases they open (SPEC 12)."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import User
from webapp.dbtypes import UTCDateTime, utcnow
from webapp.extensions import Model
from webapp.units.models import Unit


class Case(Model):
    """What is being done about one unit's alerts of one rule: owner, due date, status
    (open | in_progress | resolved) and what was done. A new alert joins the unit's open case
    of its rule, or opens one."""

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_unit_rule_status", "unit_id", "rule", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    rule: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="open")
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date | None]
    action_taken: Mapped[str | None] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship()
    owner: Mapped[User | None] = relationship()
    alerts: Mapped[list["Alert"]] = relationship(back_populates="case", order_by="Alert.id")
    events: Mapped[list["CaseEvent"]] = relationship(order_by="CaseEvent.id")

    @property
    def is_open(self) -> bool:
        return self.status != "resolved"

    def overdue_on(self, today: date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today


class Alert(Model):
    """One finding of one rule, recorded once per (unit, rule, key): the key is the local day,
    the response, the kiosk's silence or the quarantined item. `details` keeps the figures
    that triggered it."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("unit_id", "rule", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    rule: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(100))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)

    unit: Mapped[Unit] = relationship()
    case: Mapped[Case] = relationship(back_populates="alerts")


class CaseEvent(Model):
    """The history of a case: opened, an alert joined, or who changed what (before/after)."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # opened | alert | update
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # {"field": [before, after]} for an update; {"alert_id": id} for opened/alert.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


class AlertRead(Model):
    """That one user has read one alert (opened it or its case, or marked all read). An alert
    the user may see without a row here is unread for them: the inbox's unread count is one
    anti-join, and each person's reading leaves the others' counts alone."""

    __tablename__ = "alert_reads"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), primary_key=True, index=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
