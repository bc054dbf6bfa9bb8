"""Helpers for the field API tests: a surveyor bound to two wards, their phone's device
token, and an interview item sent through /api/v1/sync."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import login, make_user
from tests.field.answers import complete_answers, definition_of
from webapp.extensions import db

SURVEYOR = "mttq.saigon@example.vn"
NOW = datetime.now(UTC).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture
def surveyor(seeded):
    with seeded.app_context():
        make_user(SURVEYOR, "surveyor", "sai-gon", "tan-dinh")
        db.session.commit()
    return SURVEYOR


@pytest.fixture
def token(seeded, client, surveyor):
    login(client, surveyor)
    reply = client.post("/api/v1/field/token")
    assert reply.status_code == 200, reply.get_data(as_text=True)
    return reply.get_json()["token"]


def item(seeded, survey="papi_household", unit="sai-gon", overrides=None, **fields):
    with seeded.app_context():
        answers = complete_answers(definition_of(survey), overrides)
    return {
        "id": str(uuid.uuid4()),
        "survey": survey,
        "version": 1,
        "locale": "vi",
        "unit": unit,
        "started_at": iso(NOW - timedelta(minutes=25)),
        "submitted_at": iso(NOW - timedelta(minutes=1)),
        "answers": answers,
        **fields,
    }


def sync(client, token, *items):
    return client.post(
        "/api/v1/sync",
        json={"device_time": iso(NOW), "responses": list(items)},
        headers={"Authorization": f"Bearer {token}"},
    )
