"""The CSV for Excel users (a UTF-8 BOM on the web) and the analysis variant (one column per
question), on the web and in `flask responses export`."""

import csv
import io
import json
from datetime import UTC, datetime

from sqlalchemy import func, select

from tests.factories import add_responses, kiosk_for, login, make_user
from webapp.audit.models import AuditEvent
from webapp.extensions import db
from webapp.responses.export import ANALYSIS_FIXED, HEADER
from webapp.responses.models import Response

FEB = datetime(2025, 2, 10, 3, 0, tzinfo=UTC)
BOM = b"\xef\xbb\xbf"


def _data(app):
    with app.app_context():
        make_user("manager@example.vn", "manager", "tan-dinh")
        kiosk = kiosk_for("tan-dinh")
        add_responses(kiosk, [5, 4], at=FEB, answers={"comment": "Rất tốt, cán bộ nhiệt tình"})
        add_responses(
            kiosk,
            [2],
            at=datetime(2025, 2, 11, 3, 0, tzinfo=UTC),
            answers={"problem": "cho_lau", "staff": 3, "comment": "=1+1"},
        )
        # A list answer (multiple choice) and a second questionnaire in the same unit.
        add_responses(
            kiosk,
            [1],
            at=datetime(2025, 2, 12, 3, 0, tzinfo=UTC),
            survey="school_public",
            answers={"respondent": ["cha_me", "khach"], "access": 2},
        )
        add_responses(kiosk_for("sai-gon"), [5], at=FEB)
        db.session.commit()


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _audit_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_web_csv_starts_with_a_bom_and_keeps_the_vietnamese(seeded, client, runner):
    _data(seeded)
    login(client, "manager@example.vn")
    reply = client.get("/units/tan-dinh/responses.csv?period=2025-Q1")
    assert reply.status_code == 200
    assert reply.mimetype == "text/csv"
    assert reply.data.startswith(BOM)
    assert not reply.data.startswith(BOM + BOM)
    text = reply.data.decode("utf-8-sig")
    assert "Rất tốt, cán bộ nhiệt tình" in text
    rows = _rows(text)
    assert rows[0] == HEADER
    assert len(rows) == 1 + 4
    # The same bytes as the CLI with --bom; without --bom, the SPEC 9 shape, no BOM.
    cli = runner.invoke(args=["responses", "export", "--unit", "tan-dinh", "--period", "2025-Q1"])
    assert cli.exit_code == 0, cli.output
    assert not cli.stdout_bytes.startswith(BOM)
    assert cli.stdout_bytes.decode().startswith(",".join(HEADER) + "\n")
    assert cli.stdout_bytes == reply.data[len(BOM) :]
    with_bom = runner.invoke(
        args=["responses", "export", "--unit", "tan-dinh", "--period", "2025-Q1", "--bom"]
    )
    assert with_bom.stdout_bytes == reply.data
    assert with_bom.stdout_bytes.count(BOM) == 1
    # Scripts that want the SPEC bytes exactly can ask the web for them too.
    plain = client.get("/units/tan-dinh/responses.csv?period=2025-Q1&bom=0")
    assert plain.data == cli.stdout_bytes


