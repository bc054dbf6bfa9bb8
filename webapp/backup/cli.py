"""`flask backup create|restore`."""

from pathlib import Path

import click
from flask.cli import AppGroup

from webapp.backup.services import BackupError, create_backup, restore_backup

backup_cli = AppGroup("backup", help="Backups of the database.")


@backup_cli.command("create")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def create_command(directory: Path) -> None:
    """Write a consistent backup into DIRECTORY (safe while the server runs)."""
    try:
        path = create_backup(directory)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backup: {path}")


@backup_cli.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite a database that already holds data.")
def restore_command(file: Path, force: bool) -> None:
    """Restore FILE into the (empty) database at DATABASE_URL."""
    try:
        restore_backup(file, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"restored: {file}")
