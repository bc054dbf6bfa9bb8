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
