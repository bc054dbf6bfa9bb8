"""`flask units set-pin` and the demo PIN printed by `flask demo bootstrap`."""

import re

import pytest
from sqlalchemy import select

from webapp.audit.models import AuditEvent
from webapp.extensions import db
from webapp.kiosk.services import check_staff_pin
from webapp.units.services import get_unit


def pin_hash(app, slug: str = "sai-gon"):
    with app.app_context():
        return get_unit(slug).staff_pin_hash


def test_set_pin_from_stdin_stores_only_a_hash_and_audits(seeded, runner):
    result = runner.invoke(args=["units", "set-pin", "sai-gon", "--pin-stdin"], input="2468\n")
    assert result.exit_code == 0, result.output
    assert result.output == "staff PIN set for sai-gon\n"
    stored = pin_hash(seeded)
    assert "2468" not in stored
    with seeded.app_context():
        assert check_staff_pin(stored, "2468")
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "unit.pin_set")
        ).one()
        assert (event.target, event.actor_label, event.details) == (
            "sai-gon",
            "cli",
            {"pin": "set"},
        )


def test_set_pin_prompts_hidden_and_twice(seeded, runner):
    result = runner.invoke(args=["units", "set-pin", "tan-dinh"], input="13579\n13579\n")
    assert result.exit_code == 0, result.output
    assert "13579" not in result.output  # hidden input is not echoed
    with seeded.app_context():
        assert check_staff_pin(get_unit("tan-dinh").staff_pin_hash, "13579")
    mismatch = runner.invoke(args=["units", "set-pin", "sai-gon"], input="1234\n4321\n")
    assert mismatch.exit_code != 0
    assert pin_hash(seeded) is None


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "12 34", "", "١٢٣٤", "²²²²"])
def test_set_pin_refuses_a_bad_pin_with_one_line(seeded, runner, pin):
    runner.invoke(args=["units", "set-pin", "sai-gon", "--pin-stdin"], input="2468\n")
    before = pin_hash(seeded)
    result = runner.invoke(args=["units", "set-pin", "sai-gon", "--pin-stdin"], input=f"{pin}\n")
    assert result.exit_code == 1
    assert result.output == "Error: the staff PIN must be 4 to 8 digits (0-9)\n"
    assert pin_hash(seeded) == before


def test_set_pin_remove_and_bad_arguments(seeded, runner):
    runner.invoke(args=["units", "set-pin", "sai-gon", "--pin-stdin"], input="2468\n")
    removed = runner.invoke(args=["units", "set-pin", "sai-gon", "--remove"])
    assert removed.exit_code == 0
    assert removed.output == "staff PIN removed for sai-gon\n"
    assert pin_hash(seeded) is None
    unknown = runner.invoke(args=["units", "set-pin", "nowhere", "--pin-stdin"], input="2468\n")
    assert unknown.exit_code == 1
    assert "unknown unit 'nowhere'" in unknown.output
    both = runner.invoke(args=["units", "set-pin", "sai-gon", "--remove", "--pin-stdin"])
    assert both.exit_code == 2


def test_demo_bootstrap_sets_and_prints_a_demo_pin_once(app, runner):
    first = runner.invoke(args=["demo", "bootstrap"])
    assert first.exit_code == 0, first.output
    code_line = first.output.index("  code: ")
    match = re.search(r"^  staff PIN .*: (\d{6})$", first.output, re.M)
    assert match
    assert match.start() > code_line
    stored = pin_hash(app)
    with app.app_context():
        assert check_staff_pin(stored, match.group(1))
    second = runner.invoke(args=["demo", "bootstrap"])
    assert second.exit_code == 0, second.output
    assert "staff PIN" not in second.output  # only its hash is kept: never shown again
    assert pin_hash(app) == stored
