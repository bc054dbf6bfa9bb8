"""Ingesting batches of responses from kiosks (SPEC sections 6, 7 and 9).

The client UUID is the idempotency key. New rows go in through
`webapp.responses.services.store_responses` (INSERT ... ON CONFLICT (id) DO NOTHING, counted
for the figures in the same transaction), so a retried batch, or two gunicorn workers racing
on the same ids, store every response exactly once. Ids it did not store were already stored;
they are answered as duplicates and their content is compared with the stored row (a
difference is a conflict: audited and quarantined).

Operations here flush but never commit: the view commits once per request.
"""

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, select
from werkzeug.datastructures import Headers

from webapp.audit.services import record
from webapp.contacts.services import NewContact, store_contacts
from webapp.dbtypes import utcnow
from webapp.errors import APIError
from webapp.extensions import db
from webapp.flags import rules as flag_rules
from webapp.kiosk.models import Kiosk
from webapp.officials.services import serving_codes
from webapp.responses.models import QuarantinedResponse, Response
from webapp.responses.services import store_responses
from webapp.surveys.models import Survey, SurveyVersion
from webapp.sync.validation import (
    Envelope,
    RejectedItem,
    SurveyRules,
    ValidItem,
    answers_key,
    canonical_answers,
    check_device_time,
    check_item,
    neutral_text,
)
from webapp.units.models import ProcedureDomain

CONFLICT_MESSAGE = "a different response with this id is already stored"


@dataclass
class SyncResult:
    server_time: datetime
    accepted: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "server_time": iso(self.server_time),
        }


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- statements -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Statements:
    versions: Select
    window: Select
    domains: Select


@functools.cache
def _statements() -> _Statements:
    """The per-request queries, built once: building a select and its cache key costs about as
    much as running it on SQLite, and a sync runs these on every request. Core columns (not ORM
    entities) keep the ORM's result machinery out of the way."""
    responses, versions, surveys = (
        Response.__table__.c,
        SurveyVersion.__table__.c,
        Survey.__table__.c,
    )
    return _Statements(
        versions=select(
            surveys.key, surveys.unit_types, versions.version, versions.id, versions.definition
        )
        .join_from(SurveyVersion.__table__, Survey.__table__, versions.survey_id == surveys.id)
        .where(surveys.key.in_(bindparam("keys", expanding=True)), surveys.mode == "kiosk"),
        window=select(
            responses.id,
            responses.submitted_at,
            responses.survey_version_id,
            responses.device_started_at,
            responses.device_submitted_at,
            responses.answers,
        ).where(
            # unit_id first so that the (unit_id, submitted_at, ...) index serves the range
            responses.unit_id == bindparam("unit_id"),
            responses.submitted_at >= bindparam("low"),
            responses.submitted_at <= bindparam("high"),
            responses.kiosk_id == bindparam("kiosk_id"),
        ),
        domains=select(ProcedureDomain.__table__.c.code).where(
            ProcedureDomain.__table__.c.code.in_(bindparam("codes", expanding=True))
        ),
    )


# --- survey versions --------------------------------------------------------------------------


def _rules_lookup(items: list, unit_type: str):
    """`rules_for(key, version)` over the versions this batch names (one query per batch)."""
    wanted = {
        (item["survey"], item["version"])
        for item in items
        if isinstance(item, dict)
        and isinstance(item.get("survey"), str)
        and "\x00" not in item["survey"]  # a NUL in a text parameter fails on PostgreSQL
        and type(item.get("version")) is int
    }
    keys = {key for key, _ in wanted}
    found: dict[tuple[str, int], tuple[int, SurveyRules]] = {}
    used_by_unit: dict[str, bool] = {}
    if keys:
        # Every version of the named surveys in one query (a survey has a handful).
        rows = db.session.execute(_statements().versions, {"keys": sorted(keys)}).all()
        for row in rows:
            used_by_unit[row.key] = unit_type in (row.unit_types or [])
            if (row.key, row.version) in wanted:
                found[(row.key, row.version)] = (row.id, SurveyRules(row.definition))

    def rules_for(key: str, version: int):
        if key not in used_by_unit:
            return f"unknown survey '{key[:64]}'"
        if not used_by_unit[key]:
            return f"survey '{key[:64]}' is not used by this kiosk's unit type"
        entry = found.get((key, version))
        if entry is None:
            return f"unknown version {version} of survey '{key[:64]}'"
        return entry[1]

    kinds = {vid: rules.kinds for vid, rules in found.values()}
    return rules_for, {k: v[0] for k, v in found.items()}, kinds


