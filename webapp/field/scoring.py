"""Scores of the field surveys (docs/field.md, SPEC 13): pure computations over stored
FieldResponses, for the results pages, the yearly PDF and the inspection alerts.

Per respondent and PAPI axis: 1 + 9 × the mean of the points of the scored items of that axis
the respondent was shown (skip logic) and answered; a respondent with no such item is left out
of the axis. Per ward, year and axis: the mean of the respondents' scores, n, and a 95 %
interval mean ± t(0.975, n − 1)·s/√n clipped to the 1–10 scale, shown from FIELD_MIN_N
respondents. Each response is read with the definition of its own survey version.

A year is the local calendar year (TIMEZONE) of the clock-corrected `submitted_at`.
"""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from webapp.extensions import db
from webapp.field.ingest import shown
from webapp.field.models import FieldResponse
from webapp.periods import local_midnight
from webapp.surveys.models import Survey, SurveyVersion
from webapp.units.models import Unit

DEFAULT_MIN_N = 10
SCALE_LOW, SCALE_HIGH = 1.0, 10.0

# t(0.975, df) for df = 1..30; beyond, the Cornish-Fisher expansion below (error < 1e-4).
T_975 = (
    12.7062,
    4.3027,
    3.1824,
    2.7764,
    2.5706,
    2.4469,
    2.3646,
    2.3060,
    2.2622,
    2.2281,
    2.2010,
    2.1788,
    2.1604,
    2.1448,
    2.1314,
    2.1199,
    2.1098,
    2.1009,
    2.0930,
    2.0860,
    2.0796,
    2.0739,
    2.0687,
    2.0639,
    2.0595,
    2.0555,
    2.0518,
    2.0484,
    2.0452,
    2.0423,
)
Z_975 = 1.959963985


def t_975(df: int) -> float:
    """The two-sided 95 % quantile of Student's t with `df` degrees of freedom."""
    if df < 1:
        raise ValueError("at least one degree of freedom")
    if df <= len(T_975):
        return T_975[df - 1]
    z = Z_975
    return (
        z
        + (z**3 + z) / (4 * df)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3)
    )


@dataclass
class ItemResult:
    question_id: str
    text: dict
    n: int
    mean_points: float | None  # 0..1, over respondents shown & answering


@dataclass
class AxisScore:
    axis: str
    title: dict
    method: dict
    n: int
    mean: float | None  # 1..10
    low: float | None
    high: float | None
    shown: bool  # n >= FIELD_MIN_N
    items: list[ItemResult]


@dataclass
class WardAxes:
    unit: Unit
    year: int
    respondents: int
    axes: list[AxisScore]


@dataclass
class FailedCheck:
    question_id: str
    text: dict
    finding: str


@dataclass
class InspectionResult:
    response_id: uuid.UUID
    unit: Unit
    submitted_at: datetime
    surveyor_email: str
    checks: int
    failed: list[FailedCheck]

    @property
    def passed(self) -> int:
        return self.checks - len(self.failed)


# --- reading a definition -------------------------------------------------------------------


