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

Every figure is an aggregate query (GROUP BY in SQL on real columns, or on one JSON key
per question); no function here loads all rows of a period.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Integer, and_, case, cast, func, literal, select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.kiosk.models import Kiosk
from webapp.periods import Period
from webapp.surveys.models import Survey, SurveyVersion
from webapp.sync.models import Response
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
        }

    def canonical_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    @property
    def data_sha256(self) -> str:
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()


# --- helpers ------------------------------------------------------------------------------


def unit_ids_with_predecessors(unit: Unit) -> tuple[list[int], list[str]]:
    """The unit's id and its predecessors' (recursively) and the predecessors' slugs."""
    ids, slugs, seen = [unit.id], [], {unit.id}
    stack = list(unit.predecessors)
    while stack:
        previous = stack.pop()
        if previous.id in seen:
            continue
        seen.add(previous.id)
        ids.append(previous.id)
        slugs.append(previous.slug)
        stack.extend(previous.predecessors)
    return ids, sorted(slugs)


def _scope(unit_ids, period: Period):
    """WHERE clause of one unit set and one period (the index covers these columns)."""
    return and_(
        Response.unit_id.in_(list(unit_ids)),
        Response.submitted_at >= period.start,
        Response.submitted_at < period.end,
    )


_VALID = Response.overall.between(1, 5)
_COUNTED = and_(Response.flagged.is_(False), _VALID)
SATISFIED = func.coalesce(func.sum(case((and_(_COUNTED, Response.overall >= 4), 1), else_=0)), 0)
VALID_N = func.coalesce(func.sum(case((_COUNTED, 1), else_=0)), 0)
FLAGGED_N = func.coalesce(func.sum(case((Response.flagged.is_(True), 1), else_=0)), 0)


def _type_dict(unit_type: UnitType) -> dict:
    return {"code": unit_type.code, "vi": unit_type.name_vi, "en": unit_type.name_en}


def _name_dict(unit: Unit) -> dict:
    return {"vi": unit.name_vi, "en": unit.name_en}


def _tz(period: Period) -> ZoneInfo:
    return ZoneInfo(period.tz)


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
    scope = _scope(ids, period)
    counted = and_(scope, _COUNTED)
    target = unit.type.target_pct

    satisfied, n, flagged = db.session.execute(
        select(SATISFIED, VALID_N, FLAGGED_N).where(scope)
    ).one()
    headline = make_share(satisfied, n, target)

    questions = _question_stats(unit, ids, period, counted)
    comments, comments_total = _comments(
        questions, counted, period, comments_limit, comments_offset
    )
    return UnitSummary(
        unit_slug=unit.slug,
        unit_name=_name_dict(unit),
        unit_type=_type_dict(unit.type),
        period_code=period.code,
        headline=headline,
        groups=_groups(scope, target),
        questions=questions,
        months=_months(scope, period, target),
        receipt_not_received=_receipt_rate(questions),
        by_hour=_by_hour(counted, period),
        by_weekday=_by_weekday(counted, period),
        kiosks=_kiosks(scope),
        comments=comments,
        comments_total=comments_total,
        flagged_count=int(flagged),
        flag_reasons=_flag_reasons(scope),
        includes_predecessors=predecessor_slugs,
    )


def _groups(scope, unit_target: Decimal) -> list[dict]:
    """Satisfied % per report group (via the response's procedure domain)."""
    rows = db.session.execute(
        select(ProcedureDomain.report_group_code, SATISFIED, VALID_N)
        .select_from(Response)
        .outerjoin(ProcedureDomain, Response.domain_code == ProcedureDomain.code)
        .where(scope)
        .group_by(ProcedureDomain.report_group_code)
    ).all()
    known = {code: (s, n) for code, s, n in rows if code is not None and n}
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
    unknown = [(s, n) for code, s, n in rows if code is None and n]
    if unknown:
        result.append(
            {
                "code": None,
                "name": dict(NO_GROUP_NAME),
                "share": make_share(*unknown[0], unit_target),
            }
        )
    return result


