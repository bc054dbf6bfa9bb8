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


# A field survey's own keys (webapp.field, docs/field.md): sections, and how answers score.
FIELD_KINDS = ("household", "inspection")


def validate_definition(definition, mode: str = "kiosk") -> list[str]:
    """Every problem found, as readable sentences; an empty list means valid.

    A kiosk survey starts with the required overall rating and asks nothing else as
    required (one tap). A field survey (`mode="field"`) has sections, any question may be
    required, and questions may carry a score (webapp.field.scoring).
    """
    errors: list[str] = []
    field = mode == "field"
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
    sections = _check_sections(definition, errors) if field else set()
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
        if field:
            if question.get("section") not in sections:
                errors.append(f"{where}.section: must name one of the survey's sections")
            if not isinstance(required, bool):
                errors.append(f"{where}.required: true or false")
        elif index == 0 and not (kind == "rating5" and required is True):
            errors.append(f"{where}: the first question must be the required rating5 overall")
        elif index > 0 and required:
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
        if field and "score" in question:
            _check_score(question, where, errors)
        if index > 0 and "kiosk" in question and not field:
            _check_kiosk_ratings(question.get("kiosk"), where, errors)
        seen[qid] = question
    if not field:
        _check_kiosk_load(questions, errors)
    return errors


def _check_sections(definition: dict, errors: list[str]) -> set[str]:
    """The section ids of a field survey (problems go to `errors`)."""
    if definition.get("kind") not in FIELD_KINDS:
        errors.append(f"kind: one of {', '.join(FIELD_KINDS)}")
    sections = definition.get("sections")
    if not isinstance(sections, list) or not sections:
        errors.append("sections: at least one section is needed")
        return set()
    ids: set[str] = set()
    for index, section in enumerate(sections):
        sid = section.get("id") if isinstance(section, dict) else None
        if not isinstance(sid, str) or not QUESTION_ID.match(sid) or sid in ids:
            errors.append(f"sections[{index}].id: a unique id of lowercase letters, digits, _")
            continue
        ids.add(sid)
        _bilingual(section.get("title"), f"section '{sid}'.title", errors)
        if "method" in section:
            _bilingual(section["method"], f"section '{sid}'.method", errors)
    return ids


def _check_score(question: dict, where: str, errors: list[str]) -> None:
    """`"score": "rating"` for a rating5, or {answer: points from 0 to 1} for every answer of
    a yesno ("true"/"false") or choice (option codes)."""
    score, kind = question["score"], question["kind"]
    if kind == "rating5":
        if score != "rating":
            errors.append(f'{where}.score: "rating" for a rating5 question')
        return
    if kind == "text":
        errors.append(f"{where}.score: a text answer is not scored")
        return
    expected = {"true", "false"} if kind == "yesno" else set(allowed_values(question) or [])
    if (
        not isinstance(score, dict)
        or set(score) != expected
        or any(type(v) not in (int, float) or not 0 <= v <= 1 for v in score.values())
    ):
        answers = ", ".join(sorted(expected))
        errors.append(f"{where}.score: points from 0 to 1 for each of {answers}")


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


def publish(
    definition: dict, unit_types: list[str] | None = None, user=None, mode: str = "kiosk"
) -> SurveyVersion:
    """Publish `definition` as the next version of its survey (creating the survey if new).

    Raises DefinitionError when invalid. Publishing the same definition as the latest
    version returns that version unchanged, so imports are idempotent. `mode` is "kiosk"
    or "field"; a survey's mode never changes.
    """
    errors = validate_definition(definition, mode)
    survey = None if errors else get_survey(definition["key"])
    if survey is not None and survey.mode != mode:
        errors.append(f"key: '{survey.key}' is a {survey.mode} survey already")
    if errors:
        raise DefinitionError(errors)
    if survey is None:
        survey = Survey(key=definition["key"], unit_types=[], mode=mode)
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
        select(Survey)
        .where(Survey.retired_at.is_(None), Survey.mode == "kiosk")
        .order_by(Survey.key)
    ).all()
    return [s.latest for s in surveys if type_code in (s.unit_types or []) and s.latest]


def field_surveys() -> list[SurveyVersion]:
    """Latest published versions of the live field surveys (SPEC 13)."""
    surveys = db.session.scalars(
        select(Survey)
        .where(Survey.retired_at.is_(None), Survey.mode == "field")
        .order_by(Survey.key)
    ).all()
    return [s.latest for s in surveys if s.latest]