def test_analysis_variant_has_one_row_per_response_and_the_stored_answers(seeded, client, runner):
    _data(seeded)
    login(client, "manager@example.vn")
    reply = client.get("/units/tan-dinh/responses.csv?period=2025-Q1&variant=analysis")
    assert reply.status_code == 200
    assert reply.data.startswith(BOM)
    assert "analysis" in reply.headers["Content-Disposition"]
    rows = _rows(reply.data.decode("utf-8-sig"))
    header, body = rows[0], rows[1:]
    assert header[: len(ANALYSIS_FIXED)] == ANALYSIS_FIXED
    questions = header[len(ANALYSIS_FIXED) :]
    # The union of both questionnaires' ids, each once: surveys by key, questions in order.
    assert questions == [
        "overall", "respondent", "access", "facilities", "environment", "activities",
        "results", "comment",  # school_public
        "problem", "domain", "staff", "timeliness", "visits", "receipt",  # tthc_one_stop
    ]  # fmt: skip

    with seeded.app_context():
        stored = {
            str(r.id): (r.survey_version.survey.key, r.answers)
            for r in db.session.scalars(select(Response).where(Response.unit.has(slug="tan-dinh")))
        }
    assert len(body) == len(stored) == 4
    assert {row[0] for row in body} == set(stored)
    for row in body:
        cells = dict(zip(header, row, strict=True))
        survey, answers = stored[cells["id"]]
        assert cells["unit"] == "tan-dinh"
        assert cells["survey"] == survey
        for question in questions:
            value = answers.get(question)
            if value is None:
                assert cells[question] == "", (question, cells)
            elif isinstance(value, list):
                assert cells[question] == "; ".join(value)
            elif isinstance(value, str) and value.startswith("="):
                assert cells[question] == "'" + value  # stays text in Excel
            else:
                assert cells[question] == str(value)
    by_overall = {row[header.index("overall")]: dict(zip(header, row, strict=True)) for row in body}
    assert by_overall["5"]["comment"] == "Rất tốt, cán bộ nhiệt tình"
    assert by_overall["2"]["problem"] == "cho_lau"  # the option's code, not its label
    assert by_overall["2"]["staff"] == "3"
    assert by_overall["1"]["respondent"] == "cha_me; khach"
    assert by_overall["1"]["survey"] == "school_public"

    cli = runner.invoke(
        args=["responses", "export", "--unit", "tan-dinh", "--period", "2025-Q1"]
        + ["--variant", "analysis"]
    )
    assert cli.exit_code == 0, cli.output
    assert cli.stdout_bytes == reply.data[len(BOM) :]
    everything = runner.invoke(args=["responses", "export", "--variant", "analysis", "--bom"])
    assert everything.stdout_bytes.startswith(BOM)
    assert len(_rows(everything.stdout_bytes.decode("utf-8-sig"))) == 1 + 5


def test_analysis_of_nothing_is_just_the_header(seeded, client):
    _data(seeded)
    login(client, "manager@example.vn")
    reply = client.get("/units/tan-dinh/responses.csv?period=2025-Q2&variant=analysis")
    assert _rows(reply.data.decode("utf-8-sig")) == [ANALYSIS_FIXED]


def test_a_bad_variant_is_a_clear_400_and_changes_nothing(seeded, client, runner):
    _data(seeded)
    login(client, "manager@example.vn")
    before = _audit_count(seeded)
    reply = client.get("/units/tan-dinh/responses.csv?period=2025-Q1&variant=wide")
    assert reply.status_code == 400
    assert "variant" in reply.get_data(as_text=True)
    assert "analysis" in reply.get_data(as_text=True)
    assert _audit_count(seeded) == before
    # Access rules come first: another unit's file stays forbidden whatever the variant.
    assert client.get("/units/sai-gon/responses.csv?variant=analysis").status_code == 403
    assert client.get("/units/sai-gon/responses.csv?variant=wide").status_code == 403
    cli = runner.invoke(args=["responses", "export", "--variant", "wide"])
    assert cli.exit_code != 0
    assert "analysis" in cli.output


def test_the_unit_page_links_the_analysis_file_in_vietnamese(seeded, client):
    _data(seeded)
    login(client, "manager@example.vn")
    page = client.get("/units/tan-dinh?period=2025-Q1&lang=vi").get_data(as_text=True)
    assert "variant=analysis" in page
    assert "Tải để phân tích (CSV, mỗi câu hỏi một cột)" in page


def test_answers_column_of_the_spec_file_is_unchanged(seeded, runner):
    _data(seeded)
    out = runner.invoke(args=["responses", "export", "--unit", "sai-gon"]).output
    rows = _rows(out)
    assert rows[0] == HEADER
    answers = rows[1][HEADER.index("answers")]
    assert json.loads(answers) == {"overall": 5}
    assert rows[1][-1] == ""  # the appended `official` column: nobody was named
