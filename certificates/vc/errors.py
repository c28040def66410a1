"""Why a credential cannot be processed: one exception per reason, each carrying a plain sentence.

Every module of ``certificates.vc`` raises these (never pyld's or cryptography's own errors), so the
verifier can name the reason on the check it belongs to and the web page never shows a traceback.
"""

from __future__ import annotations

from certificates.vc import messages as T
from certificates.vc.messages import Message


class CredentialError(Exception):
    """Base class: ``reason`` is a sentence fit to show a verifier, a ``messages.Message`` the web translates."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason if isinstance(reason, Message) else Message.plain(reason)


class UnknownContext(CredentialError):
    """The document names a JSON-LD context this installation does not hold a pinned copy of."""

    def __init__(self, url: str) -> None:
        super().__init__(Message(T.UNKNOWN_CONTEXT, url=url))
        self.url = url


class AlteredContext(CredentialError):
    """A bundled context file no longer has the sha256 recorded in the manifest."""

    def __init__(self, url: str) -> None:
        super().__init__(Message(T.ALTERED_CONTEXT, url=url))
        self.url = url


class DataLoss(CredentialError):
    """JSON-LD processing would drop data (an undefined term, a relative IRI): the signature would not cover it."""

    def __init__(self, term: str, template: str = T.UNDEFINED_TERM) -> None:
        super().__init__(Message(template, term=term))
        self.term = term


class TooComplex(CredentialError):
    """Canonicalisation did not finish within its time limit (a blank-node graph built to exhaust it)."""


class Malformed(CredentialError):
    """The input is not a credential of a shape this verifier can read."""
