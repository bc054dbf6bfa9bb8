"""The alert rules of SPEC 12, evaluated at a moment `now` (UTC-aware).

Each rule returns findings: (rule, unit, key, details). The key makes a finding recorded once
(services.record_findings): the local day for the unit's share, the response's id, the
kiosk's silence (its last contact), the quarantined item's id. The details are the figures
that triggered it; views.explain turns them into a sentence a person reads. The shares come
from the figures service (dashboard/figures.py), never recomputed here.

Configuration (all `FLASK_…`): ALERT_RULES (the rules that run), ALERT_WINDOW_DAYS (the
unit's share: last 30 days), ALERT_LOOKBACK_DAYS (how far back responses are read),
OFFICE_HOURS_START/END and OFFICE_WEEKDAYS (the office calendar of the kiosk rule).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, select

from webapp.dashboard import figures
from webapp.extensions import db
from webapp.field import scoring
from webapp.kiosk.models import Kiosk
from webapp.periods import Period
from webapp.responses.models import QuarantinedResponse, Response
from webapp.units.models import Unit

DEFAULT_WINDOW_DAYS = 30
DEFAULT_LOOKBACK_DAYS = 7
# A kiosk silent longer than this is silent whatever the calendar (and the loop stays short).
SILENCE_SCAN_DAYS = 62


@dataclass(frozen=True)
class Finding:
    rule: str
    unit_id: int
    key: str
    details: dict = field(default_factory=dict)


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def window(now: datetime, days: int | None = None) -> Period:
    """The last `days` local days up to and including today, as a period of the figures."""
    days = int(days or current_app.config.get("ALERT_WINDOW_DAYS", DEFAULT_WINDOW_DAYS))
    today = now.astimezone(_zone()).date()
    first = today - timedelta(days=days - 1)
    code = f"{first.isoformat()}..{today.isoformat()}"
    return Period(code, "window", first, today + timedelta(days=1), current_app.config["TIMEZONE"])


def below_target(now: datetime) -> list[Finding]:
    """(a) A unit whose satisfied share over the window, with at least min-n answers, is
    under its target; `clearly` when even the interval's upper bound is under it."""
    period = window(now)
    last_day = period.end_day - timedelta(days=1)
    slugs = dict(db.session.execute(select(Unit.slug, Unit.id)).all())
    found = []
    for row in figures.district_overview(period):
        share = row["share"]
        if not share.enough or share.meets_target is not False or share.target is None:
            continue
        clearly = share.high is not None and share.high < float(share.target)
        found.append(
            Finding(
                "below_target",
                slugs[row["unit_slug"]],
                last_day.isoformat(),  # today, the window's last local day: once a day
                {
                    **share.to_dict(),
                    "clearly": clearly,
                    "first_day": period.first_day.isoformat(),
                    "last_day": last_day.isoformat(),
                    "min_n": figures.min_n(),
                },
            )
        )
    return found


def _per_response(rule: str, now: datetime, *conditions) -> list[Finding]:
    """One finding per recent response matching `conditions` (keyed by the response id)."""
    rows = db.session.execute(
        select(Response.id, Response.unit_id, Response.submitted_at, Response.overall).where(
            _recent(now), *conditions
        )
    ).all()
    return [
        Finding(
            rule,
            unit_id,
            str(response_id),
            {"response": str(response_id), "overall": int(overall), "at": at.isoformat()},
        )
        for response_id, unit_id, at, overall in rows
    ]


def low_rating(now: datetime) -> list[Finding]:
    """(b) A rating of 1 or 2 that came with a comment (the comment itself stays in the
    response, shown to authorised users only)."""
    comment = Response.answers["comment"].as_string()
    return _per_response(
        "low_rating", now, Response.overall.between(1, 2), comment.is_not(None), comment != ""
    )


def receipt_not_given():
    """The condition on a response: no receipt (giấy tiếp nhận, hẹn trả) was given. Shared
    with the reports' receipt complaints so both count the same answers."""
    return Response.answers["receipt"].as_string() == "khong"


def receipt_missing(now: datetime) -> list[Finding]:
    """(c) A citizen answered that no receipt (giấy tiếp nhận, hẹn trả) was given."""
    return _per_response("receipt_missing", now, receipt_not_given())


def _recent(now: datetime):
    days = int(current_app.config.get("ALERT_LOOKBACK_DAYS", DEFAULT_LOOKBACK_DAYS))
    unit_ids = db.session.scalars(select(Unit.id)).all()
    return and_(
        # Units first: the responses' (unit_id, submitted_at) index answers each unit's range.
        Response.unit_id.in_(unit_ids),
        Response.submitted_at >= now - timedelta(days=days),
        Response.submitted_at <= now,
        Response.flagged.is_(False),
    )


def _clock(text: str) -> time:
    hours, minutes = str(text).split(":")
    return time(int(hours), int(minutes))