# --- flags (SPEC section 7) ---------------------------------------------------------------------


@dataclass
class _Candidate:
    item: ValidItem
    submitted_at: datetime  # clock-corrected
    flags: list[str] = field(default_factory=list)


def _flag(kiosk: Kiosk, candidates: list[_Candidate], version_ids: dict, config) -> None:
    """Set the per-response flags of the new responses of a batch (webapp.flags.rules).

    The kiosk's stored responses around them count too: those whose corrected time is within
    the burst window before the batch or CLOCK_SKEW_TOLERANCE_SECONDS around it. Drift is not
    judged here (a month of history per request); `flask responses reflag` does it nightly.
    """
    if not candidates:
        return
    burst_window = flag_rules.burst_window(config)
    replay_window = flag_rules.replay_window(config)
    times = [c.submitted_at for c in candidates]
    low = min(times) - max(burst_window, replay_window)
    high = max(times) + replay_window
    # unit_id is part of the query so that the (unit_id, submitted_at, ...) index serves it.
    window = {"unit_id": kiosk.unit_id, "kiosk_id": kiosk.id, "low": low, "high": high}
    stored = db.session.execute(_statements().window, window).all()
    stored_ids = {row.id for row in stored}
    earlier = [
        flag_rules.Subject(
            row.submitted_at,
            flag_rules.replay_signature(
                row.survey_version_id,
                row.device_started_at,
                row.device_submitted_at,
                answers_key(row.answers),
            ),
        )
        for row in stored
    ]
    fresh = [c for c in candidates if c.item.id not in stored_ids]
    subjects = [
        flag_rules.Subject(
            c.submitted_at,
            flag_rules.replay_signature(
                version_ids[c.item.version_key],
                c.item.device_started_at,
                c.item.device_submitted_at,
                answers_key(c.item.answers),
            ),
        )
        for c in fresh
    ]
    for candidate, flags in zip(
        fresh, flag_rules.response_flags(subjects, config, earlier), strict=True
    ):
        candidate.flags.extend(flags)


# --- storing ----------------------------------------------------------------------------------


def _content(kiosk_id, version_id, locale, answers, started, submitted, official_id) -> tuple:
    """What makes a response the same response: the same id re-sent naming another official
    (or none) is a conflict, not a duplicate."""
    return (kiosk_id, version_id, locale, answers_key(answers), started, submitted, official_id)


def _item_content(kiosk: Kiosk, item: ValidItem, version_ids: dict) -> tuple:
    return _content(
        kiosk.id,
        version_ids[item.version_key],
        item.locale,
        item.answers,
        item.device_started_at,
        item.device_submitted_at,
        item.official_id,
    )


def _stored_contents(ids: list) -> dict:
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            Response.id,
            Response.kiosk_id,
            Response.survey_version_id,
            Response.locale,
            Response.answers,
            Response.device_started_at,
            Response.device_submitted_at,
            Response.official_id,
        ).where(Response.id.in_(ids))
    ).all()
    return {row.id: _content(*row[1:]) for row in rows}


def _known_domains(candidates: list) -> frozenset[str]:
    """Which of the procedure domains answered in this batch exist (one small query)."""
    answered = {c.item.answers["domain"] for c in candidates if "domain" in c.item.answers}
    if not answered:
        return frozenset()
    return frozenset(db.session.scalars(_statements().domains, {"codes": sorted(answered)}))


def _storable(text: str | None) -> str | None:
    """Text for a string column: PostgreSQL refuses NUL characters (the reply still echoes
    the id exactly as sent; the payload JSON keeps it too)."""
    return text.replace("\x00", "\ufffd") if text else text


