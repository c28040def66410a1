"""WSGI entry point: ``gunicorn wsgi:app``. Behind a reverse proxy set LMS_PROXY_HOPS (see README)."""

from lms import create_app

app = create_app()
