"""The packaged field questionnaires (data/field_surveys.json, docs/field.md), published as
surveys of mode "field"."""

from webapp.surveys.models import SurveyVersion
from webapp.surveys.services import DefinitionError, publish

# The keys a field definition keeps (others in the file are notes for its authors).
DEFINITION_KEYS = ("key", "kind", "title", "about", "sections", "questions")


def import_field_surveys(data: dict) -> list[SurveyVersion]:
    """Publish every survey of a file shaped like data/field_surveys.json (idempotent)."""
    if not isinstance(data, dict) or not isinstance(data.get("surveys"), list):
        raise DefinitionError(["the file must hold an object with a 'surveys' list"])
    published = []
    for survey in data["surveys"]:
        if not isinstance(survey, dict):
            raise DefinitionError(["every survey must be an object"])
        definition = {key: survey[key] for key in DEFINITION_KEYS if key in survey}
        unit_types = survey.get("unit_types") or []
        published.append(publish(definition, unit_types=unit_types, mode="field"))
    return published
