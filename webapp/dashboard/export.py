"""XLSX export of the district overview (openpyxl), from the same figures as the page."""

from __future__ import annotations

import io
from decimal import Decimal

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from webapp.formatting import period_label, verdict
from webapp.periods import Period

OK_FILL = PatternFill("solid", fgColor="D8EFDF")
BAD_FILL = PatternFill("solid", fgColor="F6D6D3")


def overview_xlsx(rows: list[dict], period: Period, locale: str, generated: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = period.code
    sheet.append(
        [_("District overview"), period_label(period, locale), _("generated %(at)s", at=generated)]
    )
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    header = [
        _("Rank"),
        _("Unit"),
        _("Slug"),
        _("Unit type"),
        _("Satisfied"),
        _("n"),
        _("Satisfied %"),
        _("Lower bound, 95 CI"),
        _("Upper bound, 95 CI"),
        _("Target %"),
        _("Verdict"),
    ]
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows:
        share = row["share"]
        sheet.append(
            [
                row["rank"],
                row["unit_name"][locale],
                row["unit_slug"],
                row["unit_type"][locale],
                share.satisfied,
                share.n,
                _rounded(share.pct),
                _rounded(share.low),
                _rounded(share.high),
                float(share.target) if isinstance(share.target, Decimal) else share.target,
                verdict(share, locale).label,
            ]
        )
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                # Names are data, never formulas (openpyxl treats a leading "=" as one).
                cell.data_type = "s"
            if share.meets_target is not None:
                cell.fill = OK_FILL if share.meets_target else BAD_FILL
    for column, width in zip(
        "ABCDEFGHIJK", (6, 40, 24, 36, 10, 8, 12, 12, 12, 10, 22), strict=True
    ):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A4"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
