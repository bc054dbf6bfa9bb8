"""Checking what a kiosk sends to `POST /api/v1/sync` (SPEC section 9).

Two levels, because they fail differently:
- the envelope (JSON, `device_time`, a `responses` list of at most N items): a problem here is
  a whole-request error (400/413) and nothing is stored;
- each response on its own, against the survey version it names: a problem here rejects only
  that response (it is quarantined with its errors) while the others are stored.

Hand-written rather than a JSON-schema library: the rules depend on the survey definition, and
a batch of 500 must be checked in a few milliseconds.
"""

import json
import math
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from webapp.contacts.consent import CONSENT_TEXTS, CURRENT_VERSION
from webapp.contacts.phone import PhoneError, normalise_phone
from webapp.errors import APIError
from webapp.officials.services import Serving
from webapp.surveys.services import TEXT_MAX_LENGTH

LOCALES = ("vi", "en")
# A clock more than this far from ours is broken, not drifting: refuse the batch rather than
# store a skew that does not fit the column (and would move times by decades).
MAX_PLAUSIBLE_SKEW = timedelta(days=365 * 60)
# A response may be a little "after" the device_time of its batch (clock read twice).
SUBMITTED_AFTER_DEVICE_TIME_SLACK = timedelta(seconds=5)
# An idle survey is submitted after KIOSK_IDLE_SECONDS; hours between start and submit is a bug.
MAX_SURVEY_DURATION = timedelta(hours=24)
# Oldest corrected submission time accepted (outages last days, not years).
MAX_AGE = timedelta(days=400)
MAX_ID_LENGTH = 100


@dataclass
class Envelope:
    device_time: datetime
    items: list
    kiosk_facts: dict = field(default_factory=dict)


@dataclass
class ValidItem:
    """A response that passed every check, ready to be stored."""

    client_id: str  # exactly as sent, so the kiosk can match the reply to its outbox
    id: uuid.UUID
    version_key: tuple[str, int]
    locale: str
    answers: dict
    overall: int
    device_started_at: datetime | None
    device_submitted_at: datetime
    payload: dict
    official_id: int | None = None  # who served the citizen (SPEC 11)
    # A consented follow-up contact (SPEC 13): (normalised phone, consent version).
    contact: tuple[str, str] | None = None


@dataclass
class RejectedItem:
    client_id: str | None
    payload: object
    errors: dict[str, str]


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is out of range")
    return value


def _check_unicode(data) -> None:
    """Refuse lone UTF-16 surrogates anywhere in the body: they cannot be encoded as UTF-8,
    so no column (not even the quarantine) can hold them, and a stored one would break every
    page, export and PDF reading the row. (NUL characters are refused item by item.)"""
    json.dumps(data, ensure_ascii=False).encode("utf-8")


def _parse_json(raw: bytes):
    try:
        data = json.loads(raw, parse_constant=_reject_constant, parse_float=_finite_float)
        _check_unicode(data)
    except (ValueError, UnicodeError, RecursionError) as exc:
        message = "the body is not valid JSON"
        if isinstance(exc, json.JSONDecodeError):
            message += f" ({exc.msg} at line {exc.lineno} column {exc.colno})"
        elif isinstance(exc, UnicodeError):
            message = "the body contains text that is not valid Unicode"
        raise APIError(400, "bad_request", message) from None
    return data


def parse_dead_letters(raw: bytes, max_items: int) -> list:
    """The body of POST /api/v1/kiosk/dead-letters: {"items": [...]}, at most max_items."""
    data = _parse_json(raw)
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise APIError(400, "bad_request", 'the body must be {"items": [...]}')
    if len(items) > max_items:
        raise APIError(413, "too_large", f"at most {max_items} items per request")
    return items


def parse_envelope(raw: bytes, max_items: int) -> Envelope:
    """The request body as an Envelope, or APIError 400/413 (nothing stored yet)."""
    data = _parse_json(raw)
    if not isinstance(data, dict):
        raise APIError(400, "bad_request", 'the body must be a JSON object {"device_time", ...}')
    responses = data.get("responses")
    if not isinstance(responses, list):
        raise APIError(400, "bad_request", "'responses' must be a list of responses")
    if len(responses) > max_items:
        raise APIError(
            413,
            "too_large",
            f"at most {max_items} responses per request; send the rest in another batch",
        )
    try:
        device_time = parse_time(data.get("device_time"))
    except ValueError as exc:
        raise APIError(400, "bad_request", f"device_time: {exc}") from None
    facts = data.get("kiosk")
    return Envelope(device_time, responses, facts if isinstance(facts, dict) else {})


def parse_time(value) -> datetime:
    """An ISO-8601 date-time with a time zone, as an aware UTC datetime (ValueError if not)."""
    if not isinstance(value, str) or not 10 <= len(value) <= 40:
        raise ValueError("an ISO-8601 date-time such as 2024-05-01T08:30:00Z is required")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO-8601 date-time") from None
    if moment.tzinfo is None:
        raise ValueError("a time zone is required (e.g. 2024-05-01T08:30:00Z)")
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("out of range") from None


