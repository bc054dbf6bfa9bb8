"""A fresh install that never ran `make` must still serve Vietnamese (issue 11)."""

import re
import shutil
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.conftest import ROOT, make_app
from webapp.extensions import babel

SOURCE = Path(__file__).resolve().parents[2] / "translations"


@pytest.fixture
def po_only(tmp_path, monkeypatch):
    """The catalogues as a pip install ships them: `.po` sources, no `.mo`, a new instance."""
    source = tmp_path / "translations"
    shutil.copytree(SOURCE, source, ignore=shutil.ignore_patterns("*.mo", "*.pot"))
    monkeypatch.setenv("HAILONG_INSTANCE_PATH", str(tmp_path / "instance"))
    yield source
    fresh_app(SOURCE)  # later tests load the real catalogues again


def fresh_app(source, **config):
    """An app as a new process would start it: Flask-Babel keeps loaded catalogues per process."""
    app = make_app(TRANSLATIONS_SOURCE=str(source), **config)
    with app.app_context():
        babel.domain_instance.cache.clear()
    return app


def login_page(app, lang="vi") -> str:
    return app.test_client().get(f"/login?lang={lang}").get_data(as_text=True)


def test_the_app_compiles_the_catalogues_it_needs(po_only, tmp_path):
    app = fresh_app(po_only)
    assert (tmp_path / "instance/translations/vi/LC_MESSAGES/messages.mo").exists()
    page = login_page(app)
    assert "Đăng nhập" in page
    assert "Sign in" not in page
    assert "Sign in" in login_page(app, "en")


def test_a_changed_source_is_compiled_again(po_only):
    fresh_app(po_only)
    vi_po = po_only / "vi/LC_MESSAGES/messages.po"
    vi_po.write_text(vi_po.read_text().replace('msgstr "Đăng nhập"', 'msgstr "Vào hệ thống"', 1))
    assert "Vào hệ thống" in login_page(fresh_app(po_only))


def test_production_refuses_to_start_without_vietnamese(po_only):
    shutil.rmtree(po_only / "vi")
    with pytest.raises(RuntimeError, match="vi"):
        # Everything else production needs is given (the contact key, SPEC 13).
        fresh_app(po_only, PRODUCTION=True, CONTACT_KEY=Fernet.generate_key().decode())
    # Outside production the app still starts (in English) so a developer can fix it.
    assert "Sign in" in login_page(fresh_app(po_only))


def test_form_errors_are_vietnamese(seeded, client):
    """WTForms has no Vietnamese catalogue of its own; ours translates its messages."""
    page = client.post("/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "Vui lòng điền mục này." in page
    assert "This field is required." not in page


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_catalogues_are_well_formed(language):
    """Entries appended by parallel branches merge badly (a lost `msgstr` line glues two entries;
    the same msgid twice keeps only one translation): read strictly, no msgid twice."""
    from babel.messages.pofile import read_po

    path = ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        read_po(handle, abort_invalid=True)
    keys = re.findall(r'^(?:msgctxt "(.*)"\n)?msgid "(.+)"$', path.read_text("utf-8"), re.M)
    duplicates = {key for key in keys if keys.count(key) > 1}
    assert not duplicates, duplicates
