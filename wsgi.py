"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""
from mastery_share import create_app

app = create_app()
