"""Sync items naming an official (SPEC 9, 11): only an active official of the kiosk's unit;
anything else is rejected with errors.official and kept in quarantine."""

from datetime import date

from sqlalchemy import select

from tests.kiosk_api.conftest import batch, enroll_kiosk, quarantine_count, response_item
from webapp.extensions import db
from webapp.officials.services import create_official, deactivate_official, official_by_code
from webapp.responses import rollups
from webapp.responses.models import QuarantinedResponse, Response
from webapp.units.services import get_unit


def make_officials():
    create_official(get_unit("sai-gon"), "SG-001", "Nguyễn Thị Lan", "Công chức Tư pháp")
    create_official(get_unit("sai-gon"), "SG-002", "Trần Văn Bình")
    left = create_official(get_unit("sai-gon"), "SG-003", "Phạm Văn Cũ")
    deactivate_official(left, date(2025, 1, 1))
    create_official(get_unit("tan-dinh"), "TD-001", "Lê Thị Cúc")
    db.session.commit()


def test_items_naming_officials(seeded, client):
    with seeded.app_context():
        make_officials()
        kiosk = enroll_kiosk("sai-gon")
    good = [
        response_item(official="SG-001", answers={"overall": 5, "staff": 5, "receipt": "co"}),
        response_item(official="SG-002", answers={"overall": 2}),
        response_item(answers={"overall": 4}),  # nobody named: fine
    ]
    bad = {
        "unknown": response_item(official="XX-404"),
        "inactive": response_item(official="SG-003"),
        "other_unit": response_item(official="TD-001"),
        "number": response_item(official=1),
        "list": response_item(official=["SG-001"]),
        "empty": response_item(official=""),
    }
    reply = client.post("/api/v1/sync", json=batch([*good, *bad.values()]), headers=kiosk.headers)
    assert reply.status_code == 200, reply.json
    assert sorted(reply.json["accepted"]) == sorted(item["id"] for item in good)
    rejected = {r["id"]: r["errors"] for r in reply.json["rejected"]}
    assert set(rejected) == {item["id"] for item in bad.values()}
    for item in bad.values():
        assert set(rejected[item["id"]]) == {"official"}, item

    with seeded.app_context():
        stored = {str(r.id): r.official_id for r in db.session.scalars(select(Response)).all()}
        assert stored == {
            good[0]["id"]: official_by_code("SG-001").id,
            good[1]["id"]: official_by_code("SG-002").id,
            good[2]["id"]: None,
        }
        held = db.session.scalars(select(QuarantinedResponse)).all()
        assert {h.client_id for h in held} == {item["id"] for item in bad.values()}
        assert all(set(h.errors) == {"official"} for h in held)
        assert quarantine_count() == len(bad)
        assert rollups.rollup_differences() == {}


def test_the_same_id_with_another_official_is_a_conflict(seeded, client):
    with seeded.app_context():
        make_officials()
        kiosk = enroll_kiosk("sai-gon")
    item = response_item(official="SG-001")
    assert client.post("/api/v1/sync", json=batch([item]), headers=kiosk.headers).json[
        "accepted"
    ] == [item["id"]]
    # Re-sent as it was: a duplicate, nothing held.
    again = client.post("/api/v1/sync", json=batch([item]), headers=kiosk.headers).json
    assert again["duplicates"] == [item["id"]]
    with seeded.app_context():
        assert quarantine_count() == 0
    # The same id naming someone else (or nobody) is not the same response.
    other = {**item, "official": "SG-002"}
    nobody = {k: v for k, v in item.items() if k != "official"}
    client.post("/api/v1/sync", json=batch([other]), headers=kiosk.headers)
    client.post("/api/v1/sync", json=batch([nobody]), headers=kiosk.headers)
    with seeded.app_context():
        assert quarantine_count() == 2
        stored = db.session.scalars(select(Response)).one()
        assert stored.official_id == official_by_code("SG-001").id
        assert rollups.rollup_differences() == {}


def test_kiosk_config_lists_the_units_active_officials(seeded, client):
    with seeded.app_context():
        make_officials()
        kiosk = enroll_kiosk("sai-gon")
        other = enroll_kiosk("tan-dinh")
    body = client.get("/api/v1/kiosk/config", headers=kiosk.headers).get_json()
    assert [(o["code"], o["name"], o["title"]) for o in body["officials"]] == [
        ("SG-001", "Nguyễn Thị Lan", "Công chức Tư pháp"),
        ("SG-002", "Trần Văn Bình", ""),
    ]
    body = client.get("/api/v1/kiosk/config", headers=other.headers).get_json()
    assert [o["code"] for o in body["officials"]] == ["TD-001"]


def test_answers_queued_before_the_official_left_or_moved_are_kept(seeded, client):
    """A tablet offline for days still holds answers naming whoever served then: they are
    stored if given before the (local) day that official left the unit, not quarantined."""
    from datetime import UTC, datetime, timedelta

    from webapp.officials.services import move_official

    now = datetime.now(UTC)
    with seeded.app_context():
        unit = get_unit("sai-gon")
        leaver = create_official(unit, "SG-010", "Đỗ Văn Đi")
        mover = create_official(unit, "SG-011", "Hồ Thị Chuyển")
        today = (now + timedelta(hours=7)).date()  # Ho Chi Minh City's date
        deactivate_official(leaver, today)
        move_official(mover, get_unit("tan-dinh"), today)
        db.session.commit()
        kiosk = enroll_kiosk("sai-gon")
    two_days_ago = now - timedelta(days=2)
    before = [
        response_item(official="SG-010", submitted=two_days_ago),
        response_item(official="SG-011", submitted=two_days_ago),
    ]
    after = [response_item(official="SG-010"), response_item(official="SG-011")]
    reply = client.post("/api/v1/sync", json=batch([*before, *after]), headers=kiosk.headers).json
    assert sorted(reply["accepted"]) == sorted(i["id"] for i in before)
    assert {r["id"] for r in reply["rejected"]} == {i["id"] for i in after}
    with seeded.app_context():
        named = {r.official_id for r in db.session.scalars(select(Response))}
        assert named == {official_by_code("SG-010").id, official_by_code("SG-011").id}
