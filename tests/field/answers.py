"""Answers for a field questionnaire as a surveyor would give them, for the tests."""

from webapp.field.ingest import shown
from webapp.surveys.services import get_version


def first_value(question: dict):
    """The first answer of a question: yes, 4 stars, the first option, or a short text."""
    kind = question["kind"]
    if kind == "yesno":
        return True
    if kind == "rating5":
        return 4
    if kind == "choice":
        return question["options"][0]["code"]
    return "Ghi chú của điều tra viên"


def complete_answers(definition: dict, overrides: dict | None = None) -> dict:
    """An answer for every question asked (in order, with skip logic), `overrides` first;
    an override of None leaves that question unanswered."""
    overrides = overrides or {}
    answers: dict = {}
    for question in definition["questions"]:
        if not shown(question, answers):
            continue
        qid = question["id"]
        value = overrides[qid] if qid in overrides else first_value(question)
        if value is not None:
            answers[qid] = value
    return answers


def definition_of(key: str, version: int = 1) -> dict:
    return get_version(key, version).definition
