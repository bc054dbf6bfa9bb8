"""POST /api/v1/kiosk/dead-letters: staff hand a tablet's stranded responses to the server's
quarantine, where an admin replays or dismisses them; nothing is left on the tablet."""

import json

from sqlalchemy import func, select

from tests.factories import login, make_user
from tests.kiosk_api.conftest import enroll_kiosk, response_item
from webapp.extensions import db
from webapp.kiosk.models import Kiosk
from webapp.kiosk.services import revoke_kiosk
from webapp.responses.models import QuarantinedResponse, Response

URL = "/api/v1/kiosk/dead-letters"


def quarantined(app) -> list[QuarantinedResponse]:
    with app.app_context():
        return list(
            db.session.scalars(select(QuarantinedResponse).order_by(QuarantinedResponse.id))
        )


def dead_letter(**overrides) -> dict:
    item = response_item()
    return {
        "id": item["id"],
        "response": item,
        "errors": {"request": "HTTP 413: the body is over 1048576 bytes"},
        **overrides,
    }


def test_dead_letters_are_kept_once_in_quarantine(kiosk, client, seeded):
    letters = [dead_letter(), dead_letter(reason="other_unit", errors={"unit": "thu ở Bến Nghé"})]
    reply = client.post(URL, json={"items": letters}, headers=kiosk.headers)
    assert reply.status_code == 200
    assert reply.get_json() == {"held": [letter["id"] for letter in letters]}
    rows = quarantined(seeded)
    assert [row.client_id for row in rows] == [letter["id"] for letter in letters]
    assert rows[0].payload == letters[0]["response"]
    assert rows[0].errors["request"].startswith("HTTP 413")
    assert "dead letters" in rows[1].errors["kiosk"]
    assert "other_unit" in rows[1].errors["kiosk"]
    assert all(row.kiosk_id == kiosk.id for row in rows)

    # Staff press the button again (the reply was lost): nothing is kept twice.
    again = client.post(URL, json={"items": letters}, headers=kiosk.headers)
    assert again.get_json()["held"] == [letter["id"] for letter in letters]
    assert len(quarantined(seeded)) == 2


def test_an_admin_replays_a_handed_over_response(kiosk, client, seeded):
    letter = dead_letter()
    client.post(URL, json={"items": [letter]}, headers=kiosk.headers)
    with seeded.app_context():
        make_user("admin@q1.vn", "admin")
        db.session.commit()
    admin = seeded.test_client()
    login(admin, "admin@q1.vn")
    row = quarantined(seeded)[0]
    reply = admin.post(
        f"/admin/quarantine/{row.id}",
        data={"replay-payload": json.dumps(letter["response"]), "replay-replay": "1"},
    )
    assert reply.status_code == 302
    with seeded.app_context():
        assert str(db.session.scalar(select(Response.id))) == letter["id"]


def test_bad_bodies_are_refused_and_nothing_is_kept(kiosk, client, seeded):
    for body in (
        [],
        {"items": "x"},
        {"items": [{"response": {}}]},
        {"items": [{"id": "a", "response": "not an object"}]},
        {"items": [dead_letter(), {"id": 5, "response": {}}]},  # all or nothing
    ):
        reply = client.post(URL, json=body, headers=kiosk.headers)
        assert reply.status_code == 400, body
        assert reply.get_json()["error"] == "bad_request"
    too_many = {"items": [dead_letter() for _ in range(501)]}
    assert client.post(URL, json=too_many, headers=kiosk.headers).status_code == 413
    assert quarantined(seeded) == []


def test_only_an_enrolled_kiosk_may_hand_over(client, seeded):
    body = {"items": [dead_letter()]}
    assert client.post(URL, json=body).status_code == 401
    with seeded.app_context():
        kiosk = enroll_kiosk()
        revoke_kiosk(db.session.get(Kiosk, kiosk.id))
        db.session.commit()
    assert client.post(URL, json=body, headers=kiosk.headers).status_code == 403
    with seeded.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuarantinedResponse)) == 0
