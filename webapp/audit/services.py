"""Writing to the audit log. Operations flush; the request (or CLI command) commits."""

from flask import has_request_context, request
from flask_login import current_user

from webapp.audit.models import AuditEvent
from webapp.extensions import db


def record(action: str, *, unit_id=None, target=None, kiosk_id=None, actor_label=None, **details):
    """Add one audit event in the current transaction and return it."""
    user_id = None
    ip = None
    if has_request_context():
        ip = request.remote_addr
        if current_user and current_user.is_authenticated:
            user_id = current_user.id
    elif actor_label is None:
        actor_label = "cli"
    event = AuditEvent(
        action=action,
        actor_user_id=user_id,
        actor_kiosk_id=kiosk_id,
        actor_label=actor_label,
        unit_id=unit_id,
        target=None if target is None else str(target)[:200],
        details=details,
        ip=ip,
    )
    db.session.add(event)
    return event
