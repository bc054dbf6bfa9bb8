"""The responses CSV (SPEC section 9), shared by the CLI and the download route."""

import csv
import io
import json
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp.extensions import db
from webapp.kiosk.models import Kiosk
from webapp.periods import Period
from webapp.responses.models import Response
from webapp.surveys.models import SurveyVersion
from webapp.units.models import Unit

HEADER = [
    "id", "unit", "kiosk", "survey", "version", "locale",
    "submitted_at", "received_at", "overall", "flagged", "answers",
]  # fmt: skip


def _iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def response_rows(unit: Unit | None = None, period: Period | None = None) -> Iterator[list]:
    query = (
        select(Response)
        .options(
            joinedload(Response.unit).load_only(Unit.slug),
            joinedload(Response.kiosk).load_only(Kiosk.id),
            joinedload(Response.survey_version).joinedload(SurveyVersion.survey),
        )
        .order_by(Response.submitted_at, Response.id)
    )
    if unit is not None:
        query = query.where(Response.unit_id == unit.id)
    if period is not None:
        query = query.where(
            Response.submitted_at >= period.start, Response.submitted_at < period.end
        )
    for response in db.session.scalars(query.execution_options(yield_per=1000)):
        yield [
            str(response.id),
            response.unit.slug,
            response.kiosk_id,
            response.survey_version.survey.key,
            response.survey_version.version,
            response.locale,
            _iso(response.submitted_at),
            _iso(response.received_at),
            response.overall,
            "true" if response.flagged else "false",
            json.dumps(response.answers, ensure_ascii=False, sort_keys=True),
        ]


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
