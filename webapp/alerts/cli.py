"""`flask alerts run` (SPEC 9, 12): evaluate the rules now, record what is new."""

from collections import Counter

import click
from flask import current_app
from flask.cli import AppGroup

from webapp.alerts import rules, services
from webapp.alerts.delivery import deliver
from webapp.cli_utils import commit_or_fail

alerts_cli = AppGroup("alerts", help="Alert rules and the cases they open.")


def _detail(alert) -> str:
    d = alert.details or {}
    if alert.rule == "below_target":
        kind = "clearly-below" if d.get("clearly") else "point-below"
        pct, high = d.get("pct") or 0.0, d.get("high") or 0.0
        return f"{kind} pct={pct:.1f} high={high:.1f} n={d.get('n')} target={d.get('target')}"
    if alert.rule in ("low_rating", "receipt_missing"):
        return f"response={d.get('response')} overall={d.get('overall')}"
    if alert.rule == "kiosk_silent":
        return f"kiosk={d.get('kiosk')} last_contact={d.get('last_contact')}"
    if alert.rule == "quarantined":
        return f"item={d.get('item')}"
    if alert.rule == "inspection_failed":
        failed = ",".join(str(item.get("question")) for item in d.get("failed") or [])
        return f"inspection={d.get('response')} failed={failed}"
    return alert.key


@alerts_cli.command("run")
@click.option(
    "--rule",
    "only",
    multiple=True,
    type=click.Choice(list(rules.RULES)),
    help="Evaluate only this rule (repeatable); default: the configured ALERT_RULES.",
)
@click.option(
    "--digest/--one-per-alert",
    default=None,
    help="One e-mail per person with all their new alerts (default: ALERT_MAIL_DIGEST).",
)
def run_command(only: tuple[str, ...], digest: bool | None) -> None:
    """Evaluate the alert rules now; prints one line per new alert and a count per rule,
    then e-mails the new alerts. Running it again records (and sends) nothing new."""
    new = services.run_rules(only=only or None)
    commit_or_fail("recording the alerts")
    if digest is None:
        digest = bool(current_app.config.get("ALERT_MAIL_DIGEST"))
    try:
        deliveries = deliver(new, digest=digest)
    except OSError as exc:  # recorded and committed already: they stay in the inbox
        click.echo(f"mail: not sent ({exc}); the alerts are in /cases", err=True)
    else:
        sent = sum(1 for d in deliveries if d.sent)
        click.echo(f"mail: {sent} sent, {len(deliveries) - sent} written to instance/mail")
    for alert in new:
        click.echo(f"alert: {alert.rule} {alert.unit.slug} {_detail(alert)}")
    per_rule = Counter(alert.rule for alert in new)
    for code in only or rules.enabled_rules():
        click.echo(f"new alerts {code}: {per_rule.get(code, 0)}")
