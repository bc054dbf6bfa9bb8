"""Compiled message catalogues, made at start so that any install serves Vietnamese.

The `.po` files are the source; a deployment that runs `pip install`, `flask db upgrade` and
`gunicorn wsgi:app` without `make` has no `.mo` files, and Flask-Babel then silently falls back
to the English msgids — a "Vietnamese" signed PDF came out in English that way. So the factory
compiles every catalogue into the instance folder when it is missing or out of date, and a
production app refuses to start without the Vietnamese one.
"""

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

log = logging.getLogger(__name__)

DOMAIN = "messages"


def compiled_catalogues(source: Path, target: Path, languages: Iterable[str]) -> Path:
    """Compile every `source/<lang>/LC_MESSAGES/<domain>.po` into `target`; return `target`.

    Each `.mo` remembers the hash of the `.po` it came from, so a changed source is recompiled
    and an unchanged one is not. Files are written under a temporary name and renamed into place,
    so gunicorn workers starting together never read a half-written catalogue.
    """
    for lang in languages:
        for po_path in sorted((source / lang / "LC_MESSAGES").glob("*.po")):
            _compile(po_path, target / lang / "LC_MESSAGES" / f"{po_path.stem}.mo", lang)
    return target


def _compile(po_path: Path, mo_path: Path, lang: str) -> None:
    stamp_path = mo_path.with_suffix(".sha256")
    digest = hashlib.sha256(po_path.read_bytes()).hexdigest()
    if mo_path.exists() and stamp_path.exists() and stamp_path.read_text() == digest:
        return
    mo_path.parent.mkdir(parents=True, exist_ok=True)
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=lang, domain=po_path.stem)
    _write_atomically(mo_path, lambda f: write_mo(f, catalog, use_fuzzy=False))
    _write_atomically(stamp_path, lambda f: f.write(digest.encode()))
    log.info("Compiled %s into %s", po_path.name, mo_path)


def missing_catalogues(target: Path, languages: Iterable[str]) -> list[str]:
    return [
        lang for lang in languages if not (target / lang / "LC_MESSAGES" / f"{DOMAIN}.mo").exists()
    ]


def _write_atomically(path: Path, write) -> None:
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as tmp:
            write(tmp)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
