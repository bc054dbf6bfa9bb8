"""`flask backup create` while the server writes, `flask backup restore` into an empty database,
and the restored data equal to what was backed up, table by table."""

import threading
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from sqlalchemy import inspect, select
from sqlalchemy.engine import make_url

from tests.conftest import DATABASE_URL, IS_POSTGRES, make_app
from tests.factories import add_responses, kiosk_for
from webapp.audit.services import record, verify_chain
from webapp.extensions import db
from webapp.responses.rollups import rollup_differences

FEB = datetime(2025, 2, 10, 2, 0, tzinfo=UTC)


@pytest.fixture
def empty_target(tmp_path):
    """A second, empty database of the same kind as the one under test."""
    if not IS_POSTGRES:
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = f"hailong_restore_{uuid.uuid4().hex[:8]}"
    admin_url = make_url(DATABASE_URL).set(drivername="postgresql")
    conninfo = admin_url.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield make_url(DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def with_data(seeded):
    with seeded.app_context():
        kiosk = kiosk_for("sai-gon", "Quầy 1")
        add_responses(kiosk, [5, 4, 3, 1, 5], at=FEB, answers={"comment": "Rất tốt — cảm ơn"})
        record("test.backup", target="sai-gon", note="trước khi sao lưu")
        db.session.commit()
    return seeded


def every_table(app) -> dict[str, list[tuple]]:
    with app.app_context():
        existing = set(inspect(db.engine).get_table_names())
        rows = {}
        for table in db.metadata.sorted_tables:
            if table.name in existing:
                ordered = select(table).order_by(*table.primary_key.columns)
                rows[table.name] = [tuple(r) for r in db.session.execute(ordered)]
        db.session.remove()
        return rows


def backup(runner, directory) -> str:
    result = runner.invoke(args=["backup", "create", str(directory)])
    assert result.exit_code == 0, result.output
    line = result.output.strip().splitlines()[-1]
    assert line.startswith("backup: ")
    return line.removeprefix("backup: ")


def restore(target_url, path, *extra):
    app = make_app(SQLALCHEMY_DATABASE_URI=target_url)
    result = app.test_cli_runner().invoke(args=["backup", "restore", path, *extra])
    return app, result


def test_a_restored_backup_equals_the_original(with_data, runner, tmp_path, empty_target):
    path = backup(runner, tmp_path / "backups")
    restored, result = restore(empty_target, path)
    assert result.exit_code == 0, result.output
    assert every_table(restored) == every_table(with_data)
    with restored.app_context():
        assert verify_chain().intact
        db.engine.dispose()


def test_a_backup_taken_during_writes_is_consistent(with_data, runner, tmp_path, empty_target):
    """Writers keep committing responses and audit entries while the backup runs."""
    stop = threading.Event()
    errors = []

    def writer():
        try:
            with with_data.app_context():
                kiosk = kiosk_for("tan-dinh", "Quầy ghi")
                db.session.commit()
                n = 0
                while not stop.is_set():
                    add_responses(kiosk, [5, 2, 4], at=FEB + timedelta(hours=n))
                    record("test.write", n=n)
                    db.session.commit()
                    n += 1
        except Exception as exc:  # surfaced below
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        paths = [backup(runner, tmp_path / "backups") for _ in range(3)]
    finally:
        stop.set()
        thread.join()
    assert errors == []
    restored, result = restore(empty_target, paths[-1])
    assert result.exit_code == 0, result.output
    with restored.app_context():
        assert verify_chain().intact  # no half-appended chain entry
        assert rollup_differences() == {}  # every response counted, nothing counted twice
        db.engine.dispose()


def test_restore_refuses_a_database_that_holds_data(with_data, runner, tmp_path):
    path = backup(runner, tmp_path / "backups")
    before = every_table(with_data)
    result = runner.invoke(args=["backup", "restore", path])
    assert result.exit_code != 0
    assert "--force" in result.output
    assert every_table(with_data) == before


def test_restore_of_a_missing_or_foreign_file_fails_clearly(app, tmp_path, empty_target):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("not a backup")
    _restored, result = restore(empty_target, str(not_a_backup))
    assert result.exit_code != 0
    assert "backup" in result.output
