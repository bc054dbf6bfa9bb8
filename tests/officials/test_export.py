"""The CSV export's appended `official` column: the staff code of who served, or empty."""

import csv
import io

from tests.factories import kiosk_for
from tests.officials.conftest import add_answers
from webapp.extensions import db
from webapp.officials.services import create_official
from webapp.responses.export import HEADER
from webapp.units.services import get_unit


def test_export_names_the_official(seeded, runner):
    with seeded.app_context():
        lan = create_official(get_unit("sai-gon"), "SG-001", "Nguyễn Thị Lan")
        kiosk = kiosk_for("sai-gon")
        add_answers(kiosk, lan, [5, 4])
        add_answers(kiosk, None, [3])
        db.session.commit()
    result = runner.invoke(args=["responses", "export", "--unit", "sai-gon", "--period", "2025-Q1"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == HEADER
    assert HEADER[-1] == "official"
    assert sorted(row[-1] for row in rows[1:]) == ["", "SG-001", "SG-001"]
    # Never the name: the export carries codes.
    assert "Nguyễn Thị Lan" not in result.output
