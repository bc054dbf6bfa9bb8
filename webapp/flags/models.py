"""Decisions people took on flagged responses (SPEC 7, issue 15)."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import User
from webapp.dbtypes import UTCDateTime, UUIDKey, utcnow
from webapp.extensions import Model

DECISIONS = ("confirmed", "cleared")


class FlagReview(Model):
    """An admin's decision on one flagged response: "confirmed" keeps it out of the figures,
    "cleared" counts it. Rows are never changed: deciding again adds one, the newest is the
    decision in force, and the earlier ones stay as its history (the audit log has them too).

    `reasons` are the flags the response had when decided: `reflag` keeps a cleared response
    counted while the rules find only those reasons, and flags it again for a new one.
    """

    __tablename__ = "flag_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[uuid.UUID] = mapped_column(UUIDKey, ForeignKey("responses.id"), index=True)
    decision: Mapped[str] = mapped_column(String(12))  # confirmed | cleared
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(Text)  # why, in the reviewer's words (required)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decided_by: Mapped[User | None] = relationship()
