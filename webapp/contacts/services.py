"""Storing, exporting and deleting follow-up contacts (SPEC 13).

Numbers reach the database only encrypted (crypto.py). Nothing here is used by the figures,
the dashboards, the response exports or the PDFs: the only way out is `contacts_csv` (admins
and auditors, audited). Operations flush; the request or the CLI command commits.
"""

import csv
import io
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import pgettext
from sqlalchemy import CursorResult, delete, select

from webapp.audit.services import record
from webapp.contacts import crypto
from webapp.contacts.consent import CONSENT_TEXTS, CURRENT_VERSION
from webapp.contacts.models import Contact
from webapp.contacts.phone import normalise_phone
from webapp.dbtypes import utcnow
from webapp.extensions import db
from webapp.formatting import local_time
from webapp.periods import Period
from webapp.units.models import Unit

BOM = "\ufeff"  # Excel on Windows reads the file as UTF-8 only with it (as the other CSVs)


@dataclass(frozen=True)
class NewContact:
    response_id: uuid.UUID
    unit_id: int
    phone: str  # normalised (phone.normalise_phone)
    consent_version: str
    field: bool = False  # response_id names a field interview, not a kiosk response


def store_contacts(contacts: Iterable[NewContact], now: datetime | None = None) -> int:
    """Add the contacts of responses stored in this same transaction. The caller passes only
    responses its own insert stored, so a re-sent response never adds a second contact (and
    response_id is unique besides)."""
    now = now or utcnow()
    count = 0
    for contact in contacts:
        db.session.add(
            Contact(
                response_id=None if contact.field else contact.response_id,
                field_response_id=contact.response_id if contact.field else None,
                unit_id=contact.unit_id,
                created_at=now,
                consent_version=contact.consent_version,
                phone_ciphertext=crypto.encrypt(contact.phone),
                phone_lookup=crypto.lookup(contact.phone),
            )
        )
        count += 1
    if count:
        db.session.flush()
    return count


def _in_period(period: Period | None):
    query = select(Contact, Unit).join(Unit, Unit.id == Contact.unit_id)
    if period is not None:
        query = query.where(Contact.created_at >= period.start, Contact.created_at < period.end)
    return query.order_by(Contact.created_at, Contact.id)


def export_contacts(period: Period | None, locale: str) -> tuple[str, int]:
    """The CSV text (with BOM) of the contacts of the period, and how many rows it has.
    Audited here, with the count and the period: every download leaves a trace."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            pgettext("contacts csv", "time"),
            pgettext("contacts csv", "unit"),
            pgettext("contacts csv", "phone number"),
            pgettext("contacts csv", "consent version"),
            pgettext("contacts csv", "where given"),
        ]
    )
    sources = {
        False: pgettext("contacts csv", "kiosk"),
        True: pgettext("contacts csv", "field interview"),
    }
    count = 0
    for contact, unit in db.session.execute(_in_period(period)).all():
        writer.writerow(
            [
                local_time(contact.created_at).strftime("%Y-%m-%d %H:%M"),
                unit.name_en if locale == "en" else unit.name_vi,
                crypto.decrypt(contact.phone_ciphertext),
                contact.consent_version,
                sources[contact.field_response_id is not None],
            ]
        )
        count += 1
    record("contacts.export", target=period.code if period else "all", count=count)
    return BOM + out.getvalue(), count


def purge_expired(now: datetime | None = None, days: int | None = None) -> int:
    """Delete the contacts older than CONTACT_RETENTION_DAYS; audited with the count."""
    now = now or utcnow()
    days = int(current_app.config["CONTACT_RETENTION_DAYS"]) if days is None else days
    cutoff = now - timedelta(days=days)
    deleted = _delete_where(Contact.created_at < cutoff)
    record("contacts.purge", count=deleted, retention_days=days)
    return deleted


def delete_phone(raw_phone: str) -> int:
    """Delete every contact with this number (a person's request to be forgotten); audited
    with the count only, never the number."""
    phone = normalise_phone(raw_phone)
    deleted = _delete_where(Contact.phone_lookup.in_(crypto.lookups(phone)))
    record("contacts.delete", count=deleted)
    return deleted


def _delete_where(condition) -> int:
    # A DELETE gives a CursorResult (with rowcount); Session.execute is typed as Result.
    result: CursorResult = db.session.execute(  # type: ignore[assignment]
        delete(Contact).where(condition).execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def rotate_keys(batch: int = 500) -> int:
    """Re-encrypt every contact under the first configured key and recompute its lookup."""
    count = 0
    last_id = 0
    while True:
        rows = db.session.scalars(
            select(Contact).where(Contact.id > last_id).order_by(Contact.id).limit(batch)
        ).all()
        if not rows:
            break
        for contact in rows:
            contact.phone_ciphertext = crypto.reencrypt(contact.phone_ciphertext)
            contact.phone_lookup = crypto.lookup(crypto.decrypt(contact.phone_ciphertext))
            last_id = contact.id
            count += 1
        db.session.flush()
    record("contacts.rotate", count=count)
    return count


def contact_settings(optin: bool) -> Mapping:
    """What the kiosk config says about the opt-in screen (SPEC 13)."""
    return {
        "optin": optin,
        "consent_version": CURRENT_VERSION,
        "consent_text": CONSENT_TEXTS[CURRENT_VERSION],
    }
