"""POST /api/v1/sync: per-response validation, idempotency, quarantine, correction, flags."""

import io
import json
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.conftest import make_app
from tests.kiosk_api.conftest import (
    batch,
    enroll_kiosk,
    local_past,
    quarantine_count,
    response_item,
    snapshot,
    stored_count,
)
from webapp.audit.models import AuditEvent
from webapp.extensions import db
from webapp.kiosk.models import Kiosk
from webapp.kiosk.services import create_kiosk, revoke_kiosk
from webapp.responses.models import QuarantinedResponse, Response
from webapp.surveys.services import get_version
from webapp.units.services import get_unit

SYNC = "/api/v1/sync"


def post(client, kiosk, body, **headers):
    return client.post(SYNC, json=body, headers={**kiosk.headers, **headers})


def test_a_batch_is_stored_with_its_columns(kiosk, client, seeded):
    submitted = local_past(1, 9, 30)  # a Tuesday, 09:30 in Ho Chi Minh City
    one_tap = response_item(submitted=submitted)
    full = response_item(
        submitted=submitted + timedelta(minutes=5),
        locale="en",
        answers={
            "overall": 2,
            "problem": "cho_lau",
            "domain": "dat_dai",
            "staff": 4,
            "receipt": "co",
            "comment": "Phải chờ hơi lâu",
            "visits": None,  # skipped question
        },
    )

    reply = post(client, kiosk, batch([one_tap, full]))

    assert reply.status_code == 200
    body = reply.get_json()
    assert body["accepted"] == [one_tap["id"], full["id"]]
    assert body["duplicates"] == []
    assert body["rejected"] == []
    assert datetime.fromisoformat(body["server_time"]).tzinfo is not None
    with seeded.app_context():
        rows = {str(r.id): r for r in db.session.scalars(select(Response))}
        first, second = rows[one_tap["id"]], rows[full["id"]]
        assert (first.overall, first.locale, first.domain_code, first.flags) == (5, "vi", None, [])
        assert first.kiosk_id == kiosk.id
        assert first.unit.slug == "sai-gon"
        assert first.survey_version_id == get_version("tthc_one_stop", 1).id
        assert first.device_submitted_at == submitted
        assert first.device_started_at == submitted - timedelta(seconds=15)
        assert first.submitted_at == submitted  # clock within tolerance: not corrected
        assert first.clock_skew_seconds == 0
        assert first.flagged is False
        assert second.overall == 2
        assert second.domain_code == "dat_dai"
        assert second.answers == {
            "overall": 2,
            "problem": "cho_lau",
            "domain": "dat_dai",
            "staff": 4,
            "receipt": "co",
            "comment": "Phải chờ hơi lâu",
        }
        assert db.session.get(Kiosk, kiosk.id).last_sync_at is not None


def test_one_tap_responses_take_the_units_default_domain(seeded, client):
    with seeded.app_context():
        land = enroll_kiosk("q1-dang-ky-dat-dai")
    item = response_item()
    other = response_item(answers={"overall": 4, "domain": "ho_tich"})
    assert post(client, land, batch([item, other])).status_code == 200
    with seeded.app_context():
        domains = dict(db.session.execute(select(Response.overall, Response.domain_code)).all())
    assert domains == {5: "dat_dai", 4: "ho_tich"}


def test_duplicates_within_a_batch_and_across_batches_are_stored_once(kiosk, client, seeded):
    a, b = response_item(), response_item()
    first = post(client, kiosk, batch([a, b, a])).get_json()
    assert first["accepted"] == [a["id"], b["id"]]
    assert first["duplicates"] == [a["id"]]

    c = response_item()
    second = post(client, kiosk, batch([b, c, a])).get_json()
    assert second["accepted"] == [c["id"]]
    assert sorted(second["duplicates"]) == sorted([a["id"], b["id"]])
    assert second["rejected"] == []
    with seeded.app_context():
        assert stored_count() == 3
        assert quarantine_count() == 0
        assert (
            db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sync.conflict"))
            is None
        )


def test_the_id_is_echoed_as_sent_and_matched_in_any_spelling(kiosk, client, seeded):
    item = response_item()
    upper = {**item, "id": item["id"].upper()}
    assert post(client, kiosk, batch([upper])).get_json()["accepted"] == [upper["id"]]
    assert post(client, kiosk, batch([item])).get_json()["duplicates"] == [item["id"]]


