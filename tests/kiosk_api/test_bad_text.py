"""Text no database can hold is refused with a 400 before anything is stored (review C1/I1)."""

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.responses.models import QuarantinedResponse, Response
from webapp.surveys.services import validate_definition


@pytest.mark.parametrize(
    "body",
    [
        b'{"device_time": "2025-05-01T08:00:00Z", "responses": [{"id": "x", "answers": {"overall": 1e999}}]}',
        b'{"device_time": "2025-05-01T08:00:00Z", "responses": [{"id": "\\ud800"}]}',
        b'{"device_time": "2025-05-01T08:00:00Z", "responses": [{"answers": {"comment": "\\ud800"}}]}',
    ],
)
def test_unstorable_text_and_numbers_are_400(seeded, kiosk, body):
    reply = seeded.test_client().post(
        "/api/v1/sync",
        data=body,
        headers={**kiosk.headers, "Content-Type": "application/json"},
    )
    assert reply.status_code == 400
    assert reply.get_json()["error"] == "bad_request"
    with seeded.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0
        assert db.session.scalar(select(func.count()).select_from(QuarantinedResponse)) == 0


def test_text_max_length_must_be_a_sane_whole_number():
    definition = {
        "key": "k",
        "title": {"vi": "t", "en": "t"},
        "questions": [
            {"id": "overall", "kind": "rating5", "required": True, "text": {"vi": "a", "en": "a"}},
            {"id": "c", "kind": "text", "text": {"vi": "a", "en": "a"}, "max_length": "500"},
        ],
    }
    assert any("max_length" in e for e in validate_definition(definition))


def test_invisible_controls_are_removed_from_comments_and_a_resend_is_a_duplicate(seeded, kiosk):
    """Probe finding L2: bidi overrides reordered a comment inside a signed PDF; ESC reached
    CSV output. They are removed at ingest, so every page, export and PDF reads as written;
    the same item sent again is still recognised as the same response."""
    from tests.kiosk_api.conftest import batch, response_item

    comment = "Cán bộ \u202etốt\u202c, \x1b[31mđỏ\x1b[0m \u2066chờ lâu\u2069"
    item = response_item(answers={"overall": 2, "comment": comment})
    client = seeded.test_client()
    first = client.post("/api/v1/sync", json=batch([item]), headers=kiosk.headers)
    again = client.post("/api/v1/sync", json=batch([item]), headers=kiosk.headers)
    assert first.get_json()["accepted"] == [item["id"]]
    assert again.get_json()["duplicates"] == [item["id"]]
    with seeded.app_context():
        stored = db.session.scalar(select(Response.answers))
    assert stored["comment"] == "Cán bộ tốt, [31mđỏ[0m chờ lâu"
