"""Column types that behave the same on SQLite and PostgreSQL."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import DateTime, LargeBinary
from sqlalchemy.dialects import postgresql
from sqlalchemy.types import TypeDecorator


class UUIDKey(TypeDecorator):
    """A UUID kept as 16 bytes on SQLite and as a native `uuid` on PostgreSQL.

    Both keep the byte order, so time-ordered UUIDv7 keys from the kiosks stay
    append-mostly in the index (SPEC section 9: random keys make inserts ~7x slower).
    """

    impl = LargeBinary(16)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.UUID(as_uuid=True))
        return dialect.type_descriptor(LargeBinary(16))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, uuid.UUID):
            value = uuid.UUID(str(value))
        return value if dialect.name == "postgresql" else value.bytes

    def process_result_value(self, value, dialect):
        if value is None or isinstance(value, uuid.UUID):
            return value
        return uuid.UUID(bytes=bytes(value))


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on both databases (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)
