"""The figures service against hand-made responses with known answers."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tests.factories import add_responses, kiosk_for
from webapp.dashboard import figures
from webapp.dashboard.figures import make_share, unit_summary, wilson_interval
from webapp.extensions import db
from webapp.periods import parse_period
from webapp.units.services import get_unit

Q1 = parse_period("2025-Q1")
FEB = datetime(2025, 2, 10, 3, 0, tzinfo=UTC)  # 10:00 local, a Monday


# Wilson score intervals published by Newcombe (1998), Statistics in Medicine 17:857, method 3.
@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (29, 29, 0.8830, 1.0),
    ],
)
def test_wilson_interval_matches_published_values(successes, n, low, high):
    got_low, got_high = wilson_interval(successes, n)
    assert got_low == pytest.approx(low, abs=5e-5)
    assert got_high == pytest.approx(high, abs=5e-5)


def test_wilson_interval_edges():
    assert wilson_interval(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError, match="outside"):
        wilson_interval(5, 4)


def test_share_tie_at_target_meets_it(app):
    with app.app_context():
        tie = make_share(99, 100, Decimal("99"))
        assert tie.pct == pytest.approx(99.0)
        assert tie.enough
        assert tie.meets_target is True
        below = make_share(98, 100, Decimal("99"))
        assert below.meets_target is False
        # 95.00 % target, 19 of 20 is exactly 95 % but n is below the minimum: no verdict.
        small = make_share(19, 20, Decimal("95"))
        assert small.enough is False
        assert small.meets_target is None
        assert small.pct == pytest.approx(95.0)
        assert make_share(0, 0, Decimal("99")).pct is None


def test_headline_counts_4_and_5_only_and_excludes_flagged(seeded):
    with seeded.app_context():
        kiosk = kiosk_for("sai-gon")
        # 30 valid: 27 satisfied (4/5), 3 not (a 3, a 2, a 1) -> 90 %.
        add_responses(kiosk, [5] * 20 + [4] * 7 + [3, 2, 1], at=FEB)
        # Flagged 5s would lift it to 93.9 %; they must not count.
        add_responses(kiosk, [5] * 3, at=FEB + timedelta(hours=2), flagged=True, flags=["burst"])
        add_responses(
            kiosk, [5], at=FEB + timedelta(hours=3), flagged=True, flags=["burst", "outside_hours"]
        )
        summary = unit_summary(get_unit("sai-gon"), Q1)
        head = summary.headline
        assert (head.satisfied, head.n) == (27, 30)
        assert head.pct == pytest.approx(90.0)
        low, high = wilson_interval(27, 30)
        assert head.low == pytest.approx(100 * low)
        assert head.high == pytest.approx(100 * high)
        assert head.target == Decimal("99")
        assert head.enough is True
        assert head.meets_target is False
        assert summary.flagged_count == 4
        assert summary.flag_reasons == {"burst": 4, "outside_hours": 1}
        overall = next(q for q in summary.questions if q.id == "overall")
        assert overall.distribution == {1: 1, 2: 1, 3: 1, 4: 7, 5: 20}
        assert overall.mean == pytest.approx((20 * 5 + 7 * 4 + 3 + 2 + 1) / 30)
        assert summary.kiosks == [{"id": kiosk.id, "name": kiosk.name, "count": 30, "flagged": 4}]


def test_too_few_answers_below_min_n(seeded):
    with seeded.app_context():
        kiosk = kiosk_for("tan-dinh")
        add_responses(kiosk, [5] * 29, at=FEB)
        head = unit_summary(get_unit("tan-dinh"), Q1).headline
        assert head.n == 29
        assert head.pct == pytest.approx(100.0)
        assert head.enough is False
        assert head.meets_target is None
        seeded.config["MIN_N"] = 20
        assert unit_summary(get_unit("tan-dinh"), Q1).headline.meets_target is True


def test_quarter_boundary_is_local_time(seeded):
    with seeded.app_context():
        kiosk = kiosk_for("ben-thanh")
        # 2025-03-31T17:30Z is 2025-04-01 00:30 in Ho Chi Minh City: second quarter.
        add_responses(kiosk, [1], at=datetime(2025, 3, 31, 17, 30, tzinfo=UTC))
        # 2025-03-31T16:59Z is 23:59 local on 31 March: first quarter.
        add_responses(kiosk, [5], at=datetime(2025, 3, 31, 16, 59, tzinfo=UTC))
        # 2024-12-31T17:00Z is exactly local midnight of 1 January 2025: first quarter.
        add_responses(kiosk, [4], at=datetime(2024, 12, 31, 17, 0, tzinfo=UTC))
        unit = get_unit("ben-thanh")
        q1 = unit_summary(unit, Q1, include_predecessors=False)
        q2 = unit_summary(unit, parse_period("2025-Q2"), include_predecessors=False)
        assert (q1.headline.satisfied, q1.headline.n) == (2, 2)
        assert (q2.headline.satisfied, q2.headline.n) == (0, 1)
        assert [m["period"] for m in q1.months] == ["2025-01", "2025-02", "2025-03"]
        assert [m["share"].n for m in q1.months] == [1, 0, 1]
        assert q2.by_hour[0] == 1  # 00:30 local
        assert q2.by_weekday == [0, 1, 0, 0, 0, 0, 0]  # 1 April 2025 is a Tuesday
        assert q1.by_hour[23] == 1
        assert q1.by_hour[0] == 1


def test_merged_unit_includes_predecessors_and_old_unit_keeps_its_own(seeded):
    with seeded.app_context():
        old = get_unit("ben-nghe")  # retired 2025, merged into sai-gon
        new = get_unit("sai-gon")
        assert old.merged_into_id == new.id
        old_kiosk = kiosk_for("ben-nghe")
        new_kiosk = kiosk_for("sai-gon")
        add_responses(old_kiosk, [5] * 10 + [2] * 2, at=datetime(2024, 11, 5, 2, tzinfo=UTC))
        add_responses(new_kiosk, [4] * 3, at=datetime(2024, 12, 5, 2, tzinfo=UTC))
        year = parse_period("2024")
        merged = unit_summary(new, year)
        assert (merged.headline.satisfied, merged.headline.n) == (13, 15)
        # Bến Nghé whole; Đa Kao and Nguyễn Thái Bình split (shared with other wards).
        assert merged.includes_predecessors == ["ben-nghe", "da-kao", "nguyen-thai-binh"]
        assert merged.shared_predecessors == ["da-kao", "nguyen-thai-binh"]
        own = unit_summary(new, year, include_predecessors=False)
        assert (own.headline.satisfied, own.headline.n) == (3, 3)
        assert own.includes_predecessors == []
        retired = unit_summary(old, year)
        assert retired.unit_name["vi"] == "Phường Bến Nghé"
        assert (retired.headline.satisfied, retired.headline.n) == (10, 12)


def test_groups_per_report_group_with_their_targets(seeded):
    with seeded.app_context():
        kiosk = kiosk_for("q1-dang-ky-dat-dai")
        add_responses(kiosk, [5] * 38 + [3, 3], at=FEB, domain="dat_dai")  # 95 % at 95 % target
        add_responses(kiosk, [4] * 5, at=FEB, domain="ho_tich")
        add_responses(kiosk, [1], at=FEB, domain=None)
        summary = unit_summary(get_unit("q1-dang-ky-dat-dai"), Q1)
        groups = {g["code"]: g for g in summary.groups}
        land = groups["land_construction_investment_95"]["share"]
        assert (land.satisfied, land.n, land.target) == (38, 40, Decimal("95"))
        assert land.meets_target is True  # a tie at the target meets it
        general = groups["general_99"]["share"]
        assert (general.n, general.enough, general.meets_target) == (5, False, None)
        assert groups[None]["share"].n == 1
        assert summary.headline.n == 46


def test_questions_receipt_comments_and_hash(seeded):
    with seeded.app_context():
        kiosk = kiosk_for("cau-ong-lanh")
        add_responses(kiosk, [5] * 3, at=FEB, answers={"receipt": "co", "staff": 4})
        unhappy = {"receipt": "khong", "problem": "cho_lau", "comment": "Chờ lâu quá"}
        add_responses(kiosk, [2], at=FEB + timedelta(hours=1), answers=unhappy)
        add_responses(
            kiosk,
            [4],
            at=FEB + timedelta(hours=2),
            answers={"receipt": "khong_thu_phi", "comment": "Cảm ơn"},
        )
        add_responses(
            kiosk,
            [5],
            at=FEB + timedelta(hours=3),
            flagged=True,
            answers={"receipt": "khong", "comment": "hidden"},
        )
        summary = unit_summary(get_unit("cau-ong-lanh"), Q1)
        assert summary.receipt_not_received == {"count": 1, "n": 4, "pct": 25.0}
        stats = {q.id: q for q in summary.questions}
        assert stats["staff"].n == 3
        assert stats["staff"].mean == pytest.approx(4.0)
        assert stats["problem"].distribution["cho_lau"] == 1
        assert stats["problem"].distribution["thai_do"] == 0
        assert [o["code"] for o in stats["problem"].options][:2] == ["cho_lau", "thai_do"]
        assert [c["text"] for c in summary.comments] == ["Cảm ơn", "Chờ lâu quá"]
        assert summary.comments_total == 2
        assert summary.comments[0]["submitted_at"] == "2025-02-10T12:00:00+07:00"
        data = summary.to_dict()
        assert json.loads(json.dumps(data)) == data
        again = unit_summary(get_unit("cau-ong-lanh"), Q1)
        assert again.data_sha256 == summary.data_sha256
        add_responses(kiosk, [4], at=FEB + timedelta(hours=5))
        assert unit_summary(get_unit("cau-ong-lanh"), Q1).data_sha256 != summary.data_sha256


def test_empty_period_has_questions_but_no_figures(seeded):
    with seeded.app_context():
        summary = unit_summary(get_unit("q1-mn-ben-thanh"), Q1)
        assert summary.headline.n == 0
        assert summary.headline.pct is None
        assert summary.groups == []
        assert "environment" in [q.id for q in summary.questions]
        assert summary.by_hour == [0] * 24
        assert summary.receipt_not_received == {"count": 0, "n": 0, "pct": None}


def test_district_overview_ranks_and_puts_too_few_last(seeded):
    with seeded.app_context():
        seeded.config["MIN_N"] = 10
        add_responses(kiosk_for("sai-gon"), [5] * 10, at=FEB)  # 100 %
        add_responses(kiosk_for("tan-dinh"), [5] * 19 + [3], at=FEB)  # 95 %, n 20
        add_responses(kiosk_for("ben-thanh"), [5] * 9 + [3], at=FEB)  # 90 %
        add_responses(kiosk_for("cau-ong-lanh"), [5] * 9, at=FEB)  # too few
        add_responses(kiosk_for("ben-nghe"), [1] * 10, at=FEB)  # retired: counts for sai-gon
        rows = figures.district_overview(Q1, "ward_one_stop")
        order = [(r["unit_slug"], r["rank"]) for r in rows]
        assert order == [("tan-dinh", 1), ("ben-thanh", 2), ("sai-gon", 3), ("cau-ong-lanh", None)]
        assert rows[2]["share"].n == 20
        assert rows[2]["share"].pct == pytest.approx(50.0)
        every = figures.district_overview(Q1)
        assert {"q1-mot-cua", "q1-mn-ben-thanh", "q1-ttyt"} <= {r["unit_slug"] for r in every}
        assert "quan-1" not in {r["unit_slug"] for r in every}  # no survey at district level
        assert "ben-nghe" not in {r["unit_slug"] for r in every}  # retired
        children = figures.ranking_below(get_unit("quan-1"), Q1)
        assert children[0]["unit_slug"] == "tan-dinh"
        db.session.rollback()


def test_a_parent_ranks_and_counts_everything_below_it(seeded):
    """Issue 11: the district's ranking lists a kindergarten under a ward (not only its direct
    children), and a ward with its health station has one figure over both, counted once."""
    with seeded.app_context():
        seeded.config["MIN_N"] = 5
        add_responses(kiosk_for("sai-gon"), [5] * 8 + [1, 2], at=FEB)  # 8 of 10
        add_responses(kiosk_for("ben-nghe"), [5] * 5, at=FEB)  # merged into sai-gon
        add_responses(kiosk_for("q1-tyt-ben-nghe"), [4] * 4 + [3], at=FEB)  # under sai-gon
        add_responses(kiosk_for("q1-mn-ben-thanh"), [5] * 6, at=FEB)  # under ben-thanh

        district = {r["unit_slug"] for r in figures.ranking_below(get_unit("quan-1"), Q1)}
        assert {"q1-mn-ben-thanh", "q1-tyt-ben-nghe", "sai-gon", "q1-ttyt"} <= district
        assert "ben-nghe" not in district  # retired: counted under its successor

        ward = figures.share_with_units_below(get_unit("sai-gon"), Q1)
        assert (ward.satisfied, ward.n) == (8 + 5 + 4, 10 + 5 + 5)
        assert ward.meets_target is None  # the units below have their own targets
        whole = figures.share_with_units_below(get_unit("quan-1"), Q1)
        assert whole.n == 10 + 5 + 5 + 6
        db.session.rollback()
