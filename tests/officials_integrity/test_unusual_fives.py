"""An official tapping for themselves (SPEC 7, 11): an unusual share of 5s is flagged and
explained, excluded from the official's figure only after an admin confirms it, audited."""

from datetime import UTC, datetime

import pytest

from tests.factories import PASSWORD, add_responses, kiosk_for, login, make_user
from webapp.audit.models import AuditEvent
from webapp.extensions import db
from webapp.officials.figures import unit_officials
from webapp.officials.integrity import suspicious_officials
from webapp.officials.models import OfficialReview
from webapp.officials.services import create_official
from webapp.periods import parse_period
from webapp.units.services import get_unit

MIXED = [5, 4] * 30  # 60 answers, half of them 5
Q1 = datetime(2025, 2, 10, 3, 0, tzinfo=UTC)


@pytest.fixture
def counter(seeded):
    """At Tân Định: Lan gives only 5s in 2025-Q1 after a mixed 2024; Bình and Chi are mixed."""
    with seeded.app_context():
        unit = get_unit("tan-dinh")
        kiosk = kiosk_for("tan-dinh")
        lan = create_official(unit, "TD-01", "Nguyễn Thị Lan")
        binh = create_official(unit, "TD-02", "Trần Văn Bình")
        chi = create_official(unit, "TD-03", "Lê Thị Chi")
        add_responses(kiosk, MIXED, at=datetime(2024, 9, 10, 3, tzinfo=UTC), official=lan)
        add_responses(kiosk, [5] * 60, at=Q1, official=lan)
        add_responses(kiosk, MIXED, at=Q1, official=binh)
        add_responses(kiosk, MIXED, at=Q1, official=chi)
        make_user("admin@q1.vn", "admin")
        make_user("auditor@q1.vn", "auditor")
        db.session.commit()
    return seeded


def test_only_the_official_far_above_history_and_unit_is_flagged(counter):
    with counter.test_request_context():
        suspects = suspicious_officials([get_unit("tan-dinh")], parse_period("2025-Q1"))
        assert [s.official.code for s in suspects] == ["TD-01"]
        why = suspects[0].explanation("vi")
        assert "100\u00a0%" in why  # their 5s ...
        assert "50\u00a0%" in why  # ... against history and the unit
        # Nothing is excluded before a decision.
        lan = next(r for r in unit_officials(get_unit("tan-dinh"), parse_period("2025-Q1")))
        assert (lan.code, lan.share.n) == ("TD-01", 60)


def test_a_normal_counter_is_not_flagged(counter):
    with counter.test_request_context():
        assert suspicious_officials([get_unit("tan-dinh")], parse_period("2024-Q3")) == []


def admin(app, email="admin@q1.vn"):
    client = app.test_client()
    assert login(client, email, PASSWORD).status_code == 302
    return client


def test_confirmation_excludes_the_period_and_is_audited(counter):
    counter.config["WTF_CSRF_ENABLED"] = False
    client = admin(counter)
    page = client.get("/admin/officials/reviews?period=2025-Q1").get_data(as_text=True)
    assert 'data-suspect="TD-01"' in page
    assert "TD-02" not in page
    with counter.app_context():
        lan_id = db.session.scalar(db.select(OfficialReview.id))  # none yet
        assert lan_id is None
        from webapp.officials.services import official_by_code

        lan_id = official_by_code("TD-01").id
    reply = client.post(
        "/admin/officials/reviews",
        data={
            "official_id": lan_id,
            "period": "2025-Q1",
            "decision": "confirmed",
            "note": "camera",
        },
    )
    assert reply.status_code == 302
    with counter.test_request_context():
        rows = {r.code: r for r in unit_officials(get_unit("tan-dinh"), parse_period("2025-Q1"))}
        assert rows["TD-01"].share.n == 0  # left out of her figure ...
        assert rows["TD-01"].flagged == 60  # ... and counted with the excluded ones
        assert rows["TD-02"].share.n == 60  # others untouched
        # The year still holds her 2024 answers (only the reviewed quarter is excluded).
        year_2024 = {r.code: r for r in unit_officials(get_unit("tan-dinh"), parse_period("2024"))}
        assert year_2024["TD-01"].share.n == 60
        event = db.session.scalar(
            db.select(AuditEvent).where(AuditEvent.action == "official.review")
        )
        assert event.details["decision"] == "confirmed"
    # Dismissing afterwards puts the answers back, and is audited too.
    client.post(
        "/admin/officials/reviews",
        data={"official_id": lan_id, "period": "2025-Q1", "decision": "dismissed"},
    )
    with counter.test_request_context():
        rows = {r.code: r for r in unit_officials(get_unit("tan-dinh"), parse_period("2025-Q1"))}
        assert rows["TD-01"].share.n == 60
        assert (
            db.session.scalar(
                db.select(db.func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "official.review")
            )
            == 2
        )


def test_bad_decisions_are_refused_and_change_nothing(counter):
    counter.config["WTF_CSRF_ENABLED"] = False
    client = admin(counter)
    with counter.app_context():
        from webapp.officials.services import official_by_code

        lan, binh = official_by_code("TD-01").id, official_by_code("TD-02").id
    base = {"period": "2025-Q1"}
    assert (
        client.post(
            "/admin/officials/reviews", data={**base, "official_id": lan, "decision": "delete"}
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/admin/officials/reviews", data={**base, "official_id": "x", "decision": "confirmed"}
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/admin/officials/reviews",
            data={"period": "2025-Q9", "official_id": lan, "decision": "confirmed"},
        ).status_code
        == 400
    )
    # Not suspicious: nothing to confirm.
    assert (
        client.post(
            "/admin/officials/reviews", data={**base, "official_id": binh, "decision": "confirmed"}
        ).status_code
        == 404
    )
    # An auditor reads the page but cannot decide.
    auditor = admin(counter, "auditor@q1.vn")
    assert auditor.get("/admin/officials/reviews?period=2025-Q1").status_code == 200
    assert (
        auditor.post(
            "/admin/officials/reviews", data={**base, "official_id": lan, "decision": "confirmed"}
        ).status_code
        == 403
    )
    with counter.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(OfficialReview)) == 0
