"""Append-only, hash-chained audit log of security- and report-relevant events (SPEC 7)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import User
from webapp.dbtypes import UTCDateTime, utcnow
from webapp.extensions import Model


class AuditEvent(Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_kiosk_id: Mapped[int | None] = mapped_column(ForeignKey("kiosks.id"))
    actor_label: Mapped[str | None] = mapped_column(String(254))  # e.g. "cli", an e-mail tried
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    target: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))
    # The chain (webapp/audit/chain.py): a gap-free position and the hashes that seal it.
    seq: Mapped[int] = mapped_column(unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))

    actor_user: Mapped[User | None] = relationship()


class AuditChainHead(Model):
    """One row: the last entry's position and hash.

    Every append updates this row first, which makes the database serialise appends (a row lock
    on PostgreSQL, the write lock on SQLite) across workers and app servers: the chain cannot
    fork. It also tells `flask audit verify` where the chain must end.
    """

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))
