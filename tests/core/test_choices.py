"""Every code a person may meet has a real Vietnamese label."""

import pytest
from flask_babel import force_locale

from webapp import choices


@pytest.mark.parametrize("kind", sorted(choices.KINDS))
def test_every_code_has_a_vietnamese_label_other_than_the_code(app, kind):
    with app.app_context(), force_locale("vi"):
        for code in choices.KINDS[kind]:
            label = choices.label(code, kind)
            assert label, (kind, code)
            assert label != code, (kind, code)


@pytest.mark.parametrize("kind", sorted(set(choices.KINDS) - {"language"}))
def test_vietnamese_labels_are_translated_not_the_english(app, kind):
    with app.app_context():
        for code in choices.KINDS[kind]:
            with force_locale("en"):
                english = choices.label(code, kind)
            with force_locale("vi"):
                vietnamese = choices.label(code, kind)
            assert vietnamese != english, (kind, code, english)


def test_unknown_codes_read_as_themselves_and_selects_get_labels(app):
    with app.app_context(), force_locale("vi"):
        assert choices.FLAG_REASONS.label("new_rule") == "new_rule"
        assert choices.KIOSK_STATES.label(None) == "–"
        assert ("manager", "Cán bộ quản lý đơn vị") in choices.ROLES.choices()


def test_packaged_unit_types_all_have_labels(app):
    import json
    from pathlib import Path

    data = json.loads((Path(choices.__file__).parent / "data" / "units.json").read_text("utf-8"))
    assert {t["code"] for t in data["unit_types"]} == set(choices.UNIT_TYPES.codes)
