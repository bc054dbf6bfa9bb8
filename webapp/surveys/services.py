"""Questionnaire definitions: validation, import and publishing of immutable versions.

A definition is a JSON object:
    {"key": "tthc_one_stop", "title": {"vi": …, "en": …},
     "scale": [{"value": 1, "vi": …, "en": …}, …],          # labels of rating5 answers
     "questions": [{"id": "overall", "kind": "rating5", "required": true,
                    "text": {"vi": …, "en": …}, "options": [{"code", "vi", "en"}],
                    "show_if": {"question": id, "in": [values]}}, …]}
The first question is the required overall rating; all others are optional.
"""

import re

from sqlalchemy import select

from webapp.extensions import db
from webapp.surveys.models import Survey, SurveyVersion

KINDS = ("rating5", "yesno", "choice", "text")
QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
OPTION_CODE = re.compile(r"^[a-z0-9_]{1,40}$")
# Fields kept from the packaged templates; research notes are left out of what kiosks download.
QUESTION_FIELDS = (
    "id", "kind", "required", "text", "options", "show_if", "max_length", "kiosk",
)  # fmt: skip
# SPEC 5: after the rating, a kiosk asks at most this many follow-up questions, chosen by the
# rating (`"kiosk": {"ratings": [1, 2, 3]}` on a question). Questions without it are asked in
# field interviews only: a citizen who was badly served will not scroll through eight.
KIOSK_QUESTIONS_PER_RATING = 3
OPTION_FIELDS = ("code", "vi", "en", "report_group")
TEXT_MAX_LENGTH = 1000


class DefinitionError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _bilingual(value, where: str, errors: list[str]) -> None:
    if not isinstance(value, dict) or not all(
        isinstance(value.get(lang), str) and value[lang].strip() for lang in ("vi", "en")
    ):
        errors.append(f"{where}: needs non-empty 'vi' and 'en' texts")


def allowed_values(question: dict) -> list | None:
    """The values an answer to this question may take (None: free text)."""
    kind = question["kind"]
    if kind == "rating5":
        return [1, 2, 3, 4, 5]
    if kind == "yesno":
        return [True, False]
    if kind == "choice":
        return [option["code"] for option in question.get("options", [])]
    return None


def validate_definition(definition) -> list[str]:
    """Every problem found, as readable sentences; an empty list means valid."""
    errors: list[str] = []
    if not isinstance(definition, dict):
        return ["the definition must be a JSON object"]
    key = definition.get("key")
    if not isinstance(key, str) or not QUESTION_ID.match(key):
        errors.append("key: use lowercase letters, digits and _ (e.g. tthc_one_stop)")
    _bilingual(definition.get("title"), "title", errors)
    questions = definition.get("questions")
    if not isinstance(questions, list) or not questions:
        errors.append("questions: at least one question is needed")
        return errors
    seen: dict[str, dict] = {}
    for index, question in enumerate(questions):
        where = f"questions[{index}]"
        if not isinstance(question, dict):
            errors.append(f"{where}: must be an object")
            continue
        qid = question.get("id")
        if not isinstance(qid, str) or not QUESTION_ID.match(qid):
            errors.append(f"{where}.id: use lowercase letters, digits and _")
            continue
        where = f"question '{qid}'"
        if qid in seen:
            errors.append(f"{where}: duplicate id")
        kind = question.get("kind")
        if kind not in KINDS:
            errors.append(f"{where}: kind must be one of {', '.join(KINDS)}")
            continue
        _bilingual(question.get("text"), f"{where}.text", errors)
        required = question.get("required", False)
        if index == 0 and not (kind == "rating5" and required is True):
            errors.append(f"{where}: the first question must be the required rating5 overall")
        if index > 0 and required:
            errors.append(f"{where}: only the first question may be required (one tap)")
        if kind == "choice":
            options = question.get("options")
            if not isinstance(options, list) or len(options) < 2:
                errors.append(f"{where}: a choice needs at least two options")
            else:
                codes = [o.get("code") if isinstance(o, dict) else None for o in options]
                if any(not isinstance(c, str) or not OPTION_CODE.match(c) for c in codes):
                    errors.append(f"{where}: option codes use lowercase letters, digits and _")
                if len(set(codes)) != len(codes):
                    errors.append(f"{where}: option codes must be unique")
                for option in options:
                    if isinstance(option, dict):
                        _bilingual(option, f"{where} option {option.get('code')}", errors)
        max_length = question.get("max_length")
        if max_length is not None and (
            type(max_length) is not int or not 1 <= max_length <= TEXT_MAX_LENGTH
        ):
            errors.append(f"{where}.max_length: a whole number from 1 to {TEXT_MAX_LENGTH}")
        show_if = question.get("show_if")
        if show_if is not None:
            ref = show_if.get("question") if isinstance(show_if, dict) else None
            target = seen.get(ref) if isinstance(ref, str) else None
            values = show_if.get("in") if isinstance(show_if, dict) else None
            if target is None:
                errors.append(f"{where}.show_if: must name an earlier question")
            elif not isinstance(values, list) or not values:
                errors.append(f"{where}.show_if.in: needs a list of values")
            elif (allowed := allowed_values(target)) is not None and any(
                v not in allowed or isinstance(v, bool) != (target["kind"] == "yesno")
                for v in values
            ):
                errors.append(f"{where}.show_if.in: values not allowed for '{target['id']}'")
        if index > 0 and "kiosk" in question:
            _check_kiosk_ratings(question.get("kiosk"), where, errors)
        seen[qid] = question
    _check_kiosk_load(questions, errors)
    return errors


