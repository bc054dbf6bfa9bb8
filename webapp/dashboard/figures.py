"""Satisfaction figures (SPEC section 4): the ONE place where numbers are computed.

Pages, the XLSX export and the signed PDFs all read these functions, so two documents can
never disagree about a unit's satisfaction.

Rules:
- satisfied % = answers 4 or 5 / valid overall answers 1-5 (3 is not satisfied);
- flagged responses are excluded from every figure and counted apart (`flagged_count`);
- a percentage always travels with n and its 95 % Wilson interval; below MIN_N it is
  "too few answers": not compared with the target and not ranked;
- periods are calendar periods in Asia/Ho_Chi_Minh on the clock-corrected `submitted_at`;
- a unit's figures include its predecessors' (merged units) when asked, recursively;
  retired units stay reportable under their own names.

Every figure is an aggregate over `answer_counts` (responses/rollups.py), the per unit x local
day counts kept up to date at ingest, so a figure costs days x categories whatever the number
of responses (1.0-1.3 s for a unit's quarter at 100,000 responses when it aggregated the
responses themselves). Only the newest comments are read from the responses, a page at a time.
Periods are whole local days, so a day range selects exactly a period's responses.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.kiosk.models import Kiosk
from webapp.periods import Period
from webapp.responses import rollups
from webapp.responses.models import AnswerCount, Response
from webapp.surveys.models import Survey, SurveyVersion
from webapp.units.models import ProcedureDomain, ReportGroup, Unit, UnitType

Z95 = 1.959964
DEFAULT_MIN_N = 30
COMMENTS_LIMIT = 20
# Responses whose procedure domain is unknown are still shown, under this pseudo-group.
NO_GROUP_NAME = {"vi": "Chưa rõ lĩnh vực", "en": "Procedure domain not given"}


# --- shares and intervals ---------------------------------------------------------------


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """95 % Wilson score interval of a proportion, as fractions in 0..1.

    Wilson rather than the textbook normal interval because it stays inside 0..1 and is
    honest near 100 %, which is exactly where a 99 % target lives.
    """
    if n <= 0:
        return 0.0, 1.0
    if not 0 <= successes <= n:
        raise ValueError(f"successes {successes} outside 0..{n}")
    p = successes / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    denominator = 1 + z2 / n
    low = (centre - spread) / denominator
    high = (centre + spread) / denominator
    return max(0.0, low), min(1.0, high)


@dataclass(frozen=True)
class Share:
    satisfied: int
    n: int
    pct: float | None
    low: float | None
    high: float | None
    target: Decimal | None
    enough: bool
    meets_target: bool | None

    def to_dict(self) -> dict:
        return {
            "satisfied": self.satisfied,
            "n": self.n,
            "pct": _round(self.pct),
            "low": _round(self.low),
            "high": _round(self.high),
            "target": None if self.target is None else str(self.target),
            "enough": self.enough,
            "meets_target": self.meets_target,
        }


def min_n() -> int:
    return int(current_app.config.get("MIN_N", DEFAULT_MIN_N))


def make_share(satisfied: int, n: int, target: Decimal | None, minimum: int | None = None) -> Share:
    satisfied, n = int(satisfied or 0), int(n or 0)
    minimum = min_n() if minimum is None else minimum
    if n == 0:
        return Share(0, 0, None, None, None, target, False, None)
    low, high = wilson_interval(satisfied, n)
    enough = n >= minimum
    meets = None
    if enough and target is not None:
        # Exact integer/decimal comparison so that 99 of 100 meets a 99 % target (a tie).
        meets = Decimal(satisfied) * 100 >= Decimal(target) * n
    return Share(
        satisfied, n, 100.0 * satisfied / n, 100.0 * low, 100.0 * high, target, enough, meets
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


# --- result shapes ------------------------------------------------------------------------


@dataclass
class QuestionStat:
    id: str
    kind: str
    text: dict
    n: int
    mean: float | None
    distribution: dict
    options: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "text": dict(self.text),
            "n": self.n,
            "mean": _round(self.mean),
            "distribution": {str(k): v for k, v in self.distribution.items()},
            "options": [dict(o) for o in self.options],
        }


@dataclass
class UnitSummary:
    unit_slug: str
    unit_name: dict
    unit_type: dict
    period_code: str
    headline: Share
    groups: list[dict]
    questions: list[QuestionStat]
    months: list[dict]
    receipt_not_received: dict
    by_hour: list[int]
    by_weekday: list[int]
    kiosks: list[dict]
    comments: list[dict]
    comments_total: int
    flagged_count: int
    flag_reasons: dict[str, int]
    includes_predecessors: list[str]
    # Of those, the split wards (their history is shown under every ward they fed).
    shared_predecessors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "unit_slug": self.unit_slug,
            "unit_name": dict(self.unit_name),
            "unit_type": dict(self.unit_type),
            "period_code": self.period_code,
            "headline": self.headline.to_dict(),
            "groups": [{**g, "share": g["share"].to_dict()} for g in self.groups],
            "questions": [q.to_dict() for q in self.questions],
            "months": [{"period": m["period"], "share": m["share"].to_dict()} for m in self.months],
            "receipt_not_received": {
                **self.receipt_not_received,
                "pct": _round(self.receipt_not_received["pct"]),
            },
            "by_hour": list(self.by_hour),
            "by_weekday": list(self.by_weekday),
            "kiosks": [dict(k) for k in self.kiosks],
            "comments": [dict(c) for c in self.comments],
            "comments_total": self.comments_total,
            "flagged_count": self.flagged_count,
            "flag_reasons": dict(sorted(self.flag_reasons.items())),
            "includes_predecessors": sorted(self.includes_predecessors),
            # Only when there is one, so the other reports' data hashes stay as they were.
            **(
                {"shared_predecessors": sorted(self.shared_predecessors)}
                if self.shared_predecessors
                else {}
            ),
        }

    def canonical_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    @property
    def data_sha256(self) -> str:
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()


# --- helpers ------------------------------------------------------------------------------


def _history(unit: Unit) -> list[Unit]:
    """The unit's predecessors, recursively: wards merged into it and wards split between it
    and others (each once)."""
    found, seen = [], {unit.id}
    stack = unit.history_units()
    while stack:
        previous = stack.pop()
        if previous.id in seen:
            continue
        seen.add(previous.id)
        found.append(previous)
        stack.extend(previous.history_units())
    return found


def unit_ids_with_predecessors(unit: Unit) -> tuple[list[int], list[str]]:
    """The unit's id and its predecessors' (see _history), and the predecessors' slugs."""
    history = _history(unit)
    return [unit.id] + [u.id for u in history], sorted(u.slug for u in history)


