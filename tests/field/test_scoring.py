"""PAPI axis scores from hand-made interviews (webapp/field/scoring.py, docs/field.md)."""

import math
from copy import deepcopy
from datetime import UTC, datetime

import pytest

from tests.field._data import AT, OTHER_WARD, WARD, add_field, checklist, surveyor
from webapp.extensions import db
from webapp.field import scoring
from webapp.surveys.services import get_version, publish
from webapp.units.services import get_unit

T_2 = 4.302653  # t(0.975, 2)


def axis(result, name):
    (found,) = [a for a in result.axes if a.axis == name]
    return found


def item(axis_score, qid):
    (found,) = [i for i in axis_score.items if i.question_id == qid]
    return found


def transparency(poor, budget, land_plan, price):
    return {
        "tra_poor_list_posted": poor,
        "tra_budget_published": budget,
        "tra_land_plan_seen": land_plan,
        "tra_land_price_info": price,
    }


def test_t_quantiles():
    assert scoring.t_975(1) == pytest.approx(12.7062, abs=1e-4)
    assert scoring.t_975(2) == pytest.approx(T_2, abs=1e-4)
    assert scoring.t_975(30) == pytest.approx(2.0423, abs=1e-4)
    for df, expected in ((40, 2.021075), (60, 2.000298), (120, 1.979930), (1000, 1.962339)):
        assert scoring.t_975(df) == pytest.approx(expected, abs=2e-4)


def test_three_respondents_mean_n_and_interval(seeded):
    with seeded.app_context():
        _user, device, _token = surveyor()
        add_field(device, WARD, transparency(True, True, True, 5))  # 4/4 -> 10
        add_field(device, WARD, transparency(True, True, True, 3))  # 3.5/4 -> 8.875
        add_field(device, WARD, transparency(True, True, False, 5))  # 3/4 -> 7.75
        db.session.commit()

        result = scoring.ward_axes(get_unit(WARD), 2025)
        assert result.respondents == 3
        assert [a.axis for a in result.axes] == [
            "participation",
            "transparency",
            "accountability",
            "corruption_control",
            "admin_procedures",
            "public_services",
            "environment",
            "e_governance",
        ]
        score = axis(result, "transparency")
        assert score.n == 3
        assert score.mean == pytest.approx(8.875)
        # s = 1.125 (deviations 1.125, 0, -1.125); the upper bound is clipped to 10.
        assert score.low == pytest.approx(8.875 - T_2 * 1.125 / math.sqrt(3), abs=1e-3)
        assert score.high == 10
        assert score.shown is False  # FIELD_MIN_N defaults to 10
        assert score.title == {
            "vi": "Công khai, minh bạch trong việc ra quyết định ở địa phương",
            "en": "Transparency in local decision-making",
        }
        assert score.method["vi"].startswith("Điểm trục = 1 + 9 ×")
        land = item(score, "tra_land_plan_seen")
        assert (land.n, land.mean_points) == (3, pytest.approx(2 / 3))
        price = item(score, "tra_land_price_info")
        assert (price.n, price.mean_points) == (3, pytest.approx((1 + 0.5 + 1) / 3))
        # No one answered another axis: n = 0, no score.
        other = axis(result, "environment")
        assert (other.n, other.mean, other.low, other.high, other.shown) == (
            0,
            None,
            None,
            None,
            False,
        )


def test_min_n_from_configuration(seeded):
    with seeded.app_context():
        seeded.config["FIELD_MIN_N"] = 3
        _user, device, _token = surveyor()
        for price in (5, 3):
            add_field(device, WARD, transparency(True, True, True, price))
        db.session.commit()
        assert axis(scoring.ward_axes(get_unit(WARD), 2025), "transparency").shown is False
        add_field(device, WARD, transparency(True, True, False, 5))
        db.session.commit()
        assert axis(scoring.ward_axes(get_unit(WARD), 2025), "transparency").shown is True


def test_one_respondent_has_no_interval(seeded):
    with seeded.app_context():
        _user, device, _token = surveyor()
        add_field(device, WARD, transparency(True, False, False, 1))  # 1/4 -> 3.25
        db.session.commit()
        score = axis(scoring.ward_axes(get_unit(WARD), 2025), "transparency")
        assert (score.n, score.mean, score.low, score.high) == (1, 3.25, None, None)


def test_hidden_items_are_not_scored(seeded):
    with seeded.app_context():
        _user, device, _token = surveyor()
        add_field(
            device,
            WARD,
            {
                # Not contacted: the outcome was not asked, even if a value was stored.
                "acc_contacted": False,
                "acc_contact_outcome": "resolved",
                "acc_inspection_board": True,
                "acc_justice_services": 1,
                # No Internet: the portal questions (a chain of show_if) were not asked.
                "egov_internet_use": False,
                "egov_portal_used": True,
                "egov_portal_rating": 5,
                "egov_ward_page_known": True,
            },
        )
        db.session.commit()
        result = scoring.ward_axes(get_unit(WARD), 2025)
        accountability = axis(result, "accountability")
        assert accountability.mean == pytest.approx(1 + 9 * 0.5)
        assert item(accountability, "acc_contact_outcome").n == 0
        assert item(accountability, "acc_contact_outcome").mean_points is None
        egov = axis(result, "e_governance")
        assert egov.mean == pytest.approx(1 + 9 * 0.5)
        assert item(egov, "egov_portal_used").n == 0
        assert item(egov, "egov_portal_rating").n == 0