def office_seconds_between(start: datetime, end: datetime) -> float:
    """Seconds of office time (OFFICE_WEEKDAYS, OFFICE_HOURS_START..END, local) in [start, end)."""
    config = current_app.config
    zone = _zone()
    opens, closes = _clock(config["OFFICE_HOURS_START"]), _clock(config["OFFICE_HOURS_END"])
    weekdays = set(config["OFFICE_WEEKDAYS"])
    start_local, end_local = start.astimezone(zone), end.astimezone(zone)
    day = max(start_local.date(), end_local.date() - timedelta(days=SILENCE_SCAN_DAYS))
    total = 0.0
    while day <= end_local.date():
        if day.weekday() in weekdays:
            office_open = datetime.combine(day, opens, zone)
            office_close = datetime.combine(day, closes, zone)
            begin, finish = max(office_open, start_local), min(office_close, end_local)
            if finish > begin:
                total += (finish - begin).total_seconds()
        day += timedelta(days=1)
    return total


def working_day_seconds() -> float:
    config = current_app.config
    opens, closes = _clock(config["OFFICE_HOURS_START"]), _clock(config["OFFICE_HOURS_END"])
    return float((closes.hour * 60 + closes.minute - opens.hour * 60 - opens.minute) * 60)


def kiosk_silent(now: datetime) -> list[Finding]:
    """(d) An enrolled, not revoked kiosk whose last contact (sync, heartbeat or enrollment)
    is more than one working day of office time ago: a Sunday (no office day) does not count."""
    found = []
    kiosks = db.session.scalars(
        select(Kiosk).where(
            Kiosk.enrolled_at.is_not(None),
            Kiosk.revoked_at.is_(None),
            Kiosk.surveyor_id.is_(None),  # a surveyor's phone is offline for days by design
        )
    )
    limit = working_day_seconds()
    for kiosk in kiosks:
        moments = [m for m in (kiosk.last_seen_at, kiosk.last_sync_at, kiosk.enrolled_at) if m]
        last = max(moments)
        silent = office_seconds_between(last, now)
        if silent > limit:
            found.append(
                Finding(
                    "kiosk_silent",
                    kiosk.unit_id,
                    f"{kiosk.id}:{last.astimezone(UTC).isoformat()}",
                    {
                        "kiosk": kiosk.id,
                        "kiosk_name": kiosk.name,
                        "last_contact": last.astimezone(UTC).isoformat(),
                        "office_hours_silent": round(silent / 3600, 1),
                    },
                )
            )
    return found


def quarantined(now: datetime) -> list[Finding]:  # noqa: ARG001 - every rule takes `now`
    """(e) A response the server could not accept, still waiting for an administrator."""
    rows = db.session.execute(
        select(QuarantinedResponse.id, Kiosk.unit_id, QuarantinedResponse.errors)
        .join(Kiosk, Kiosk.id == QuarantinedResponse.kiosk_id)
        .where(QuarantinedResponse.resolved_at.is_(None))
    ).all()
    return [
        Finding("quarantined", unit_id, str(item_id), {"item": item_id, "fields": sorted(errors)})
        for item_id, unit_id, errors in rows
    ]


# A finding stays short: each failed item's id, its text (so the alert reads without the
# survey at hand) and the inspector's finding, cut to this length.
FINDING_CHARS = 300


def inspection_findings(results: Iterable[scoring.InspectionResult]) -> list[Finding]:
    """One finding per inspection with a failed check, keyed by the inspection's id."""
    return [
        Finding(
            "inspection_failed",
            result.unit.id,
            str(result.response_id),
            {
                "response": str(result.response_id),
                "at": result.submitted_at.astimezone(UTC).isoformat(),
                "surveyor": result.surveyor_email,
                "checks": result.checks,
                "failed": [
                    {
                        "question": item.question_id,
                        "text": {k: str(v) for k, v in item.text.items() if k in ("vi", "en")},
                        "finding": item.finding[:FINDING_CHARS],
                    }
                    for item in result.failed
                ],
            },
        )
        for result in results
    ]


def inspection_failed(now: datetime) -> list[Finding]:  # noqa: ARG001 - every rule takes `now`
    """(f) A code-of-conduct inspection (SPEC 13) that found at least one check failed; also
    evaluated right when the inspection is synced (services.record_inspections)."""
    return inspection_findings(scoring.failed_inspections())


RULES: dict[str, Callable[[datetime], list[Finding]]] = {
    "below_target": below_target,
    "low_rating": low_rating,
    "receipt_missing": receipt_missing,
    "kiosk_silent": kiosk_silent,
    "quarantined": quarantined,
    "inspection_failed": inspection_failed,
}


def enabled_rules() -> list[str]:
    configured: Iterable[str] = current_app.config.get("ALERT_RULES") or RULES
    return [code for code in RULES if code in set(configured)]


def evaluate(now: datetime, rules: Iterable[str] | None = None) -> list[Finding]:
    """Every finding of the enabled rules (or `rules`) at `now`."""
    found: list[Finding] = []
    for code in rules if rules is not None else enabled_rules():
        found.extend(RULES[code](now))
    return found