def shared_history(unit: Unit) -> list[str]:
    """Slugs of the split wards whose history this unit shows along with other successors."""
    return sorted(u.slug for u in _history(unit) if u.split_into)


def _scope(unit_ids, period: Period, since: datetime | None = None):
    """WHERE clause of one unit set and one period on the responses (comments only).

    One lower bound only: given two, SQLite ranges its index scan on either, and picking the
    period's start read the whole quarter to return the newest day's comments.
    """
    start = period.start if since is None else max(period.start, since)
    return and_(
        Response.unit_id.in_(list(unit_ids)),
        Response.submitted_at >= start,
        Response.submitted_at < period.end,
    )


def _days(unit_ids, period: Period):
    """WHERE clause of one unit set and one period on the rollup: whole local days.

    Rollup days are local days in the configured TIMEZONE, so they answer periods of that
    zone only (a period in another zone would silently shift by hours: refuse it).
    """
    zone = current_app.config["TIMEZONE"]
    if period.tz != zone:
        raise ValueError(f"figures are kept in {zone}; period {period.code} is in {period.tz}")
    return and_(
        AnswerCount.unit_id.in_(sorted(set(unit_ids))),
        AnswerCount.day >= period.first_day,
        AnswerCount.day < period.end_day,
    )


# Sums over rollup rows; each row carries the flagged and overall of the responses it counts.
_COUNTED = and_(AnswerCount.flagged.is_(False), AnswerCount.overall.between(1, 5))
SATISFIED = func.coalesce(
    func.sum(case((and_(_COUNTED, AnswerCount.overall >= 4), AnswerCount.responses), else_=0)),
    0,
)
VALID_N = func.coalesce(func.sum(case((_COUNTED, AnswerCount.responses), else_=0)), 0)
FLAGGED_N = func.coalesce(
    func.sum(case((AnswerCount.flagged.is_(True), AnswerCount.responses), else_=0)), 0
)


