"""Entry point for gunicorn (`gunicorn wsgi:app`) and the Flask CLI (`FLASK_APP=wsgi`)."""

from webapp import create_app

app = create_app()
