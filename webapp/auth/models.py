"""Staff accounts."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp import choices
from webapp.dbtypes import UTCDateTime, utcnow
from webapp.extensions import Model, db
from webapp.units.models import Unit

ROLES = choices.ROLES.codes  # the codes; their labels live in webapp.choices

user_units = Table(
    "user_units",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    locale: Mapped[str] = mapped_column(String(5), default="vi")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The role "official" sees one official's own results, nobody else's.
    official_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))

    units: Mapped[list[Unit]] = relationship(secondary=user_units, order_by=Unit.slug)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def session_stamp(self) -> str:
        """Changes with the password, so a password change ends every other session."""
        return self.password_hash[-12:]

    def get_id(self) -> str:
        return f"{self.id}:{self.session_stamp}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