def min_n() -> int:
    return int(current_app.config.get("FIELD_MIN_N", DEFAULT_MIN_N))


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the local calendar year."""
    tz = current_app.config["TIMEZONE"]
    return local_midnight(date(year, 1, 1), tz), local_midnight(date(year + 1, 1, 1), tz)


def asked(question: dict, questions: dict[str, dict], answers: dict, depth: int = 0) -> bool:
    """Whether the question was put to the respondent: its `show_if` holds and the question
    it depends on was itself asked (skip logic can chain)."""
    if not shown(question, answers):
        return False
    condition = question.get("show_if")
    if not condition or depth > len(questions):
        return True
    parent = questions.get(condition["question"])
    return parent is None or asked(parent, questions, answers, depth + 1)


def points(question: dict, value) -> float | None:
    """The points (0..1) an answer earns on a scored question; None when it earns none."""
    score = question.get("score")
    kind = question.get("kind")
    if score is None or value is None:
        return None
    if kind == "rating5" and score == "rating":
        if type(value) is int and 1 <= value <= 5:
            return (value - 1) / 4
        return None
    if not isinstance(score, dict):
        return None
    if kind == "yesno":
        if type(value) is not bool:
            return None
        found = score.get("true" if value else "false")
    elif kind == "choice":
        found = score.get(value) if isinstance(value, str) else None
    else:
        return None
    if isinstance(found, bool) or not isinstance(found, int | float):
        return None
    return float(found)


def _axis_of_sections(definition: dict) -> dict[str, str]:
    return {
        section["id"]: section["axis"]
        for section in definition.get("sections") or []
        if isinstance(section, dict) and section.get("axis")
    }


def scored_points(definition: dict, answers: dict) -> dict[str, dict[str, float]]:
    """{axis: {question id: points}} of one response: the scored items it was asked and
    answered."""
    questions = {q["id"]: q for q in definition.get("questions") or []}
    axes = _axis_of_sections(definition)
    found: dict[str, dict[str, float]] = defaultdict(dict)
    if not isinstance(answers, dict):
        return {}
    for qid, question in questions.items():
        axis = axes.get(question.get("section", ""))
        if axis is None or "score" not in question or qid not in answers:
            continue
        if not asked(question, questions, answers):
            continue
        earned = points(question, answers[qid])
        if earned is not None:
            found[axis][qid] = earned
    return dict(found)


# --- statistics -----------------------------------------------------------------------------


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def mean_interval(values: list[float]) -> tuple[float | None, float | None, float | None]:
    """(mean, low, high) of scores on the 1–10 scale; no interval for fewer than two."""
    mean = _mean(values)
    if mean is None or len(values) < 2:
        return mean, None, None
    n = len(values)
    variance = sum((v - mean) ** 2 for v in values) / (n - 1)
    half = t_975(n - 1) * math.sqrt(variance) / math.sqrt(n)
    return mean, max(SCALE_LOW, mean - half), min(SCALE_HIGH, mean + half)


# --- the survey's axes ----------------------------------------------------------------------


@dataclass
class _Axis:
    axis: str
    title: dict
    method: dict
    items: dict[str, dict] = field(default_factory=dict)  # question id -> text, in order


def _axes_layout(definitions: Iterable[dict]) -> list[_Axis]:
    """The axes and their scored items, in section order: the first definition (the latest
    version) leads; sections or items only older versions had follow."""
    layout: dict[str, _Axis] = {}
    for definition in definitions:
        axes = _axis_of_sections(definition)
        for section in definition.get("sections") or []:
            axis = section.get("axis") if isinstance(section, dict) else None
            if axis and axis not in layout:
                layout[axis] = _Axis(axis, section.get("title") or {}, section.get("method") or {})
        for question in definition.get("questions") or []:
            axis = axes.get(question.get("section", ""))
            if axis is not None and "score" in question:
                layout[axis].items.setdefault(question["id"], question.get("text") or {})
    return list(layout.values())


def _survey_versions(survey_key: str) -> list[SurveyVersion]:
    """The survey's versions, latest first."""
    return list(
        db.session.scalars(
            select(SurveyVersion)
            .join(Survey, Survey.id == SurveyVersion.survey_id)
            .where(Survey.key == survey_key)
            .order_by(SurveyVersion.version.desc())
        )
    )


def _responses(survey_key: str, year: int, unit_ids: set[int] | None) -> list[FieldResponse]:
    start, end = year_bounds(year)
    query = (
        select(FieldResponse)
        .join(SurveyVersion, SurveyVersion.id == FieldResponse.survey_version_id)
        .join(Survey, Survey.id == SurveyVersion.survey_id)
        .where(
            Survey.key == survey_key,
            FieldResponse.submitted_at >= start,
            FieldResponse.submitted_at < end,
        )
    )
    if unit_ids is not None:
        query = query.where(FieldResponse.unit_id.in_(sorted(unit_ids)))
    return list(db.session.scalars(query.order_by(FieldResponse.submitted_at)))


def _ward(
    unit: Unit, year: int, responses: list[FieldResponse], layout: list[_Axis], threshold: int
) -> WardAxes:
    scores: dict[str, list[float]] = defaultdict(list)
    item_points: dict[str, list[float]] = defaultdict(list)
    for response in responses:
        definition = response.survey_version.definition
        for axis, earned in scored_points(definition, response.answers).items():
            if earned:
                scores[axis].append(1 + 9 * sum(earned.values()) / len(earned))
            for qid, value in earned.items():
                item_points[qid].append(value)
    axes = []
    for entry in layout:
        values = scores.get(entry.axis, [])
        mean, low, high = mean_interval(values)
        items = [
            ItemResult(qid, text, len(item_points.get(qid, [])), _mean(item_points.get(qid, [])))
            for qid, text in entry.items.items()
        ]
        axes.append(
            AxisScore(
                axis=entry.axis,
                title=entry.title,
                method=entry.method,
                n=len(values),
                mean=mean,
                low=low,
                high=high,
                shown=len(values) >= threshold,
                items=items,
            )
        )
    return WardAxes(unit=unit, year=year, respondents=len(responses), axes=axes)


