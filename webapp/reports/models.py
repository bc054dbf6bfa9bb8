"""Generated, signed PDF summaries."""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from webapp.dbtypes import UTCDateTime, utcnow
from webapp.extensions import Model
from webapp.units.models import Unit


class Report(Model):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    period: Mapped[str] = mapped_column(String(10))
    locale: Mapped[str] = mapped_column(String(5), default="vi")
    kind: Mapped[str] = mapped_column(String(20), default="unit")  # unit | summary
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)
    data_sha256: Mapped[str] = mapped_column(String(64), index=True)
    signer_fingerprint: Mapped[str] = mapped_column(String(64))
    # Stored in the database so that any app server behind the load balancer can serve it.
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary))

    # The administrative document's identity: "Số: <number>/BC-…" in the issuer's yearly
    # sequence, and the short public id that the printed QR code opens at /verify/<id>.
    issuer_key: Mapped[str | None] = mapped_column(String(100))
    number_year: Mapped[int | None]
    number: Mapped[int | None]
    number_text: Mapped[str | None] = mapped_column(String(60))
    public_id: Mapped[str | None] = mapped_column(String(24), unique=True)

    unit: Mapped[Unit] = relationship()

    __table_args__ = (UniqueConstraint("issuer_key", "number_year", "number"),)


class DocumentSequence(Model):
    """The last document number an issuing body used in a year (reset every 1 January, as
    administrative registers are)."""

    __tablename__ = "document_sequences"

    issuer_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)
