"""The host names the site answers to, and the guard that refuses requests for any other.

``BASE_URL`` is the site's address: every link that leaves the site is built from it
(``lms.web.external_url``), never from a request, so a request's ``Host`` header cannot put another site into
someone's mail. The guard is the second wall: a request whose ``Host`` names no trusted host is answered 400
before the application sees it (no session opened, no user loaded, no database touched), whatever a proxy
forwards, so no code ever runs with a host an attacker chose (``request.host`` is also what
``lms.web.safe_next`` and the XBlock handlers' origin check compare with).

Trusted: ``BASE_URL``'s host, the names in ``TRUSTED_HOSTS_EXTRA`` (``LMS_TRUSTED_HOSTS``; ``.example.org``
stands for example.org and every subdomain), and, when ``BASE_URL``'s host is a loopback name, every loopback
name (``localhost``, ``127.0.0.1``, ``::1``): a development server or the demo answers whichever of them the
browser was pointed at. Ports are not compared, as Werkzeug's ``TRUSTED_HOSTS`` does not: a host is one site
on any port, and links never take the port from a request.

The probes ``/healthz`` and ``/readyz`` answer whatever the host: load balancers and orchestrators call them
by the instance's own address (an AWS target group does, and so does Kubernetes unless told otherwise), and
they build no link and show nothing of the site.

Flask 3.1's own ``TRUSTED_HOSTS`` setting is not used: Flask checks the host while it builds the request
context, after which the session is opened and every ``before_request`` hook runs before the refusal, and
it cannot spare the probes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from werkzeug.exceptions import BadRequest

LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
PROBES = frozenset({"/healthz", "/readyz"})
# A Host header: a name or IPv4 address, or a bracketed IPv6 address, then an optional port. Anything else
# (user info, spaces, a path) is not a host.
_HOST_HEADER = re.compile(r"(?:(?P<name>[a-z0-9.-]+)|\[(?P<ipv6>[0-9a-f:.]+)\])(?::[0-9]{1,5})?", re.IGNORECASE)


def trusted_hosts(config: Mapping[str, Any]) -> tuple[str, ...]:
    """The host names (without ports) that ``config`` lets the site answer to, sorted."""
    base = urlsplit(config["BASE_URL"]).hostname or ""
    names = {base, *config.get("TRUSTED_HOSTS_EXTRA", ())}
    if base in LOOPBACK:
        names |= LOOPBACK
    return tuple(sorted(names))


def host_matcher(trusted: Iterable[str]) -> Callable[[str], bool]:
    """A test of a ``Host`` header value against ``trusted`` (exact names, or ``.domain`` suffixes)."""
    exact = frozenset(name for name in trusted if not name.startswith("."))
    domains = tuple(name for name in trusted if name.startswith("."))

    def allows(header: str) -> bool:
        match = _HOST_HEADER.fullmatch(header)
        if match is None:
            return False
        name = (match["ipv6"] or match["name"]).lower()
        name = name.removesuffix(".")  # "example.org." is the same name, fully qualified
        if name in exact:
            return True
        return any(name.endswith(domain) or name == domain[1:] for domain in domains)

    return allows


class HostGuard:
    """WSGI middleware: requests for an untrusted host get a 400 and never reach the application."""

    def __init__(self, wsgi_app: Callable, trusted: Iterable[str]):
        self.wsgi_app = wsgi_app
        self.trusted = tuple(trusted)
        self._allows = host_matcher(self.trusted)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if self._allows(environ.get("HTTP_HOST", "")) or environ.get("PATH_INFO") in PROBES:
            return self.wsgi_app(environ, start_response)
        # Not a page of this site, so neither its layout nor a language: what a web server answers.
        refusal = BadRequest("This server does not serve the host name this request asked for.")
        return refusal(environ, start_response)
