"""What an alert and a rule say, in the person's language (the presentation layer)."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.alerts.models import Alert, CaseEvent
from webapp.choices import ALERT_RULES, CASE_STATUSES
from webapp.formatting import (
    count,
    current_locale,
    date_text,
    datetime_text,
    percent,
    target_percent,
)

# How each rule decides, as the /cases page explains it.
RULE_EXPLANATIONS = {
    "below_target": _l(
        "The unit's satisfied share over the last 30 days, with at least the minimum number of "
        "answers, is under its target. Clearly below: even the upper bound of the confidence "
        "interval is under the target; otherwise only the point estimate is."
    ),
    "low_rating": _l("A citizen gave a rating of 1 or 2 and wrote a comment."),
    "receipt_missing": _l("A citizen answered that no receipt was given for the application."),
    "kiosk_silent": _l(
        "An enrolled kiosk has not been in contact for more than a working day of office hours "
        "(days the office is closed do not count)."
    ),
    "quarantined": _l(
        "The server could not accept a response; it is kept in quarantine until an "
        "administrator corrects or dismisses it."
    ),
    "inspection_failed": _l(
        "An unannounced code-of-conduct inspection found at least one item of the checklist "
        "not complied with; the inspector's finding is kept with each item."
    ),
}


def _day(text: str | None) -> str:
    try:
        return date_text(date.fromisoformat(str(text)))
    except ValueError:
        return "–"


def _moment(text: str | None) -> str:
    try:
        return datetime_text(datetime.fromisoformat(str(text)))
    except ValueError:
        return "–"


def explain(alert: Alert) -> str:
    """The sentence that says why this alert was recorded, with its figures."""
    d = alert.details or {}
    if alert.rule == "below_target":
        values = {
            "pct": percent(d.get("pct")),
            "n": count(d.get("n") or 0),
            "target": target_percent(d.get("target")),
            "low": percent(d.get("low")),
            "high": percent(d.get("high")),
            "first": _day(d.get("first_day")),
            "last": _day(d.get("last_day")),
        }
        if d.get("clearly"):
            return _(
                "Satisfied %(pct)s from %(first)s to %(last)s (n = %(n)s): clearly below the "
                "target of %(target)s, even the upper bound of the 95%% interval (%(high)s) is "
                "under it.",
                **values,
            )
        return _(
            "Satisfied %(pct)s from %(first)s to %(last)s (n = %(n)s): below the target of "
            "%(target)s by the point estimate only, the 95%% interval (%(low)s to %(high)s) "
            "still reaches it.",
            **values,
        )
    if alert.rule == "low_rating":
        return _(
            "A citizen rated %(overall)s out of 5 and left a comment (%(at)s).",
            overall=d.get("overall"),
            at=_moment(d.get("at")),
        )
    if alert.rule == "receipt_missing":
        return _("A citizen answered that no receipt was given (%(at)s).", at=_moment(d.get("at")))
    if alert.rule == "kiosk_silent":
        return _(
            "Kiosk %(name)s has not been in contact since %(at)s: %(hours)s office hours, more "
            "than a working day.",
            name=d.get("kiosk_name") or "–",
            at=_moment(d.get("last_contact")),
            hours=str(d.get("office_hours_silent", "–")).replace(".", ","),
        )
    if alert.rule == "quarantined":
        return _(
            "Quarantined response no. %(item)s is waiting for an administrator.",
            item=d.get("item", "–"),
        )
    if alert.rule == "inspection_failed":
        return explain_inspection(d)
    return ALERT_RULES.label(alert.rule)


def failed_items(details: dict) -> list[tuple[str, str]]:
    """(the item as the checklist words it, the inspector's finding) of an inspection alert."""
    locale = current_locale()
    rows = []
    for item in details.get("failed") or []:
        if not isinstance(item, dict):
            continue
        text = item.get("text")
        if not isinstance(text, dict):
            text = {}
        label = text.get(locale) or text.get("vi") or "–"
        rows.append((str(label), str(item.get("finding") or "").strip() or "–"))
    return rows


def explain_inspection(details: dict) -> str:
    failed = failed_items(details)
    checks = details.get("checks")
    summary = _(
        "Code-of-conduct inspection of %(at)s by %(surveyor)s: %(failed)s of %(checks)s items "
        "not complied with.",
        at=_moment(details.get("at")),
        surveyor=details.get("surveyor") or "–",
        failed=count(len(failed)),
        checks=count(checks) if isinstance(checks, int) else "–",
    )
    lines = [
        _("%(item)s (finding: %(finding)s)", item=item, finding=finding) for item, finding in failed
    ]
    return " ".join([summary, "; ".join(lines)]) if lines else summary


FIELD_LABELS = {
    "status": _l("Status"),
    "owner": _l("Owner"),
    "due_on": _l("Due date"),
    "action_taken": _l("What was done"),
}


def _value(field: str, value) -> str:
    if value is None or value == "":
        return "–"
    if field == "status":
        return CASE_STATUSES.label(value)
    if field == "due_on":
        return _day(value)
    return str(value)


def describe_event(event: CaseEvent) -> list[str]:
    """Lines saying what an event of the case's history did."""
    if event.kind == "opened":
        return [_("Case opened by alert no. %(id)s.", id=event.changes.get("alert_id", "–"))]
    if event.kind == "alert":
        return [_("Alert no. %(id)s joined the case.", id=event.changes.get("alert_id", "–"))]
    lines = []
    for field, (before, after) in event.changes.items():
        lines.append(
            _(
                "%(field)s: %(before)s → %(after)s",
                field=str(FIELD_LABELS.get(field, field)),
                before=_value(field, before),
                after=_value(field, after),
            )
        )
    return lines
