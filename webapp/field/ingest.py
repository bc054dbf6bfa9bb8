"""Storing what a surveyor's phone sends to `POST /api/v1/sync` (SPEC 9 and 13).

The envelope, the ids, survey versions, locales and times are checked as for a kiosk
(webapp.sync.validation); a field item also names the unit it is about (`"unit": SLUG`, one of
the surveyor's), answers every required question its skip logic shows, and has no overall
rating. Rows go into `field_responses` with INSERT … ON CONFLICT (id) DO NOTHING, so a resent
interview is stored once; rejected items and conflicts are quarantined like a kiosk's.

Operations here flush but never commit: the view commits once per request.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from webapp.contacts.services import NewContact, store_contacts
from webapp.dbtypes import utcnow
from webapp.extensions import db
from webapp.field.models import FieldResponse
from webapp.kiosk.models import Kiosk
from webapp.surveys.models import Survey, SurveyVersion
from webapp.sync.services import (
    SyncResult,
    ingest_batch,
    quarantine_rejected,
    settle_resent,
)
from webapp.sync.validation import (
    Envelope,
    RejectedItem,
    SurveyRules,
    answers_key,
    check_contact,
    check_device_time,
    parse_item_fields,
)
from webapp.units.models import Unit


class FieldRules(SurveyRules):
    """A field survey's checks: a kiosk survey's, without the overall rating, plus the
    required questions that the answers given do not hide (`show_if`)."""

    def __init__(self, definition: dict, unit_types: list[str]):
        super().__init__(definition)
        self.unit_types = frozenset(unit_types)
        self.order = [q["id"] for q in definition.get("questions") or []]
        self.records_contact = records_contact(definition)

    def check_answers(self, answers, errors: dict) -> dict:
        kept = self.check_values(answers, errors)
        if not isinstance(answers, dict):
            return kept
        for qid in self.order:
            question = self.questions[qid]
            if (
                question.get("required")
                and qid not in kept
                and f"answers.{qid}" not in errors
                and shown(question, kept)
            ):
                errors[f"answers.{qid}"] = "is required"
        return kept


def records_contact(definition: dict) -> bool:
    """Whether an interview of this survey may carry a consented follow-up contact (SPEC 13):
    a household interview, whose citizen can agree; not an inspection of a counter."""
    return definition.get("kind") == "household"


def shown(question: dict, answers: dict) -> bool:
    """Whether `question` is asked, given the answers so far (its `show_if`)."""
    condition = question.get("show_if")
    if not condition:
        return True
    value = answers.get(condition["question"])
    # `True in [1]` is true in Python: compare kinds too, as the definition check does.
    return any(value == v and type(value) is type(v) for v in condition["in"])


@dataclass
class FieldItem:
    client_id: str
    id: uuid.UUID
    version_key: tuple[str, int]
    unit_id: int
    locale: str
    answers: dict
    device_started_at: datetime | None
    device_submitted_at: datetime
    payload: dict
    # A consented follow-up contact (SPEC 13): (normalised phone, consent version).
    contact: tuple[str, str] | None = None


def surveyable_units(device: Kiosk) -> dict[str, Unit]:
    """{slug: unit} the device's surveyor may survey: the units they are assigned to and the
    units below them (a ward's health station, its schools), active ones only."""
    found: dict[str, Unit] = {}
    stack = list(device.surveyor.units) if device.surveyor is not None else []
    while stack:
        unit = stack.pop()
        if unit.slug in found:
            continue
        if unit.active:
            found[unit.slug] = unit
        stack.extend(unit.children)
    return found


def _rules_lookup(items: list) -> tuple[Callable, dict]:
    """`rules_for(key, version)` over the field survey versions this batch names."""
    wanted = {
        (item["survey"], item["version"])
        for item in items
        if isinstance(item, dict)
        and isinstance(item.get("survey"), str)
        and "\x00" not in item["survey"]
        and type(item.get("version")) is int
    }
    keys = sorted({key for key, _ in wanted})
    rows = (
        db.session.execute(
            select(Survey.key, Survey.unit_types, SurveyVersion.version, SurveyVersion.id)
            .add_columns(SurveyVersion.definition)
            .join(SurveyVersion, SurveyVersion.survey_id == Survey.id)
            .where(Survey.key.in_(keys), Survey.mode == "field")
        ).all()
        if keys
        else []
    )
    known_keys = {row.key for row in rows}
    found = {
        (row.key, row.version): (row.id, FieldRules(row.definition, row.unit_types or []))
        for row in rows
        if (row.key, row.version) in wanted
    }

    def rules_for(key: str, version: int):
        if key not in known_keys:
            return f"unknown field survey '{key[:64]}'"
        entry = found.get((key, version))
        if entry is None:
            return f"unknown version {version} of survey '{key[:64]}'"
        return entry[1]

    return rules_for, {k: v[0] for k, v in found.items()}


def check_field_item(item, rules_for, units: dict[str, Unit], correction, device_time, now):
    """A FieldItem, or a RejectedItem listing every problem found."""
    if not isinstance(item, dict):
        return RejectedItem(None, {"item": item}, {"item": "each response must be an object"})
    fields = parse_item_fields(item, rules_for, correction, device_time, now)
    errors = fields.errors
    rules = fields.rules if isinstance(fields.rules, FieldRules) else None
    answers: dict = {}
    if rules is not None:
        answers = rules.check_answers(item.get("answers"), errors)
    elif not isinstance(item.get("answers"), dict):
        errors["answers"] = "must be an object {question_id: value}"

    slug = item.get("unit")
    unit = units.get(slug) if isinstance(slug, str) else None
    if not isinstance(slug, str) or not slug:
        errors["unit"] = "the unit surveyed (its slug) is required"
    elif unit is None:
        errors["unit"] = "not a unit this surveyor is assigned to"
    elif rules is not None and unit.type_code not in rules.unit_types:
        errors["unit"] = "this survey is not used for this kind of unit"
    contact = None
    if item.get("contact") is not None:
        if rules is not None and not rules.records_contact:
            errors["contact"] = "only a household interview records a contact"
        else:
            contact = check_contact(item["contact"], errors)

    if errors:
        return RejectedItem(fields.client_id, item, errors)
    if not (
        isinstance(fields.raw_id, str)
        and fields.id is not None
        and isinstance(fields.key, str)
        and type(fields.version) is int
        and isinstance(fields.locale, str)
        and fields.submitted is not None
        and unit is not None
    ):
        raise AssertionError("check_field_item accepted an item it did not parse")
    return FieldItem(
        client_id=fields.raw_id,
        id=fields.id,
        version_key=(fields.key, fields.version),
        unit_id=unit.id,
        locale=fields.locale,
        answers=answers,
        device_started_at=fields.started,
        device_submitted_at=fields.submitted,
        payload=item,
        contact=contact,
    )


def _insert(rows: list[dict]) -> set[uuid.UUID]:
    """INSERT … ON CONFLICT (id) DO NOTHING RETURNING id: the ids this statement stored."""
    if not rows:
        return set()
    table = FieldResponse.__table__
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table).on_conflict_do_nothing(index_elements=["id"]).returning(table.c.id)
    # Id order: two requests racing on overlapping ids lock rows in the same order.
    rows = sorted(rows, key=lambda row: row["id"])
    return set(db.session.scalars(statement, rows))


