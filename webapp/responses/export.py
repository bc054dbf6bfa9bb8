"""The responses CSV (SPEC section 9), shared by the CLI and the download route."""

import csv
import io
import json
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp.extensions import db
from webapp.kiosk.models import Kiosk
from webapp.officials.models import Official
from webapp.periods import Period
from webapp.responses.models import Response
from webapp.surveys.models import SurveyVersion
from webapp.units.models import Unit

HEADER = [
    "id", "unit", "kiosk", "survey", "version", "locale",
    "submitted_at", "received_at", "overall", "flagged", "answers",
    "official",  # appended by SPEC 11: the staff code of who served, empty when unknown
]  # fmt: skip


def _iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _responses(unit: Unit | None, period: Period | None) -> Iterator[Response]:
    query = (
        select(Response)
        .options(
            joinedload(Response.unit).load_only(Unit.slug),
            joinedload(Response.kiosk).load_only(Kiosk.id),
            joinedload(Response.survey_version).joinedload(SurveyVersion.survey),
            joinedload(Response.official).load_only(Official.code),
        )
        .where(*_selection(unit, period))
        .order_by(Response.submitted_at, Response.id)
    )
    yield from db.session.scalars(query.execution_options(yield_per=1000))


def _fixed(response: Response) -> list:
    """The SPEC columns before `overall`."""
    return [
        str(response.id),
        response.unit.slug,
        response.kiosk_id,
        response.survey_version.survey.key,
        response.survey_version.version,
        response.locale,
        _iso(response.submitted_at),
        _iso(response.received_at),
    ]


def response_rows(unit: Unit | None = None, period: Period | None = None) -> Iterator[list]:
    for response in _responses(unit, period):
        yield _fixed(response) + [
            response.overall,
            "true" if response.flagged else "false",
            json.dumps(response.answers, ensure_ascii=False, sort_keys=True),
            response.official.code if response.official else "",
        ]


def _selection(unit: Unit | None, period: Period | None) -> list:
    conditions = []
    if unit is not None:
        conditions.append(Response.unit_id == unit.id)
    if period is not None:
        conditions += [Response.submitted_at >= period.start, Response.submitted_at < period.end]
    return conditions


def csv_lines(unit: Unit | None = None, period: Period | None = None) -> Iterator[str]:
    """The CSV as lines, header first, so large exports stream."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    yield buffer.getvalue()
    for row in response_rows(unit, period):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        yield buffer.getvalue()


# --- variants ---------------------------------------------------------------------------------

BOM = "\ufeff"  # UTF-8 byte order mark: Excel on Windows then reads the file as UTF-8
VARIANTS = ("spec", "analysis")
# The analysis file's fixed columns; the question columns follow (see analysis_lines).
ANALYSIS_FIXED = [
    "id", "unit", "kiosk", "survey", "version", "locale",
    "submitted_at", "received_at", "flagged",
]  # fmt: skip
MULTI_SEPARATOR = "; "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class VariantError(ValueError):
    pass


def check_variant(variant: str | None) -> str:
    """The variant named, `spec` when none is; VariantError for anything else."""
    if variant in (None, ""):
        return "spec"
    if variant not in VARIANTS:
        raise VariantError(
            f"unknown CSV variant {variant!r}: use {' or '.join(repr(v) for v in VARIANTS)}"
        )
    return variant


def analysis_columns(unit: Unit | None = None, period: Period | None = None) -> list[str]:
    """The question ids of every survey version in the selection, in questionnaire order
    (surveys by key, versions in order; an id already listed is not repeated): one wide file
    with the union of the questions, the `survey` and `version` columns telling which
    questionnaire a row answered."""
    version_ids = select(Response.survey_version_id).where(*_selection(unit, period)).distinct()
    versions = db.session.scalars(
        select(SurveyVersion)
        .options(joinedload(SurveyVersion.survey))
        .where(SurveyVersion.id.in_(version_ids))
    ).all()
    columns: dict[str, None] = {}
    for version in sorted(versions, key=lambda v: (v.survey.key, v.version)):
        for question in version.definition.get("questions", []):
            columns.setdefault(question["id"], None)
    return list(columns)


def analysis_value(value) -> str:
    """One answer as a cell: codes, not labels (rating 1–5, choice option code, true/false for
    yes/no, the text as typed, a leading ' before one that starts like a formula); a list of
    answers joined with "; "; empty when unanswered."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return MULTI_SEPARATOR.join(analysis_value(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        # A typed comment starting like a formula must stay text in a spreadsheet (OWASP
        # "CSV injection"): Excel and LibreOffice show the cell without the quote.
        return "'" + value
    return str(value)


def analysis_lines(unit: Unit | None = None, period: Period | None = None) -> Iterator[str]:
    """One row per response, one column per question id (the analysis variant)."""
    keys = analysis_columns(unit, period)
    # A question whose id is also a fixed column's name gets the header `q_<id>`.
    headers = [f"q_{key}" if key in ANALYSIS_FIXED else key for key in keys]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ANALYSIS_FIXED + headers)
    yield buffer.getvalue()
    for response in _responses(unit, period):
        buffer.seek(0)
        buffer.truncate()
        answers = response.answers or {}
        fixed = _fixed(response) + ["true" if response.flagged else "false"]
        writer.writerow(fixed + [analysis_value(answers.get(key)) for key in keys])
        yield buffer.getvalue()


def export_lines(
    unit: Unit | None = None,
    period: Period | None = None,
    *,
    variant: str = "spec",
    bom: bool = False,
) -> Iterator[str]:
    """The chosen variant's lines, the first one prefixed with a BOM when asked."""
    lines = analysis_lines(unit, period) if variant == "analysis" else csv_lines(unit, period)
    first = True
    for line in lines:
        yield (BOM + line) if first and bom else line
        first = False
