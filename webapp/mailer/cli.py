"""`flask mail test EMAIL`: check the mail settings from the command line."""

import click
from flask.cli import AppGroup
from flask_babel import force_locale, gettext

from webapp.mailer.services import send_mail

mail_cli = AppGroup("mail", help="E-mail.")


@mail_cli.command("test")
@click.argument("email")
def test_command(email: str) -> None:
    """Send a short Vietnamese test message to EMAIL (or write it to instance/mail/)."""
    with force_locale("vi"):
        subject = gettext("Hài Lòng: test message")
        text = gettext("This message checks that Hài Lòng can send e-mail.")
    try:
        delivery = send_mail([email], subject, text, f"<p>{text}</p>")
    except OSError as exc:
        raise click.ClickException(f"sending failed: {exc}") from exc
    if delivery is None:
        raise click.ClickException("no recipient")
    click.echo("sent by SMTP" if delivery.sent else f"written to {delivery.file}")