def test_same_id_with_different_content_is_a_logged_conflict(kiosk, client, seeded):
    item = response_item()
    post(client, kiosk, batch([item]))
    with seeded.app_context():
        before = snapshot()
    changed = {**item, "answers": {"overall": 1}}

    reply = post(client, kiosk, batch([changed])).get_json()

    assert reply["duplicates"] == [item["id"]]
    assert reply["accepted"] == []
    assert reply["rejected"] == []
    with seeded.app_context():
        assert snapshot() == before  # the stored response is not overwritten
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sync.conflict"))
        assert event.target == f"response:{item['id']}"
        assert event.actor_kiosk_id == kiosk.id
        kept = db.session.scalar(select(QuarantinedResponse))
        assert kept.client_id == item["id"]
        assert kept.payload["answers"] == {"overall": 1}
        assert "id" in kept.errors


def test_same_id_from_another_kiosk_is_a_conflict_not_a_takeover(kiosk, client, seeded):
    with seeded.app_context():
        other = enroll_kiosk("tan-dinh")
    item = response_item()
    post(client, kiosk, batch([item]))
    assert post(client, other, batch([item])).get_json()["duplicates"] == [item["id"]]
    with seeded.app_context():
        assert db.session.scalar(select(Response.kiosk_id)) == kiosk.id
        assert db.session.scalar(
            select(AuditEvent.action).where(AuditEvent.action == "sync.conflict")
        )


INVALID = [
    ("id", {"id": "not-a-uuid"}),
    ("id", {"id": 12}),
    ("survey", {"survey": "no_such_survey"}),
    ("survey", {"survey": "school_public"}),  # not a survey of a ward one-stop kiosk
    ("version", {"version": 99}),
    ("version", {"version": "1"}),
    ("version", {"version": True}),
    ("locale", {"locale": "fr"}),
    ("submitted_at", {"submitted_at": "yesterday"}),
    ("submitted_at", {"submitted_at": "2026-03-03T09:30:00"}),  # no time zone
    ("submitted_at", {"submitted_at": None}),
    ("submitted_at", {"submitted": datetime.now(UTC) + timedelta(hours=1)}),  # after device_time
    ("submitted_at", {"submitted": datetime.now(UTC) - timedelta(days=500)}),
    ("started_at", {"started_at": "2099-01-01T00:00:00Z"}),  # after submitted_at
    ("answers", {"answers": [5]}),
    ("answers.overall", {"answers": {}}),
    ("answers.overall", {"answers": {"overall": 6}}),
    ("answers.overall", {"answers": {"overall": 0}}),
    ("answers.overall", {"answers": {"overall": True}}),
    ("answers.overall", {"answers": {"overall": 4.5}}),
    ("answers.overall", {"answers": {"overall": "5"}}),
    ("answers.overall", {"answers": {"overall": None}}),
    ("answers.problem", {"answers": {"overall": 2, "problem": "not_an_option"}}),
    ("answers.staff", {"answers": {"overall": 2, "staff": [1]}}),
    ("answers.comment", {"answers": {"overall": 2, "comment": "x" * 1001}}),
    ("answers.comment", {"answers": {"overall": 2, "comment": {"text": "hi"}}}),
    ("answers.color", {"answers": {"overall": 2, "color": "blue"}}),
]


def test_invalid_responses_are_rejected_one_by_one_and_quarantined(kiosk, client, seeded):
    # Seeding dominates the cost of a test, so every invalid case travels in one batch; each
    # one must be rejected for its own reason while the valid response beside them is stored.
    good = response_item()
    bad_items = [response_item(**change) for _, change in INVALID]

    reply = post(client, kiosk, batch([good, *bad_items]))

    assert reply.status_code == 200
    body = reply.get_json()
    assert body["accepted"] == [good["id"]]
    assert body["duplicates"] == []
    assert len(body["rejected"]) == len(INVALID)
    for (field, change), bad, rejected in zip(INVALID, bad_items, body["rejected"], strict=True):
        assert rejected["id"] == (bad["id"] if isinstance(bad["id"], str) else None)
        assert field in rejected["errors"], (change, rejected["errors"])
        assert all(isinstance(text, str) and text for text in rejected["errors"].values())
    with seeded.app_context():
        assert stored_count() == 1
        kept = db.session.scalars(select(QuarantinedResponse).order_by(QuarantinedResponse.id))
        kept = kept.all()
        assert [k.errors for k in kept] == [r["errors"] for r in body["rejected"]]
        assert [k.payload for k in kept] == json.loads(json.dumps(bad_items))
        assert {k.kiosk_id for k in kept} == {kiosk.id}


