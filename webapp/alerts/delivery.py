"""Alerts by e-mail (SPEC 12): to the managers of the alert's unit (or of a unit above it),
to the administrators when the unit has none; Vietnamese by default (each recipient's own
language), plain text and HTML, with a link back to the case. Either one message per alert or,
with `--digest` / ALERT_MAIL_DIGEST, one message per person with all of their new alerts.

Delivery follows recording: `flask alerts run` commits the alerts first, so a mail server that
is down never loses an alert (it stays in the inbox, /cases)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from sqlalchemy import select

from webapp.alerts.models import Alert
from webapp.alerts.views import explain
from webapp.auth.models import User
from webapp.choices import ALERT_RULES
from webapp.extensions import db
from webapp.mailer.services import Delivery, send_mail
from webapp.units.models import Unit


def _ancestors(unit: Unit) -> set[int]:
    ids: set[int] = set()
    node: Unit | None = unit
    while node is not None and node.id not in ids:
        ids.add(node.id)
        node = node.parent
    return ids


def managers_of(unit_ids: set[int]) -> list[User]:
    """Active managers bound to any of the units, by e-mail (also the scheduled reports')."""
    users = db.session.scalars(
        select(User).where(User.active.is_(True), User.role == "manager").order_by(User.email)
    ).all()
    return [u for u in users if any(b.id in unit_ids for b in u.units)]


def recipients_for(unit: Unit) -> list[User]:
    """Active managers bound to the unit or to a unit above it; else the active admins."""
    managers = managers_of(_ancestors(unit))
    if managers:
        return managers
    return list(
        db.session.scalars(
            select(User).where(User.active.is_(True), User.role == "admin").order_by(User.email)
        )
    )


def case_url(alert: Alert) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + f"/cases/{alert.case_id}"


def _lines(alerts: list[Alert], locale: str) -> list[dict]:
    return [
        {
            "rule": str(ALERT_RULES.label(alert.rule)),
            "unit": alert.unit.name(locale),
            "text": explain(alert),
            "url": case_url(alert),
        }
        for alert in alerts
    ]


def _message(user: User, alerts: list[Alert]) -> tuple[str, str, str]:
    locale = user.locale if user.locale in current_app.config["LANGUAGES"] else "vi"
    with force_locale(locale):
        lines = _lines(alerts, locale)
        if len(alerts) == 1:
            subject = gettext(
                "[Hài Lòng] %(rule)s: %(unit)s", rule=lines[0]["rule"], unit=lines[0]["unit"]
            )
        else:
            subject = gettext("[Hài Lòng] %(n)s new alerts", n=len(alerts))
        text = render_template("alerts/mail.txt", lines=lines)
        html = render_template("alerts/mail.html", lines=lines, locale=locale)
    return subject, text, html


def deliver(alerts: Iterable[Alert], digest: bool = False) -> list[Delivery]:
    """Send the alerts: one message per alert and recipient group, or one digest per person."""
    alerts = list(alerts)
    deliveries: list[Delivery] = []
    if digest:
        per_user: dict[int, tuple[User, list[Alert]]] = {}
        for alert in alerts:
            for user in recipients_for(alert.unit):
                per_user.setdefault(user.id, (user, []))[1].append(alert)
        for user, own in per_user.values():
            subject, text, html = _message(user, own)
            if (delivery := send_mail([user.email], subject, text, html)) is not None:
                deliveries.append(delivery)
        return deliveries
    for alert in alerts:
        by_locale: dict[str, list[User]] = defaultdict(list)
        for user in recipients_for(alert.unit):
            by_locale[user.locale or "vi"].append(user)
        for users in by_locale.values():
            subject, text, html = _message(users[0], [alert])
            delivery = send_mail([u.email for u in users], subject, text, html)
            if delivery is not None:
                deliveries.append(delivery)
    return deliveries
