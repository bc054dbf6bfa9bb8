"""`flask reports build` (two units, two worker processes) and `flask reports verify`."""

from webapp.audit.models import AuditEvent
from webapp.extensions import db


def test_build_two_units_then_verify(figures_app, runner, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(
        args=["reports", "build", "--period", "2025-Q1", "--unit", "tan-dinh", "--unit",
              "q1-tyt-ben-nghe", "--out", str(out)]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in out.iterdir())
    assert files == ["q1-tyt-ben-nghe-2025-Q1.pdf", "tan-dinh-2025-Q1.pdf"]
    with figures_app.app_context():
        actions = sorted(
            (e.action, e.actor_label) for e in db.session.scalars(db.select(AuditEvent))
        )
        assert actions.count(("report.generate", "cli")) == 2

    paths = [str(out / name) for name in files]
    verified = runner.invoke(args=["reports", "verify", *paths])
    assert verified.exit_code == 0, verified.output
    lines = verified.output.strip().splitlines()
    assert [line.split()[0] for line in lines] == ["VALID", "VALID"]
    assert "unit=tan-dinh period=2025-Q1" in lines[1]

    tampered = out / "tan-dinh-2025-Q1.pdf"
    data = bytearray(tampered.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered.write_bytes(bytes(data))
    junk = tmp_path / "notes.txt"
    junk.write_text("not a pdf")
    verified = runner.invoke(args=["reports", "verify", *paths, str(junk)])
    assert verified.exit_code == 1
    words = [line.split()[0] for line in verified.output.strip().splitlines()]
    assert words == ["VALID", "INVALID", "INVALID"]


def test_build_rejects_bad_input(figures_app, runner, tmp_path):
    bad_period = runner.invoke(
        args=["reports", "build", "--period", "2025-Q7", "--out", str(tmp_path)]
    )
    assert bad_period.exit_code != 0
    assert "2024-Q2" in bad_period.output
    bad_unit = runner.invoke(
        args=[
            "reports",
            "build",
            "--period",
            "2025-Q1",
            "--unit",
            "nowhere",
            "--out",
            str(tmp_path),
        ]
    )
    assert bad_unit.exit_code != 0
    assert "unknown unit" in bad_unit.output
    assert list(tmp_path.iterdir()) == []


def test_build_accepts_last_quarter_for_scheduled_runs(seeded, runner, tmp_path):
    """cron: `flask reports build --period last-quarter` builds the quarter that just ended."""
    from webapp.periods import current_period, previous_period

    last = previous_period("quarter")
    assert last.end_day == current_period("quarter").first_day
    result = runner.invoke(
        args=[
            "reports",
            "build",
            "--period",
            "last-quarter",
            "--unit",
            "tan-dinh",
            "--out",
            str(tmp_path),
        ]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / f"tan-dinh-{last.code}.pdf").exists()
    bad = runner.invoke(args=["reports", "build", "--period", "last-week", "--out", str(tmp_path)])
    assert bad.exit_code == 1
    assert previous_period("year").code == str(current_period("year").first_day.year - 1)
