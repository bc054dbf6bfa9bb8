"""Response counts maintained at ingest, so that figures cost days x categories, not responses.

Aggregating raw responses grows with their number (1.0-1.3 s for one unit's quarter at 100,000
rows, 8 s at 10 million even with a covering index, half of it reading JSON answers). The
one way a response enters the database (`responses.services.store_responses`) therefore also
adds it to `answer_counts` (see AnswerCount for the layout), in the same transaction:

- `add_to_rollups(rows)`: the rows just inserted (dicts as given to `insert(Response)`; only
  rows that were really stored: a duplicate counted twice would be wrong forever). The counts
  of a batch are summed in Python first, then written with one
  `INSERT ... ON CONFLICT (key) DO UPDATE SET responses = responses + excluded.responses`
  executemany, in key order so that two batches racing on PostgreSQL lock rows in the same
  order (no deadlock) and the second simply adds to the first;
- `rebuild_rollups(unit_ids)`: recompute from the responses table (after a bulk load, a repair
  by hand, or a change of TIMEZONE), streaming the rows; `rollup_differences` compares without
  writing. CLI: `flask responses rebuild-rollups [--unit SLUG] [--check]`.

A response's local day and hour are taken in the configured TIMEZONE when it is counted.
Answers are stored as the text of their JSON value (what `answers[q].as_string()` gave the
figures before), except free-text answers, which are only counted (TEXT_ANSWERED): storing the
text would make the table as large as the responses. Comments themselves are still read from
the responses, newest first, a bounded number at a time.
"""

import functools
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, inspect, null, select, text
from sqlalchemy.dialects import postgresql, sqlite

from webapp.extensions import db
from webapp.responses.models import VALUE_LENGTH, AnswerCount, Response
from webapp.surveys.models import SurveyVersion
from webapp.surveys.services import QUESTION_ID

ALL = "_all"
HOUR = "_hour"
DOMAIN = "_domain"
KIOSK = "_kiosk"
VERSION = "_version"
FLAG = "_flag"
# Per official (SPEC 11): value = the official's id; for the two questions the ranking of
# officials shows, value = "<official id>:<answer>" (the staff-attitude rating, the receipt).
# These rows are kept per local MONTH (day = its first day), not per day: every period is
# whole months, and officials x days would make about one row per response, so the ranking
# would grow with the number of responses (60 units x 15 officials: 5x from 10k to 30k).
OFFICIAL = "_official"
OFFICIAL_QUESTIONS = {"staff": "_official_staff", "receipt": "_official_receipt"}
MONTHLY_FACETS = frozenset({OFFICIAL, *OFFICIAL_QUESTIONS.values()})
# The two per-official question facets do not keep the overall rating (stored as 0): nobody
# reads it there, and it multiplied their rows by five, past the number of responses.
NO_OVERALL = frozenset(OFFICIAL_QUESTIONS.values())
# In the OFFICIAL facet itself the overall rating keeps what its readers need, 5, 4 and "not
# satisfied" (1-3, stored as 3): satisfied % and the share of 5s (integrity) stay exact, and
# the rows are 3/5 as many.


def official_overall(overall: int) -> int:
    return 3 if 1 <= overall <= 3 else overall


FACETS = (ALL, HOUR, DOMAIN, KIOSK, VERSION, FLAG, OFFICIAL, *OFFICIAL_QUESTIONS.values())
UNSPECIFIED_FLAG = "unspecified"
# Stands for any non-empty free-text answer. Not a valid option code, rating or yes/no, so a
# figure reading it as one of those ignores it.
TEXT_ANSWERED = "<text>"
# Rows the rebuild keeps in memory before writing them out.
REBUILD_FLUSH_KEYS = 200_000
STREAM_ROWS = 5_000

# (unit_id, question_id, day, value, flagged, overall): the primary key, in its order.
Key = tuple[int, str, date, str, bool, int]
KEY_COLUMNS = ("unit_id", "question_id", "day", "value", "flagged", "overall")