def _months(scope, period: Period, target: Decimal) -> list[dict]:
    """One query: each row is put in its month by comparing with the month boundaries."""
    months = period.months()
    if len(months) == 1:
        index = literal(0)
    else:
        index = case(
            *[(Response.submitted_at < m.end, i) for i, m in enumerate(months[:-1])],
            else_=len(months) - 1,
        )
    rows = db.session.execute(
        select(index.label("month"), SATISFIED, VALID_N).where(scope).group_by(index)
    ).all()
    by_index = {int(i): (s, n) for i, s, n in rows}
    return [
        {"period": m.code, "share": make_share(*by_index.get(i, (0, 0)), target)}
        for i, m in enumerate(months)
    ]


def _fixed_offset_minutes(period: Period) -> int | None:
    """The zone's UTC offset if it is constant over the period (Vietnam: always +7 h)."""
    tz = _tz(period)
    first = period.start.astimezone(tz).utcoffset()
    last = period.end.astimezone(tz).utcoffset()
    return int(first.total_seconds() // 60) if first == last else None


def _local_parts(period: Period):
    """SQL expressions for the local hour (0-23) and weekday (Mon=0), or None."""
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        local = func.timezone(period.tz, Response.submitted_at)
        return func.date_part("hour", local), func.date_part("isodow", local) - 1
    offset = _fixed_offset_minutes(period)
    if dialect == "sqlite" and offset is not None:
        modifier = f"{offset:+d} minutes"
        hour = cast(func.strftime("%H", Response.submitted_at, modifier), Integer)
        # strftime %w: Sunday=0; shift so that Monday=0.
        weekday = (cast(func.strftime("%w", Response.submitted_at, modifier), Integer) + 6) % 7
        return hour, weekday
    return None


def _by_hour(counted, period: Period) -> list[int]:
    return _histogram(counted, period, 0, 24)


def _by_weekday(counted, period: Period) -> list[int]:
    return _histogram(counted, period, 1, 7)


def _histogram(counted, period: Period, part: int, size: int) -> list[int]:
    result = [0] * size
    parts = _local_parts(period)
    if parts is not None:
        expr = parts[part]
        for value, count in db.session.execute(
            select(expr, func.count()).where(counted).group_by(expr)
        ):
            result[int(value)] += int(count)
        return result
    # Zones with daylight saving on SQLite: one streamed pass over submitted_at only.
    tz = _tz(period)
    for (moment,) in db.session.execute(
        select(Response.submitted_at).where(counted).execution_options(yield_per=5000)
    ):
        local = moment.astimezone(tz)
        result[local.hour if part == 0 else local.weekday()] += 1
    return result


def _kiosks(scope) -> list[dict]:
    rows = db.session.execute(
        select(
            Kiosk.id,
            Kiosk.name,
            func.coalesce(func.sum(case((_COUNTED, 1), else_=0)), 0),
            FLAGGED_N,
        )
        .select_from(Response)
        .join(Kiosk, Kiosk.id == Response.kiosk_id)
        .where(scope)
        .group_by(Kiosk.id, Kiosk.name)
        .order_by(Kiosk.id)
    ).all()
    return [
        {"id": kid, "name": name, "count": int(count), "flagged": int(flagged)}
        for kid, name, count, flagged in rows
    ]


def _flag_reasons(scope) -> dict[str, int]:
    """Flagged rows are few by nature; read only their `flags` lists."""
    reasons: Counter[str] = Counter()
    for (flags,) in db.session.execute(
        select(Response.flags)
        .where(scope, Response.flagged.is_(True))
        .execution_options(yield_per=2000)
    ):
        reasons.update(flags or ["unspecified"])
    return dict(sorted(reasons.items()))


# --- questions and comments -----------------------------------------------------------------


def _definitions(unit: Unit, ids, period: Period) -> list[dict]:
    """Definitions of the versions answered in the period, newest first; else the current one."""
    version_ids = db.session.scalars(
        select(Response.survey_version_id).where(_scope(ids, period)).distinct()
    ).all()
    versions = []
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


def _question_stats(unit: Unit, ids, period: Period, counted) -> list[QuestionStat]:
    stats = []
    for question in _questions_of(_definitions(unit, ids, period)):
        qid, kind = question["id"], question["kind"]
        if kind == "text":
            n = db.session.scalar(select(func.count()).where(counted, *_has_text(qid)))
            stats.append(QuestionStat(qid, kind, question.get("text", {}), int(n or 0), None, {}))
            continue
        value = Response.answers[qid].as_string()
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
        for raw, count in db.session.execute(
            select(value, func.count()).where(counted, value.is_not(None)).group_by(value)
        ):
            key = _normalise(kind, raw)
            if key is not None:
                distribution[key] = distribution.get(key, 0) + int(count)
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


def _comments(questions, counted, period, limit: int, offset: int) -> tuple[list[dict], int]:
    """Newest comments first (free text is shown to authorised users only)."""
    text_ids = [q.id for q in questions if q.kind == "text"]
    if not text_ids:
        return [], 0
    qid = text_ids[0]
    value = Response.answers[qid].as_string()
    total = sum(q.n for q in questions if q.id == qid)
    tz = _tz(period)
    rows = db.session.execute(
        select(Response.submitted_at, Response.overall, value)
        .where(counted, *_has_text(qid))
        .order_by(Response.submitted_at.desc(), Response.id.desc())
        .limit(max(0, limit))
        .offset(max(0, offset))
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


def _receipt_rate(questions) -> dict:
    """TTHC: share of 'receipt not received' among those who said yes or no."""
    for question in questions:
        if question.id == "receipt":
            no = question.distribution.get("khong", 0)
            n = no + question.distribution.get("co", 0)
            return {"count": no, "n": n, "pct": (100.0 * no / n) if n else None}
    return {"count": 0, "n": 0, "pct": None}


# --- rankings ------------------------------------------------------------------------------


def _shares_by_unit(period: Period) -> dict[int, tuple[int, int]]:
    rows = db.session.execute(
        select(Response.unit_id, SATISFIED, VALID_N)
        .where(Response.submitted_at >= period.start, Response.submitted_at < period.end)
        .group_by(Response.unit_id)
    ).all()
    return {uid: (int(s), int(n)) for uid, s, n in rows}


def rank_rows(units: list[Unit], period: Period) -> list[dict]:
    """Each unit's share (with predecessors), ranked: pct desc; 'too few answers' last, unranked."""
    counts = _shares_by_unit(period)
    minimum = min_n()
    rows = []
    for unit in units:
        ids, _ = unit_ids_with_predecessors(unit)
        satisfied = sum(counts.get(i, (0, 0))[0] for i in ids)
        n = sum(counts.get(i, (0, 0))[1] for i in ids)
        rows.append(
            {
                "unit_slug": unit.slug,
                "unit_name": _name_dict(unit),
                "unit_type": _type_dict(unit.type),
                "share": make_share(satisfied, n, unit.type.target_pct, minimum),
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
_RANKING_LOADS = (selectinload(Unit.type), selectinload(Unit.predecessors))


def _surveyed(query):
    return query.join(UnitType, UnitType.code == Unit.type_code).where(
        UnitType.survey_key.is_not(None)
    )


def children_ranking(unit: Unit, period: Period) -> list[dict]:
    """The unit's active child units with a survey, ranked."""
    children = db.session.scalars(
        _surveyed(select(Unit))
        .where(Unit.parent_id == unit.id, Unit.active.is_(True))
        .options(*_RANKING_LOADS)
    ).all()
    return rank_rows(list(children), period)


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
