"""Writing to and checking the audit log. Operations flush; the request (or CLI) commits."""

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from webapp.audit.chain import GENESIS, HASHED_FIELDS, ChainStatus, check_chain, content_hash
from webapp.audit.models import AuditChainHead, AuditEvent
from webapp.dbtypes import utcnow
from webapp.extensions import db

HEAD_ID = 1


def record(action: str, *, unit_id=None, target=None, kiosk_id=None, actor_label=None, **details):
    """Append one audit event to the chain in the current transaction and return it."""
    user_id = None
    ip = None
    if has_request_context():
        ip = request.remote_addr
        if current_user and current_user.is_authenticated:
            user_id = current_user.id
    elif actor_label is None:
        actor_label = "cli"
    seq, prev_hash = _advance_head()
    event = AuditEvent(
        seq=seq,
        at=utcnow(),
        action=action,
        actor_user_id=user_id,
        actor_kiosk_id=kiosk_id,
        actor_label=actor_label,
        unit_id=unit_id,
        target=None if target is None else str(target)[:200],
        details=details,
        ip=ip,
        prev_hash=prev_hash,
    )
    event.entry_hash = content_hash(_fields(event), prev_hash)
    db.session.execute(
        update(AuditChainHead).where(AuditChainHead.id == HEAD_ID).values(hash=event.entry_hash)
    )
    db.session.add(event)
    db.session.flush()
    return event


def _advance_head() -> tuple[int, str]:
    """Take the next position, holding the head row until this transaction ends."""
    advance = (
        update(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID)
        .values(seq=AuditChainHead.seq + 1)
        .returning(AuditChainHead.seq, AuditChainHead.hash)
    )
    row = db.session.execute(advance).one_or_none()
    if row is None:  # an empty database: start the chain (another writer may race us to it)
        try:
            with db.session.begin_nested():
                db.session.execute(insert(AuditChainHead).values(id=HEAD_ID, seq=0, hash=GENESIS))
        except IntegrityError:
            pass
        row = db.session.execute(advance).one()
    return row.seq, row.hash


def _fields(event: AuditEvent) -> dict:
    return {name: getattr(event, name) for name in HASHED_FIELDS}


def chain_head() -> tuple[int, str]:
    """The position and hash of the last entry (0 and the genesis hash when empty)."""
    head = db.session.get(AuditChainHead, HEAD_ID)
    return (head.seq, head.hash) if head else (0, GENESIS)


def verify_chain() -> ChainStatus:
    """Recompute the whole chain from the database; names the first entry that breaks it."""
    head_seq, head_hash = chain_head()
    columns = [getattr(AuditEvent, name) for name in (*HASHED_FIELDS, "id", "prev_hash")]
    query = select(*columns, AuditEvent.entry_hash).order_by(AuditEvent.seq)
    rows = (row._asdict() for row in db.session.execute(query.execution_options(yield_per=2000)))
    return check_chain(rows, head_seq, head_hash)
