"""The packaged field questionnaires (webapp/data/field_surveys.json) follow docs/field.md.

Read straight from the file, without the app: ids, sections, skip logic and scores.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = ROOT / "webapp" / "data" / "field_surveys.json"
AXES = ROOT.parent / "shared" / "domain" / "papi_axes.json"

PAPI_AXES = (
    "participation",
    "transparency",
    "accountability",
    "corruption_control",
    "admin_procedures",
    "public_services",
    "environment",
    "e_governance",
)
KINDS = ("rating5", "yesno", "choice", "text")
QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
OPTION_CODE = re.compile(r"^[a-z0-9_]{1,40}$")


def _load():
    return json.loads(DEFINITIONS.read_text(encoding="utf-8"))


DATA = _load()
SURVEYS = {survey["key"]: survey for survey in DATA["surveys"]}


def _bilingual(value) -> bool:
    return isinstance(value, dict) and all(
        isinstance(value.get(lang), str) and value[lang].strip() for lang in ("vi", "en")
    )


def _allowed(question):
    if question["kind"] == "rating5":
        return [1, 2, 3, 4, 5]
    if question["kind"] == "yesno":
        return [True, False]
    if question["kind"] == "choice":
        return [option["code"] for option in question["options"]]
    return None


def _score_valid(question) -> bool:
    score = question["score"]
    kind = question["kind"]
    if kind == "rating5":
        return score == "rating"
    if kind == "yesno":
        keys = ["true", "false"]
    elif kind == "choice":
        keys = [option["code"] for option in question["options"]]
    else:
        return False
    return (
        isinstance(score, dict)
        and sorted(score) == sorted(keys)
        and all(
            isinstance(score[k], int | float)
            and not isinstance(score[k], bool)
            and 0 <= score[k] <= 1
            for k in keys
        )
    )


def test_top_level():
    assert isinstance(DATA["about"], str)
    assert DATA["about"].strip()
    assert list(SURVEYS) == ["papi_household", "conduct_inspection"]
    assert SURVEYS["papi_household"]["kind"] == "household"
    assert SURVEYS["conduct_inspection"]["kind"] == "inspection"


@pytest.mark.parametrize("key", ["papi_household", "conduct_inspection"])
def test_definition_is_well_formed(key):
    survey = SURVEYS[key]
    assert QUESTION_ID.match(survey["key"])
    assert _bilingual(survey["title"])
    assert _bilingual(survey["about"])
    assert survey["unit_types"]
    assert all(isinstance(t, str) for t in survey["unit_types"])

    section_ids = [section["id"] for section in survey["sections"]]
    assert len(set(section_ids)) == len(section_ids)
    for section in survey["sections"]:
        assert _bilingual(section["title"]), section["id"]
        if "method" in section:
            assert _bilingual(section["method"]), section["id"]

    seen: dict[str, dict] = {}
    for question in survey["questions"]:
        qid = question["id"]
        assert QUESTION_ID.match(qid), qid
        assert qid not in seen, f"duplicate id {qid}"
        assert question["kind"] in KINDS, qid
        assert question["section"] in section_ids, qid
        assert _bilingual(question["text"]), qid
        assert isinstance(question.get("required"), bool), qid
        if question["kind"] == "choice":
            codes = [option["code"] for option in question["options"]]
            assert len(codes) >= 2, qid
            assert len(set(codes)) == len(codes), qid
            for option in question["options"]:
                assert OPTION_CODE.match(option["code"]), (qid, option["code"])
                assert _bilingual(option), (qid, option["code"])
        else:
            assert "options" not in question, qid
        if question["kind"] == "text":
            assert type(question["max_length"]) is int
            assert 1 <= question["max_length"] <= 1000
            assert "score" not in question, qid
        if "score" in question:
            assert _score_valid(question), qid
            assert question["required"] is True, qid
        if "show_if" in question:
            target = seen.get(question["show_if"]["question"])
            assert target is not None, f"{qid}: show_if must name an earlier question"
            values = question["show_if"]["in"]
            allowed = _allowed(target)
            assert values, qid
            assert allowed is not None, qid
            for value in values:
                assert value in allowed, (qid, value)
                assert isinstance(value, bool) == (target["kind"] == "yesno"), (qid, value)
        seen[qid] = question
    # Questions come section by section, in the sections' order.
    order = [section_ids.index(q["section"]) for q in survey["questions"]]
    assert order == sorted(order)


def test_household_axes():
    survey = SURVEYS["papi_household"]
    assert survey["unit_types"] == ["ward_one_stop", "ward_public_admin_center"]
    # The axis names come from the shared domain notes, when this checkout can see them.
    names = (
        {a["key"]: a for a in json.loads(AXES.read_text(encoding="utf-8"))["axes"]}
        if AXES.exists()
        else {}
    )
    sections = survey["sections"]
    assert [s["id"] for s in sections] == ["respondent", *PAPI_AXES, "comments"]
    for section in sections[1:-1]:
        assert section["axis"] == section["id"]
        assert _bilingual(section["method"])
        if names:
            axis = names[section["axis"]]
            assert section["title"] == {"vi": axis["vi"], "en": axis["en"]}
    for section in (sections[0], sections[-1]):
        assert "axis" not in section
        assert "method" not in section

    questions = survey["questions"]
    for axis in PAPI_AXES:
        scored = [q for q in questions if q["section"] == axis and "score" in q]
        assert 3 <= len(scored) <= 4, axis
    context = [q for q in questions if q["section"] == "respondent"]
    assert len(context) == 2
    assert all(q["required"] and "score" not in q for q in context)
    comments = [q for q in questions if q["section"] == "comments"]
    assert len(comments) == 1
    assert comments[0]["kind"] == "text"
    assert comments[0]["required"] is False
    assert comments[0]["max_length"] == 1000
    assert sum("show_if" in q for q in questions) >= 2
    # Unscored questions are context (routing, respondent) or the free comment.
    for question in questions:
        if "score" not in question and question["kind"] != "text":
            assert question["required"] is True, question["id"]


def test_inspection_checks():
    survey = SURVEYS["conduct_inspection"]
    assert len(survey["sections"]) == 3
    assert all("axis" not in s and _bilingual(s["method"]) for s in survey["sections"])
    questions = survey["questions"]
    first, last = questions[0], questions[-1]
    assert first["id"] == "insp_visit_time"
    assert first["kind"] == "choice"
    assert first["required"]
    assert last["id"] == "insp_notes"
    assert last["kind"] == "text"
    assert not last["required"]

    checks = [q for q in questions if q.get("check")]
    assert 8 <= len(checks) <= 10
    for check in checks:
        assert check["kind"] == "yesno"
        assert check["required"] is True
        assert check["score"] == {"true": 1, "false": 0}
        finding = questions[questions.index(check) + 1]
        assert finding["id"] == f"{check['id']}_finding"
        assert finding["kind"] == "text"
        assert finding["required"] is True
        assert finding["show_if"] == {"question": check["id"], "in": [False]}
        assert finding["max_length"] == 500
        assert finding["section"] == check["section"]
    assert len(questions) == 2 * len(checks) + 2


def test_household_ids_carry_their_section_tag():
    tags = {
        "respondent": "resp_",
        "participation": "par_",
        "transparency": "tra_",
        "accountability": "acc_",
        "corruption_control": "cor_",
        "admin_procedures": "adm_",
        "public_services": "pub_",
        "environment": "env_",
        "e_governance": "egov_",
        "comments": "com_",
    }
    for question in SURVEYS["papi_household"]["questions"]:
        assert question["id"].startswith(tags[question["section"]]), question["id"]