def check_device_time(device_time: datetime, now: datetime) -> timedelta:
    """The skew `now - device_time`; APIError 400 when no real clock could be that wrong."""
    try:
        skew = now - device_time
    except OverflowError:
        skew = MAX_PLAUSIBLE_SKEW * 2
    if abs(skew) > MAX_PLAUSIBLE_SKEW:
        raise APIError(400, "bad_request", "device_time is not a plausible clock reading")
    return skew


# Invisible characters that change how text around them is shown: bidi embeddings, overrides
# and isolates reorder a comment inside a signed PDF or a page ("‮tốt" reads backwards), and
# C0/C1 controls such as ESC drive terminals reading a CSV. A citizen never types them; they are
# removed from free text at ingest, so every page, export and PDF shows the text as written.
_INVISIBLE_CONTROLS = re.compile(
    "[\u202a-\u202e\u2066-\u2069\u061c\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
)


def neutral_text(value: str) -> str:
    return _INVISIBLE_CONTROLS.sub("", value)


class SurveyRules:
    """The checks for one survey version, compiled once per batch from its definition."""

    def __init__(self, definition: dict):
        questions = definition.get("questions") or []
        self.overall_id = questions[0]["id"] if questions else "overall"
        self.questions = {q["id"]: q for q in questions}
        self.kinds = {q["id"]: q["kind"] for q in questions}
        self.allowed = {
            q["id"]: frozenset(o["code"] for o in q.get("options") or [])
            for q in questions
            if q["kind"] == "choice"
        }

    def check_answers(self, answers, errors: dict) -> dict:
        """The answers to store (unanswered = null entries dropped); problems go to `errors`.
        The overall rating is required."""
        kept = self.check_values(answers, errors)
        if self.overall_id not in kept and f"answers.{self.overall_id}" not in errors:
            errors[f"answers.{self.overall_id}"] = "the overall rating (1-5) is required"
        return kept

    def check_values(self, answers, errors: dict) -> dict:
        """Each answer against its question (kind, options, length), none required."""
        if not isinstance(answers, dict):
            errors["answers"] = "must be an object {question_id: value}"
            return {}
        kept = {}
        for qid, value in answers.items():
            if value is None:
                continue  # a question the citizen skipped
            question = self.questions.get(qid)
            if question is None:
                name = str(qid)[:40].replace("\x00", "\ufffd")
                errors[f"answers.{name}"] = "no such question in this survey version"
                continue
            problem = self._problem(question, value)
            if problem:
                errors[f"answers.{qid}"] = problem
            else:
                kept[qid] = neutral_text(value) if question["kind"] == "text" else value
        return kept

    def _problem(self, question: dict, value) -> str | None:
        kind = question["kind"]
        if kind == "rating5":
            # bool is an int in Python; JSON true must not pass as a rating of 1
            if type(value) is not int or not 1 <= value <= 5:
                return "must be a whole number from 1 to 5"
        elif kind == "yesno":
            if type(value) is not bool:
                return "must be true or false"
        elif kind == "choice":
            if not isinstance(value, str) or value not in self.allowed[question["id"]]:
                return "must be one of: " + ", ".join(sorted(self.allowed[question["id"]]))
        elif kind == "text":
            limit = question.get("max_length") or TEXT_MAX_LENGTH
            if not isinstance(value, str):
                return "must be text"
            if len(value) > limit:
                return f"must be at most {limit} characters"
            if "\x00" in value:  # PostgreSQL cannot extract it from JSON as text
                return "must not contain NUL characters"
        return None


def client_id_of(item) -> str | None:
    raw = item.get("id") if isinstance(item, dict) else None
    return raw[:MAX_ID_LENGTH] if isinstance(raw, str) else None


@dataclass
class ItemFields:
    """What every synced item has, kiosk or field, parsed; problems are in `errors`."""

    errors: dict[str, str]
    client_id: str | None
    raw_id: object
    id: uuid.UUID | None
    key: object
    version: object
    rules: "SurveyRules | None"
    locale: object
    started: datetime | None
    submitted: datetime | None


def parse_item_fields(item: dict, rules_for, correction, device_time, now) -> ItemFields:
    """Id, survey and version (with that version's rules), locale and times of one item."""
    errors: dict[str, str] = {}
    response_id = None
    raw_id = item.get("id")
    if not isinstance(raw_id, str) or len(raw_id) > MAX_ID_LENGTH:
        errors["id"] = "a UUID string is required"
    else:
        try:
            response_id = uuid.UUID(raw_id)
        except ValueError:
            errors["id"] = "not a valid UUID"

    key, version = item.get("survey"), item.get("version")
    rules = None
    if not isinstance(key, str) or not key:
        errors["survey"] = "the survey key is required"
    if type(version) is not int or not 1 <= version <= 1_000_000:
        errors["version"] = "a survey version number is required"
    if "survey" not in errors and "version" not in errors:
        rules = rules_for(key, version)
        if isinstance(rules, str):
            errors["version" if rules.startswith("unknown version") else "survey"] = rules
            rules = None

    locale = item.get("locale")
    if locale not in LOCALES:
        errors["locale"] = "must be 'vi' or 'en'"

    started = submitted = None
    try:
        submitted = parse_time(item.get("submitted_at"))
    except ValueError as exc:
        errors["submitted_at"] = str(exc)
    if item.get("started_at") is not None:
        try:
            started = parse_time(item["started_at"])
        except ValueError as exc:
            errors["started_at"] = str(exc)
    if submitted is not None:
        _check_times(started, submitted, correction, device_time, now, errors)
    return ItemFields(
        errors, client_id_of(item), raw_id, response_id, key, version, rules, locale, started,
        submitted,
    )  # fmt: skip