def test_shown_items_follow_the_answers(seeded):
    with seeded.app_context():
        _user, device, _token = surveyor()
        add_field(
            device,
            WARD,
            {"acc_contacted": True, "acc_contact_outcome": "partly", "acc_inspection_board": False},
        )
        db.session.commit()
        accountability = axis(scoring.ward_axes(get_unit(WARD), 2025), "accountability")
        assert accountability.mean == pytest.approx(1 + 9 * 0.67 / 2)
        assert item(accountability, "acc_contact_outcome").mean_points == pytest.approx(0.67)


def test_a_respondent_without_items_is_left_out_of_the_axis(seeded):
    with seeded.app_context():
        _user, device, _token = surveyor()
        add_field(device, WARD, transparency(True, True, True, 5))
        # Never used the ward's procedures: every scored item of the axis is hidden.
        add_field(device, WARD, {"adm_used_ward": False, "tra_poor_list_posted": False})
        db.session.commit()
        result = scoring.ward_axes(get_unit(WARD), 2025)
        assert result.respondents == 2
        assert axis(result, "admin_procedures").n == 0
        score = axis(result, "transparency")
        assert score.n == 2
        assert score.mean == pytest.approx((10 + 1) / 2)
        assert item(score, "tra_budget_published").n == 1


def test_two_wards_compared(seeded):
    with seeded.app_context():
        _user, device, _token = surveyor()
        add_field(device, WARD, transparency(True, True, True, 5))
        add_field(device, OTHER_WARD, transparency(False, False, False, 1))
        add_field(device, OTHER_WARD, transparency(True, True, False, 3))
        db.session.commit()

        wards = scoring.district_axes(2025)
        assert [w.unit.slug for w in wards] == [OTHER_WARD, WARD]  # Sài Gòn before Tân Định
        assert [w.respondents for w in wards] == [2, 1]
        assert axis(wards[0], "transparency").mean == pytest.approx((1 + (1 + 9 * 2.5 / 4)) / 2)
        assert axis(wards[1], "transparency").mean == 10
        only = scoring.district_axes(2025, {get_unit(WARD).id})
        assert [w.unit.slug for w in only] == [WARD]
        assert scoring.district_axes(2024) == []


def test_the_year_is_the_local_calendar_year(seeded):
    with seeded.app_context():
        _user, device, _token = surveyor()
        # 23:59 and 00:30 local time (UTC+7) either side of New Year.
        add_field(
            device,
            WARD,
            transparency(True, True, True, 5),
            at=datetime(2025, 12, 31, 16, 59, tzinfo=UTC),
        )
        add_field(
            device,
            WARD,
            transparency(False, False, False, 1),
            at=datetime(2025, 12, 31, 17, 30, tzinfo=UTC),
        )
        db.session.commit()
        unit = get_unit(WARD)
        assert axis(scoring.ward_axes(unit, 2025), "transparency").mean == 10
        assert axis(scoring.ward_axes(unit, 2026), "transparency").mean == 1
        assert scoring.ward_axes(unit, 2025).respondents == 1


def test_each_response_is_read_with_its_own_version(seeded):
    with seeded.app_context():
        definition = deepcopy(get_version("papi_household", 1).definition)
        for question in definition["questions"]:
            if question["id"] == "tra_land_price_info":
                del question["score"]  # version 2: the rating no longer counts
        assert publish(definition, unit_types=["ward_one_stop"], mode="field").version == 2
        _user, device, _token = surveyor()
        add_field(device, WARD, transparency(True, True, True, 1))  # v1: 3/4 -> 7.75
        add_field(device, WARD, transparency(True, True, True, 1), version=2)  # v2: 3/3 -> 10
        db.session.commit()
        score = axis(scoring.ward_axes(get_unit(WARD), 2025), "transparency")
        assert score.mean == pytest.approx((7.75 + 10) / 2)
        assert item(score, "tra_land_price_info").n == 1  # still listed: version 1 scored it


def test_inspections_newest_first_with_failed_checks(seeded):
    with seeded.app_context():
        user, device, _token = surveyor()
        first = add_field(device, WARD, checklist(), survey="conduct_inspection")
        later = add_field(
            device,
            WARD,
            checklist({"insp_card_worn": "Hai cán bộ không đeo thẻ"}),
            survey="conduct_inspection",
            at=AT.replace(hour=7),
        )
        add_field(device, WARD, transparency(True, True, True, 5))  # not an inspection
        db.session.commit()

        found = scoring.inspections(2025)
        assert [r.response_id for r in found] == [later.id, first.id]
        assert (found[0].checks, found[0].passed, found[0].surveyor_email) == (10, 9, user.email)
        (failed,) = found[0].failed
        assert failed.question_id == "insp_card_worn"
        assert failed.finding == "Hai cán bộ không đeo thẻ"
        assert failed.text["vi"]
        assert (found[1].checks, found[1].failed) == (10, [])
        assert scoring.inspections(2025, {get_unit(OTHER_WARD).id}) == []
        assert [r.response_id for r in scoring.failed_inspections()] == [later.id]