def _type_dict(unit_type: UnitType) -> dict:
    return {"code": unit_type.code, "vi": unit_type.name_vi, "en": unit_type.name_en}


def _name_dict(unit: Unit) -> dict:
    return {"vi": unit.name_vi, "en": unit.name_en}


def _tz(period: Period) -> ZoneInfo:
    return ZoneInfo(period.tz)


@dataclass
class _FacetRow:
    value: str
    satisfied: int
    n: int  # counted: not flagged, overall 1-5
    flagged: int


def _facets(unit_ids, period: Period, facets: list[str]) -> dict[str, list[_FacetRow]]:
    """The period's counts of these facets/questions, summed over days, in one query."""
    rows = db.session.execute(
        select(AnswerCount.question_id, AnswerCount.value, SATISFIED, VALID_N, FLAGGED_N)
        .where(_days(unit_ids, period), AnswerCount.question_id.in_(sorted(set(facets))))
        .group_by(AnswerCount.question_id, AnswerCount.value)
    ).all()
    result: dict[str, list[_FacetRow]] = {facet: [] for facet in facets}
    for question_id, value, satisfied, n, flagged in rows:
        result[question_id].append(_FacetRow(value, int(satisfied), int(n), int(flagged)))
    for facet_rows in result.values():
        facet_rows.sort(key=lambda row: row.value)
    return result


# --- unit summary ---------------------------------------------------------------------------


def unit_summary(
    unit: Unit,
    period: Period,
    *,
    include_predecessors: bool = True,
    locale: str = "vi",  # noqa: ARG001 - names are returned in both languages
    comments_limit: int = COMMENTS_LIMIT,
    comments_offset: int = 0,
) -> UnitSummary:
    if include_predecessors:
        ids, predecessor_slugs = unit_ids_with_predecessors(unit)
    else:
        ids, predecessor_slugs = [unit.id], []
    target = unit.type.target_pct

    by_day = db.session.execute(
        select(AnswerCount.day, SATISFIED, VALID_N, FLAGGED_N)
        .where(_days(ids, period), AnswerCount.question_id == rollups.ALL)
        .group_by(AnswerCount.day)
    ).all()
    satisfied = sum(int(row[1]) for row in by_day)
    n = sum(int(row[2]) for row in by_day)
    flagged = sum(int(row[3]) for row in by_day)

    definitions = _definitions(unit, ids, period)
    question_list = _questions_of(definitions)
    facets = _facets(
        ids,
        period,
        [rollups.HOUR, rollups.DOMAIN, rollups.KIOSK, rollups.FLAG]
        + [q["id"] for q in question_list],
    )
    questions = _question_stats(question_list, facets)
    comments, comments_total = _comments(ids, questions, period, comments_limit, comments_offset)
    return UnitSummary(
        unit_slug=unit.slug,
        unit_name=_name_dict(unit),
        unit_type=_type_dict(unit.type),
        period_code=period.code,
        headline=make_share(satisfied, n, target),
        groups=_groups_of(facets[rollups.DOMAIN], target),
        questions=questions,
        months=_months(by_day, period, target),
        receipt_not_received=_receipt_rate(questions),
        by_hour=_by_hour(facets[rollups.HOUR]),
        by_weekday=_by_weekday(by_day),
        kiosks=_kiosks(facets[rollups.KIOSK]),
        comments=comments,
        comments_total=comments_total,
        flagged_count=flagged,
        flag_reasons=_flag_reasons(facets[rollups.FLAG]),
        includes_predecessors=predecessor_slugs,
        shared_predecessors=shared_history(unit) if include_predecessors else [],
    )


def domain_groups(unit_ids, period: Period, unit_target: Decimal | None) -> list[dict]:
    """Satisfied % per report group over these units (the district summary's groups)."""
    return _groups_of(_facets(unit_ids, period, [rollups.DOMAIN])[rollups.DOMAIN], unit_target)


