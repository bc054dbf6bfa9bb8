"""The field survey's signed yearly PDFs (SPEC 13): one ward's results along the PAPI axes and
the wards compared, in the administrative form of every report, issued by the Fatherland Front
committee when FIELD_REPORT_ISSUER is "front" and by the People's Committee otherwise.

Hand-made interviews of Sài Gòn ward in 2025, transparency axis (four scored items: three
yes/no, one 5-point rating mapped to (level − 1) / 4):
- 8 respondents answer yes, yes, yes, 5 → points 1, 1, 1, 1 → score 1 + 9 × 1 = 10;
- 4 respondents answer yes, no, yes, 1 → points 1, 0, 1, 0 → score 1 + 9 × 0,5 = 5,5.
Mean (8 × 10 + 4 × 5,5) / 12 = 8,5; s² = (8 × 1,5² + 4 × 3²) / 11 = 54 / 11, s = 2,2156;
t(0,975; 11) = 2,2010 → 8,5 ± 2,2010 × 2,2156 / √12 = 8,5 ± 1,408 → 7,1–9,9.
Item "budget published": 8 of 12 yes → 66,7 %. Only 4 of the 12 used a ward procedure, so the
public-procedures axis has n = 4: too few (FIELD_MIN_N 10).
Tân Định: 3 interviews (every axis too few), to show the district summary lists two wards.
"""

import io
import subprocess
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import PASSWORD, login, make_user
from tests.reports.test_administrative_form import qr_payload
from webapp.audit.models import AuditEvent
from webapp.auth.services import create_user
from webapp.extensions import db
from webapp.field.devices import issue_field_token
from webapp.field.models import FieldResponse
from webapp.reports.models import Report
from webapp.surveys.models import Survey, SurveyVersion
from webapp.units.services import get_unit

YEAR = 2025
MARCH = datetime(2025, 3, 12, 3, 0, tzinfo=UTC)


def base_answers(definition: dict) -> dict:
    """An interview answering every item its skip logic shows, with middling answers."""
    answers = {}
    for q in definition["questions"]:
        if q["kind"] == "yesno":
            answers[q["id"]] = False
        elif q["kind"] == "rating5":
            answers[q["id"]] = 3
        elif q["kind"] == "choice":
            answers[q["id"]] = q["options"][0]["code"]
    return answers


def add_interviews(unit_slug: str, answer_sets: list[dict], device, surveyor, version) -> None:
    for i, answers in enumerate(answer_sets):
        moment = MARCH + timedelta(minutes=i)
        db.session.add(
            FieldResponse(
                id=uuid.uuid4(),
                device_id=device.id,
                surveyor_id=surveyor.id,
                unit_id=get_unit(unit_slug).id,
                survey_version_id=version.id,
                locale="vi",
                answers=answers,
                device_started_at=moment - timedelta(minutes=20),
                device_submitted_at=moment,
                submitted_at=moment,
                received_at=moment,
            )
        )


@pytest.fixture
def field_app(seeded):
    with seeded.app_context():
        version = db.session.scalar(
            db.select(SurveyVersion).join(Survey).where(Survey.key == "papi_household")
        )
        assert version is not None, "flask demo seed imports the packaged field surveys"
        surveyor = create_user(
            "ban-mttq@example.vn", "surveyor", PASSWORD, [get_unit("sai-gon"), get_unit("tan-dinh")]
        )
        device, _token = issue_field_token(surveyor)
        base = base_answers(version.definition)
        base.update(adm_used_ward=False, par_voted_leader=False, acc_contacted=False)
        high = {
            **base,
            "tra_poor_list_posted": True,
            "tra_budget_published": True,
            "tra_land_plan_seen": True,
            "tra_land_price_info": 5,
        }
        low = {
            **base,
            "tra_poor_list_posted": True,
            "tra_budget_published": False,
            "tra_land_plan_seen": True,
            "tra_land_price_info": 1,
            "adm_used_ward": True,
            "adm_clear_guidance": True,
            "adm_on_time": True,
            "adm_trips": "once",
            "adm_service_rating": 5,
            "adm_procedure_type": next(
                q for q in version.definition["questions"] if q["id"] == "adm_procedure_type"
            )["options"][0]["code"],
        }
        add_interviews("sai-gon", [high] * 8 + [low] * 4, device, surveyor, version)
        add_interviews("tan-dinh", [high] * 3, device, surveyor, version)
        make_user("admin@example.vn", "admin")
        make_user("manager-td@example.vn", "manager", "tan-dinh")
        db.session.commit()
    return seeded


@pytest.fixture
def front(field_app):
    field_app.config["FIELD_REPORT_ISSUER"] = "front"
    field_app.config["REPORT_SIGNERS"] = {"front:sai-gon": "Lê Thị Hoa"}
    yield field_app
    field_app.config["FIELD_REPORT_ISSUER"] = ""
    field_app.config["REPORT_SIGNERS"] = {}


