"""WSGI entry point: ``gunicorn wsgi:app``.

Behind reverse proxies set ``LMS_PROXY_HOPS`` to their number (``create_app`` then trusts that many
X-Forwarded-For entries; see the README's configuration table): without it every per-client limit sees
the proxy as the only client.
"""

from lms import create_app

app = create_app()
