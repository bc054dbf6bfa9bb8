"""The remediation loop in the reports (SPEC 12): each unit's change from the previous
period, its receipt complaints and its cases opened, resolved and overdue in the period.

Shares come from the figures service (`rank_rows`), receipt complaints from the alert rule's
own condition (`rules.receipt_not_given`): nothing is computed a second way here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select

from webapp.alerts.models import Case
from webapp.alerts.rules import receipt_not_given
from webapp.dashboard import figures
from webapp.extensions import db
from webapp.periods import Period, local_midnight, period_before
from webapp.responses.models import Response
from webapp.units.models import Unit


@dataclass
class UnitLoop:
    unit: Unit
    share: figures.Share
    previous: figures.Share
    change_points: float | None  # None: either side has no answers or too few
    below_target: bool
    receipt_complaints: int
    opened: int
    resolved: int
    overdue: int

    def to_dict(self) -> dict:
        return {
            "unit": self.unit.slug,
            "share": self.share.to_dict(),
            "previous": self.previous.to_dict(),
            "change_points": None if self.change_points is None else round(self.change_points, 6),
            "below_target": self.below_target,
            "receipt_complaints": self.receipt_complaints,
            "opened": self.opened,
            "resolved": self.resolved,
            "overdue": self.overdue,
        }


def cutoff_day(period: Period, today: date) -> date:
    """The day overdue is judged on: the period's last day, or today when it is not over."""
    return min(period.end_day - timedelta(days=1), today)


def cases_during(unit_ids: list[int], period: Period) -> list[Case]:
    """Cases opened before the period's end and not resolved before its start."""
    return list(
        db.session.scalars(
            select(Case)
            .where(
                Case.unit_id.in_(unit_ids),
                Case.opened_at < period.end,
                or_(Case.resolved_at.is_(None), Case.resolved_at >= period.start),
            )
            .order_by(Case.opened_at, Case.id)
        )
    )


def _open_at(case: Case, moment: datetime) -> bool:
    return case.opened_at < moment and (case.resolved_at is None or case.resolved_at >= moment)


def receipt_complaints(unit_ids: list[int], period: Period) -> dict[int, int]:
    rows = db.session.execute(
        select(Response.unit_id, func.count())
        .where(
            Response.unit_id.in_(unit_ids),
            Response.submitted_at >= period.start,
            Response.submitted_at < period.end,
            Response.flagged.is_(False),
            receipt_not_given(),
        )
        .group_by(Response.unit_id)
    ).all()
    return {int(uid): int(n) for uid, n in rows}


def loop_rows(units: list[Unit], period: Period, today: date) -> list[UnitLoop]:
    """One row per unit (in the order given), merged predecessors counted with their unit."""
    previous = period_before(period)
    now_rows = {r["unit_slug"]: r["share"] for r in figures.rank_rows(units, period)}
    before_rows = {r["unit_slug"]: r["share"] for r in figures.rank_rows(units, previous)}
    members = {u.id: figures.unit_ids_with_predecessors(u)[0] for u in units}
    all_ids = sorted({i for ids in members.values() for i in ids})
    receipts = receipt_complaints(all_ids, period) if all_ids else {}
    cases = cases_during(all_ids, period) if all_ids else []
    last = cutoff_day(period, today)
    judged_at = local_midnight(last + timedelta(days=1), period.tz)  # end of the cutoff day
    result = []
    for unit in units:
        ids = set(members[unit.id])
        share, before = now_rows[unit.slug], before_rows[unit.slug]
        change = None
        if share.enough and before.enough and share.pct is not None and before.pct is not None:
            change = share.pct - before.pct
        mine = [c for c in cases if c.unit_id in ids]
        result.append(
            UnitLoop(
                unit=unit,
                share=share,
                previous=before,
                change_points=change,
                below_target=share.meets_target is False,
                receipt_complaints=sum(receipts.get(i, 0) for i in ids),
                opened=sum(1 for c in mine if period.contains(c.opened_at)),
                resolved=sum(
                    1 for c in mine if c.resolved_at is not None and period.contains(c.resolved_at)
                ),
                overdue=sum(
                    1
                    for c in mine
                    if _open_at(c, judged_at) and c.due_on is not None and c.due_on < last
                ),
            )
        )
    return result


def case_data(case: Case) -> dict:
    """A case as hashed into the unit report (a changed case makes a new report version)."""
    return {
        "id": case.id,
        "rule": case.rule,
        "status": case.status,
        "owner": case.owner.email if case.owner else None,
        "due_on": case.due_on.isoformat() if case.due_on else None,
        "opened_at": case.opened_at.isoformat(),
        "resolved_at": case.resolved_at.isoformat() if case.resolved_at else None,
        "action_taken": case.action_taken,
    }
