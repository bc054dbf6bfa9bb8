import pytest

from tests.conftest import make_app
from webapp import create_app
from webapp.config import database_url_from_env


@pytest.mark.usefixtures("_schema")
def test_flask_prefixed_variables_override_defaults(monkeypatch):
    monkeypatch.setenv("FLASK_KIOSK_RESET_SECONDS", "17")
    monkeypatch.setenv("FLASK_ISSUING_BODY_VI", "ỦY BAN NHÂN DÂN PHƯỜNG SÀI GÒN")
    app = make_app()
    assert app.config["KIOSK_RESET_SECONDS"] == 17
    assert app.config["ISSUING_BODY_VI"] == "ỦY BAN NHÂN DÂN PHƯỜNG SÀI GÒN"


def test_database_url_selects_postgresql_with_psycopg3(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db.example:5432/hailong")
    assert (
        database_url_from_env(str(tmp_path)) == "postgresql+psycopg://u:p@db.example:5432/hailong"
    )
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/x")
    assert database_url_from_env(str(tmp_path)) == "postgresql+psycopg://u@db/x"


def test_default_database_is_sqlite_in_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url_from_env(str(tmp_path)) == f"sqlite:///{tmp_path}/hailong.db"


def test_production_without_secret_key_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.setenv("HAILONG_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("FLASK_PRODUCTION", "true")
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="FLASK_SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_development_secret_key_is_generated_once(monkeypatch, tmp_path):
    monkeypatch.setenv("HAILONG_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_PRODUCTION", raising=False)
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    assert len(first) == 64
    assert first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app):
    from sqlalchemy import text

    from tests.conftest import IS_POSTGRES
    from webapp.extensions import db

    if IS_POSTGRES:
        pytest.skip("SQLite pragmas")
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 10000