def _layout_for(survey_key: str, responses: list[FieldResponse]) -> list[_Axis]:
    definitions = [version.definition for version in _survey_versions(survey_key)]
    seen = {id(d) for d in definitions}
    for response in responses:  # a version deleted since (should not happen) still counts
        definition = response.survey_version.definition
        if id(definition) not in seen:
            seen.add(id(definition))
            definitions.append(definition)
    return _axes_layout(definitions)


def ward_axes(unit: Unit, year: int, survey_key: str = "papi_household") -> WardAxes:
    """One unit's scores per axis over the local calendar year."""
    responses = _responses(survey_key, year, {unit.id})
    return _ward(unit, year, responses, _layout_for(survey_key, responses), min_n())


def district_axes(
    year: int, unit_ids: set[int] | None = None, survey_key: str = "papi_household"
) -> list[WardAxes]:
    """Every unit with interviews in the year (among `unit_ids` when given), by name."""
    responses = _responses(survey_key, year, unit_ids)
    layout = _layout_for(survey_key, responses)
    threshold = min_n()
    by_unit: dict[int, list[FieldResponse]] = defaultdict(list)
    for response in responses:
        by_unit[response.unit_id].append(response)
    units = [rows[0].unit for rows in by_unit.values()]
    units.sort(key=lambda unit: (unit.name_vi, unit.slug))
    return [_ward(unit, year, by_unit[unit.id], layout, threshold) for unit in units]


# --- inspections ----------------------------------------------------------------------------


def check_items(definition: dict) -> list[dict]:
    """The checklist's items: yes/no questions marked `check` (true = complies)."""
    return [
        q
        for q in definition.get("questions") or []
        if q.get("check") is True and q.get("kind") == "yesno"
    ]


def checked(definition: dict, answers: dict) -> tuple[int, list[FailedCheck]]:
    """(items answered, the failed ones with the inspector's finding) of one inspection."""
    if not isinstance(answers, dict):
        return 0, []
    total, failed = 0, []
    for question in check_items(definition):
        value = answers.get(question["id"])
        if type(value) is not bool:
            continue
        total += 1
        if value is False:
            finding = answers.get(f"{question['id']}_finding")
            failed.append(
                FailedCheck(
                    question["id"],
                    question.get("text") or {},
                    finding.strip() if isinstance(finding, str) else "",
                )
            )
    return total, failed


def inspection_result(response: FieldResponse) -> InspectionResult:
    total, failed = checked(response.survey_version.definition, response.answers)
    return InspectionResult(
        response_id=response.id,
        unit=response.unit,
        submitted_at=response.submitted_at,
        surveyor_email=response.surveyor.email if response.surveyor else "",
        checks=total,
        failed=failed,
    )


def inspections(
    year: int, unit_ids: set[int] | None = None, survey_key: str = "conduct_inspection"
) -> list[InspectionResult]:
    """The year's inspections (of `unit_ids` when given), newest first."""
    responses = _responses(survey_key, year, unit_ids)
    results = [inspection_result(response) for response in responses]
    results.sort(key=lambda r: (r.submitted_at, str(r.response_id)), reverse=True)
    return results


def failed_inspections(
    response_ids: Iterable[uuid.UUID] | None = None, survey_key: str = "conduct_inspection"
) -> list[InspectionResult]:
    """Stored inspections with at least one failed check (all, or those of `response_ids`)."""
    query = (
        select(FieldResponse)
        .join(SurveyVersion, SurveyVersion.id == FieldResponse.survey_version_id)
        .join(Survey, Survey.id == SurveyVersion.survey_id)
        .where(Survey.key == survey_key)
    )
    if response_ids is not None:
        ids = sorted(set(response_ids))
        if not ids:
            return []
        query = query.where(FieldResponse.id.in_(ids))
    results = [inspection_result(r) for r in db.session.scalars(query)]
    return [result for result in results if result.failed]
