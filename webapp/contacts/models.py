"""The `contacts` table: one consented follow-up contact per response, apart from it.

The response is a kiosk's (`response_id`) or a field interview's (`field_response_id`),
exactly one of the two: exports, purge and deletion treat both alike."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.dbtypes import UTCDateTime, UUIDKey, utcnow
from webapp.extensions import Model
from webapp.units.models import Unit


class Contact(Model):
    __tablename__ = "contacts"
    __table_args__ = (
        CheckConstraint(
            "(response_id IS NULL) <> (field_response_id IS NULL)", name="one_response"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # At most one contact per response: a re-sent response never stores a second one.
    response_id: Mapped[uuid.UUID | None] = mapped_column(
        UUIDKey, ForeignKey("responses.id", ondelete="CASCADE"), unique=True
    )
    field_response_id: Mapped[uuid.UUID | None] = mapped_column(
        UUIDKey, ForeignKey("field_responses.id", ondelete="CASCADE"), unique=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    # When the server stored it: retention (purge) and the export's period count from here.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    consent_version: Mapped[str] = mapped_column(String(20))
    # Fernet token of the normalised number (crypto.py); never the number itself.
    phone_ciphertext: Mapped[str] = mapped_column(Text)
    # Keyed HMAC of the normalised number, to find a person's rows (delete --phone).
    phone_lookup: Mapped[str] = mapped_column(String(64), index=True)

    unit: Mapped[Unit] = relationship()
