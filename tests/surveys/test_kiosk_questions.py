"""SPEC 5: a kiosk asks at most 3 follow-up questions per rating; the packaged questionnaires
say which ones, and a definition that would ask more is refused when published."""

import copy
import json
from pathlib import Path

import pytest

from webapp.surveys.services import (
    KIOSK_QUESTIONS_PER_RATING,
    kiosk_questions,
    normalise_template,
    validate_definition,
)

PACKAGED = json.loads(
    (Path(__file__).resolve().parents[2] / "webapp/data/questionnaires.json").read_text()
)["templates"]


@pytest.mark.parametrize("template", PACKAGED, ids=lambda t: t["id"])
def test_packaged_questionnaires_ask_a_few_questions_per_rating(template):
    definition = normalise_template(template)
    assert validate_definition(definition) == []
    for rating in range(1, 6):
        assert 1 <= len(kiosk_questions(definition, rating)) <= KIOSK_QUESTIONS_PER_RATING
    # The others stay in the definition for field interviews.
    assert len(definition["questions"]) > 1 + len(kiosk_questions(definition, 1))


def test_a_fourth_question_for_one_rating_is_refused():
    definition = normalise_template(copy.deepcopy(PACKAGED[0]))
    for question in definition["questions"][1:5]:
        question["kiosk"] = {"ratings": [2]}
    errors = validate_definition(definition)
    assert any("rating of 2 would ask 6" in e for e in errors), errors


@pytest.mark.parametrize("bad", [{"ratings": []}, {"ratings": [0]}, {"ratings": ["1"]}, [1, 2]])
def test_kiosk_ratings_must_be_ratings(bad):
    definition = normalise_template(copy.deepcopy(PACKAGED[0]))
    definition["questions"][1]["kiosk"] = bad
    assert any("kiosk.ratings" in e for e in validate_definition(definition))