def pdf_text(pdf: bytes, tmp_path) -> str:
    """The PDF's words in reading order (each header column on its own, no layout), with
    line breaks and repeated spaces made single spaces: long names wrap in the header."""
    path = tmp_path / "field.pdf"
    path.write_bytes(pdf)
    raw = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return " ".join(raw.split())


def signed_in(app, email: str):
    client = app.test_client()
    assert login(client, email, PASSWORD).status_code in (302, 303)
    return client


def test_ward_pdf_issued_by_the_fatherland_front(front, tmp_path):
    admin = signed_in(front, "admin@example.vn")
    reply = admin.get(f"/field/results/sai-gon/{YEAR}.pdf")
    assert reply.status_code == 200, reply.data[:300]
    assert reply.mimetype == "application/pdf"
    text = pdf_text(reply.data, tmp_path)
    header = text.split("BÁO CÁO KẾT QUẢ")[0]
    assert "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM PHƯỜNG SÀI GÒN" in header
    assert "MẶT TRẬN TỔ QUỐC VIỆT NAM" in header
    assert "Số: 1/BC-MTTQ" in header
    assert "ỦY BAN NHÂN DÂN" not in header
    flat = text
    assert "CHỈ SỐ HIỆU QUẢ QUẢN TRỊ VÀ HÀNH CHÍNH CÔNG" in flat
    assert "(THEO CÁC TRỤC NỘI DUNG PAPI) NĂM 2025" in flat
    assert "Số hộ gia đình được phỏng vấn: 12" in flat
    assert "Công khai, minh bạch trong việc ra quyết định ở địa phương" in flat
    assert "8,5 (7,1–9,9), n = 12" in flat
    assert "66,7 %" in flat  # the budget item: 8 of 12
    assert "Chưa đủ số phiếu (n = 4, cần tối thiểu 10)" in flat
    assert "Điểm trục = 1 + 9 × trung bình điểm các câu đã trả lời" in flat
    assert "tách riêng" in flat  # field interviews are apart from the kiosks' figures
    for line in ("TM. BAN THƯỜNG TRỰC", "CHỦ TỊCH", "Lê Thị Hoa"):
        assert line in flat
    assert "Ủy ban nhân dân phường Sài Gòn (để phối hợp);" in flat
    assert "Lưu: VT." in flat
    assert "papi" not in flat.replace("PAPI", "")  # no raw codes, slugs or kinds
    assert "sai-gon" not in flat
    with front.app_context():
        report = db.session.scalar(db.select(Report))
        assert (report.kind, report.period, report.issuer_key, report.number_text) == (
            "papi",
            "2025",
            "front:sai-gon",
            "Số: 1/BC-MTTQ",
        )
    # Unchanged figures: the stored PDF again; every generation and download audited.
    again = admin.get(f"/field/results/sai-gon/{YEAR}.pdf")
    assert again.data == reply.data
    with front.app_context():
        events = db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.action.like("report.%")).order_by(AuditEvent.id)
        ).all()
        seen = [(e.action, e.details["kind"], e.details.get("cached")) for e in events]
    assert seen == [
        ("report.generate", "papi", None),
        ("report.download", "papi", False),
        ("report.download", "papi", True),
    ]


def test_without_configuration_the_peoples_committee_issues_it(field_app, tmp_path):
    admin = signed_in(field_app, "admin@example.vn")
    text = pdf_text(admin.get(f"/field/results/sai-gon/{YEAR}.pdf").data, tmp_path)
    header = text.split("BÁO CÁO KẾT QUẢ")[0]
    assert "ỦY BAN NHÂN DÂN PHƯỜNG SÀI GÒN" in header
    assert "Số: 1/BC-UBND" in header
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header


def test_english_variant(front, tmp_path):
    admin = signed_in(front, "admin@example.vn")
    text = pdf_text(admin.get(f"/field/results/sai-gon/{YEAR}.pdf?lang=en").data, tmp_path)
    assert "VIETNAM FATHERLAND FRONT COMMITTEE OF SAI GON WARD" in text
    assert "No.: 1/BC-MTTQ" in text
    assert "Transparency in local decision-making" in text
    assert "8.5 (7.1–9.9), n = 12" in text


