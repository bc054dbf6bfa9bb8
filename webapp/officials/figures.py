"""Officials' figures (SPEC 11), on the figures service's own rules and counts.

Built from `dashboard.figures` (make_share, the Wilson interval, min-n, the SPEC 4 sums) over
the per-official facets that ingest keeps in `answer_counts` (responses/rollups.py: OFFICIAL
and OFFICIAL_QUESTIONS), so an official's figure costs days x officials, not responses.

Ranking: only officials with n >= min-n are ranked, by satisfied % (then n, then code). A
rank alone would present 97.1 % and 96.8 % at n = 60 as different when the data cannot tell
them apart, so each ranked official also gets the range of ranks they could hold: every
ranked official whose 95 % interval overlaps theirs by at least half of the narrower
interval is "not clearly different", and the rank range spans them (`rank_low..rank_high`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from webapp.dashboard import figures
from webapp.dashboard.figures import FLAGGED_N, SATISFIED, VALID_N, Share, make_share
from webapp.extensions import db
from webapp.officials.models import Official
from webapp.periods import Period
from webapp.responses import rollups
from webapp.responses.models import AnswerCount
from webapp.units.models import Unit

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
    not_clearly_different: list[str] = field(default_factory=list)  # codes

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
    totals = db.session.execute(
        select(AnswerCount.value, SATISFIED, VALID_N, FLAGGED_N)
        .where(where, AnswerCount.question_id == rollups.OFFICIAL)
        .group_by(AnswerCount.value)
    ).all()
    counts = {int(value): (int(s), int(n), int(f)) for value, s, n, f in totals}
    answers: dict[str, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for facet in rollups.OFFICIAL_QUESTIONS.values():
        rows = db.session.execute(
            select(AnswerCount.value, VALID_N)
            .where(where, AnswerCount.question_id == facet)
            .group_by(AnswerCount.value)
        ).all()
        for value, n in rows:
            official, _, answer = value.partition(":")
            answers[facet][int(official)][answer] = int(n)
    wanted = set(counts)
    serving = select(Official.id).where(Official.unit_id.in_(ids), Official.active.is_(True))
    wanted.update(db.session.scalars(serving))
    officials = db.session.scalars(select(Official).where(Official.id.in_(sorted(wanted)))).all()
    minimum = figures.min_n()
    result = []
    for official in officials:
        satisfied, n, flagged = counts.get(official.id, (0, 0, 0))
        result.append(
            OfficialFigure(
                official_id=official.id,
                code=official.code,
                name=official.full_name,
                title=official.title or "",
                unit_slug=official.unit.slug,
                unit_name={"vi": official.unit.name_vi, "en": official.unit.name_en},
                active=official.active,
                share=make_share(satisfied, n, official.unit.type.target_pct, minimum),
                flagged=flagged,
                staff=_staff(answers[rollups.OFFICIAL_QUESTIONS["staff"]].get(official.id, {})),
                receipt=_receipt(
                    answers[rollups.OFFICIAL_QUESTIONS["receipt"]].get(official.id, {})
                ),
            )
        )
    return rank(result)


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
    """Ranked officials first (with their honest rank range), then the unranked by n."""
    ranked = sorted(
        (r for r in rows if r.share.enough),
        key=lambda r: (-r.share.satisfied / r.share.n, -r.share.n, r.code),
    )
    for position, row in enumerate(ranked, start=1):
        row.rank = position
    for row in ranked:
        peers = [o for o in ranked if o is not row and heavily_overlapping(row.share, o.share)]
        positions = [o.rank for o in (row, *peers) if o.rank is not None]
        row.rank_low, row.rank_high = min(positions), max(positions)
        row.not_clearly_different = [o.code for o in peers]
    unranked = sorted((r for r in rows if not r.share.enough), key=lambda r: (-r.share.n, r.code))
    return ranked + unranked


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
