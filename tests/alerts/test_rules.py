"""Each alert rule from hand-made fixtures: fires once, never twice; min-n; the calendar."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tests.alerts.conftest import NOW, UNIT, responses
from tests.factories import kiosk_for
from webapp.alerts import rules, services
from webapp.alerts.models import Alert, Case
from webapp.extensions import db
from webapp.kiosk.models import Kiosk
from webapp.responses.models import QuarantinedResponse
from webapp.units.services import get_unit


def run(rule, now=NOW):
    alerts = services.run_rules(now, only=[rule])
    db.session.commit()
    return alerts


def test_below_target_clearly(seeded, kiosk):
    with seeded.app_context():
        responses(kiosk, [5] * 30 + [1] * 10)  # 75 % of 40, target 99 %
        alerts = run("below_target")
        assert [(a.rule, a.unit.slug) for a in alerts] == [("below_target", UNIT)]
        details = alerts[0].details
        assert details["n"] == 40
        assert details["satisfied"] == 30
        assert details["clearly"] is True
        assert details["high"] < 99
        assert run("below_target") == []  # same day: recorded once
        assert db.session.scalar(select(func.count(Alert.id))) == 1


def test_below_target_point_estimate_only(seeded, kiosk):
    with seeded.app_context():
        responses(kiosk, [5] * 98 + [2] * 2)  # 98 % of 100: the interval still reaches 99 %
        (alert,) = run("below_target")
        assert alert.details["clearly"] is False
        assert alert.details["pct"] == 98.0
        assert alert.details["high"] >= 99


def test_below_target_needs_min_n(seeded, kiosk):
    with seeded.app_context():
        responses(kiosk, [1] * 29)
        assert run("below_target") == []
        responses(kiosk, [5] * 40)  # 40 of 69: still below, and now n >= min-n
        assert len(run("below_target")) == 1


def test_below_target_window_is_the_last_30_days(seeded, kiosk):
    with seeded.app_context():
        responses(kiosk, [1] * 40, hours_before=24 * 31)
        assert run("below_target") == []
        period = rules.window(NOW)
        assert (period.end_day - period.first_day).days == 30


def test_below_target_again_the_next_day_joins_the_case(seeded, kiosk):
    with seeded.app_context():
        responses(kiosk, [1] * 40)
        (first,) = run("below_target")
        (second,) = run("below_target", NOW + timedelta(days=1))
        assert first.case_id == second.case_id
        assert db.session.scalar(select(func.count(Case.id))) == 1


def test_low_rating_with_comment(seeded, kiosk):
    with seeded.app_context():
        (wanted,) = responses(kiosk, [2], answers={"comment": "Chờ lâu quá"})
        responses(kiosk, [1])  # no comment
        responses(kiosk, [5], answers={"comment": "Rất tốt"})  # a good rating
        responses(kiosk, [1], answers={"comment": ""})  # empty comment
        alerts = run("low_rating")
        assert [a.key for a in alerts] == [str(wanted)]
        assert alerts[0].details["overall"] == 2
        assert run("low_rating") == []


def test_low_rating_flagged_is_ignored(seeded, kiosk):
    with seeded.app_context():
        responses(kiosk, [1], answers={"comment": "x"}, flagged=True)
        assert run("low_rating") == []


def test_receipt_not_given(seeded, kiosk):
    with seeded.app_context():
        (wanted,) = responses(kiosk, [4], answers={"receipt": "khong"})
        responses(kiosk, [4], answers={"receipt": "co"})
        alerts = run("receipt_missing")
        assert [a.key for a in alerts] == [str(wanted)]
        assert run("receipt_missing") == []


def _enrolled_kiosk(last_contact_local: datetime) -> int:
    kiosk = kiosk_for(UNIT, "Quầy 2")
    kiosk.enrolled_at = last_contact_local - timedelta(days=30)
    kiosk.last_seen_at = last_contact_local
    db.session.commit()
    return kiosk.id


def _local(*args) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")).astimezone(UTC)


def test_kiosk_silent_over_a_working_day(seeded):
    with seeded.app_context():
        _enrolled_kiosk(_local(2025, 2, 6, 16, 0))  # Thursday 16:00
        assert run("kiosk_silent", _local(2025, 2, 7, 15, 0)) == []  # Fri 15:00: 10 office h
        (alert,) = run("kiosk_silent", _local(2025, 2, 7, 17, 30))  # 12.5 office hours
        assert alert.details["office_hours_silent"] == 12.5
        assert run("kiosk_silent", _local(2025, 2, 8, 9, 0)) == []  # the same silence


def test_kiosk_silent_sunday_does_not_count(seeded):
    with seeded.app_context():
        _enrolled_kiosk(_local(2025, 2, 8, 16, 0))  # Saturday 16:00
        # Monday 15:00: 47 hours later but only 2 + 8 office hours (Sunday is closed).
        assert run("kiosk_silent", _local(2025, 2, 10, 15, 0)) == []
        assert len(run("kiosk_silent", _local(2025, 2, 10, 17, 30))) == 1


def test_kiosk_silent_skips_revoked_and_pending(seeded):
    with seeded.app_context():
        kiosk_id = _enrolled_kiosk(_local(2025, 1, 1, 9, 0))
        kiosk_for(UNIT, "chưa đăng ký")  # pending: never enrolled
        db.session.get(Kiosk, kiosk_id).revoked_at = _local(2025, 1, 2, 9, 0)
        db.session.commit()
        assert run("kiosk_silent") == []


def test_kiosk_contact_resets_the_silence(seeded):
    with seeded.app_context():
        kiosk_id = _enrolled_kiosk(_local(2025, 2, 3, 9, 0))
        assert len(run("kiosk_silent")) == 1
        db.session.get(Kiosk, kiosk_id).last_sync_at = NOW - timedelta(hours=1)
        db.session.commit()
        assert run("kiosk_silent") == []


def test_office_calendar_from_config(seeded):
    seeded.config["OFFICE_WEEKDAYS"] = (0, 1, 2, 3, 4)  # Monday to Friday
    with seeded.app_context():
        _enrolled_kiosk(_local(2025, 2, 7, 16, 0))  # Friday 16:00
        # Saturday closed too: by Monday 15:00 only 2 + 8 office hours.
        assert run("kiosk_silent", _local(2025, 2, 10, 15, 0)) == []


def test_new_quarantined_items(seeded, kiosk):
    with seeded.app_context():
        held = QuarantinedResponse(kiosk_id=kiosk, payload={"id": "x"}, errors={"overall": "?"})
        done = QuarantinedResponse(
            kiosk_id=kiosk, payload={"id": "y"}, errors={"id": "?"}, resolved_at=NOW
        )
        db.session.add_all([held, done])
        db.session.commit()
        alerts = run("quarantined")
        assert [a.key for a in alerts] == [str(held.id)]
        assert alerts[0].unit_id == get_unit(UNIT).id
        assert run("quarantined") == []


def test_alerts_join_the_open_case_and_a_resolved_case_stays_closed(seeded, kiosk):
    with seeded.app_context():
        responses(kiosk, [1, 2], answers={"comment": "chậm"})
        first, second = run("low_rating")
        assert first.case_id == second.case_id
        case = db.session.get(Case, first.case_id)
        assert [e.kind for e in case.events] == ["opened", "alert"]
        services.update_case(case, services.CaseChange("resolved", None, None, "Đã nhắc"), None)
        db.session.commit()
        responses(kiosk, [1], answers={"comment": "vẫn chậm"}, hours_before=1)
        (third,) = run("low_rating")
        assert third.case_id != case.id
        assert db.session.get(Case, third.case_id).status == "open"


def test_cli_prints_new_alerts_once(seeded, kiosk, runner):
    with seeded.app_context():
        kiosk_row = db.session.get(Kiosk, kiosk)
        from tests.factories import add_responses

        add_responses(
            kiosk_row, [1], at=datetime.now(UTC) - timedelta(hours=1), answers={"comment": "tệ"}
        )
        db.session.commit()
    first = runner.invoke(args=["alerts", "run"])
    assert first.exit_code == 0, first.output
    assert f"alert: low_rating {UNIT} " in first.output
    assert "new alerts low_rating: 1" in first.output
    again = runner.invoke(args=["alerts", "run"])
    assert again.exit_code == 0, again.output
    assert "alert:" not in again.output
    assert "new alerts low_rating: 0" in again.output


def test_cli_says_clearly_or_point_below(seeded, kiosk, runner):
    with seeded.app_context():
        from tests.factories import add_responses

        add_responses(
            db.session.get(Kiosk, kiosk),
            [5] * 30 + [1] * 10,
            at=datetime.now(UTC) - timedelta(hours=2),
        )
        db.session.commit()
    result = runner.invoke(args=["alerts", "run", "--rule", "below_target"])
    assert result.exit_code == 0, result.output
    assert f"alert: below_target {UNIT} clearly-below pct=75.0" in result.output
    assert "n=40 target=99" in result.output
    assert result.output.strip().endswith("new alerts below_target: 1")


def test_below_target_key_is_the_local_day(seeded, kiosk):
    with seeded.app_context():
        responses(kiosk, [1] * 40)
        (alert,) = run("below_target")
        assert alert.key == "2025-02-10"
        assert alert.details["last_day"] == "2025-02-10"


def test_a_finding_recorded_meanwhile_by_another_run_is_skipped(seeded, kiosk):
    """Two runs at once: the unique (unit, rule, key) keeps one; the other run goes on."""
    with seeded.app_context():
        unit_id = get_unit(UNIT).id
        (first,) = services.record_findings([rules.Finding("quarantined", unit_id, "7", {})])
        db.session.commit()
        assert services._record_one(rules.Finding("quarantined", unit_id, "7", {})) is None
        (other,) = services.record_findings([rules.Finding("quarantined", unit_id, "8", {})])
        db.session.commit()
        assert other.case_id == first.case_id
        assert db.session.scalar(select(func.count(Alert.id))) == 2
