"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from engage import create_app

app = create_app()
