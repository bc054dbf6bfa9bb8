"""Reviewing flagged responses, and judging a period again with the current rules (issue 15).

Figures read `answer_counts` (responses/rollups.py), so whatever changes a response's
`flagged` or `flags` changes its counts in the same transaction: its old counts are subtracted
and its new ones added, through the same `count_rows` that counted it at ingest. That is exact
(the same function over the same row), costs one response's keys, and, unlike
`rebuild_rollups`, takes no table lock that would hold up the kiosks' syncs.

Decisions (FlagReview, newest in force):

- confirmed: the response stays out of the figures, whatever the rules find later;
- cleared: it is counted; `reflag` keeps it counted while the rules find only the reasons it
  was cleared of, and flags it again (undecided for the new reason) if they find another.

Operations here flush but never commit.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import String, cast, exists, func, or_, select, update

from webapp.audit.services import record
from webapp.dbtypes import utcnow
from webapp.extensions import db
from webapp.flags import rules
from webapp.flags.models import DECISIONS, FlagReview
from webapp.periods import Period
from webapp.responses import rollups
from webapp.responses.models import Response
from webapp.sync.validation import answers_key
from webapp.units.models import Unit

# Every reason in the order the rules give them.
ORDER = (*rules.PER_RESPONSE, rules.DRIFT)
REASON_MAX = 500
_COUNT_COLUMNS = (Response.id, *rollups.ROW_COLUMNS, Response.official_id)


class FlagReviewError(ValueError):
    pass


def _ordered(reasons: Iterable[str]) -> list[str]:
    wanted = set(reasons)
    return [r for r in ORDER if r in wanted] + sorted(wanted - set(ORDER))


def decided(found: list[str], review: FlagReview | None) -> tuple[bool, list[str]]:
    """(flagged, flags) of a response the rules give `found`, under its review in force."""
    if review is None:
        return bool(found), found
    if review.decision == "confirmed":
        return True, _ordered([*found, *(review.reasons or [])])
    return bool(set(found) - set(review.reasons or [])), found


def reviews_in_force(response_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, FlagReview]:
    """The newest review of each of these responses (that have one)."""
    ids = list(set(response_ids))
    found: dict[uuid.UUID, FlagReview] = {}
    for start in range(0, len(ids), 500):  # bounded IN lists
        newest = (
            select(func.max(FlagReview.id))
            .where(FlagReview.response_id.in_(ids[start : start + 500]))
            .group_by(FlagReview.response_id)
        )
        for review in db.session.scalars(select(FlagReview).where(FlagReview.id.in_(newest))):
            found[review.response_id] = review
    return found


def _recount(before: Sequence[Mapping], after: Sequence[Mapping]) -> None:
    """Move these responses' counts from their old (flagged, flags) to their new ones."""
    if not before:
        return
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    kinds = rollups.question_kinds(row["survey_version_id"] for row in before)
    counts = rollups.count_rows(after, kinds, zone)
    for key, n in rollups.count_rows(before, kinds, zone).items():
        counts[key] -= n
    rollups.write_counts(counts)  # keys that cancel out are 0 and not written


def review(response_id: uuid.UUID, decision: str, reason: str, user_id: int | None) -> FlagReview:
    """Confirm or clear one flagged response, with the reviewer's reason; audited.

    The response row is locked (PostgreSQL) so that two reviewers, or a review and `reflag`,
    cannot both move its counts from the same old state."""
    reason = (reason or "").strip()
    if decision not in DECISIONS:
        raise FlagReviewError(_("Choose confirm or clear."))
    if not reason:
        raise FlagReviewError(_("Give the reason for this decision."))
    row = (
        db.session.execute(
            select(*_COUNT_COLUMNS).where(Response.id == response_id).with_for_update()
        )
        .mappings()
        .one_or_none()
    )
    if row is None or not (row["flags"] or row["flagged"]):
        raise LookupError(response_id)
    before = dict(row)
    entry = FlagReview(
        response_id=response_id,
        decision=decision,
        reasons=list(row["flags"] or []),
        reason=reason[:REASON_MAX],
        decided_by_id=user_id,
        decided_at=utcnow(),
    )
    db.session.add(entry)
    flagged = decision == "confirmed"
    after = {**before, "flagged": flagged}
    if flagged != bool(before["flagged"]):
        db.session.execute(
            update(Response).where(Response.id == response_id).values(flagged=flagged)
        )
        _recount([before], [after])
    db.session.flush()
    record(
        "flag.review",
        unit_id=row["unit_id"],
        target=f"response:{response_id}",
        kiosk_id=None,
        decision=decision,
        reasons=entry.reasons,
        reason=entry.reason,
        counted=not flagged,
    )
    return entry


# --- reflag -----------------------------------------------------------------------------------


@dataclass
class ReflagResult:
    responses: int  # of the period (and units)
    changed: int
    flagged: int  # after the run

    def line(self) -> str:
        return (
            f"reflag: {self.changed} changed, {self.flagged} flagged of {self.responses} responses"
        )