def _groups_of(domains: list[_FacetRow], unit_target: Decimal | None) -> list[dict]:
    """Satisfied % per report group (via the response's procedure domain)."""
    if not any(row.n for row in domains):
        return []
    group_of = dict(
        db.session.execute(select(ProcedureDomain.code, ProcedureDomain.report_group_code)).all()
    )
    sums: dict[str | None, list[int]] = {}
    for row in domains:
        # '' (no domain) and codes that are no procedure domain: the "not given" group.
        code = group_of.get(row.value)
        total = sums.setdefault(code, [0, 0])
        total[0] += row.satisfied
        total[1] += row.n
    known = {code: (s[0], s[1]) for code, s in sums.items() if code is not None and s[1]}
    if not known:  # schools, clinics: no procedure domains, the headline says it all
        return []
    groups = {g.code: g for g in db.session.scalars(select(ReportGroup))}
    result = []
    for code in sorted(known):
        group = groups[code]
        result.append(
            {
                "code": code,
                "name": {"vi": group.name_vi, "en": group.name_en},
                "share": make_share(*known[code], group.target_pct),
            }
        )
    unknown = sums.get(None)
    if unknown and unknown[1]:
        result.append(
            {
                "code": None,
                "name": dict(NO_GROUP_NAME),
                "share": make_share(unknown[0], unknown[1], unit_target),
            }
        )
    return result


def _months(by_day, period: Period, target: Decimal) -> list[dict]:
    """Days summed into the period's calendar months."""
    months = period.months()
    index = {(m.first_day.year, m.first_day.month): i for i, m in enumerate(months)}
    sums = [[0, 0] for _ in months]
    for day, satisfied, n, _flagged in by_day:
        month = sums[index[(day.year, day.month)]]
        month[0] += int(satisfied)
        month[1] += int(n)
    return [
        {"period": m.code, "share": make_share(sums[i][0], sums[i][1], target)}
        for i, m in enumerate(months)
    ]


def _by_hour(hours: list[_FacetRow]) -> list[int]:
    result = [0] * 24
    for row in hours:
        result[int(row.value)] += row.n
    return result


def _by_weekday(by_day) -> list[int]:
    result = [0] * 7
    for day, _satisfied, n, _flagged in by_day:
        result[day.weekday()] += int(n)
    return result


def _kiosks(kiosk_rows: list[_FacetRow]) -> list[dict]:
    """Every kiosk with a response in scope: counted and flagged responses."""
    counts = {int(row.value): row for row in kiosk_rows}
    if not counts:
        return []
    names = db.session.execute(
        select(Kiosk.id, Kiosk.name).where(Kiosk.id.in_(sorted(counts))).order_by(Kiosk.id)
    ).all()
    return [
        {"id": kid, "name": name, "count": counts[kid].n, "flagged": counts[kid].flagged}
        for kid, name in names
    ]


def _flag_reasons(flag_rows: list[_FacetRow]) -> dict[str, int]:
    return dict(sorted((row.value, row.flagged) for row in flag_rows if row.flagged))


# --- questions and comments -----------------------------------------------------------------


def _definitions(unit: Unit, ids, period: Period) -> list[dict]:
    """Definitions of the versions answered in the period, newest first; else the current one."""
    version_ids = [
        int(value)
        for value in db.session.scalars(
            select(AnswerCount.value)
            .where(_days(ids, period), AnswerCount.question_id == rollups.VERSION)
            .distinct()
        )
    ]
    versions: Sequence[SurveyVersion] = []
    if version_ids:
        versions = db.session.scalars(
            select(SurveyVersion)
            .where(SurveyVersion.id.in_(version_ids))
            .order_by(SurveyVersion.published_at.desc(), SurveyVersion.id.desc())
        ).all()
    elif unit.type.survey_key:
        survey = db.session.scalar(select(Survey).where(Survey.key == unit.type.survey_key))
        if survey is not None and survey.latest is not None:
            versions = [survey.latest]
    return [v.definition for v in versions]


def _questions_of(definitions: list[dict]) -> list[dict]:
    """Union of questions by id, in the order of the newest definition."""
    merged: dict[str, dict] = {}
    for definition in definitions:
        for question in definition.get("questions") or []:
            merged.setdefault(question["id"], question)
    return list(merged.values())


def _normalise(kind: str, value):
    if value is None:
        return None
    text = str(value).strip().lower()
    if kind == "rating5":
        try:
            number = int(float(text))
        except ValueError:
            return None
        return number if 1 <= number <= 5 else None
    if kind == "yesno":
        if text in ("true", "1"):
            return "yes"
        if text in ("false", "0"):
            return "no"
        return None
    return str(value)


