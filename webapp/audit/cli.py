"""`flask audit …`."""

import click
from flask.cli import AppGroup
from flask_babel import lazy_gettext as _l

from webapp.audit.services import verify_chain

audit_cli = AppGroup("audit", help="The audit log.")

# Why the chain broke, in the words an auditor reads.
CHAIN_PROBLEMS = {
    "missing": _l("an entry before it was deleted"),
    "reordered": _l("entries were moved out of order"),
    "relinked": _l("it no longer follows the entry before it (moved or replaced)"),
    "edited": _l("its content was changed after it was written"),
    "truncated": _l("the last entries were deleted"),
}


@audit_cli.command("verify")
def verify_command() -> None:
    """Recompute the audit log's hash chain; exit 1 at the first break."""
    status = verify_chain()
    if status.intact:
        click.echo(f"audit: intact ({status.entries} entries)")
        return
    where = f"#{status.broken_at_id} " if status.broken_at_id else ""
    reason = CHAIN_PROBLEMS[status.problem or "edited"]
    click.echo(f"audit: broken at entry {where}(seq {status.broken_at_seq}): {reason}")
    raise SystemExit(1)