def reflag(period: Period, units: list[Unit] | None = None) -> ReflagResult:
    """Judge the period's responses again with the current rules and configuration.

    Reads the period plus the drift history (FLAG_DRIFT_HISTORY_DAYS) and the burst/replay
    windows before it, each kiosk's responses in the order they arrived; only the period's
    responses change. Reviews in force are respected (`decided`). Audited once per run.
    """
    config = current_app.config
    zone = ZoneInfo(config["TIMEZONE"])
    unit_ids = None if units is None else [unit.id for unit in units]
    margin = max(rules.burst_window(config), rules.replay_window(config))
    history = timedelta(days=int(config["FLAG_DRIFT_HISTORY_DAYS"]))
    low, high = period.start - history - margin, period.end + margin
    query = select(
        *_COUNT_COLUMNS,
        Response.received_at,
        Response.device_started_at,
        Response.device_submitted_at,
    ).where(Response.submitted_at >= low, Response.submitted_at < high)
    if unit_ids is not None:
        query = query.where(Response.unit_id.in_(unit_ids))
    by_kiosk: dict[int, list] = defaultdict(list)
    for row in db.session.execute(query).mappings():
        by_kiosk[row["kiosk_id"]].append(row)

    found: dict[uuid.UUID, list[str]] = {}
    plain = []  # (kiosk, local day, overall) of the responses no per-response rule flags
    in_period = []
    for kiosk_id, rows in by_kiosk.items():
        rows.sort(key=lambda r: (r["received_at"], r["submitted_at"], r["id"]))
        subjects = [
            rules.Subject(
                r["submitted_at"],
                rules.replay_signature(
                    r["survey_version_id"],
                    r["device_started_at"],
                    r["device_submitted_at"],
                    answers_key(r["answers"]),
                ),
            )
            for r in rows
        ]
        for r, flags in zip(rows, rules.response_flags(subjects, config), strict=True):
            found[r["id"]] = flags
            if not flags and 1 <= r["overall"] <= 5:
                plain.append((kiosk_id, r["submitted_at"].astimezone(zone).date(), r["overall"]))
            if period.contains(r["submitted_at"]):
                in_period.append(r)
    days = [
        period.first_day + timedelta(days=i)
        for i in range((period.end_day - period.first_day).days)
    ]
    drifted = rules.drift_days(plain, days, config)

    reviews = reviews_in_force(r["id"] for r in in_period)
    before, after = [], []
    flagged_total = 0
    for r in in_period:
        flags = found[r["id"]]
        if (r["kiosk_id"], r["submitted_at"].astimezone(zone).date()) in drifted:
            flags = [*flags, rules.DRIFT]
        flagged, flags = decided(flags, reviews.get(r["id"]))
        flagged_total += flagged
        if flagged != bool(r["flagged"]) or list(flags) != list(r["flags"] or []):
            before.append(_count_row(r))
            after.append({**_count_row(r), "flagged": flagged, "flags": flags})
    for start in range(0, len(after), 500):
        db.session.execute(
            update(Response),
            [
                {"id": a["id"], "flagged": a["flagged"], "flags": a["flags"]}
                for a in after[start : start + 500]
            ],
        )
    _recount(before, after)
    db.session.flush()
    result = ReflagResult(responses=len(in_period), changed=len(after), flagged=flagged_total)
    record(
        "responses.reflag",
        period=period.code,
        units=None if units is None else sorted(unit.slug for unit in units),
        responses=result.responses,
        changed=result.changed,
        flagged=result.flagged,
    )
    return result


def _count_row(row: Mapping) -> dict:
    return {column.key: row[column.key] for column in _COUNT_COLUMNS}


# --- the review screen ------------------------------------------------------------------------

PAGE_SIZE = 50


@dataclass
class FlagFilter:
    unit_ids: list[int] | None  # None: every unit
    reason: str | None = None
    period: Period | None = None
    decided: bool | None = None


def flagged_responses(
    chosen: FlagFilter, page: int
) -> tuple[list[tuple[Response, FlagReview | None]], bool]:
    """The responses the rules flagged (counted or not), newest first, with their review."""
    reviewed = exists().where(FlagReview.response_id == Response.id)
    query = select(Response).where(or_(Response.flagged.is_(True), reviewed))
    if chosen.unit_ids is not None:
        query = query.where(Response.unit_id.in_(chosen.unit_ids))
    if chosen.reason:
        # JSON lists are stored as text on SQLite and cast to text on PostgreSQL: both
        # spell a reason code as "code" with its quotes.
        query = query.where(cast(Response.flags, String).like(f'%"{chosen.reason}"%'))
    if chosen.period is not None:
        query = query.where(
            Response.submitted_at >= chosen.period.start, Response.submitted_at < chosen.period.end
        )
    if chosen.decided is True:
        query = query.where(reviewed)
    elif chosen.decided is False:
        query = query.where(~reviewed)
    query = (
        query.order_by(Response.submitted_at.desc(), Response.id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    )
    found = list(db.session.scalars(query))
    more = len(found) > PAGE_SIZE
    found = found[:PAGE_SIZE]
    reviews = reviews_in_force(r.id for r in found)
    return [(r, reviews.get(r.id)) for r in found], more