def _check_kiosk_ratings(kiosk, where: str, errors: list[str]) -> None:
    ratings = kiosk.get("ratings") if isinstance(kiosk, dict) else None
    if (
        not isinstance(ratings, list)
        or not ratings
        or any(type(r) is not int or not 1 <= r <= 5 for r in ratings)
    ):
        errors.append(f"{where}.kiosk.ratings: a list of ratings from 1 to 5")


def kiosk_questions(definition: dict, rating: int) -> list[dict]:
    """The follow-up questions a kiosk asks after `rating` (before show_if applies)."""
    return [
        q
        for q in definition.get("questions", [])[1:]
        if isinstance(q, dict)
        and isinstance(q.get("kiosk"), dict)
        and rating in (q["kiosk"].get("ratings") or [])
    ]


def _check_kiosk_load(questions: list, errors: list[str]) -> None:
    for rating in range(1, 6):
        asked = kiosk_questions({"questions": questions}, rating)
        if len(asked) > KIOSK_QUESTIONS_PER_RATING:
            ids = ", ".join(str(q.get("id")) for q in asked)
            errors.append(
                f"kiosk: a rating of {rating} would ask {len(asked)} follow-up questions "
                f"({ids}); at most {KIOSK_QUESTIONS_PER_RATING} fit one screen"
            )


def normalise_template(template: dict, scale: list | None = None) -> dict:
    """A packaged template (questionnaires.json) as a definition, without research notes."""
    questions = []
    for question in template.get("questions") or []:
        kept = {k: question[k] for k in QUESTION_FIELDS if k in question}
        if "options" in kept:
            kept["options"] = [{k: o[k] for k in OPTION_FIELDS if k in o} for o in kept["options"]]
        kept["required"] = bool(kept.get("required", False))
        questions.append(kept)
    definition = {
        "key": template.get("key") or template.get("id"),
        "title": template.get("title"),
        "questions": questions,
    }
    scale = template.get("scale") or scale
    if scale:
        definition["scale"] = [{"value": s["value"], "vi": s["vi"], "en": s["en"]} for s in scale]
    return definition


def get_survey(key: str) -> Survey | None:
    return db.session.scalar(select(Survey).where(Survey.key == key))


def get_version(key: str, version: int) -> SurveyVersion | None:
    return db.session.scalar(
        select(SurveyVersion)
        .join(Survey)
        .where(Survey.key == key, SurveyVersion.version == version)
    )


def publish(definition: dict, unit_types: list[str] | None = None, user=None) -> SurveyVersion:
    """Publish `definition` as the next version of its survey (creating the survey if new).

    Raises DefinitionError when invalid. Publishing the same definition as the latest
    version returns that version unchanged, so imports are idempotent.
    """
    errors = validate_definition(definition)
    if errors:
        raise DefinitionError(errors)
    survey = get_survey(definition["key"])
    if survey is None:
        survey = Survey(key=definition["key"], unit_types=[])
        db.session.add(survey)
    survey.title_vi = definition["title"]["vi"]
    survey.title_en = definition["title"]["en"]
    if unit_types is not None and survey.unit_types != unit_types:
        survey.unit_types = list(unit_types)
    latest = survey.latest
    if latest is not None and latest.definition == definition:
        return latest
    version = SurveyVersion(
        survey=survey,
        version=(latest.version + 1) if latest else 1,
        definition=definition,
        published_by_id=getattr(user, "id", None),
    )
    db.session.add(version)
    db.session.flush()
    return version


def import_surveys(data: dict) -> list[SurveyVersion]:
    """Publish every template of a questionnaires file (shape of data/questionnaires.json)."""
    if not isinstance(data, dict) or not isinstance(data.get("templates"), list):
        raise DefinitionError(["the file must hold an object with a 'templates' list"])
    published = []
    for template in data["templates"]:
        if not isinstance(template, dict):
            raise DefinitionError(["every template must be an object"])
        definition = normalise_template(template, data.get("scale_labels"))
        published.append(publish(definition, unit_types=template.get("unit_types") or []))
    return published


def surveys_for_unit_type(type_code: str) -> list[SurveyVersion]:
    """Latest published versions of the live surveys used by a unit type."""
    surveys = db.session.scalars(
        select(Survey).where(Survey.retired_at.is_(None)).order_by(Survey.key)
    ).all()
    return [s.latest for s in surveys if type_code in (s.unit_types or []) and s.latest]
