"""Deployed without `make` (issue 11): a fresh `git clone` has no compiled `.mo` files (they are
git-ignored), and `flask db upgrade`, `flask demo seed`, `gunicorn wsgi:app` must still serve a
Vietnamese signed report: the app compiles the `.po` sources into the instance folder at start
(webapp/catalogues.py). A "Vietnamese" PDF once came out in English that way.

The clone is of the committed HEAD, run with this virtualenv's interpreter, production settings
(FLASK_PRODUCTION=true, which refuses to start without the Vietnamese catalogue) and its own
database: SQLite in a temporary directory, or, when DATABASE_URL names a PostgreSQL server, a
database of its own created on that server and dropped afterwards (never the suite's).
"""

import contextlib
import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.conftest import DATABASE_URL, IS_POSTGRES, ROOT, free_port, gunicorn_server
from webapp.periods import current_period

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
PASSWORD = "deploy-test-password-1"
SECRET = "deploy-test-secret-key-not-for-production"
VI_TITLE = "BÁO CÁO KẾT QUẢ KHẢO SÁT MỨC ĐỘ HÀI LÒNG"
EN_TITLE = "REPORT ON THE SATISFACTION SURVEY RESULTS"


@contextlib.contextmanager
def own_database(tmp_path: Path):
    """A database URL nobody else uses, removed afterwards."""
    if not IS_POSTGRES:
        yield "sqlite:///" + str(tmp_path / "deploy.db")
        return
    import psycopg
    from sqlalchemy.engine import make_url

    server = make_url(DATABASE_URL)
    name = f"hailong_deploy_{uuid.uuid4().hex[:12]}"
    admin_dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def clone_of_head(target: Path) -> Path:
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    subprocess.run(["git", "clone", "-q", "--no-checkout", str(ROOT), str(target)], check=True)
    subprocess.run(["git", "-C", str(target), "checkout", "-q", head], check=True)
    return target


def run(clone: Path, env: dict, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [str(BIN / "flask"), *args],
        cwd=clone,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, (args, result.stdout, result.stderr[-3000:])
    return result.stdout


def gunicorn(clone: Path, env: dict, port: int):
    """The clone's own app, served by gunicorn with its production-like environment."""
    return gunicorn_server(cwd=clone, env=env, port=port, boot_seconds=60)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
def test_a_fresh_clone_serves_a_vietnamese_report_without_make(tmp_path):
    clone = clone_of_head(tmp_path / "clone")
    assert (clone / "translations" / "vi" / "LC_MESSAGES" / "messages.po").is_file()
    assert list(clone.rglob("*.mo")) == [], "a fresh clone must not carry compiled catalogues"
    instance = tmp_path / "instance"
    port = free_port()
    with own_database(tmp_path) as database_url:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("FLASK_", "HAILONG_")) and k not in ("DATABASE_URL", "PYTHONPATH")
        }
        env.update(
            {
                "FLASK_APP": "wsgi",
                "DATABASE_URL": database_url,
                "HAILONG_INSTANCE_PATH": str(instance),
                "FLASK_PRODUCTION": "true",
                "FLASK_SECRET_KEY": SECRET,
                # Production refuses to start without the key of the contacts at rest.
                "FLASK_CONTACT_KEY": Fernet.generate_key().decode(),
                # Plain HTTP on loopback; everything else as in production.
                "FLASK_SESSION_COOKIE_SECURE": "false",
                "FLASK_REMEMBER_COOKIE_SECURE": "false",
                "FLASK_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            }
        )
        # The clone's own code is what runs, not this worktree's.
        where = subprocess.run(
            [sys.executable, "-c", "import webapp; print(webapp.__file__)"],
            cwd=clone, env=env, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        assert Path(where.strip()).resolve() == (clone / "webapp" / "__init__.py").resolve()
        run(clone, env, "db", "upgrade")
        run(clone, env, "demo", "seed")
        out = run(clone, env, "users", "create", "admin@q1.vn", "--role", "admin", "--password-stdin",
                  stdin=PASSWORD + "\n")  # fmt: skip
        assert "admin@q1.vn" in out

        # The CLI runs compiled the catalogues already: remove them, so that the server's own
        # start has to compile them again from the .po sources.
        compiled = instance / "translations" / "vi" / "LC_MESSAGES" / "messages.mo"
        assert compiled.is_file()
        shutil.rmtree(instance / "translations")
        with gunicorn(clone, env, port) as base_url:
            assert compiled.is_file()
            assert list((clone / "translations").rglob("*.mo")) == []
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            with opener.open(base_url + "/login") as reply:
                form = reply.read().decode()
            assert "Đăng nhập" in form  # the sign-in page itself is Vietnamese
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
            assert token, form[:2000]
            body = urllib.parse.urlencode(
                {"email": "admin@q1.vn", "password": PASSWORD, "csrf_token": token.group(1)}
            ).encode()
            with opener.open(base_url + "/login", data=body) as reply:
                assert reply.status == 200
                assert "/login" not in reply.url, "sign-in failed"
            quarter = current_period("quarter", "Asia/Ho_Chi_Minh").code
            with opener.open(f"{base_url}/units/sai-gon/reports/{quarter}.pdf") as reply:
                assert reply.headers["Content-Type"] == "application/pdf"
                pdf = reply.read()
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    assert "BÁO CÁO" in text
    assert VI_TITLE in text
    assert EN_TITLE not in text
    assert "REPORT ON THE" not in text
