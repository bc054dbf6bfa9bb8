"""E-mailing the built reports (`flask reports build --mail`, the scheduled run): each unit's
signed PDF to that unit's managers, and the district summary (the report of a top unit with
units below it) also to REPORT_SUMMARY_RECIPIENTS, the district office. One message per
recipient and report, in the recipient's language; without a mail server the messages are
kept as .eml files (webapp.mailer)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale, gettext

from webapp.alerts.delivery import managers_of
from webapp.formatting import period_label
from webapp.mailer.services import Attachment, Delivery, send_mail
from webapp.reports.models import Report
from webapp.units.models import Unit


@dataclass(frozen=True)
class Outcome:
    """What happened to one recipient of one report (or to a unit nobody receives)."""

    slug: str
    email: str | None  # None: the unit has no manager to send to
    delivery: Delivery | None = None
    error: str | None = None


def summary_recipients() -> list[str]:
    """REPORT_SUMMARY_RECIPIENTS: a list, or a comma-separated string from the environment."""
    value = current_app.config.get("REPORT_SUMMARY_RECIPIENTS") or []
    if isinstance(value, str):
        value = value.split(",")
    return [address.strip() for address in value if address and str(address).strip()]


def is_summary(unit: Unit) -> bool:
    """The district summary: a top unit (no unit above it) with active units below it."""
    return unit.parent_id is None and any(child.active for child in unit.children)


def _message(unit: Unit, report: Report, locale: str) -> tuple[str, str, str]:
    from webapp.reports.services import verify_url  # importing services loads the PDF stack

    locale = locale if locale in current_app.config["LANGUAGES"] else "vi"
    with force_locale(locale):
        values = {
            "unit": unit.name(locale),
            "period": period_label(report.period, locale),
            "url": verify_url(report.public_id),
            "summary": is_summary(unit),
        }
        subject = gettext(
            "[Hài Lòng] Satisfaction report %(period)s: %(unit)s",
            period=values["period"],
            unit=values["unit"],
        )
        text = render_template("mail/report.txt", **values)
        html = render_template("mail/report.html", locale=locale, **values)
    return subject, text, html


def mail_report(unit: Unit, report: Report, path: Path) -> list[Outcome]:
    """Send the built file at `path` to the unit's managers (and, for the district summary,
    to the summary recipients). An SMTP failure is that recipient's outcome, not the end of
    the run: the others still get theirs."""
    attachment = Attachment(path.name, "application/pdf", path.read_bytes())
    people: dict[str, str] = {u.email: (u.locale or "vi") for u in managers_of({unit.id})}
    if is_summary(unit):
        for address in summary_recipients():
            people.setdefault(address, "vi")
    if not people:
        return [Outcome(unit.slug, None)]
    outcomes = []
    for email, locale in sorted(people.items()):
        subject, text, html = _message(unit, report, locale)
        try:
            delivery = send_mail([email], subject, text, html, [attachment])
        except OSError as exc:  # smtplib's errors are OSErrors
            outcomes.append(Outcome(unit.slug, email, error=f"{exc.__class__.__name__}: {exc}"))
            continue
        outcomes.append(Outcome(unit.slug, email, delivery))
    return outcomes