def raw_value(value) -> str | None:
    """An answer as text, as PostgreSQL's `answers ->> 'q'` gives it (None when unanswered).

    The figures normalise this text per question kind when they read it, exactly as they
    normalised the raw JSON value before rollups existed.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def question_kinds(version_ids: Iterable[int], session=None) -> dict[int, dict[str, str]]:
    """{survey version id: {question id: kind}} (survey versions are immutable)."""
    wanted = sorted({int(v) for v in version_ids if v is not None})
    if not wanted:
        return {}
    rows = (
        (session or db.session)
        .execute(
            select(SurveyVersion.id, SurveyVersion.definition).where(SurveyVersion.id.in_(wanted))
        )
        .all()
    )
    return {
        vid: {q["id"]: q["kind"] for q in (definition or {}).get("questions") or []}
        for vid, definition in rows
    }


def count_rows(
    rows: Iterable[Mapping],
    kinds: Mapping[int, Mapping[str, str]],
    zone: ZoneInfo,
    counts: Counter | None = None,
) -> Counter:
    """Add each response's facet keys to `counts` (a Counter of Key -> responses).

    Runs inside every sync request, so it counts in two steps: first one key per response
    (its day, hour, domain, kiosk, version and flags together) and one per answer, then those
    few distinct keys are spread over the facets. Same result as adding 1 per facet and per
    response, at a third of the cost.
    """
    counts = Counter() if counts is None else counts
    per_response: Counter = Counter()
    per_answer: Counter = Counter()
    answer_kind: dict = {}  # (version id, question id) -> kind, '' unknown, None never shown
    for row in rows:
        local = row["submitted_at"].astimezone(zone)
        flagged = bool(row["flagged"])
        head = (row["unit_id"], local.date(), flagged, int(row["overall"]))
        version = row["survey_version_id"]
        flags = tuple(row["flags"] or (UNSPECIFIED_FLAG,)) if flagged else ()
        official = row.get("official_id")
        per_response[
            (head, local.hour, row["domain_code"] or "", row["kiosk_id"], version, flags, official)
        ] += 1
        answers = row["answers"]
        for qid, answer in answers.items() if isinstance(answers, dict) else ():
            kind = answer_kind.get((version, qid), False)
            if kind is False:
                # Only ids a definition can ask (no definition asks the others: never shown).
                valid = isinstance(qid, str) and QUESTION_ID.match(qid)
                kind = kinds.get(version, {}).get(qid, "") if valid else None
                answer_kind[(version, qid)] = kind
            if kind is None or answer is None:
                continue
            value = answer if type(answer) is str else raw_value(answer)
            if value and (kind == "text" or len(value) > VALUE_LENGTH):
                value = TEXT_ANSWERED
            per_answer[(head, qid, value)] += 1
            if official is not None and qid in OFFICIAL_QUESTIONS and value != TEXT_ANSWERED:
                facet = OFFICIAL_QUESTIONS[qid]
                per_answer[(head, facet, f"{official}:{value}"[:VALUE_LENGTH])] += 1

    for (head, hour, domain, kiosk, version, flags, official), n in per_response.items():
        unit_id, day, flagged, overall = head
        counts[(unit_id, ALL, day, "", flagged, overall)] += n
        counts[(unit_id, HOUR, day, str(hour), flagged, overall)] += n
        counts[(unit_id, DOMAIN, day, domain, flagged, overall)] += n
        counts[(unit_id, KIOSK, day, str(kiosk), flagged, overall)] += n
        counts[(unit_id, VERSION, day, str(version), flagged, overall)] += n
        for reason in flags:
            counts[(unit_id, FLAG, day, str(reason)[:VALUE_LENGTH], flagged, overall)] += n
        if official is not None:
            month = day.replace(day=1)
            kept = official_overall(overall)
            counts[(unit_id, OFFICIAL, month, str(official), flagged, kept)] += n
    for ((unit_id, day, flagged, overall), qid, value), n in per_answer.items():
        if qid in MONTHLY_FACETS:
            day = day.replace(day=1)
        if qid in NO_OVERALL:
            overall = 0
        counts[(unit_id, qid, day, value, flagged, overall)] += n
    return counts


@functools.cache
def _upsert_statement(dialect: str):
    table = AnswerCount.__table__
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=[table.c[name] for name in KEY_COLUMNS],
        set_={"responses": table.c.responses + statement.excluded.responses},
    )


def write_counts(counts: Mapping[Key, int], session=None) -> int:
    """Add the counts to the table (one executemany, in key order); rows written."""
    if not counts:
        return 0
    params = [
        {**dict(zip(KEY_COLUMNS, key, strict=True)), "responses": n}
        for key, n in sorted(counts.items())
        if n
    ]
    session = session or db.session
    session.execute(_upsert_statement(session.get_bind().dialect.name), params)
    return len(params)


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def add_to_rollups(
    rows: list[Mapping], kinds: Mapping[int, Mapping[str, str]] | None = None
) -> int:
    """Count newly stored responses (dicts with the Response columns unit_id, kiosk_id,
    survey_version_id, submitted_at, overall, domain_code, flagged, flags, answers).

    `kinds` ({version id: {question id: kind}}) saves a query when the caller has the
    definitions at hand. Flushes, never commits: the caller's transaction holds the responses
    and their counts together. Returns the number of rollup rows touched.
    """
    if not rows:
        return 0
    if kinds is None:
        kinds = question_kinds(row["survey_version_id"] for row in rows)
    return write_counts(count_rows(rows, kinds, _zone()))


# What count_rows reads of a response (official_id comes apart: see _official_column).
ROW_COLUMNS = (
    Response.unit_id,
    Response.kiosk_id,
    Response.survey_version_id,
    Response.submitted_at,
    Response.overall,
    Response.domain_code,
    Response.flagged,
    Response.flags,
    Response.answers,
)


def _official_column(session):
    """responses.official_id, or NULL on a schema from before officials existed: the
    migration that created answer_counts counts the responses with this code."""
    columns = {c["name"] for c in inspect(session.get_bind()).get_columns("responses")}
    if "official_id" in columns:
        return Response.official_id
    return null().label("official_id")


def _stream_counts(unit_ids: list[int] | None, sink, session) -> int:
    """Count the stored responses (of these units), handing full Counters to `sink`."""
    query = select(*ROW_COLUMNS, _official_column(session)).execution_options(yield_per=STREAM_ROWS)
    if unit_ids is not None:
        query = query.where(Response.unit_id.in_(unit_ids))
    kinds = question_kinds(session.scalars(select(SurveyVersion.id)), session)
    zone = _zone()
    counts: Counter = Counter()
    seen = 0
    for partition in session.execute(query).partitions():
        count_rows((row._mapping for row in partition), kinds, zone, counts)
        seen += len(partition)
        if len(counts) >= REBUILD_FLUSH_KEYS:
            sink(counts)
            counts = Counter()
    sink(counts)
    return seen


def _scope(unit_ids: list[int] | None):
    return [] if unit_ids is None else [AnswerCount.unit_id.in_(unit_ids)]


def rebuild_rollups(unit_ids: Iterable[int] | None = None, session=None) -> tuple[int, int]:
    """Recompute the counts of these units (all when None) from their stored responses.

    On PostgreSQL the table is locked against writers first (SHARE ROW EXCLUSIVE): a sync
    committing meanwhile either finished before the lock (its responses are read here) or
    waits for the rebuild and then adds its own counts, so nothing is lost or counted twice.
    Syncs wait for the rebuild; run it off-hours on a large database. Flushes, never commits.
    Returns (responses read, rollup rows written). `session`: another session than the app's
    (the migration that created the table fills it on its own connection).
    """
    session = session or db.session
    ids = None if unit_ids is None else sorted(set(unit_ids))
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE answer_counts IN SHARE ROW EXCLUSIVE MODE"))
    session.execute(delete(AnswerCount).where(*_scope(ids)))
    written = [0]

    def sink(counts: Counter) -> None:
        written[0] += write_counts(counts, session)

    seen = _stream_counts(ids, sink, session)
    session.flush()
    return seen, written[0]


def rollup_differences(unit_ids: Iterable[int] | None = None) -> dict[Key, tuple[int, int]]:
    """{key: (stored, recomputed)} wherever the table disagrees with the responses."""
    ids = None if unit_ids is None else sorted(set(unit_ids))
    expected: Counter = Counter()
    _stream_counts(ids, expected.update, db.session)
    stored: Counter = Counter()
    columns = [AnswerCount.__table__.c[name] for name in KEY_COLUMNS]
    for row in db.session.execute(
        select(*columns, AnswerCount.responses).where(*_scope(ids))
    ).yield_per(STREAM_ROWS):
        stored[tuple(row[:-1])] += row[-1]
    return {
        key: (stored[key], expected[key])
        for key in stored.keys() | expected.keys()
        if stored[key] != expected[key]
    }
