"""The kiosk drift rule (SPEC 7): a kiosk-day's share of 5s far above the kiosk's own last
30 days is flagged `drift` by `flask responses reflag`, not below the minimum n, not for a
small rise; the figures' counts follow (rollup_differences stays empty)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.factories import add_responses, kiosk_for
from webapp.audit.models import AuditEvent
from webapp.extensions import db
from webapp.flags import rules
from webapp.flags.stats import Proportion, rises_above
from webapp.responses.models import Response
from webapp.responses.rollups import rollup_differences

DAY = datetime(2025, 2, 10, 3, 0, tzinfo=UTC)  # Monday, 10:00 in Ho Chi Minh City


def _history(kiosk):
    """Four answers a day, half of them 5, on the 30 days before DAY but Sundays (off hours):
    25 days, 100 answers, 50 % 5s."""
    for back in range(1, 31):
        day = DAY - timedelta(days=back)
        if day.weekday() != 6:
            add_responses(kiosk, [5, 4, 5, 4], at=day)


def _reflag(runner, *extra):
    result = runner.invoke(args=["responses", "reflag", "--period", "2025-02", *extra])
    assert result.exit_code == 0, result.output
    return result.output


def _flags_of(ids):
    rows = db.session.execute(select(Response.flagged, Response.flags).where(Response.id.in_(ids)))
    return [(flagged, list(flags)) for flagged, flags in rows]


@pytest.mark.parametrize(
    ("today", "fires"),
    [
        ([5] * 30, True),  # 100 % against 50 %: z about 5
        ([5] * 19, False),  # fewer than FLAG_DRIFT_MIN_N (20) answers that day
        ([5] * 17 + [4] * 13, False),  # 57 % against 50 %: less than ten points
    ],
)
def test_drift_on_a_hand_made_kiosk_history(seeded, runner, today, fires):
    with seeded.app_context():
        kiosk = kiosk_for("tan-dinh")
        other = kiosk_for("tan-dinh")
        _history(kiosk)
        ids = add_responses(kiosk, today, at=DAY)
        # Another kiosk of the unit giving 5s only, with no history: nothing to compare with.
        other_ids = add_responses(other, [5] * 30, at=DAY)
        db.session.commit()
        output = _reflag(runner)
        expected = (True, ["drift"]) if fires else (False, [])
        assert _flags_of(ids) == [expected] * len(ids)
        assert _flags_of(other_ids) == [(False, [])] * 30
        changed = len(ids) if fires else 0
        assert output.startswith(f"reflag: {changed} changed, {changed} flagged of ")
        assert rollup_differences() == {}
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "responses.reflag")
        ).one()
        assert event.details["changed"] == changed
        assert event.details["period"] == "2025-02"


def test_drift_history_counts_the_previous_thirty_days_only(seeded, runner):
    """A 5s-only stretch 31+ days back is not history; the mixed last 30 days are."""
    with seeded.app_context():
        kiosk = kiosk_for("tan-dinh")
        for back in range(31, 45):
            add_responses(kiosk, [5] * 10, at=DAY - timedelta(days=back))
        _history(kiosk)
        ids = add_responses(kiosk, [5] * 25, at=DAY)
        db.session.commit()
        _reflag(runner)
        assert _flags_of(ids) == [(True, ["drift"])] * 25


def test_drift_is_not_judged_at_ingest_and_the_rule_is_the_officials_test():
    assert rules.DRIFT not in rules.PER_RESPONSE
    # The same test the officials' review uses: ten points and z >= 3.
    assert rises_above(Proportion(30, 30), Proportion(50, 100))
    assert not rises_above(Proportion(17, 30), Proportion(50, 100))
    assert not rises_above(Proportion(7, 10), Proportion(5, 10))  # +20 points, z < 3
