"""An official tapping for themselves at their own counter (SPEC 7, 11).

Such tapping shows as a share of 5s far above the official's own history and above the rest
of the unit. `suspicious_officials` names those officials for a period, with the figures that
triggered it in words; nothing is excluded until an admin confirms it (`decide`). A confirmed
review leaves that period's answers out of the official's figure (counted with the flagged
ones, see figures.confirmed_exclusions); a dismissed one keeps them. Every decision is audited.

The rule: in the period the official has at least min-n answers, and their share of 5s is at
least MARGIN above both their own previous twelve months and the unit's other officials in the
period, with a two-proportion z of at least Z_LIMIT against each comparison that has min-n
answers (a comparison with fewer is skipped; with neither, no judgement is made). The test
itself is flags.stats.rises_above, shared with the kiosk drift rule.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from webapp.audit.services import record
from webapp.dashboard import figures
from webapp.dbtypes import utcnow
from webapp.extensions import db
from webapp.flags.stats import Proportion, rises_above
from webapp.formatting import count, percent
from webapp.officials.models import Official, OfficialReview
from webapp.periods import Period
from webapp.responses import rollups
from webapp.responses.models import AnswerCount
from webapp.units.models import Unit

DECISIONS = ("confirmed", "dismissed")


@dataclass
class Suspect:
    official: Official
    period: Period
    own: Proportion
    history: Proportion
    unit: Proportion
    review: OfficialReview | None

    def evidence(self) -> dict:
        return {
            name: {"fives": p.fives, "n": p.n}
            for name, p in (("own", self.own), ("history", self.history), ("unit", self.unit))
        }

    def explanation(self, locale: str) -> str:
        def share(p: Proportion) -> str:
            return percent(100 * (p.share or 0), 0, locale)

        parts = [
            _(
                "%(share)s of this official's %(n)s answers are 5 (very satisfied)",
                share=share(self.own),
                n=count(self.own.n, locale),
            )
        ]
        if self.history.n:
            parts.append(
                _(
                    "against %(share)s in their previous twelve months (%(n)s answers)",
                    share=share(self.history),
                    n=count(self.history.n, locale),
                )
            )
        if self.unit.n:
            parts.append(
                _(
                    "and %(share)s for the unit's other officials (%(n)s answers)",
                    share=share(self.unit),
                    n=count(self.unit.n, locale),
                )
            )
        return " ".join(parts) + "."


def _months_before(period: Period, months: int = 12) -> date:
    day = period.first_day
    year, month = day.year, day.month - months
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1)


def _fives(unit_ids: list[int], first: date, end: date) -> dict[int, Proportion]:
    """Per official: (answers 5, counted answers) over months [first, end), unflagged."""
    rows = db.session.execute(
        select(
            AnswerCount.value,
            AnswerCount.overall,
            func.sum(AnswerCount.responses),
        )
        .where(
            AnswerCount.unit_id.in_(unit_ids),
            AnswerCount.question_id == rollups.OFFICIAL,
            AnswerCount.day >= first,
            AnswerCount.day < end,
            AnswerCount.flagged.is_(False),
            AnswerCount.overall.between(1, 5),
        )
        .group_by(AnswerCount.value, AnswerCount.overall)
    ).all()
    result: dict[int, Proportion] = defaultdict(lambda: Proportion(0, 0))
    for value, overall, responses in rows:
        share = result[int(value)]
        share.n += int(responses)
        if overall == 5:
            share.fives += int(responses)
    return result


def _is_suspicious(own: Proportion, history: Proportion, unit: Proportion, minimum: int) -> bool:
    if own.n < minimum or own.share is None:
        return False
    comparisons = [p for p in (history, unit) if p.n >= minimum and p.share is not None]
    if not comparisons:
        return False
    return all(rises_above(own, p) for p in comparisons)


def suspicious_officials(units: list[Unit], period: Period) -> list[Suspect]:
    """The officials of these units whose share of 5s in `period` is suspicious."""
    ids = sorted({i for unit in units for i in figures.unit_ids_with_predecessors(unit)[0]})
    if not ids:
        return []
    minimum = figures.min_n()
    current = _fives(ids, period.first_day, period.end_day)
    history = _fives(ids, _months_before(period), period.first_day)
    all_fives = sum(p.fives for p in current.values())
    all_n = sum(p.n for p in current.values())
    flagged_ids = [
        oid
        for oid, own in current.items()
        if _is_suspicious(
            own,
            history.get(oid, Proportion(0, 0)),
            Proportion(all_fives - own.fives, all_n - own.n),
            minimum,
        )
    ]
    if not flagged_ids:
        return []
    officials = {
        o.id: o for o in db.session.scalars(select(Official).where(Official.id.in_(flagged_ids)))
    }
    reviews = {
        r.official_id: r
        for r in db.session.scalars(
            select(OfficialReview).where(
                OfficialReview.official_id.in_(flagged_ids), OfficialReview.period == period.code
            )
        )
    }
    return [
        Suspect(
            official=officials[oid],
            period=period,
            own=current[oid],
            history=history.get(oid, Proportion(0, 0)),
            unit=Proportion(all_fives - current[oid].fives, all_n - current[oid].n),
            review=reviews.get(oid),
        )
        for oid in sorted(flagged_ids, key=lambda i: officials[i].code)
    ]


class ReviewError(ValueError):
    pass


def decide(suspect: Suspect, decision: str, note: str | None, user_id: int | None) -> None:
    """Record (or change) the admin's decision for this official and period; audited."""
    if decision not in DECISIONS:
        raise ReviewError(_("Unknown decision."))
    review = suspect.review
    before = review.decision if review is not None else None
    if review is None:
        review = OfficialReview(official_id=suspect.official.id, period=suspect.period.code)
        db.session.add(review)
    review.decision, review.note = decision, (note or "").strip()[:500] or None
    review.evidence, review.decided_by_id, review.decided_at = (
        suspect.evidence(),
        user_id,
        utcnow(),
    )
    db.session.flush()
    record(
        "official.review",
        unit_id=suspect.official.unit_id,
        target=suspect.official.code,
        period=suspect.period.code,
        decision=decision,
        before=before,
        note=review.note,
    )
