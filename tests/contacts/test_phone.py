"""Vietnamese phone numbers: the accepted forms and the one stored form. The cases are shared
with the kiosk's own check (tests/js/contact.test.mjs), so both sides agree."""

import json
from pathlib import Path

import pytest

from webapp.contacts.phone import PhoneError, normalise_phone

CASES = json.loads(
    (Path(__file__).parents[1] / "js" / "fixtures" / "phones.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize(("typed", "stored"), CASES["accepted"])
def test_accepted_forms(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", [*CASES["refused"], None, 912345678])
def test_refused_forms(typed):
    with pytest.raises(PhoneError):
        normalise_phone(typed)
