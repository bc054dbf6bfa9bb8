"""The one way responses get into the database: `store_responses`.

Every stored response is also counted in `answer_counts` (responses/rollups.py), in the same
transaction, and only if this call stored it: a duplicate counted twice would be wrong forever.
Sync, the demo data, the benchmarks and the test factories all store through here, so that
rule is kept in one place.

The client UUID is the key. Rows go in with one `INSERT ... ON CONFLICT (id) DO NOTHING ...
RETURNING id` per call, so a retried batch, or two gunicorn workers racing on the same ids,
store every response exactly once: the database, not a read-then-write check in Python,
decides which request stored it.
"""

import functools
import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy import column as sql_column
from sqlalchemy import table as sql_table
from sqlalchemy.dialects import postgresql, sqlite

from webapp.dbtypes import utcnow
from webapp.extensions import db
from webapp.responses.models import Response
from webapp.responses.rollups import add_to_rollups

# Columns a caller may leave out of a row, and what they then hold. Every row of one insert
# must carry the same keys (one executemany).
OPTIONAL_COLUMNS = {
    "device_started_at": None,
    "domain_code": None,
    "clock_skew_seconds": 0,
    "flagged": False,
    "flags": (),
    "official_id": None,
}


def store_responses(
    rows: Sequence[Mapping], kinds: Mapping[int, Mapping[str, str]] | None = None
) -> set[uuid.UUID]:
    """Insert the responses whose id is not stored yet and count them for the figures.

    `rows` are dicts of Response columns (id, kiosk_id, unit_id, survey_version_id, locale,
    answers, overall, device_submitted_at, submitted_at, and optionally received_at and the
    OPTIONAL_COLUMNS). `kinds` ({version id: {question id: kind}}) saves a query when the
    caller has the survey definitions at hand. Flushes, never commits: the caller's
    transaction holds the responses and their counts together. Returns the ids stored now;
    the others were already stored.
    """
    if not rows:
        return set()
    now = utcnow()
    complete = [
        {**OPTIONAL_COLUMNS, "received_at": now, **row, "flags": list(row.get("flags") or ())}
        for row in rows
    ]
    stored = _insert_new(complete)
    add_to_rollups([row for row in complete if row["id"] in stored], kinds)
    return stored


@functools.cache
def _insert_statement(dialect: str):
    """INSERT ... ON CONFLICT (id) DO NOTHING RETURNING id, built once per dialect.

    On SQLite the statement targets an untyped copy of the table and `_sqlite_row` encodes
    the values itself: the typed columns' bind processors (UUIDKey, UTCDateTime x4, JSON x2)
    cost more than SQLite's own insert work. PostgreSQL keeps the typed table.
    """
    table = Response.__table__
    if dialect == "sqlite":
        untyped = sql_table(table.name, *(sql_column(c.name) for c in table.columns))
        return (
            sqlite.insert(untyped)
            .on_conflict_do_nothing(index_elements=["id"])
            .returning(untyped.c.id)
        )
    return (
        postgresql.insert(table)
        .on_conflict_do_nothing(index_elements=[table.c.id])
        .returning(table.c.id)
    )


def _sqlite_time(moment: datetime | None) -> str | None:
    """SQLAlchemy's SQLite DATETIME storage format for a UTC moment (UTCDateTime stores UTC
    naive), "YYYY-MM-DD HH:MM:SS.ffffff" with the fraction always present so that text
    comparisons order correctly."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _sqlite_row(row: dict, received_at: dict) -> dict:
    """A row as SQLAlchemy's column types would store it on SQLite (tests read every stored
    column back through the ORM, so a difference would show). `received_at` memoises that
    column's text: a sync batch shares one receipt time."""
    received = row["received_at"]
    if received not in received_at:
        received_at[received] = _sqlite_time(received)
    return {
        **row,
        "id": row["id"].bytes,
        "answers": json.dumps(row["answers"]),
        "flags": json.dumps(row["flags"]) if row["flags"] else "[]",
        "flagged": int(row["flagged"]),
        "device_started_at": _sqlite_time(row["device_started_at"]),
        "device_submitted_at": _sqlite_time(row["device_submitted_at"]),
        "submitted_at": _sqlite_time(row["submitted_at"]),
        "received_at": received_at[received],
    }


def _insert_new(rows: list[dict]) -> set[uuid.UUID]:
    """Insert rows whose id is not stored yet; the ids this statement stored."""
    dialect = db.session.get_bind().dialect.name
    statement = _insert_statement(dialect)
    # One multi-row INSERT (SQLAlchemy's "insertmanyvalues"), not a statement per row. Rows go
    # in id order so that two requests inserting overlapping ids take their row locks in the
    # same order on PostgreSQL (otherwise: deadlock); UUIDv7 order is also the index order.
    rows = sorted(rows, key=lambda row: row["id"])
    if dialect == "sqlite":
        received_at: dict = {}
        stored = db.session.scalars(statement, [_sqlite_row(row, received_at) for row in rows])
        return {uuid.UUID(bytes=bytes(value)) for value in stored}
    return set(db.session.scalars(statement, rows))