def test_non_object_items_are_rejected_with_a_null_id(kiosk, client, seeded):
    good = response_item()
    body = post(client, kiosk, batch([good, "oops", 7, None])).get_json()
    assert body["accepted"] == [good["id"]]
    assert [r["id"] for r in body["rejected"]] == [None, None, None]
    with seeded.app_context():
        assert quarantine_count() == 3


def test_nul_characters_are_refused_or_neutralised_never_a_500(kiosk, client, seeded):
    # PostgreSQL refuses NUL in text columns and cannot extract "\u0000" from JSON as text.
    body = batch(
        [
            response_item(id="\u0000abc"),
            response_item(survey="tthc\u0000"),
            response_item(answers={"overall": 3, "comment": "a\u0000b"}),
            response_item(answers={"overall": 3, "\u0000": 1}),
        ],
        kiosk={"app_version": "1\u00002"},
    )
    reply = post(client, kiosk, body)
    assert reply.status_code == 200
    body = reply.get_json()
    assert body["accepted"] == []
    assert body["rejected"][0]["id"] == "\u0000abc"  # echoed as sent
    assert "survey" in body["rejected"][1]["errors"]
    assert body["rejected"][2]["errors"] == {"answers.comment": "must not contain NUL characters"}
    with seeded.app_context():
        assert quarantine_count() == 4
        assert db.session.get(Kiosk, kiosk.id).app_version is None


def test_a_rejected_response_sent_again_is_quarantined_once(kiosk, client, seeded):
    bad = response_item(locale="fr")
    post(client, kiosk, batch([bad]))
    post(client, kiosk, batch([bad]))
    with seeded.app_context():
        assert quarantine_count() == 1


def test_an_old_survey_version_stays_accepted_after_a_new_one(kiosk, client, seeded):
    from webapp.surveys.services import publish

    with seeded.app_context():
        definition = dict(get_version("tthc_one_stop", 1).definition)
        definition["questions"] = definition["questions"][:3]
        publish(definition)
        db.session.commit()
    old = response_item(answers={"overall": 3, "staff": 4})
    new_bad = response_item(version=2, answers={"overall": 3, "staff": 4})  # v2 has no 'staff'
    body = post(client, kiosk, batch([old, new_bad])).get_json()
    assert body["accepted"] == [old["id"]]
    assert "answers.staff" in body["rejected"][0]["errors"]


# --- whole-request errors -------------------------------------------------------------------


def raw_post(client, kiosk, data: bytes | str, **kwargs):
    return client.post(
        SYNC, data=data, content_type="application/json", headers=kiosk.headers, **kwargs
    )


WHOLE_REQUEST_ERRORS = [
    (400, "{not json"),
    (400, b"\xff\xfe garbage"),
    (400, "[]"),
    (400, "null"),
    (400, '{"device_time": "2026-01-01T00:00:00Z"}'),
    (400, '{"device_time": "2026-01-01T00:00:00Z", "responses": {}}'),
    (400, '{"responses": []}'),
    (400, '{"device_time": "soon", "responses": []}'),
    (400, '{"device_time": "2026-01-01T00:00:00", "responses": []}'),
    (400, '{"device_time": "0001-01-01T00:00:00Z", "responses": []}'),  # implausible clock
    (400, '{"device_time": "2026-01-01T00:00:00Z", "responses": [NaN]}'),
    (400, "[" * 100_000 + "]" * 100_000),  # deeper than the JSON parser's recursion limit
]


def test_malformed_requests_get_400_and_change_nothing(kiosk, client, seeded):
    post(client, kiosk, batch([response_item()]))
    with seeded.app_context():
        before = snapshot()

    for status, data in WHOLE_REQUEST_ERRORS:
        reply = raw_post(client, kiosk, data)
        assert reply.status_code == status, data[:80]
        assert set(reply.get_json()) == {"error", "message"}

    with seeded.app_context():
        assert snapshot() == before
        assert quarantine_count() == 0


def test_more_than_500_responses_is_413(kiosk, client, seeded):
    reply = post(client, kiosk, batch([response_item() for _ in range(501)]))
    assert reply.status_code == 413
    assert reply.get_json()["error"] == "too_large"
    with seeded.app_context():
        assert stored_count() == 0


def test_exactly_500_responses_are_accepted(kiosk, client, seeded):
    start = datetime.now(UTC) - timedelta(days=1)
    items = [response_item(submitted=start + timedelta(seconds=60 * i)) for i in range(500)]
    reply = post(client, kiosk, batch(items))
    assert reply.status_code == 200
    assert len(reply.get_json()["accepted"]) == 500


