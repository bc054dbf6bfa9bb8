"""`flask audit …`."""

import click
from flask.cli import AppGroup

from webapp.audit.services import verify_chain
from webapp.choices import AUDIT_CHAIN_PROBLEMS

audit_cli = AppGroup("audit", help="The audit log.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Recompute the audit log's hash chain; exit 1 at the first break."""
    status = verify_chain()
    if status.intact:
        click.echo(f"audit: intact ({status.entries} entries)")
        return
    where = f"#{status.broken_at_id} " if status.broken_at_id else ""
    reason = AUDIT_CHAIN_PROBLEMS.label(status.problem)
    click.echo(f"audit: broken at entry {where}(seq {status.broken_at_seq}): {reason}")
    raise SystemExit(1)