def test_the_pdf_verifies(front, tmp_path, runner):
    admin = signed_in(front, "admin@example.vn")
    pdf = admin.get(f"/field/results/sai-gon/{YEAR}.pdf").data
    path = tmp_path / "sai-gon-2025-papi.pdf"
    path.write_bytes(pdf)
    result = runner.invoke(args=["reports", "verify", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("VALID")
    reply = front.test_client().post(
        "/api/v1/verify",
        data={"file": (io.BytesIO(pdf), "report.pdf")},
        content_type="multipart/form-data",
    )
    body = reply.get_json()
    assert body["valid"] is True
    assert (body["kind"], body["unit"], body["period"]) == ("papi", "sai-gon", "2025")
    assert body["archived"] is True


def test_district_summary_compares_the_wards(front, tmp_path):
    admin = signed_in(front, "admin@example.vn")
    reply = admin.get(f"/field/results/{YEAR}.pdf")
    assert reply.status_code == 200, reply.data[:300]
    text = pdf_text(reply.data, tmp_path)
    assert "Phường Sài Gòn" in text
    assert "Phường Tân Định" in text
    assert "Số: 1/BC-MTTQ" in text
    # The district level was dissolved in 2025: the city's Front committee issues it.
    assert "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM THÀNH PHỐ HỒ CHÍ MINH" in text
    assert "8,5" in text
    body = (
        front.test_client()
        .post(
            "/api/v1/verify",
            data={"file": (io.BytesIO(reply.data), "report.pdf")},
            content_type="multipart/form-data",
        )
        .get_json()
    )
    assert body["valid"] is True
    assert (body["kind"], body["unit"], body["period"]) == ("papi_summary", "quan-1", "2025")


def test_a_manager_sees_only_their_wards(field_app, tmp_path):
    manager = signed_in(field_app, "manager-td@example.vn")
    assert manager.get(f"/field/results/sai-gon/{YEAR}.pdf").status_code == 403
    assert manager.get(f"/field/results/tan-dinh/{YEAR}.pdf").status_code == 200
    summary = manager.get(f"/field/results/{YEAR}.pdf")
    assert summary.status_code == 200
    text = pdf_text(summary.data, tmp_path)
    assert "Phường Tân Định" in text
    assert "Phường Sài Gòn" not in text


def test_refusals(field_app):
    surveyor = signed_in(field_app, "ban-mttq@example.vn")
    assert surveyor.get(f"/field/results/sai-gon/{YEAR}.pdf").status_code == 403
    assert surveyor.get(f"/field/results/{YEAR}.pdf").status_code == 403
    admin = signed_in(field_app, "admin@example.vn")
    assert admin.get("/field/results/sai-gon/1999.pdf").status_code == 404
    assert admin.get("/field/results/sai-gon/2999.pdf").status_code == 404
    assert admin.get("/field/results/sai-gon/2099.pdf").status_code == 400  # not started
    assert admin.get("/field/results/no-such-ward/2025.pdf").status_code == 404
    assert admin.get("/field/results/q1-ttyt/2025.pdf").status_code == 404  # not a ward
    assert admin.get("/field/results/2099.pdf").status_code == 400
    assert signed_in(field_app, "admin@example.vn").get("/field/results/x.pdf").status_code == 404


def test_cli_builds_the_field_reports(front, runner, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(
        args=["reports", "build", "--period", "2025", "--field", "--out", str(out)]
        + ["--unit", "sai-gon", "--unit", "quan-1", "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in out.iterdir())
    assert files == ["quan-1-2025-papi.pdf", "sai-gon-2025-papi.pdf"]
    assert "8,5 (7,1–9,9), n = 12" in pdf_text(
        (out / "sai-gon-2025-papi.pdf").read_bytes(), tmp_path
    )
    verified = runner.invoke(args=["reports", "verify", *(str(out / f) for f in files)])
    assert verified.exit_code == 0, verified.output
    assert verified.output.count("VALID") == 2
    with front.app_context():
        kinds = sorted(r.kind for r in db.session.scalars(db.select(Report)))
    assert kinds == ["papi", "papi_summary"]
    refused = runner.invoke(
        args=["reports", "build", "--period", "2025-Q1", "--field", "--out", str(out)]
    )
    assert refused.exit_code != 0
    assert "year" in refused.output
    school = runner.invoke(
        args=["reports", "build", "--period", "2025", "--field", "--out", str(out)]
        + ["--unit", "q1-mn-ben-thanh"]
    )
    assert school.exit_code != 0
    assert "wards" in school.output


def test_the_qr_opens_the_record_of_the_field_report(front, tmp_path):
    admin = signed_in(front, "admin@example.vn")
    pdf = admin.get(f"/field/results/sai-gon/{YEAR}.pdf").data
    url = qr_payload(pdf, tmp_path)
    with front.app_context():
        public_id = db.session.scalar(db.select(Report.public_id))
    assert url.endswith(f"/verify/{public_id}")
    page = front.test_client().get(f"/verify/{public_id}").get_data(as_text=True)
    assert "Số: 1/BC-MTTQ" in page
    assert "Kết quả khảo sát hộ gia đình (các trục PAPI)" in page
    assert "Phường Sài Gòn" in page
    assert "Năm 2025" in page