def test_a_body_over_1_mib_is_413_by_content_length(kiosk, client, seeded):
    huge = json.dumps(batch([response_item(answers={"overall": 5, "comment": "x" * 1_100_000})]))
    reply = raw_post(client, kiosk, huge)
    assert reply.status_code == 413
    with seeded.app_context():
        assert stored_count() == 0
        assert quarantine_count() == 0


def test_a_chunked_body_over_1_mib_is_413_without_reading_it_all(kiosk, client, seeded):
    class CountingStream(io.BytesIO):
        read_bytes = 0

        def read(self, size=-1):
            chunk = super().read(size)
            CountingStream.read_bytes += len(chunk)
            return chunk

    data = b'{"device_time": "2026-01-01T00:00:00Z", "responses": [' + b" " * 5_000_000 + b"]}"
    reply = client.post(
        SYNC,
        input_stream=CountingStream(data),
        content_type="application/json",
        headers={**kiosk.headers, "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert reply.status_code == 413
    assert CountingStream.read_bytes <= 1024 * 1024 + 1 + 65536


def test_tokens_are_checked_before_anything_else(kiosk, client, seeded):
    body = batch([response_item()])
    assert client.post(SYNC, json=body).status_code == 401
    assert client.post(SYNC, json=body, headers={"Authorization": "Bearer x"}).status_code == 401
    assert client.post(SYNC, data="{bad", headers={"Authorization": "Bearer x"}).status_code == 401
    with seeded.app_context():
        assert stored_count() == 0


def test_a_revoked_kiosk_gets_403_and_its_responses_stay(kiosk, client, seeded):
    item = response_item()
    post(client, kiosk, batch([item]))
    with seeded.app_context():
        revoke_kiosk(db.session.get(Kiosk, kiosk.id))
        db.session.commit()
        before = snapshot()

    reply = post(client, kiosk, batch([response_item()]))

    assert reply.status_code == 403
    assert reply.get_json()["error"] == "revoked"
    with seeded.app_context():
        assert snapshot() == before
        assert len(before) == 1


def test_sync_is_rate_limited_per_kiosk_token(seeded):
    app = make_app(RATELIMIT_ENABLED=True, SYNC_RATE_LIMIT="2 per minute")
    with app.app_context():
        first, second = enroll_kiosk(), enroll_kiosk()
    client = app.test_client()

    statuses = [post(client, first, batch([response_item()])).status_code for _ in range(3)]
    limited = post(client, first, batch([response_item()]))
    other = post(client, second, batch([response_item()]))

    assert statuses == [200, 200, 429]
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert limited.get_json()["error"] == "too_many_requests"
    assert other.status_code == 200  # another tablet behind the same address is not blocked
    with app.app_context():
        assert stored_count() == 3


# --- clock correction -----------------------------------------------------------------------


def test_a_slow_tablet_clock_is_corrected(kiosk, client, seeded):
    tablet_now = datetime.now(UTC) - timedelta(hours=3)  # tablet clock 3 h behind
    item = response_item(submitted=tablet_now - timedelta(minutes=10))

    post(client, kiosk, batch([item], device_time=tablet_now))

    with seeded.app_context():
        row = db.session.scalar(select(Response))
        assert row.device_submitted_at == tablet_now - timedelta(minutes=10)
        assert abs(row.clock_skew_seconds - 3 * 3600) <= 2
        expected = datetime.now(UTC) - timedelta(minutes=10)
        assert abs((row.submitted_at - expected).total_seconds()) <= 2


def test_a_fast_tablet_clock_is_corrected_backwards(kiosk, client, seeded):
    tablet_now = datetime.now(UTC) + timedelta(days=2)
    item = response_item(submitted=tablet_now - timedelta(seconds=30))
    post(client, kiosk, batch([item], device_time=tablet_now))
    with seeded.app_context():
        row = db.session.scalar(select(Response))
        assert abs(row.clock_skew_seconds + 2 * 86400) <= 2
        assert abs((row.submitted_at - datetime.now(UTC)).total_seconds() + 30) <= 2


def test_skew_within_the_tolerance_is_left_alone(kiosk, client, seeded):
    tablet_now = datetime.now(UTC) - timedelta(seconds=90)  # tolerance is 120 s
    item = response_item(submitted=tablet_now - timedelta(seconds=5))
    post(client, kiosk, batch([item], device_time=tablet_now))
    with seeded.app_context():
        row = db.session.scalar(select(Response))
        assert row.clock_skew_seconds == 0
        assert row.submitted_at == row.device_submitted_at


# --- flags ------------------------------------------------------------------------------------


def test_bursts_are_flagged_counting_stored_and_new_responses(seeded):
    app = make_app(FLAG_BURST_COUNT=3, FLAG_BURST_SECONDS=60)
    with app.app_context():
        kiosk = enroll_kiosk()
    client = app.test_client()
    start = local_past(1, 10)  # a Tuesday, 10:00
    device_time = datetime.now(UTC)
    items = [response_item(submitted=start + timedelta(seconds=10 * i)) for i in range(5)]

    post(client, kiosk, batch(items[:2], device_time=device_time))
    post(client, kiosk, batch(items[2:], device_time=device_time))
    late = response_item(submitted=start + timedelta(minutes=10))
    post(client, kiosk, batch([late], device_time=device_time))

    with app.app_context():
        flags = {str(r.id): r.flags for r in db.session.scalars(select(Response))}
    assert [flags[i["id"]] for i in items] == [[], [], [], ["burst"], ["burst"]]
    assert flags[late["id"]] == []


OFFICE_HOURS_CASES = [
    (1, 6, 59, True),  # Tuesday before opening (07:00-18:00 by default)
    (1, 7, 0, False),
    (1, 17, 59, False),
    (1, 18, 0, True),
    (6, 10, 0, True),  # Sunday
    (5, 10, 0, False),  # Saturday is an office day by default
]


def test_responses_outside_office_hours_are_flagged(kiosk, client, seeded):
    items = [response_item(submitted=local_past(d, h, m)) for d, h, m, _ in OFFICE_HOURS_CASES]
    post(client, kiosk, batch(items))
    with seeded.app_context():
        flags = {str(r.id): (r.flagged, r.flags) for r in db.session.scalars(select(Response))}
    for item, (*_, flagged) in zip(items, OFFICE_HOURS_CASES, strict=True):
        expected = (True, ["off_hours"]) if flagged else (False, [])
        assert flags[item["id"]] == expected


def test_an_identical_response_under_a_new_id_is_flagged_as_a_replay(kiosk, client, seeded):
    original = response_item(submitted=local_past(1, 10))
    device_time = datetime.now(UTC)
    copy = {**original, "id": str(uuid.uuid4())}
    other = {**original, "id": str(uuid.uuid4()), "answers": {"overall": 4}}
    post(client, kiosk, batch([original], device_time=device_time))
    post(client, kiosk, batch([copy, other], device_time=device_time))
    with seeded.app_context():
        flags = {str(r.id): r.flags for r in db.session.scalars(select(Response))}
    assert flags == {original["id"]: [], copy["id"]: ["replay"], other["id"]: []}


# --- what the kiosk reports -------------------------------------------------------------------


def test_sync_records_kiosk_facts_from_the_body_or_headers(kiosk, client, seeded):
    body = batch([], kiosk={"app_version": "2.0.0", "queued": 3, "persisted": False})
    assert post(client, kiosk, body, **{"X-Kiosk-App-Version": "1.0"}).status_code == 200
    with seeded.app_context():
        row = db.session.get(Kiosk, kiosk.id)
        assert (row.app_version, row.queued_count, row.storage_persisted) == ("2.0.0", 3, False)
        assert row.last_sync_at is not None
        assert row.last_seen_at is not None

    post(client, kiosk, batch([], kiosk={"queued": "many"}), **{"X-Kiosk-Queued": "0"})
    with seeded.app_context():
        assert db.session.get(Kiosk, kiosk.id).queued_count == 3  # garbage ignored


def test_the_api_is_exempt_from_csrf_because_it_uses_tokens(seeded):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        kiosk, code = create_kiosk(get_unit("tan-dinh"))
        db.session.commit()
    client = app.test_client()
    enrolled = client.post("/api/v1/kiosk/enroll", json={"code": code})
    assert enrolled.status_code == 200
    headers = {"Authorization": "Bearer " + enrolled.get_json()["token"]}
    reply = client.post(SYNC, json=batch([response_item()]), headers=headers)
    assert reply.status_code == 200
    assert len(reply.get_json()["accepted"]) == 1


def test_a_busy_database_answers_503_with_retry_after_and_stores_nothing(
    kiosk, client, seeded, monkeypatch
):
    from sqlalchemy.exc import OperationalError

    import webapp.api.routes

    def locked(*_args, **_kwargs):
        raise OperationalError("INSERT ...", {}, Exception("database is locked"))

    monkeypatch.setattr(webapp.api.routes, "ingest_for_device", locked)
    reply = post(client, kiosk, batch([response_item()]))

    assert reply.status_code == 503
    assert reply.get_json()["error"] == "busy"
    assert reply.headers["Retry-After"] == "5"
    with seeded.app_context():
        assert stored_count() == 0
