"""Units (wards, counters, schools, clinics), their types, procedure domains and targets."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Numeric, String, Table, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.dbtypes import UTCDateTime, utcnow
from webapp.extensions import Model, db

# A ward of 2024 split between several wards of 2025 (Đa Kao went to Tân Định and Sài Gòn):
# every ward it fed, the first listed (`merged_into`) included. Its history is shown under each
# of them, marked as shared; a total over several of them still counts each response once.
unit_successors = Table(
    "unit_successors",
    db.metadata,
    Column("predecessor_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
    Column("successor_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)


class ReportGroup(Model):
    """A group of procedure domains reported against one target (99 % general, 95 % land…)."""

    __tablename__ = "report_groups"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    target_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))


class ProcedureDomain(Model):
    __tablename__ = "procedure_domains"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    report_group_code: Mapped[str] = mapped_column(ForeignKey("report_groups.code"))

    report_group: Mapped[ReportGroup] = relationship()


class UnitType(Model):
    __tablename__ = "unit_types"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    # Key of the questionnaire kiosks of this type show (None for purely administrative levels).
    survey_key: Mapped[str | None] = mapped_column(String(64))
    target_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("99"))


class Unit(Model):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    type_code: Mapped[str] = mapped_column(ForeignKey("unit_types.code"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # A retired unit keeps its name and history; its successor can report for it.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    retired_on: Mapped[date | None]
    merge_note: Mapped[str | None] = mapped_column(String(500))
    # Default procedure domain preselected on this unit's kiosks (e.g. dat_dai at a land branch).
    default_domain_code: Mapped[str | None] = mapped_column(ForeignKey("procedure_domains.code"))
    # Hash of the PIN that opens the kiosks' staff panel.
    staff_pin_hash: Mapped[str | None] = mapped_column(String(255))
    # Who signs the unit's reports (the chairman, principal, director): printed under the
    # signature in the signer block of the PDF.
    head_name: Mapped[str | None] = mapped_column(String(200))
    # Whether this unit's kiosks offer the follow-up contact opt-in after a survey (SPEC 13);
    # off until an admin switches it on.
    contact_optin: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    type: Mapped[UnitType] = relationship()
    parent: Mapped["Unit | None"] = relationship(
        remote_side=[id], foreign_keys=[parent_id], back_populates="children"
    )
    children: Mapped[list["Unit"]] = relationship(
        foreign_keys=[parent_id], back_populates="parent", order_by="Unit.slug"
    )
    merged_into: Mapped["Unit | None"] = relationship(
        remote_side=[id], foreign_keys=[merged_into_id], back_populates="predecessors"
    )
    predecessors: Mapped[list["Unit"]] = relationship(
        foreign_keys=[merged_into_id], back_populates="merged_into", order_by="Unit.slug"
    )
    # Only for a split: all the units it went to (see unit_successors), and the other way.
    split_into: Mapped[list["Unit"]] = relationship(
        secondary=unit_successors,
        primaryjoin=lambda: Unit.id == unit_successors.c.predecessor_id,
        secondaryjoin=lambda: Unit.id == unit_successors.c.successor_id,
        back_populates="split_from",
        order_by="Unit.slug",
    )
    split_from: Mapped[list["Unit"]] = relationship(
        secondary=unit_successors,
        primaryjoin=lambda: Unit.id == unit_successors.c.successor_id,
        secondaryjoin=lambda: Unit.id == unit_successors.c.predecessor_id,
        back_populates="split_into",
        order_by="Unit.slug",
    )

    def history_units(self) -> list["Unit"]:
        """The units whose responses count as this unit's history: whole predecessors
        (merged into it) and the wards split between it and others."""
        seen = {u.id for u in self.predecessors}
        return list(self.predecessors) + [u for u in self.split_from if u.id not in seen]

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_vi

    def __repr__(self) -> str:
        return f"<Unit {self.slug}>"
