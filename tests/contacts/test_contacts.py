"""Consented follow-up contacts (SPEC 13): stored encrypted and apart, exported only to admins
and auditors (audited), never in the response exports; purge, delete, key rotation."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update

from tests.conftest import IS_POSTGRES, make_app
from tests.contacts.conftest import NATIONAL, PHONE, SYNC, with_contact
from tests.factories import login, make_user
from tests.kiosk_api.conftest import batch, response_item
from webapp.audit.models import AuditEvent
from webapp.contacts import crypto
from webapp.contacts.consent import CURRENT_VERSION
from webapp.contacts.models import Contact
from webapp.extensions import db
from webapp.responses.models import QuarantinedResponse, Response

# Every way the number could show up in stored bytes: national, international, bare digits.
FORMS = (NATIONAL, "912345678", "84912345678", "912.345-678")


def sync(client, kiosk, *items):
    reply = client.post(SYNC, json=batch(list(items)), headers=kiosk.headers)
    assert reply.status_code == 200, reply.get_data(as_text=True)
    return reply.get_json()


def contact_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Contact))


def database_bytes(app) -> bytes:
    """The SQLite database as stored on disk: the file and its write-ahead log."""
    path = Path(db.engine.url.database)
    db.session.remove()
    db.engine.dispose()  # closes the connections (checkpoints the WAL into the file)
    data = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def test_a_contact_is_stored_encrypted_and_apart(kiosk, client, seeded):
    item = with_contact()
    body = sync(client, kiosk, item)
    assert body["accepted"] == [item["id"]]
    with seeded.app_context():
        contact = db.session.scalars(select(Contact)).one()
        assert str(contact.response_id) == item["id"]
        assert contact.consent_version == CURRENT_VERSION
        assert contact.unit.slug == "sai-gon"
        assert crypto.decrypt(contact.phone_ciphertext) == NATIONAL
        for form in FORMS:
            assert form not in contact.phone_ciphertext
        # The response itself carries no trace of the contact.
        response = db.session.get(Response, contact.response_id)
        assert "contact" not in response.answers
        if IS_POSTGRES:
            stored = db.session.execute(text("SELECT phone_ciphertext FROM contacts")).scalar()
            assert all(form not in stored for form in FORMS)
            dump = db.session.execute(
                text("SELECT string_agg(row_to_json(r)::text, '') FROM responses r")
            ).scalar()
            assert all(form not in dump for form in FORMS)
        else:
            raw = database_bytes(seeded)
            assert b"sai-gon" in raw  # the read sees plain columns: a plain number would show
            for form in FORMS:
                assert form.encode() not in raw, form


def test_a_known_consent_version_is_kept(kiosk, client, seeded):
    body = sync(client, kiosk, with_contact(consent_version=CURRENT_VERSION))
    assert len(body["accepted"]) == 1
    with seeded.app_context():
        assert db.session.scalars(select(Contact.consent_version)).one() == CURRENT_VERSION


@pytest.mark.parametrize(
    "contact",
    [
        {"phone": PHONE},  # no consent
        {"phone": PHONE, "consent": False},
        {"phone": PHONE, "consent": "true"},  # a string is not consent
        {"phone": "12345", "consent": True},
        {"phone": "+1 202 555 0123", "consent": True},
        {"consent": True},
        {"phone": PHONE, "consent": True, "consent_version": "1999-9"},
        "0912345678",
    ],
)
def test_a_bad_contact_rejects_the_item_and_stores_nothing(kiosk, client, seeded, contact):
    bad = response_item(contact=contact)
    good = response_item()
    body = sync(client, kiosk, bad, good)
    assert body["accepted"] == [good["id"]]
    assert [r["id"] for r in body["rejected"]] == [bad["id"]]
    assert set(body["rejected"][0]["errors"]) == {"contact"}
    with seeded.app_context():
        assert contact_count() == 0
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
        # Quarantined for the admins, but without the number.
        held = db.session.scalars(select(QuarantinedResponse)).one()
        assert "contact" not in held.payload
        assert held.payload["contact_removed"] is True
        assert held.errors == body["rejected"][0]["errors"]


def test_a_resent_response_stores_one_contact(kiosk, client, seeded):
    item = with_contact()
    assert sync(client, kiosk, item)["accepted"] == [item["id"]]
    again = sync(client, kiosk, item, item)
    assert again["duplicates"] == [item["id"], item["id"]]
    with seeded.app_context():
        assert contact_count() == 1


def test_the_server_keeps_a_consented_contact_whatever_the_units_setting(kiosk, client, seeded):
    with seeded.app_context():
        from webapp.units.services import get_unit

        assert get_unit("sai-gon").contact_optin is False
    sync(client, kiosk, with_contact())
    with seeded.app_context():
        assert contact_count() == 1


def _period_code() -> str:
    return str(datetime.now(UTC).astimezone().year)


def _csv_rows(reply) -> list[list[str]]:
    data = reply.get_data(as_text=True)
    assert data.startswith("\ufeff")
    return list(csv.reader(io.StringIO(data[1:])))


def test_the_auditor_downloads_the_contacts_and_it_is_audited(kiosk, client, seeded):
    sync(client, kiosk, with_contact(), response_item())
    with seeded.app_context():
        make_user("auditor@example.vn", "auditor")
        db.session.commit()
    login(client, "auditor@example.vn")
    period = _period_code()
    reply = client.get(f"/contacts.csv?period={period}")
    assert reply.status_code == 200
    assert reply.mimetype == "text/csv"
    assert reply.headers["Cache-Control"] == "no-store"
    rows = _csv_rows(reply)
    assert rows[0] == ["thời điểm", "đơn vị", "số điện thoại", "phiên bản đồng ý", "nơi đồng ý"]
    assert len(rows) == 2
    assert rows[1][4] == "kiosk tại quầy"
    assert rows[1][2] == NATIONAL
    assert rows[1][3] == CURRENT_VERSION
    assert rows[1][1] == "Phường Sài Gòn"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", rows[1][0])
    with seeded.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "contacts.export")
        ).one()
        assert event.details["count"] == 1
        assert event.target == period
        assert NATIONAL not in str(event.details)
    # A period without contacts: headers only, audited with 0.
    assert len(_csv_rows(client.get("/contacts.csv?period=2001"))) == 1
    assert client.get("/contacts.csv?period=nonsense").status_code == 400


def test_an_admin_may_download_a_manager_may_not(kiosk, client, seeded):
    sync(client, kiosk, with_contact())
    with seeded.app_context():
        make_user("admin@example.vn", "admin")
        make_user("manager@example.vn", "manager", "sai-gon")
        db.session.commit()
    login(client, "manager@example.vn")
    reply = client.get("/contacts.csv")
    assert reply.status_code == 403
    assert NATIONAL not in reply.get_data(as_text=True)
    client.post("/logout")
    login(client, "admin@example.vn")
    assert NATIONAL in client.get("/contacts.csv").get_data(as_text=True)


def test_anonymous_is_refused(client, seeded):
    assert client.get("/contacts.csv").status_code in (401, 302)


def test_the_response_exports_never_carry_the_number(kiosk, client, runner, seeded):
    item = with_contact()
    sync(client, kiosk, item)
    for args in (
        ["responses", "export"],
        ["responses", "export", "--variant", "analysis"],
        ["responses", "export", "--unit", "sai-gon"],
    ):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
        assert item["id"] in result.output  # the response is exported ...
        for form in FORMS:
            assert form not in result.output  # ... its contact is not
    with seeded.app_context():
        make_user("admin@example.vn", "admin")
        db.session.commit()
    login(client, "admin@example.vn")
    page = client.get("/units/sai-gon/responses.csv").get_data(as_text=True)
    assert item["id"] in page
    assert NATIONAL not in page
    assert "912345678" not in page


def _age_contacts(days: int) -> None:
    db.session.execute(update(Contact).values(created_at=datetime.now(UTC) - timedelta(days=days)))
    db.session.commit()


def test_purge_deletes_only_contacts_past_the_retention(kiosk, client, runner, seeded):
    old, recent = with_contact(), with_contact("0356789012")
    sync(client, kiosk, old)
    with seeded.app_context():
        _age_contacts(181)
    sync(client, kiosk, recent)

    result = runner.invoke(args=["contacts", "purge"])
    assert result.exit_code == 0, result.output
    assert "contacts purged: 1" in result.output
    with seeded.app_context():
        left = db.session.scalars(select(Contact)).all()
        assert [crypto.decrypt(c.phone_ciphertext) for c in left] == ["0356789012"]
        assert db.session.scalar(select(func.count()).select_from(Response)) == 2
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "contacts.purge")
        ).one()
        assert event.details == {"count": 1, "retention_days": 180}
    assert "contacts purged: 0" in runner.invoke(args=["contacts", "purge"]).output


def test_purge_follows_the_configured_retention(kiosk, client, seeded):
    sync(client, kiosk, with_contact())
    with seeded.app_context():
        _age_contacts(10)
    app = make_app(CONTACT_RETENTION_DAYS=7, CONTACT_KEY=seeded.config["CONTACT_KEY"])
    result = app.test_cli_runner().invoke(args=["contacts", "purge"])
    assert "contacts purged: 1" in result.output


def test_delete_by_phone_in_any_written_form(kiosk, client, runner, seeded):
    sync(client, kiosk, with_contact(), with_contact("0912 345 678"), with_contact("0356789012"))
    result = runner.invoke(args=["contacts", "delete", "--phone", "+84912345678"])
    assert result.exit_code == 0, result.output
    assert "contacts deleted: 2" in result.output
    with seeded.app_context():
        left = db.session.scalars(select(Contact)).all()
        assert [crypto.decrypt(c.phone_ciphertext) for c in left] == ["0356789012"]
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "contacts.delete")
        ).one()
        assert event.details == {"count": 2}
        assert "912345678" not in str(event.details) + str(event.target)
    again = runner.invoke(args=["contacts", "delete", "--phone", "0912345678"])
    assert "contacts deleted: 0" in again.output
    bad = runner.invoke(args=["contacts", "delete", "--phone", "12"])
    assert bad.exit_code != 0
    assert "Traceback" not in bad.output


def test_key_rotation(kiosk, client, seeded):
    old_key = seeded.config["CONTACT_KEY"]
    sync(client, kiosk, with_contact())
    with seeded.app_context():
        before = db.session.scalars(select(Contact)).one()
        old_token, old_lookup = before.phone_ciphertext, before.phone_lookup

    new_key = crypto.new_key()
    both = make_app(CONTACT_KEY=f"{new_key},{old_key}")
    result = both.test_cli_runner().invoke(args=["contacts", "rotate"])
    assert result.exit_code == 0, result.output
    assert "contacts re-encrypted: 1" in result.output

    only_new = make_app(CONTACT_KEY=new_key)
    with only_new.app_context():
        contact = db.session.scalars(select(Contact)).one()
        assert contact.phone_ciphertext != old_token
        assert contact.phone_lookup != old_lookup
        assert crypto.decrypt(contact.phone_ciphertext) == NATIONAL
        with pytest.raises(crypto.ContactKeyError):
            crypto.decrypt(old_token)  # the old key is gone
    # Lookups keep working with only the new key: delete finds the rotated row.
    result = only_new.test_cli_runner().invoke(args=["contacts", "delete", "--phone", PHONE])
    assert "contacts deleted: 1" in result.output


def test_before_rotation_a_prepended_key_still_finds_and_reads_old_rows(kiosk, client, seeded):
    old_key = seeded.config["CONTACT_KEY"]
    sync(client, kiosk, with_contact())
    both = make_app(CONTACT_KEY=f"{crypto.new_key()},{old_key}")
    with both.app_context():
        contact = db.session.scalars(select(Contact)).one()
        assert crypto.decrypt(contact.phone_ciphertext) == NATIONAL
    result = both.test_cli_runner().invoke(args=["contacts", "delete", "--phone", NATIONAL])
    assert "contacts deleted: 1" in result.output


def test_production_refuses_to_start_without_a_contact_key(tmp_path, monkeypatch):
    monkeypatch.setenv("HAILONG_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="FLASK_CONTACT_KEY"):
        make_app(PRODUCTION=True)
    with pytest.raises(crypto.ContactKeyError):
        make_app(CONTACT_KEY="not-a-key")


def test_development_generates_a_key_into_the_instance_folder(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("HAILONG_INSTANCE_PATH", str(tmp_path))
    app = make_app(CONTACT_KEY=None)
    key_file = tmp_path / "contact.key"
    assert key_file.read_text().strip() == app.config["CONTACT_KEY"]
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert "contact encryption key" in caplog.text
    assert make_app(CONTACT_KEY=None).config["CONTACT_KEY"] == app.config["CONTACT_KEY"]


def test_the_kiosk_config_carries_the_opt_in_and_the_consent_text(kiosk, client, seeded):
    config = client.get("/api/v1/kiosk/config", headers=kiosk.headers).get_json()
    assert config["contact"]["optin"] is False
    assert config["contact"]["consent_version"] == CURRENT_VERSION
    assert "Mặt trận Tổ quốc" in config["contact"]["consent_text"]["vi"]
    assert "Fatherland Front" in config["contact"]["consent_text"]["en"]
    with seeded.app_context():
        from webapp.units.services import get_unit

        get_unit("sai-gon").contact_optin = True
        db.session.commit()
    assert client.get("/api/v1/kiosk/config", headers=kiosk.headers).get_json()["contact"]["optin"]


def test_an_admin_switches_the_opt_in_on_in_the_unit_form(client, seeded):
    with seeded.app_context():
        from webapp.units.services import get_unit

        make_user("admin@example.vn", "admin")
        unit = get_unit("sai-gon")
        form = {
            "slug": unit.slug,
            "name_vi": unit.name_vi,
            "name_en": unit.name_en,
            "type_code": unit.type_code,
            "parent": unit.parent.slug if unit.parent else "",
            "default_domain": unit.default_domain_code or "",
            "head_name": unit.head_name or "",
        }
        db.session.commit()
    login(client, "admin@example.vn")
    page = client.get("/admin/units/sai-gon/edit").get_data(as_text=True)
    assert 'name="contact_optin"' in page
    reply = client.post("/admin/units/sai-gon/edit", data={**form, "contact_optin": "y"})
    assert reply.status_code == 302
    with seeded.app_context():
        assert get_unit("sai-gon").contact_optin is True
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "unit.update")
        ).all()[-1]
        assert event.details["after"]["contact_optin"] is True
    client.post("/admin/units/sai-gon/edit", data=form)  # an unticked box switches it off
    with seeded.app_context():
        assert get_unit("sai-gon").contact_optin is False
