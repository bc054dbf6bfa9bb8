"""Officials' figures as display values (pages and the PDF), through the presentation layer."""

from __future__ import annotations

from flask_babel import force_locale, gettext
from sqlalchemy import select

from webapp.dashboard.figures import Share
from webapp.extensions import db
from webapp.formatting import count, datetime_text, number, period_label, share_text
from webapp.officials.figures import OfficialFigure
from webapp.officials.models import Official
from webapp.periods import Period
from webapp.responses.models import Response

COMMENTS_SHOWN = 20


def rank_text(row: OfficialFigure, locale: str) -> str:
    """ "3" or, when neighbours are not clearly different, "3 (2–5)"."""
    if row.rank is None:
        return "–"
    if row.rank_low == row.rank_high:
        return str(row.rank)
    return f"{row.rank} ({row.rank_low}–{row.rank_high})"


def ranking_rows(rows: list[OfficialFigure], locale: str) -> list[dict]:
    return [
        {
            "rank": row.rank,
            "rank_text": rank_text(row, locale),
            "uncertain": row.rank is not None and row.rank_low != row.rank_high,
            "code": row.code,
            "name": row.name,
            "title": row.title,
            "unit": row.unit_name["en" if locale == "en" else "vi"],
            "active": row.active,
            "flagged": count(row.flagged, locale),
            "staff_mean": number(row.staff["mean"], 2, locale) if row.staff.get("mean") else "–",
            "staff_n": count(row.staff.get("n", 0), locale),
            "receipt": (
                f"{count(row.receipt['count'], locale)}/{count(row.receipt['n'], locale)}"
                if row.receipt.get("n")
                else "–"
            ),
            **share_text(row.share, locale),
        }
        for row in rows
    ]


def units_meeting(rows: list[OfficialFigure]) -> dict[str, tuple[int, int]]:
    """Per unit slug: (officials meeting their target, officials ranked)."""
    result: dict[str, tuple[int, int]] = {}
    for row in rows:
        if row.rank is None:
            continue
        met, ranked = result.get(row.unit_slug, (0, 0))
        result[row.unit_slug] = (met + bool(row.share.meets_target), ranked + 1)
    return result


def own_view(mine: OfficialFigure, ranked: int, locale: str) -> dict:
    with force_locale(locale):
        if mine.rank is None:
            standing = gettext("Not ranked: fewer than the minimum number of answers.")
        else:
            standing = gettext(
                "Rank %(rank)s of %(ranked)s ranked officials of your unit.",
                rank=rank_text(mine, locale),
                ranked=ranked,
            )
    return {**ranking_rows([mine], locale)[0], "standing": standing}


def month_rows(months: list[tuple[Period, Share]], locale: str) -> list[dict]:
    return [{"label": period_label(m, locale), **share_text(s, locale)} for m, s in months]


def comments_about(official: Official, period: Period, locale: str) -> list[dict]:
    """The newest comments of responses that named this official (their own service only)."""
    rows = db.session.execute(
        select(Response.submitted_at, Response.overall, Response.answers)
        .where(
            Response.official_id == official.id,
            Response.submitted_at >= period.start,
            Response.submitted_at < period.end,
        )
        .order_by(Response.submitted_at.desc())
        .limit(200)
    )
    result = []
    for submitted_at, overall, answers in rows:
        text = (answers or {}).get("comment")
        if isinstance(text, str) and text.strip():
            result.append(
                {"at": datetime_text(submitted_at, locale), "overall": overall, "text": text}
            )
        if len(result) >= COMMENTS_SHOWN:
            break
    return result