def _question_stats(questions: list[dict], facets: dict[str, list[_FacetRow]]):
    """Distribution and mean per question, from the counted responses' stored answers.

    Answers are stored as text (rollups.raw_value) and normalised here by the question's
    kind in the newest definition, so a question keeps one reading across versions.
    """
    stats = []
    for question in questions:
        qid, kind = question["id"], question["kind"]
        answered = [row for row in facets.get(qid, []) if row.n]
        if kind == "text":
            n = sum(row.n for row in answered if row.value != "")
            stats.append(QuestionStat(qid, kind, question.get("text", {}), n, None, {}))
            continue
        distribution: dict = {}
        if kind == "rating5":
            distribution = dict.fromkeys(range(1, 6), 0)
        elif kind == "yesno":
            distribution = {"yes": 0, "no": 0}
        options = [
            {"code": o["code"], "vi": o.get("vi", o["code"]), "en": o.get("en", o["code"])}
            for o in question.get("options") or []
        ]
        for option in options:
            distribution[option["code"]] = 0
        for row in answered:
            key = _normalise(kind, row.value)
            if key is not None:
                distribution[key] = distribution.get(key, 0) + row.n
        n = sum(distribution.values())
        mean = None
        if kind == "rating5" and n:
            mean = sum(k * v for k, v in distribution.items()) / n
        stats.append(
            QuestionStat(qid, kind, question.get("text", {}), n, mean, distribution, options)
        )
    return stats


def _has_text(qid: str):
    value = Response.answers[qid].as_string()
    return value.is_not(None), value != ""


