"""Reviewing flagged responses (issue 15): an admin confirms or clears one with a reason, the
figures follow in the same transaction, the decision is audited and kept by `reflag`; the
auditor reads without forms, a manager is refused."""

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tests.factories import PASSWORD, add_responses, kiosk_for, login, make_user
from webapp.audit.models import AuditEvent
from webapp.dashboard.figures import unit_summary
from webapp.extensions import db
from webapp.flags.models import FlagReview
from webapp.periods import parse_period
from webapp.responses.models import Response
from webapp.responses.rollups import rollup_differences
from webapp.units.services import get_unit

MONDAY = datetime(2025, 2, 10, 3, 0, tzinfo=UTC)  # 10:00 local
EARLY = datetime(2025, 2, 10, 23, 30, tzinfo=UTC)  # Tuesday 06:30 local: before 07:00


@pytest.fixture
def world(seeded):
    with seeded.app_context():
        kiosk = kiosk_for("tan-dinh")
        counted = add_responses(kiosk, [5] * 10, at=MONDAY)
        burst = add_responses(kiosk, [2] * 10, at=MONDAY, flagged=True, flags=["burst"])
        early = add_responses(kiosk, [4] * 3, at=EARLY, flagged=True, flags=["off_hours"])
        make_user("admin@flags.vn", "admin")
        make_user("auditor@flags.vn", "auditor")
        make_user("manager@flags.vn", "manager", "tan-dinh")
        db.session.commit()
    return {"app": seeded, "counted": counted, "burst": burst, "early": early}


def _client(app, email):
    client = app.test_client()
    assert login(client, email, PASSWORD).status_code == 302
    return client


def _headline():
    summary = unit_summary(get_unit("tan-dinh"), parse_period("2025-02"))
    return summary.headline.satisfied, summary.headline.n, summary.flagged_count


def _post(client, response_id, decision, reason):
    return client.post(
        f"/admin/flags/{response_id}/review", data={"decision": decision, "reason": reason}
    )


def test_clear_and_confirm_move_the_figures_and_are_audited(world):
    app = world["app"]
    admin = _client(app, "admin@flags.vn")
    with app.app_context():
        assert _headline() == (10, 10, 13)
    cleared, confirmed = world["burst"][:2]
    reply = _post(admin, cleared, "cleared", "  Khách thật, cán bộ xác nhận  ")
    assert reply.status_code == 302
    assert _post(admin, confirmed, "confirmed", "Bấm liên tục").status_code == 302
    with app.app_context():
        # One answer of 2 is counted now: 10 satisfied of 11; the confirmed one stays out.
        assert _headline() == (10, 11, 12)
        assert rollup_differences() == {}
        assert db.session.get(Response, cleared).flagged is False
        assert db.session.get(Response, confirmed).flagged is True
        review = db.session.scalars(
            select(FlagReview).where(FlagReview.response_id == cleared)
        ).one()
        assert (review.decision, review.reason, review.reasons) == (
            "cleared",
            "Khách thật, cán bộ xác nhận",
            ["burst"],
        )
        assert review.decided_by.email == "admin@flags.vn"
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "flag.review").order_by(AuditEvent.seq)
        ).all()
        assert [(e.target, e.details["decision"]) for e in events] == [
            (f"response:{cleared}", "cleared"),
            (f"response:{confirmed}", "confirmed"),
        ]
    # Changing one's mind: the cleared one confirmed after all goes back out.
    assert _post(admin, cleared, "confirmed", "Xem lại camera").status_code == 302
    with app.app_context():
        assert _headline() == (10, 10, 13)
        assert rollup_differences() == {}
    page = admin.get("/admin/flags?decided=yes").get_data(as_text=True)
    assert "Xem lại camera" in page
    assert "Bấm liên tục" in page
    assert "nhiều phiếu dồn dập từ một máy" in page  # the reason by its Vietnamese label


def test_a_reason_is_required_and_bad_ids_are_404(world):
    app = world["app"]
    admin = _client(app, "admin@flags.vn")
    target = world["burst"][0]
    for reason in ("", "   "):
        reply = _post(admin, target, "cleared", reason)
        assert reply.status_code == 400
    assert _post(admin, target, "maybe", "lý do").status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(FlagReview.id))) == 0
        assert db.session.get(Response, target).flagged is True
        assert _headline() == (10, 10, 13)
    assert _post(admin, uuid.uuid4(), "cleared", "lý do").status_code == 404
    assert admin.post("/admin/flags/not-a-uuid/review", data={}).status_code == 404
    # A response no rule flagged has nothing to review.
    assert _post(admin, world["counted"][0], "confirmed", "lý do").status_code == 404


