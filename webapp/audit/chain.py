"""The audit log as a hash chain (SPEC 7): every entry seals its content and its predecessor.

Each entry stores `entry_hash = sha256(canonical content + prev_hash)`, and `prev_hash` is the
entry_hash of the entry before it (by `seq`, a gap-free counter). Deleting an entry leaves a gap
in `seq` or a head that points past the end; editing one changes its hash; moving one breaks a
link. Someone who can rewrite the whole table can recompute every hash, which is why the chain
head at signing is printed in every signed PDF: those copies are outside the database's reach.

This module is pure (no session): the migration that chains the entries written before the
chain existed uses the same `content_hash` as the application.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS = "0" * 64  # the prev_hash of the first entry

HASHED_FIELDS = (
    "seq",
    "at",
    "action",
    "actor_user_id",
    "actor_kiosk_id",
    "actor_label",
    "unit_id",
    "target",
    "details",
    "ip",
)


def content_hash(fields: Mapping, prev_hash: str) -> str:
    """The hash of one entry's content (HASHED_FIELDS) chained to `prev_hash`."""
    content = {name: fields.get(name) for name in HASHED_FIELDS}
    at = content["at"]
    if isinstance(at, datetime):
        # Both databases keep microseconds; a naive value from SQLite is UTC.
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
        content["at"] = at.astimezone(UTC).isoformat(timespec="microseconds")
    content["details"] = content["details"] or {}
    content["prev"] = prev_hash
    canonical = json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class ChainStatus:
    intact: bool
    entries: int
    head_seq: int
    head_hash: str
    broken_at_id: int | None = None
    broken_at_seq: int | None = None
    problem: str | None = None  # a code of choices.AUDIT_CHAIN_PROBLEMS


def check_chain(rows: Iterable[Mapping], head_seq: int, head_hash: str) -> ChainStatus:
    """Walk the entries in `seq` order and name the first one that does not fit.

    `rows` are mappings with HASHED_FIELDS plus `id`, `prev_hash` and `entry_hash`.
    """
    expected_seq, expected_prev, count = 1, GENESIS, 0

    def broken(row, problem):
        return ChainStatus(
            False, count, head_seq, head_hash, row.get("id"), row.get("seq"), problem
        )

    for row in rows:
        if row["seq"] != expected_seq:
            return broken(row, "missing" if row["seq"] > expected_seq else "reordered")
        if row["prev_hash"] != expected_prev:
            return broken(row, "relinked")
        if content_hash(row, row["prev_hash"]) != row["entry_hash"]:
            return broken(row, "edited")
        expected_seq, expected_prev, count = expected_seq + 1, row["entry_hash"], count + 1
    if (count, expected_prev) != (head_seq, head_hash if count else GENESIS):
        return ChainStatus(False, count, head_seq, head_hash, None, count + 1, "truncated")
    return ChainStatus(True, count, head_seq, head_hash)