def _content(surveyor_id, unit_id, version_id, locale, answers, started, submitted) -> tuple:
    return (surveyor_id, unit_id, version_id, locale, answers_key(answers), started, submitted)


def _item_content(device: Kiosk, item: FieldItem, version_ids: dict) -> tuple:
    return _content(
        device.surveyor_id,
        item.unit_id,
        version_ids[item.version_key],
        item.locale,
        item.answers,
        item.device_started_at,
        item.device_submitted_at,
    )


def _stored_contents(ids: list) -> dict:
    if not ids:
        return {}
    c = FieldResponse
    rows = db.session.execute(
        select(
            c.id,
            c.surveyor_id,
            c.unit_id,
            c.survey_version_id,
            c.locale,
            c.answers,
            c.device_started_at,
            c.device_submitted_at,
        ).where(c.id.in_(ids))
    ).all()
    return {row.id: _content(*row[1:]) for row in rows}


def ingest_field_batch(
    device: Kiosk, envelope: Envelope, now: datetime | None = None
) -> SyncResult:
    """Validate and store one sync request of a surveyor's phone."""
    config = current_app.config
    now = now or utcnow()
    skew = check_device_time(envelope.device_time, now)
    tolerance = timedelta(seconds=int(config["CLOCK_SKEW_TOLERANCE_SECONDS"]))
    correction = skew if abs(skew) > tolerance else timedelta(0)
    rules_for, version_ids = _rules_lookup(envelope.items)
    units = surveyable_units(device)

    result = SyncResult(server_time=now)
    rejected: list[RejectedItem] = []
    first_by_id: dict[uuid.UUID, FieldItem] = {}
    repeats: list[FieldItem] = []
    for entry in envelope.items:
        checked = check_field_item(entry, rules_for, units, correction, envelope.device_time, now)
        if isinstance(checked, RejectedItem):
            rejected.append(checked)
            result.rejected.append({"id": checked.client_id, "errors": checked.errors})
        elif checked.id in first_by_id:
            repeats.append(checked)
        else:
            first_by_id[checked.id] = checked

    items = list(first_by_id.values())
    inserted = _insert(
        [
            {
                "id": item.id,
                "device_id": device.id,
                "surveyor_id": device.surveyor_id,
                "unit_id": item.unit_id,
                "survey_version_id": version_ids[item.version_key],
                "locale": item.locale,
                "answers": item.answers,
                "device_started_at": item.device_started_at,
                "device_submitted_at": item.device_submitted_at,
                "submitted_at": item.device_submitted_at + correction,
                "received_at": now,
                "clock_skew_seconds": round(correction.total_seconds()),
            }
            for item in items
        ]
    )

    # Only interviews this request stored: a resent one never stores its contact twice.
    store_contacts(
        NewContact(item.id, item.unit_id, item.contact[0], item.contact[1], field=True)
        for item in items
        if item.contact is not None and item.id in inserted
    )

    settle_resent(
        device,
        [item for item in items if item.id not in inserted],
        repeats,
        first_by_id,
        _stored_contents,
        lambda item: _item_content(device, item, version_ids),
        rejected,
    )

    for item in items:
        (result.accepted if item.id in inserted else result.duplicates).append(item.client_id)
    result.duplicates.extend(item.client_id for item in repeats)
    quarantine_rejected(device, rejected, now)
    device.last_sync_at = now
    return result


def ingest_for_device(device: Kiosk, envelope: Envelope, now: datetime | None = None) -> SyncResult:
    """A sync request stored the way its device's responses are: a surveyor's phone's as
    field responses, a kiosk's as kiosk responses."""
    if device.is_field_device:
        return ingest_field_batch(device, envelope, now)
    return ingest_batch(device, envelope, now)