def quarantine_rejected(kiosk: Kiosk, rejected: list[RejectedItem], now: datetime) -> None:
    """Keep every rejected response with its errors, once per (kiosk, id, payload): a
    kiosk's or a field device's (webapp.field.ingest)."""
    if not rejected:
        return
    known_ids = {_storable(r.client_id) for r in rejected if r.client_id}
    already = set()
    if known_ids:
        rows = db.session.execute(
            select(QuarantinedResponse.client_id, QuarantinedResponse.payload).where(
                QuarantinedResponse.kiosk_id == kiosk.id,
                QuarantinedResponse.client_id.in_(known_ids),
                QuarantinedResponse.resolved_at.is_(None),
            )
        ).all()
        already = {(row.client_id, canonical_answers(row.payload)) for row in rows}
    for item in rejected:
        payload = item.payload if isinstance(item.payload, dict) else {"item": item.payload}
        payload = without_contact(payload)
        client_id = _storable(item.client_id)
        marker = (client_id, canonical_answers(payload))
        if client_id and marker in already:
            continue  # the kiosk retried a response we already keep in quarantine
        already.add(marker)
        db.session.add(
            QuarantinedResponse(
                kiosk_id=kiosk.id,
                client_id=client_id,
                payload=payload,
                errors=item.errors,
                received_at=now,
            )
        )


# The errors a kiosk reports for one dead letter: short texts under short keys, as the server
# itself gives them (anything else is summarised, not stored as sent).
_DEAD_ERROR_KEYS = 20
_DEAD_ERROR_LENGTH = 500


def quarantine_dead_letters(kiosk: Kiosk, items: list) -> list[str]:
    """Responses stranded on a tablet (refused there, or by a whole request the server could
    not take, or collected for the unit it was enrolled for before) handed over by staff:
    kept in the server's quarantine like a rejected sync item, once per (kiosk, id, payload),
    for an admin to correct and replay or dismiss. Returns the ids now held by the server."""
    rejected, held = [], []
    for entry in items:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise APIError(400, "bad_request", "each item needs a string id")
        response = entry.get("response")
        if not isinstance(response, dict):
            raise APIError(
                400, "bad_request", f"item {entry['id'][:64]}: response must be an object"
            )
        reported = entry.get("errors")
        if not isinstance(reported, dict):
            reported = {}
        errors = {
            str(key)[:64]: neutral_text(str(value))[:_DEAD_ERROR_LENGTH]
            for key, value in list(reported.items())[:_DEAD_ERROR_KEYS]
        }
        # Says where the item came from on the admin's quarantine page.
        errors["kiosk"] = "sent from the tablet's dead letters by staff" + (
            f" ({neutral_text(str(entry['reason']))[:64]})" if entry.get("reason") else ""
        )
        rejected.append(RejectedItem(entry["id"][:100], response, errors))
        held.append(entry["id"])
    quarantine_rejected(kiosk, rejected, utcnow())
    return held


def without_contact(payload: dict) -> dict:
    """A rejected item as kept in quarantine: its phone number, if any, is left out. The
    quarantine is plain JSON an admin reads; a number belongs only to the encrypted contacts
    table (SPEC 13). A replayed quarantined item is then stored without its contact."""
    if "contact" not in payload:
        return payload
    kept = {key: value for key, value in payload.items() if key != "contact"}
    kept["contact_removed"] = True
    return kept


def _names_an_official(items: list) -> bool:
    """Whether any item carries an official (saves the lookup for the kiosks without)."""
    return any(isinstance(item, dict) and item.get("official") is not None for item in items)


