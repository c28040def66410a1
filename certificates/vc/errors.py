"""Why a credential cannot be processed: one exception per reason, each carrying a plain sentence.

Every module of ``certificates.vc`` raises these (never pyld's or cryptography's own errors), so the
verifier can name the reason on the check it belongs to and the web page never shows a traceback.
"""

from __future__ import annotations


class CredentialError(Exception):
    """Base class: ``reason`` is a sentence fit to show a verifier (English; the web layer translates)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnknownContext(CredentialError):
    """The document names a JSON-LD context this installation does not hold a pinned copy of."""

    def __init__(self, url: str) -> None:
        super().__init__(f"unknown context {url}")
        self.url = url


class AlteredContext(CredentialError):
    """A bundled context file no longer has the sha256 recorded in the manifest."""

    def __init__(self, url: str) -> None:
        super().__init__(f"the local copy of context {url} has been altered")
        self.url = url


class DataLoss(CredentialError):
    """JSON-LD processing would drop data (an undefined term, a relative IRI): the signature would not cover it."""

    def __init__(self, term: str, reason: str | None = None) -> None:
        super().__init__(reason or f"the credential contains {term}, which its contexts do not define")
        self.term = term


class TooComplex(CredentialError):
    """Canonicalisation did not finish within its time limit (a blank-node graph built to exhaust it)."""


class Malformed(CredentialError):
    """The input is not a credential of a shape this verifier can read."""
