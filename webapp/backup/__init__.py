"""Consistent backups while the server writes, and restores into an empty database."""
