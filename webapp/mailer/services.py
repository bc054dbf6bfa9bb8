"""Sending e-mail (alerts, scheduled reports). Flask-Mail builds every message (plain text and
HTML, attachments, encoded headers for Vietnamese subjects); with `MAIL_SERVER` configured it
is sent by SMTP, otherwise it is written to `instance/mail/` as an .eml file that any mail
program opens, so a ward LAN without a mail server still keeps every message."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_mail import Message

from webapp.dbtypes import utcnow
from webapp.extensions import mail


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Delivery:
    recipients: list[str]
    sent: bool  # by SMTP; False: written to `file`
    file: Path | None = None


def outbox_folder() -> Path:
    return Path(current_app.instance_path) / "mail"


def build_message(
    recipients: Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    attachments: Iterable[Attachment] = (),
) -> Message:
    message = Message(
        subject=subject,
        recipients=list(recipients),
        body=text,
        html=html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
    )
    for attachment in attachments:
        message.attach(attachment.filename, attachment.content_type, attachment.data)
    return message


def send_mail(
    recipients: Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    attachments: Iterable[Attachment] = (),
) -> Delivery | None:
    """Send one message to `recipients` (None when there is nobody to send to). SMTP errors
    propagate: the caller decides whether a failed mail fails its command."""
    wanted = sorted({r.strip() for r in recipients if r and r.strip()})
    if not wanted:
        return None
    message = build_message(wanted, subject, text, html, attachments)
    if current_app.config.get("MAIL_SERVER"):
        mail.send(message)
        return Delivery(wanted, sent=True)
    folder = outbox_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(message.as_bytes())
    return Delivery(wanted, sent=False, file=path)