def ingest_batch(kiosk: Kiosk, envelope: Envelope, now: datetime | None = None) -> SyncResult:
    """Validate, flag and store one sync request; the reply lists every id it was sent."""
    config = current_app.config
    now = now or utcnow()
    skew = check_device_time(envelope.device_time, now)
    tolerance = timedelta(seconds=int(config["CLOCK_SKEW_TOLERANCE_SECONDS"]))
    correction = skew if abs(skew) > tolerance else timedelta(0)
    skew_seconds = round(correction.total_seconds())
    unit = kiosk.unit
    rules_for, version_ids, kinds = _rules_lookup(envelope.items, unit.type_code)
    officials = (
        serving_codes(unit.id, config["TIMEZONE"]) if _names_an_official(envelope.items) else {}
    )

    result = SyncResult(server_time=now)
    rejected: list[RejectedItem] = []
    first_by_id: dict = {}
    repeats: list[ValidItem] = []
    candidates: list[_Candidate] = []
    for entry in envelope.items:
        checked = check_item(entry, rules_for, correction, envelope.device_time, now, officials)
        if isinstance(checked, RejectedItem):
            rejected.append(checked)
            result.rejected.append({"id": checked.client_id, "errors": checked.errors})
        elif checked.id in first_by_id:
            repeats.append(checked)
        else:
            first_by_id[checked.id] = checked
            candidates.append(_Candidate(checked, checked.device_submitted_at + correction))

    _flag(kiosk, candidates, version_ids, config)
    domains = _known_domains(candidates)
    default_domain = kiosk.default_domain_code or unit.default_domain_code
    rows = []
    for candidate in candidates:
        item = candidate.item
        domain = item.answers.get("domain")
        rows.append(
            {
                "id": item.id,
                "kiosk_id": kiosk.id,
                "unit_id": unit.id,
                "survey_version_id": version_ids[item.version_key],
                "locale": item.locale,
                "answers": item.answers,
                "overall": item.overall,
                "domain_code": domain if domain in domains else default_domain,
                "device_started_at": item.device_started_at,
                "device_submitted_at": item.device_submitted_at,
                "submitted_at": candidate.submitted_at,
                "received_at": now,
                "clock_skew_seconds": skew_seconds,
                "flagged": bool(candidate.flags),
                "flags": candidate.flags,
                "official_id": item.official_id,
            }
        )
    # Counted for the figures in this same transaction, and only what this request stored:
    # duplicates, conflicts and rejected items never reach the counts.
    inserted = store_responses(rows, kinds)
    # Contacts (SPEC 13) of the responses this request stored, in the same transaction: a
    # resent response (a duplicate) never stores its contact a second time. The unit's
    # display setting does not matter here: a contact sent with consent is kept.
    store_contacts(
        NewContact(c.item.id, unit.id, c.item.contact[0], c.item.contact[1])
        for c in candidates
        if c.item.contact is not None and c.item.id in inserted
    )

    # Everything not stored by this statement is a duplicate; compare its content.
    settle_resent(
        kiosk,
        [c.item for c in candidates if c.item.id not in inserted],
        repeats,
        first_by_id,
        _stored_contents,
        lambda item: _item_content(kiosk, item, version_ids),
        rejected,
    )

    for candidate in candidates:
        target = result.accepted if candidate.item.id in inserted else result.duplicates
        target.append(candidate.item.client_id)
    result.duplicates.extend(item.client_id for item in repeats)
    quarantine_rejected(kiosk, rejected, now)
    kiosk.last_sync_at = now  # written with the last-seen facts by the request's commit
    return result


# --- resolving quarantined responses (issue 15) --------------------------------------------


class QuarantineError(ValueError):
    pass


def replay_quarantined(
    held: QuarantinedResponse,
    payload: object,
    by_user_id: int | None,
    note: str = "",
    ingest: Callable[[Kiosk, Envelope, datetime], SyncResult] | None = None,
) -> dict | None:
    """Send a quarantined response, as corrected by an admin, through the checks of a sync.

    Stored (or found already stored): the item is resolved and None is returned. Refused
    again: nothing changes and the new errors are returned for the admin to correct. The
    device's clock correction of the original request is not known any more, so the times
    are taken as sent. `ingest` is how the device's syncs are stored (a field device's go
    through webapp.field.ingest); a kiosk's by default.
    """
    if held.resolved_at is not None:
        raise QuarantineError(_("This response was resolved already."))
    if not isinstance(payload, dict):
        raise QuarantineError(_("The response must be a JSON object {…}."))
    kiosk = held.kiosk
    last_seen = kiosk.last_sync_at  # a replay is not the kiosk syncing
    now = utcnow()
    with db.session.begin_nested() as attempt:
        result = (ingest or ingest_batch)(kiosk, Envelope(device_time=now, items=[payload]), now)
        if result.rejected:
            attempt.rollback()
    kiosk.last_sync_at = last_seen
    if result.rejected:
        return result.rejected[0]["errors"]
    _resolve(held, "replayed", by_user_id, note, now)
    record(
        "quarantine.replay",
        unit_id=kiosk.unit_id,
        target=f"quarantine:{held.id}",
        kiosk_id=kiosk.id,
        stored="accepted" if result.accepted else "duplicate",
        note=note,
    )
    return None


