"""Officials' figures (SPEC 11), on the figures service's own rules and counts.

Built from `dashboard.figures` (make_share, the Wilson interval, min-n, the SPEC 4 sums) over
the per-official facets that ingest keeps in `answer_counts` (responses/rollups.py: OFFICIAL
and OFFICIAL_QUESTIONS, one row per unit, month, official and answer), so an official's
figure costs months x officials, not responses. Periods are whole months, so the day filter
of the figures service selects exactly a period's months.

Ranking: only officials with n >= min-n are ranked, by satisfied % (then n, then code). A
rank alone would present 97.1 % and 96.8 % at n = 60 as different when the data cannot tell
them apart, so each ranked official also gets the range of ranks they could hold: every
ranked official whose 95 % interval overlaps theirs by at least half of the narrower
interval is "not clearly different", and the rank range spans them (`rank_low..rank_high`).
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, null, select

from webapp.dashboard import figures
from webapp.dashboard.figures import FLAGGED_N, SATISFIED, VALID_N, Share, make_share
from webapp.extensions import db
from webapp.officials.models import Official, OfficialReview
from webapp.periods import Period, PeriodError, parse_period
from webapp.responses import rollups
from webapp.responses.models import AnswerCount
from webapp.units.models import Unit, UnitType

# Two intervals overlapping by this share of the narrower one are "not clearly different".
HEAVY_OVERLAP = 0.5


@dataclass
class OfficialFigure:
    official_id: int
    code: str
    name: str
    title: str
    unit_slug: str
    unit_name: dict
    active: bool
    share: Share
    flagged: int = 0
    staff: dict = field(default_factory=dict)  # {"mean", "n"}: the staff-attitude rating
    receipt: dict = field(default_factory=dict)  # {"count", "n", "pct"}: receipts not given
    rank: int | None = None
    rank_low: int | None = None
    rank_high: int | None = None

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "unit": self.unit_slug,
            "share": self.share.to_dict(),
            "flagged": self.flagged,
            "staff": self.staff,
            "receipt": self.receipt,
            "rank": self.rank,
            "rank_range": [self.rank_low, self.rank_high],
        }


def _unit_ids(units: list[Unit]) -> list[int]:
    ids: set[int] = set()
    for unit in units:
        ids.update(figures.unit_ids_with_predecessors(unit)[0])
    return sorted(ids)


def official_figures(units: list[Unit], period: Period) -> list[OfficialFigure]:
    """Every official with an answer in these units and period (or serving there now),
    ranked. Units are taken with their merged predecessors, as in the unit figures."""
    ids = _unit_ids(units)
    if not ids:
        return []
    where = figures._days(ids, period)  # noqa: SLF001 - the figures service's own filter
    # Months an admin confirmed as gamed (integrity.py) are left out of that official's
    # figure and counted with the flagged responses instead.
    excluded = confirmed_exclusions(period)
    # Per month only when some month is excluded: otherwise one row per official.
    by = (AnswerCount.value, AnswerCount.day) if excluded else (AnswerCount.value,)
    month_or_none = AnswerCount.day if excluded else null()
    totals = db.session.execute(
        select(AnswerCount.value, month_or_none, SATISFIED, VALID_N, FLAGGED_N)
        .where(where, AnswerCount.question_id == rollups.OFFICIAL)
        .group_by(*by)
    ).all()
    counts: dict[int, tuple[int, int, int]] = {}
    for value, month, s, n, f in totals:
        oid = int(value)
        satisfied, valid, flagged = counts.get(oid, (0, 0, 0))
        if (oid, month) in excluded:
            counts[oid] = (satisfied, valid, flagged + int(n) + int(f))
        else:
            counts[oid] = (satisfied + int(s), valid + int(n), flagged + int(f))
    answers: dict[str, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    facets = list(rollups.OFFICIAL_QUESTIONS.values())
    rows = db.session.execute(  # both question facets in one index pass
        select(
            AnswerCount.question_id,
            AnswerCount.value,
            month_or_none,
            func.sum(AnswerCount.responses),
        )
        .where(where, AnswerCount.question_id.in_(facets), AnswerCount.flagged.is_(False))
        .group_by(AnswerCount.question_id, *by)
    ).all()
    for facet, value, month, n in rows:
        official, _, answer = value.partition(":")
        oid = int(official)
        if (oid, month) not in excluded:
            bucket = answers[facet][oid]
            bucket[answer] = bucket.get(answer, 0) + int(n)
    wanted = set(counts)
    serving = select(Official.id).where(Official.unit_id.in_(ids), Official.active.is_(True))
    wanted.update(db.session.scalars(serving))
    # Plain rows, not ORM objects: a district has ~900 officials to rank on every page view.
    officials = db.session.execute(
        select(
            Official.id,
            Official.code,
            Official.full_name,
            Official.title,
            Official.active,
            Unit.slug,
            Unit.name_vi,
            Unit.name_en,
            UnitType.target_pct,
        )
        .join(Unit, Unit.id == Official.unit_id)
        .join(UnitType, UnitType.code == Unit.type_code)
        .where(Official.id.in_(sorted(wanted)))
    ).all()
    minimum = figures.min_n()
    staff_answers = answers[rollups.OFFICIAL_QUESTIONS["staff"]]
    receipt_answers = answers[rollups.OFFICIAL_QUESTIONS["receipt"]]
    result = []
    for oid, code, name, title, active, slug, name_vi, name_en, target in officials:
        satisfied, n, flagged = counts.get(oid, (0, 0, 0))
        result.append(
            OfficialFigure(
                official_id=oid,
                code=code,
                name=name,
                title=title or "",
                unit_slug=slug,
                unit_name={"vi": name_vi, "en": name_en},
                active=active,
                share=make_share(satisfied, n, target, minimum),
                flagged=flagged,
                staff=_staff(staff_answers.get(oid, {})),
                receipt=_receipt(receipt_answers.get(oid, {})),
            )
        )
    return rank(result)


def confirmed_exclusions(period: Period) -> set[tuple[int, date]]:
    """(official id, first day of a month) pairs inside `period` that an admin excluded."""
    rows = db.session.execute(
        select(OfficialReview.official_id, OfficialReview.period).where(
            OfficialReview.decision == "confirmed"
        )
    ).all()
    result = set()
    for official_id, code in rows:
        try:
            reviewed = parse_period(code, period.tz)
        except PeriodError:
            continue
        for month in reviewed.months():
            if period.first_day <= month.first_day < period.end_day:
                result.add((official_id, month.first_day))
    return result


def _staff(distribution: dict[str, int]) -> dict:
    ratings = {int(v): n for v, n in distribution.items() if v in {"1", "2", "3", "4", "5"}}
    n = sum(ratings.values())
    mean = sum(v * c for v, c in ratings.items()) / n if n else None
    return {"mean": mean, "n": n}


def _receipt(distribution: dict[str, int]) -> dict:
    no, yes = distribution.get("khong", 0), distribution.get("co", 0)
    n = no + yes
    return {"count": no, "n": n, "pct": 100.0 * no / n if n else None}


def heavily_overlapping(a: Share, b: Share) -> bool:
    if a.low is None or a.high is None or b.low is None or b.high is None:
        return False
    overlap = min(a.high, b.high) - max(a.low, b.low)
    narrower = min(a.high - a.low, b.high - b.low)
    if narrower <= 0:
        return overlap >= 0
    return overlap >= HEAVY_OVERLAP * narrower


def rank(rows: list[OfficialFigure]) -> list[OfficialFigure]:
    """Ranked officials first (with their honest rank range), then the unranked by n.

    The range of a ranked official runs from the best-ranked to the worst-ranked official
    whose interval heavily overlaps theirs. A pairwise check of a district's 900 officials
    costs 800,000 comparisons, so each end is searched from the outside in, and only among
    officials whose point estimate lies within the widest half-interval of this one's
    interval (no other can overlap it): each search stops at its first hit.
    """
    ranked = sorted(
        (r for r in rows if r.share.enough),
        key=lambda r: (-r.share.satisfied / r.share.n, -r.share.n, r.code),
    )
    for position, row in enumerate(ranked, start=1):
        row.rank = position
    # Plain lists: this loop runs tens of thousands of comparisons for a district.
    lows = [r.share.low if r.share.low is not None else math.nan for r in ranked]
    highs = [r.share.high if r.share.high is not None else math.nan for r in ranked]
    negated = [-(r.share.pct or 0.0) for r in ranked]  # ascending, for bisect
    reach = max((_half_width(r.share) for r in ranked if _has(r)), default=0.0)

    def heavy(i: int, j: int) -> bool:
        overlap = min(highs[i], highs[j]) - max(lows[i], lows[j])
        narrower = min(highs[i] - lows[i], highs[j] - lows[j])
        return overlap >= 0 if narrower <= 0 else overlap >= HEAVY_OVERLAP * narrower

    for index, row in enumerate(ranked):
        if not _has(row):
            row.rank_low = row.rank_high = row.rank
            continue
        first = bisect.bisect_left(negated, -(highs[index] + reach))
        last = bisect.bisect_right(negated, -(lows[index] - reach)) - 1
        low = next((j for j in range(first, index) if heavy(index, j)), index)
        high = next((j for j in range(last, index, -1) if heavy(index, j)), index)
        row.rank_low, row.rank_high = low + 1, high + 1
    unranked = sorted((r for r in rows if not r.share.enough), key=lambda r: (-r.share.n, r.code))
    return ranked + unranked


def _half_width(share: Share) -> float:
    pct, low, high = share.pct or 0.0, share.low or 0.0, share.high or 0.0
    return max(high - pct, pct - low)


def _has(row: OfficialFigure) -> bool:
    share = row.share
    return share.pct is not None and share.low is not None and share.high is not None


def unit_officials(unit: Unit, period: Period) -> list[OfficialFigure]:
    """A unit's officials ranked among themselves."""
    return official_figures([unit], period)


def officials_below(unit: Unit, period: Period) -> list[OfficialFigure]:
    """The officials of a unit and every unit below it, ranked together (the district)."""
    return official_figures([unit, *figures.units_below(unit)], period)


def own_figure(official: Official, period: Period) -> tuple[OfficialFigure | None, int]:
    """An official's own figure and how many officials of their unit are ranked (for "your
    rank among the unit's officials"), nothing about anyone else."""
    rows = unit_officials(official.unit, period)
    mine = next((r for r in rows if r.official_id == official.id), None)
    return mine, sum(1 for r in rows if r.rank is not None)


def months_of(official: Official, period: Period) -> list[tuple[Period, Share]]:
    """The official's share per month of the period (their trend)."""
    ids = _unit_ids([official.unit])
    result = []
    for month in period.months():
        row = db.session.execute(
            select(SATISFIED, VALID_N).where(
                figures._days(ids, month),  # noqa: SLF001
                AnswerCount.question_id == rollups.OFFICIAL,
                AnswerCount.value == str(official.id),
            )
        ).one()
        result.append((month, make_share(int(row[0]), int(row[1]), official.unit.type.target_pct)))
    return result
