import json

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.surveys.models import Survey, SurveyVersion
from webapp.units.models import ProcedureDomain, ReportGroup, Unit, UnitType
from webapp.units.services import get_unit


def counts():
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Unit, UnitType, ProcedureDomain, ReportGroup, Survey, SurveyVersion)
    }


def test_demo_seed_loads_district_1_and_is_idempotent(seeded, runner):
    with seeded.app_context():
        before = counts()
    again = runner.invoke(args=["demo", "seed"])
    assert again.exit_code == 0
    assert "units: 0 created, 0 updated" in again.output
    with seeded.app_context():
        assert counts() == before
        assert before["Survey"] == 5  # 3 kiosk questionnaires, 2 field ones
        assert before["SurveyVersion"] == 5
        wards_2024 = db.session.scalars(
            select(Unit).where(Unit.type_code == "ward_one_stop", Unit.active.is_(False))
        ).all()
        assert len(wards_2024) == 10
        new_wards = {"sai-gon", "tan-dinh", "ben-thanh", "cau-ong-lanh"}
        assert {u.merged_into.slug for u in wards_2024} == new_wards
        assert get_unit("ben-nghe").merged_into.slug == "sai-gon"
        # The old Bến Thành keeps its history under its own name, beside the new ward.
        old = get_unit("q1-ben-thanh")
        assert old.name_vi == "Phường Bến Thành"
        assert not old.active
        assert get_unit("ben-thanh").active
        assert get_unit("q1-mot-cua").type_code == "district_one_stop"
        assert get_unit("q1-dang-ky-dat-dai").default_domain_code == "dat_dai"
        # A clinic of a merged ward belongs to the ward it merged into.
        assert get_unit("q1-tyt-ben-nghe").parent.slug == "sai-gon"
        assert db.session.get(ReportGroup, "land_construction_investment_95").target_pct == 95
        assert db.session.get(ReportGroup, "general_99").target_pct == 99
        assert db.session.get(ProcedureDomain, "dat_dai").report_group_code.endswith("_95")


def test_survey_definitions_keep_only_what_kiosks_need(seeded):
    with seeded.app_context():
        definition = db.session.scalar(select(Survey).where(Survey.key == "tthc_one_stop")).latest
        questions = definition.definition["questions"]
        assert questions[0]["id"] == "overall"
        assert questions[0]["required"] is True
        assert all("citations" not in q and "maps_to" not in q for q in questions)
        assert [s["value"] for s in definition.definition["scale"]] == [1, 2, 3, 4, 5]


def test_import_of_another_district_with_a_merge(seeded, runner, tmp_path):
    other = {
        "district": {"vi": "Quận 3", "en": "District 3", "slug": "quan-3"},
        "wards": [
            {"id": "q3-1", "slug": "q3-phuong-1", "name_vi": "Phường 1", "merged_into_2025": ["q3-ban-co"]},
            {"id": "q3-2", "slug": "q3-phuong-2", "name_vi": "Phường 2", "merged_into_2025": ["q3-ban-co"]},
        ],
        "wards_after_2025_merger": [{"slug": "q3-ban-co", "name_vi": "Phường Bàn Cờ"}],
        "units": [
            {"slug": "q3-tyt-1", "name_vi": "Trạm Y tế Phường 1", "type": "ward_health_station",
             "parent": "q3-phuong-1"},
        ],
    }  # fmt: skip
    path = tmp_path / "district3.json"
    path.write_text(json.dumps(other, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["units", "import", str(path)])
    assert result.exit_code == 0, result.output
    with seeded.app_context():
        new = get_unit("q3-ban-co")
        assert new.active
        assert new.parent.slug == "quan-3"
        assert {u.slug for u in new.predecessors} == {"q3-phuong-1", "q3-phuong-2"}
        assert get_unit("q3-phuong-1").name_en == "1 Ward"
        assert get_unit("q3-tyt-1").parent.slug == "q3-ban-co"
    again = runner.invoke(args=["units", "import", str(path)])
    assert "0 created, 0 updated" in again.output


def test_import_with_unknown_references_fails_cleanly(seeded, runner, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"units": [{"slug": "x", "name_vi": "X", "type": "spaceport"}]}))
    result = runner.invoke(args=["units", "import", str(path)])
    assert result.exit_code == 1
    assert "unknown unit type 'spaceport'" in result.output
    assert "Traceback" not in result.output
    with seeded.app_context():
        assert get_unit("x") is None


def test_import_of_a_missing_or_broken_file(runner, app, tmp_path):
    missing = runner.invoke(args=["units", "import", str(tmp_path / "nope.json")])
    assert missing.exit_code == 1
    assert "cannot read" in missing.output
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = runner.invoke(args=["surveys", "import", str(broken)])
    assert result.exit_code == 1
    assert "not valid JSON" in result.output


def test_surveys_import_publishes_a_new_version_only_on_change(seeded, runner, tmp_path):
    from importlib import resources

    data = json.loads(resources.files("webapp.data").joinpath("questionnaires.json").read_text())
    data["templates"] = [t for t in data["templates"] if t["id"] == "health_public"]
    data["templates"][0]["questions"][1]["text"]["en"] = "Finding the way and waiting time"
    path = tmp_path / "q.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    result = runner.invoke(args=["surveys", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "health_public v2" in result.output
    assert "health_public v2" in runner.invoke(args=["surveys", "import", str(path)]).output


def test_invalid_survey_definition_is_refused_with_reasons(seeded, runner, tmp_path):
    bad = {"templates": [{"id": "broken", "title": {"vi": "X", "en": "X"}, "questions": [
        {"id": "overall", "kind": "yesno", "required": True, "text": {"vi": "a", "en": "b"}},
        {"id": "q2", "kind": "choice", "text": {"vi": "a", "en": "b"}, "options": []},
    ]}]}  # fmt: skip
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    result = runner.invoke(args=["surveys", "import", str(path)])
    assert result.exit_code == 1
    assert "first question must be the required rating5" in result.output
    assert "at least two options" in result.output


def test_import_refuses_slugs_that_are_not_plain(seeded, runner, tmp_path):
    path = tmp_path / "evil.json"
    path.write_text(json.dumps({"units": [{"slug": "../x", "name_vi": "X", "type": "preschool"}]}))
    result = runner.invoke(args=["units", "import", str(path)])
    assert result.exit_code == 1
    assert "must be lowercase" in result.output


def test_packaged_units_have_real_english_names(seeded):
    """Issue 11: not the Vietnamese without accents ("Truong Mam non Ben Thanh")."""
    from webapp.units.services import ascii_name

    with seeded.app_context():
        assert get_unit("q1-mn-ben-thanh").name_en == "Ben Thanh Kindergarten"
        assert get_unit("sai-gon").name_en == "Sai Gon Ward"
        for unit in db.session.scalars(select(Unit)):
            assert unit.name_en != ascii_name(unit.name_vi), unit.slug
