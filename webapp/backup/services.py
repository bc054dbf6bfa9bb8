"""Backups (SPEC 9): SQLite's online backup API, or pg_dump on PostgreSQL.

Both give a consistent snapshot while gunicorn keeps writing: SQLite's backup copies pages
under a read transaction (WAL lets writers go on), pg_dump reads in one repeatable-read
snapshot. A restore goes into an empty database only (unless forced), so that a mistyped
DATABASE_URL cannot overwrite live data.
"""

import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import URL, make_url

from webapp.extensions import db


class BackupError(RuntimeError):
    pass


def create_backup(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    url = make_url(db.engine.url)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    if url.get_backend_name() == "sqlite":
        target = directory / f"hailong-{stamp}.sqlite3"
        _sqlite_copy(_sqlite_path(url), target)
        return target
    if url.get_backend_name() == "postgresql":
        target = directory / f"hailong-{stamp}.pgdump"
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq(url)])
        return target
    raise BackupError(f"no backup method for {url.get_backend_name()}")


def restore_backup(source: Path, *, force: bool = False) -> None:
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    url = make_url(db.engine.url)
    if not force and not database_is_empty():
        raise BackupError("the database at DATABASE_URL holds data; restore refused (--force)")
    db.session.remove()
    db.engine.dispose()  # no pooled connection may keep the old schema or a lock
    if url.get_backend_name() == "sqlite":
        if source.suffix != ".sqlite3":
            raise BackupError("a SQLite database restores from a .sqlite3 backup")
        _sqlite_copy(source, _sqlite_path(url))
    elif url.get_backend_name() == "postgresql":
        if source.suffix != ".pgdump":
            raise BackupError("a PostgreSQL database restores from a .pgdump backup")
        # --clean drops what `flask db upgrade` may have created in the empty database.
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error",
              f"--dbname={_libpq(url)}", str(source)])  # fmt: skip
    else:
        raise BackupError(f"no restore method for {url.get_backend_name()}")


def database_is_empty() -> bool:
    """No row in any table (an upgraded but unused schema counts as empty)."""
    existing = set(inspect(db.engine).get_table_names())
    for table in db.metadata.sorted_tables:
        if table.name in existing and db.session.scalar(select(func.count()).select_from(table)):
            return False
    return True


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy even while other connections write."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst, pages=1024)  # in steps, so writers are not held up for long
    finally:
        src.close()
        dst.close()


def _libpq(url: URL) -> str:
    """The SQLAlchemy URL as libpq understands it (no '+psycopg' driver part)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)")
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-500:]}")