def _comments(ids, questions, period: Period, limit: int, offset: int) -> tuple[list[dict], int]:
    """Newest comments first (free text is shown to authorised users only).

    The texts live only in the responses. The rollup says how many comments each day holds,
    so the query reads back only as many days as the page needs instead of, in a period with
    hardly any comments, every response of the period.
    """
    text_ids = [q.id for q in questions if q.kind == "text"]
    if not text_ids:
        return [], 0
    qid = text_ids[0]
    total = sum(q.n for q in questions if q.id == qid)
    limit, offset = max(0, limit), max(0, offset)
    if not limit or offset >= total:
        return [], total
    since = _first_day_needed(ids, period, qid, offset + limit)
    counted = and_(
        _scope(ids, period, since=_local_midnight(since, period)),
        Response.flagged.is_(False),
        Response.overall.between(1, 5),
        *_has_text(qid),
    )
    value = Response.answers[qid].as_string()
    tz = _tz(period)
    rows = db.session.execute(
        select(Response.submitted_at, Response.overall, value)
        .where(counted)
        .order_by(Response.submitted_at.desc(), Response.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    comments = [
        {
            "submitted_at": moment.astimezone(tz).isoformat(),
            "overall": int(overall),
            "text": str(text),
        }
        for moment, overall, text in rows
    ]
    return comments, total


def _first_day_needed(ids, period: Period, qid: str, wanted: int) -> date:
    """The latest day such that the days from it to the period's end hold `wanted` comments."""
    per_day = db.session.execute(
        select(AnswerCount.day, VALID_N)
        .where(_days(ids, period), AnswerCount.question_id == qid, AnswerCount.value != "")
        .group_by(AnswerCount.day)
        .order_by(AnswerCount.day.desc())
    ).all()
    seen = 0
    for day, n in per_day:
        seen += int(n)
        if seen >= wanted:
            return day
    return period.first_day


def _local_midnight(day: date, period: Period) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=_tz(period)).astimezone(UTC)


def _receipt_rate(questions) -> dict:
    """TTHC: share of 'receipt not received' among those who said yes or no."""
    for question in questions:
        if question.id == "receipt":
            no = question.distribution.get("khong", 0)
            n = no + question.distribution.get("co", 0)
            return {"count": no, "n": n, "pct": (100.0 * no / n) if n else None}
    return {"count": 0, "n": 0, "pct": None}


# --- rankings ------------------------------------------------------------------------------


def _shares_by_unit(unit_ids, period: Period) -> dict[int, tuple[int, int]]:
    rows = db.session.execute(
        select(AnswerCount.unit_id, SATISFIED, VALID_N)
        .where(_days(unit_ids, period), AnswerCount.question_id == rollups.ALL)
        .group_by(AnswerCount.unit_id)
    ).all()
    return {uid: (int(s), int(n)) for uid, s, n in rows}


def rank_rows(units: list[Unit], period: Period) -> list[dict]:
    """Each unit's share (with predecessors), ranked: pct desc; 'too few answers' last, unranked."""
    members = {unit.id: unit_ids_with_predecessors(unit)[0] for unit in units}
    counts = _shares_by_unit([i for ids in members.values() for i in ids], period)
    minimum = min_n()
    rows: list[dict[str, Any]] = []
    for unit in units:
        ids = members[unit.id]
        satisfied = sum(counts.get(i, (0, 0))[0] for i in ids)
        n = sum(counts.get(i, (0, 0))[1] for i in ids)
        rows.append(
            {
                "unit_slug": unit.slug,
                "unit_name": _name_dict(unit),
                "unit_type": _type_dict(unit.type),
                "parent_name": _name_dict(unit.parent) if unit.parent else None,
                "share": make_share(satisfied, n, unit.type.target_pct, minimum),
                # Only when true, so the rows of every other unit (and report hashes) stay.
                **({"shared_history": True} if shared_history(unit) else {}),
            }
        )
    ranked = sorted(
        (r for r in rows if r["share"].enough),
        key=lambda r: (-r["share"].satisfied / r["share"].n, -r["share"].n, r["unit_slug"]),
    )
    unranked = sorted(
        (r for r in rows if not r["share"].enough), key=lambda r: (-r["share"].n, r["unit_slug"])
    )
    for position, row in enumerate(ranked, start=1):
        row["rank"] = position
    for row in unranked:
        row["rank"] = None
    return ranked + unranked


# Rankings read every unit's type and predecessors: load them with the units, not one by one.
_RANKING_LOADS = (
    selectinload(Unit.type),
    selectinload(Unit.predecessors),
    selectinload(Unit.split_from),
    selectinload(Unit.parent),
)


def _surveyed(query):
    return query.join(UnitType, UnitType.code == Unit.type_code).where(
        UnitType.survey_key.is_not(None)
    )


def units_below(unit: Unit) -> list[Unit]:
    """The active units with a survey anywhere below `unit` (children, grandchildren, …).

    A district's ranking must include a kindergarten under a ward, not only the wards.
    """
    candidates = db.session.scalars(
        _surveyed(select(Unit)).where(Unit.active.is_(True)).options(*_RANKING_LOADS)
    ).all()
    parents: dict[int, int | None] = dict(db.session.execute(select(Unit.id, Unit.parent_id)).all())

    def is_below(candidate: Unit) -> bool:
        seen, current = set(), parents.get(candidate.id)
        while current is not None and current not in seen:
            if current == unit.id:
                return True
            seen.add(current)
            current = parents.get(current)
        return False

    return [candidate for candidate in candidates if is_below(candidate)]


def ranking_below(unit: Unit, period: Period) -> list[dict]:
    """Every active unit with a survey below `unit`, at any depth, ranked."""
    return rank_rows(units_below(unit), period)


def share_with_units_below(unit: Unit, period: Period) -> Share:
    """One figure over the unit and everything below it (merged predecessors included, each
    response once). No target: the units below can have different ones (99 % / 95 %)."""
    ids: set[int] = set()
    for member in [unit, *units_below(unit)]:
        ids.update(unit_ids_with_predecessors(member)[0])
    counts = _shares_by_unit(sorted(ids), period)
    satisfied = sum(s for s, _n in counts.values())
    n = sum(n for _s, n in counts.values())
    return make_share(satisfied, n, None)


def district_overview(period: Period, unit_type: str | None = None) -> list[dict]:
    """Every active unit with a survey (optionally of one type), ranked."""
    query = _surveyed(select(Unit)).where(Unit.active.is_(True)).options(*_RANKING_LOADS)
    if unit_type:
        query = query.where(Unit.type_code == unit_type)
    return rank_rows(list(db.session.scalars(query)), period)


def share_to_dict_rows(rows: list[dict]) -> list[dict]:
    """Ranking rows made JSON-serialisable (for APIs and hashing)."""
    return [{**r, "share": r["share"].to_dict()} for r in rows]


def local_now() -> datetime:
    return datetime.now(UTC).astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