def dismiss_quarantined(held: QuarantinedResponse, by_user_id: int | None, reason: str) -> None:
    if held.resolved_at is not None:
        raise QuarantineError(_("This response was resolved already."))
    if not reason.strip():
        raise QuarantineError(_("Give a reason for dismissing this response."))
    _resolve(held, "dismissed", by_user_id, reason.strip(), utcnow())
    record(
        "quarantine.dismiss",
        unit_id=held.kiosk.unit_id,
        target=f"quarantine:{held.id}",
        kiosk_id=held.kiosk_id,
        reason=reason.strip(),
    )


def _resolve(held: QuarantinedResponse, how: str, by_user_id, note: str, now) -> None:
    held.resolved_at = now
    held.resolution = how
    held.resolved_by_id = by_user_id
    held.resolution_note = note or None
    db.session.flush()


def settle_resent(
    device: Kiosk,
    already_stored: list,
    repeats: list,
    first_by_id: Mapping,
    stored_contents: Callable[[list], dict],
    content_of: Callable,
    rejected: list[RejectedItem],
) -> None:
    """Compare what a request sent again with what is stored: an item whose id was stored
    before (`already_stored`) against the stored row, an id sent twice in the batch
    (`repeats`) against its first copy. A difference is a conflict (record_conflict). Shared
    by the kiosks' and the field devices' ingest; `stored_contents(ids)` and `content_of(item)`
    give comparable tuples of their own table."""
    stored = stored_contents([item.id for item in already_stored])
    for item in already_stored:
        if stored.get(item.id) != content_of(item):
            record_conflict(device, item, rejected)
    for item in repeats:
        if content_of(item) != content_of(first_by_id[item.id]):
            record_conflict(device, item, rejected)


def record_conflict(kiosk: Kiosk, item, rejected: list[RejectedItem]) -> None:
    """Same id, different content: keep the stored row, log it, keep the other in quarantine.
    `item` is a checked item (its client_id, id and payload), a kiosk's or a field one."""
    record(
        "sync.conflict",
        unit_id=kiosk.unit_id,
        target=f"response:{item.id}",
        kiosk_id=kiosk.id,
        id=str(item.id),
    )
    rejected.append(RejectedItem(item.client_id, item.payload, {"id": CONFLICT_MESSAGE}))


# --- what the kiosk tells us about itself ---------------------------------------------------

TRUE_WORDS = frozenset({"1", "true", "yes"})
FALSE_WORDS = frozenset({"0", "false", "no"})


def _as_bool(value) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    return None


def _as_count(value) -> int | None:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if type(value) is int and 0 <= value <= 10_000_000:
        return value
    return None


def note_kiosk_seen(
    kiosk: Kiosk, headers: Headers | Mapping[str, str], facts: Mapping | None = None
) -> None:
    """Record the last-seen facts a kiosk reports: request headers X-Kiosk-App-Version,
    X-Kiosk-Queued, X-Kiosk-Storage-Persisted, or the sync body's optional
    {"kiosk": {"app_version", "queued", "persisted"}} (the body wins). Values of the wrong
    type are ignored: telemetry must never make a sync fail."""
    facts = facts or {}
    kiosk.last_seen_at = utcnow()
    version = facts.get("app_version", headers.get("X-Kiosk-App-Version"))
    if isinstance(version, str) and version.strip() and "\x00" not in version:
        kiosk.app_version = version.strip()[:40]
    queued = _as_count(facts.get("queued", headers.get("X-Kiosk-Queued")))
    if queued is not None:
        kiosk.queued_count = queued
    persisted = _as_bool(facts.get("persisted", headers.get("X-Kiosk-Storage-Persisted")))
    if persisted is not None:
        kiosk.storage_persisted = persisted
    agent = headers.get("User-Agent")
    if agent and "\x00" not in agent:
        kiosk.user_agent = agent[:300]