def check_item(
    item,
    rules_for,
    correction: timedelta,
    device_time: datetime,
    now: datetime,
    officials: Mapping[str, Serving] | None = None,
):
    """A ValidItem, or a RejectedItem listing every problem found (field -> message).

    `rules_for(key, version)` gives the SurveyRules of a known version usable by this kiosk,
    or an error message. `officials` ({code: Serving}) are who may be named as `official`:
    the unit's active officials, and those who left it for responses submitted before.
    """
    if not isinstance(item, dict):
        return RejectedItem(None, {"item": item}, {"item": "each response must be an object"})
    fields = parse_item_fields(item, rules_for, correction, device_time, now)
    errors, submitted = fields.errors, fields.submitted

    answers, overall = {}, None
    if fields.rules is not None:
        answers = fields.rules.check_answers(item.get("answers"), errors)
        overall = answers.get(fields.rules.overall_id)
    elif not isinstance(item.get("answers"), dict):
        errors["answers"] = "must be an object {question_id: value}"

    official_id = None
    official = item.get("official")
    if official is not None:
        serving = (officials or {}).get(official) if isinstance(official, str) else None
        if serving is not None and (
            serving.until is None
            or (submitted is not None and submitted + correction < serving.until)
        ):
            official_id = serving.official_id
        else:
            errors["official"] = "not an active official of this kiosk's unit"

    contact = None
    if item.get("contact") is not None:
        contact = check_contact(item["contact"], errors)

    if errors:
        return RejectedItem(fields.client_id, item, errors)
    # No error recorded means every field above parsed; restated so the types follow.
    if not (
        isinstance(fields.raw_id, str)
        and fields.id is not None
        and isinstance(fields.key, str)
        and type(fields.version) is int
        and isinstance(fields.locale, str)
        and isinstance(overall, int)
        and submitted is not None
    ):
        raise AssertionError("check_item accepted an item it did not parse")
    return ValidItem(
        client_id=fields.raw_id,
        id=fields.id,
        version_key=(fields.key, fields.version),
        locale=fields.locale,
        answers=answers,
        overall=overall,
        device_started_at=fields.started,
        device_submitted_at=submitted,
        payload=item,
        official_id=official_id,
        contact=contact,
    )


def check_contact(contact, errors: dict) -> tuple[str, str] | None:
    """`{"phone": "…", "consent": true}` (SPEC 9), optionally with `"consent_version"`, the
    version of the consent text the citizen saw (contacts/consent.py; the current one when
    left out). Without `"consent": true` nothing is stored: the item is rejected."""
    if not isinstance(contact, dict):
        errors["contact"] = 'must be an object {"phone": "…", "consent": true}'
        return None
    if contact.get("consent") is not True:
        errors["contact"] = 'a contact is stored only with "consent": true'
        return None
    version = contact.get("consent_version", CURRENT_VERSION)
    if not isinstance(version, str) or version not in CONSENT_TEXTS:
        errors["contact"] = "unknown consent_version"
        return None
    try:
        phone = normalise_phone(contact.get("phone"))
    except PhoneError as exc:
        errors["contact"] = f"phone {exc}"
        return None
    return phone, version


def _check_times(started, submitted, correction, device_time, now, errors) -> None:
    if submitted > device_time + SUBMITTED_AFTER_DEVICE_TIME_SLACK:
        errors["submitted_at"] = "is later than the device_time of this batch"
    elif submitted - now < -MAX_AGE - correction:  # corrected time too old (no overflow)
        errors["submitted_at"] = f"is more than {MAX_AGE.days} days old"
    if started is not None and "submitted_at" not in errors:
        if started > submitted:
            errors["started_at"] = "is later than submitted_at"
        elif submitted - started > MAX_SURVEY_DURATION:
            errors["started_at"] = "is more than 24 hours before submitted_at"


def canonical_answers(answers: dict) -> str:
    """A stable text of any JSON value (quarantined payloads), for comparisons."""
    return json.dumps(answers, sort_keys=True, ensure_ascii=False, allow_nan=False)


def answers_key(answers) -> frozenset | str:
    """A cheap comparable form of a response's answers. Valid answers are flat
    {question: int | bool | str}, so their items are hashable; anything else falls back to
    canonical JSON. (True == 1 in a set, but one question always has one kind of value.)"""
    try:
        return frozenset(answers.items())
    except (AttributeError, TypeError):
        return canonical_answers(answers)