def test_auditor_reads_without_forms_and_manager_is_refused(world):
    app = world["app"]
    auditor = _client(app, "auditor@flags.vn")
    page = auditor.get("/admin/flags")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert body.count("data-response=") == 13
    assert '/review"' not in body
    assert '<form method="post" action="/admin/flags' not in body
    assert _post(auditor, world["burst"][0], "cleared", "lý do").status_code == 403
    manager = _client(app, "manager@flags.vn")
    assert manager.get("/admin/flags").status_code == 403
    assert _post(manager, world["burst"][0], "cleared", "lý do").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(FlagReview.id))) == 0


def test_filters(world):
    admin = _client(world["app"], "admin@flags.vn")
    _post(admin, world["early"][0], "cleared", "giờ làm sớm")

    def rows(query):
        reply = admin.get(f"/admin/flags?{query}")
        assert reply.status_code == 200, query
        return reply.get_data(as_text=True).count("data-response=")

    assert rows("") == 13
    assert rows("reason=off_hours") == 3
    assert rows("reason=burst&unit=tan-dinh") == 10
    assert rows("unit=sai-gon") == 0
    assert rows("decided=yes") == 1
    assert rows("decided=no") == 12
    assert rows("period=2025-01") == 0
    assert rows("period=2025-02&reason=drift") == 0
    assert admin.get("/admin/flags?reason=nonsense").status_code == 400
    assert admin.get("/admin/flags?unit=nowhere").status_code == 400


def test_unit_page_links_admins_and_auditors_to_the_screen(world):
    app = world["app"]
    for email, linked in (("admin@flags.vn", True), ("manager@flags.vn", False)):
        page = _client(app, email).get("/units/tan-dinh?period=2025-02").get_data(as_text=True)
        assert ("data-flags-link" in page) is linked
        assert "ngoài giờ" in page  # every reason by its Vietnamese label


def test_reflag_after_a_config_change_keeps_reviews(world, runner):
    """Office hours from 06:00: the undecided early answers are counted again, the confirmed
    one stays out, the cleared one stays in; a new reason flags a cleared one again."""
    app = world["app"]
    admin = _client(app, "admin@flags.vn")
    undecided, confirmed, cleared = world["early"]
    assert _post(admin, cleared, "cleared", "khách thật").status_code == 302
    assert _post(admin, confirmed, "confirmed", "bấm thử").status_code == 302

    def state():
        return {
            r.id: (r.flagged, r.flags)
            for r in db.session.scalars(select(Response).where(Response.id.in_(world["early"])))
        }

    app.config["OFFICE_HOURS_START"] = "06:00"
    result = runner.invoke(args=["responses", "reflag", "--period", "2025-02"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert state() == {
            undecided: (False, []),
            confirmed: (True, ["off_hours"]),
            cleared: (False, []),
        }
        assert rollup_differences() == {}
        # The factory's 10 "bursts" are one a minute, no burst by the rules: counted now too.
        assert _headline() == (10 + 2, 10 + 10 + 2, 1)  # the early ones are 4s
    # Changed: the 10 bursts, the undecided one, and the cleared one's reasons (now none).
    assert result.output == "reflag: 12 changed, 1 flagged of 23 responses\n"

    # Back to 07:00, and more than 2 answers in 5 minutes is a burst: the cleared one (the
    # third of its three) is flagged again, burst being a reason it was not cleared of.
    app.config.update(OFFICE_HOURS_START="07:00", FLAG_BURST_COUNT=2, FLAG_BURST_SECONDS=300)
    result = runner.invoke(
        args=["responses", "reflag", "--period", "2025-02", "--unit", "tan-dinh"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert state() == {
            undecided: (True, ["off_hours"]),
            confirmed: (True, ["off_hours"]),
            cleared: (True, ["burst", "off_hours"]),
        }
        assert rollup_differences() == {}
        event = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "responses.reflag")
            .order_by(AuditEvent.seq.desc())
        ).first()
        assert event.details["units"] == ["tan-dinh"]
    # Clearing it again, for both reasons now, counts it.
    assert _post(admin, cleared, "cleared", "khách thật, đông người").status_code == 302
    with app.app_context():
        assert db.session.get(Response, cleared).flagged is False
        assert rollup_differences() == {}
