"""RDF Dataset Canonicalization (RDFC-1.0, a.k.a. URDNA2015) of a JSON-LD document, made safe for signatures.

pyld does the work, with three guards it does not give by default:

* contexts come only from ``certificates.vc.contexts`` (pinned local copies, no network);
* nothing may be dropped silently: an undefined term, or an ``@id``/``@type`` that is not an absolute IRI,
  would sit in the JSON outside the signed N-Quads (the "extra field" forgery), so it raises ``DataLoss``
  (Data Integrity's DATA_LOSS_DETECTION_ERROR);
* a time limit: RDFC-1.0 is exponential on blank-node cliques (rdf-canon test074) and pyld has no work
  limit, so the permutation loops check a deadline and raise ``TooComplex``. A deadline check instead of
  a subprocess works the same in a gunicorn sync worker, in threads and in the CLI, and costs nothing
  measurable on ordinary credentials.

Also ``clean_text``: issuance normalises strings because pyld escapes C0 controls differently from RDFC-1.0.
"""

from __future__ import annotations

import re
import time
import unicodedata

from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver
from pyld.identifier_issuer import IdentifierIssuer
from pyld.jsonld import JsonLdError, JsonLdProcessor

from certificates.vc import contexts
from certificates.vc import messages as T
from certificates.vc.errors import CredentialError, DataLoss, Malformed, TooComplex
from certificates.vc.messages import Message

# Processed contexts, shared by every canonicalisation (pyld keeps those its loader tags "static"). Ours,
# not pyld's module-wide cache, so another loader elsewhere in the process can never feed us a context.
# A plain dict stays small: only the MANIFEST's URLs ever load.
_RESOLVED: dict = {}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """NFC, without C0 controls other than tab, newline and carriage return (and without DEL).

    Issued credentials must canonicalise identically in pyld and in RDFC-1.0 implementations in other
    languages; they differ only on the escaping of these controls, so we never emit them.
    """
    return _CONTROL.sub("", unicodedata.normalize("NFC", text))


def unclean_strings(document: object) -> list[str]:
    """The strings of ``document`` (keys and values) that ``clean_text`` would change."""
    found = []
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and clean_text(item) != item:
            found.append(item)
    return found


def forget() -> None:
    """Drop processed contexts (with ``contexts.forget()``, makes the next run re-read the files)."""
    _RESOLVED.clear()
    contexts.forget()


class _DeadlineIssuer(IdentifierIssuer):
    """The canonical issuer, asked ``has_id`` for every node of every permutation: our clock check."""

    def __init__(self, prefix: str, deadline: float) -> None:
        super().__init__(prefix)
        self.deadline = deadline

    def has_id(self, old: str) -> bool:
        if time.monotonic() > self.deadline:
            raise TooComplex(Message(T.TOO_COMPLEX))
        return super().has_id(old)


class _BoundedURDNA2015(URDNA2015):
    def __init__(self, deadline: float) -> None:
        super().__init__()
        self.deadline = deadline
        self.canonical_issuer = _DeadlineIssuer("_:c14n", deadline)

    def hash_n_degree_quads(self, id_, issuer):  # noqa: ANN001, ANN201 - pyld's signature
        if time.monotonic() > self.deadline:
            raise TooComplex(Message(T.TOO_COMPLEX))
        return super().hash_n_degree_quads(id_, issuer)


def _dropped(term: str | None) -> None:
    raise DataLoss(term or "a property")


def _is_absolute(iri: str) -> bool:
    # Blank node labels are fine; anything else needs a scheme ("did:", "urn:", "https:").
    return iri.startswith("_:") or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri) is not None


def _check_iris(node: object) -> None:
    """Walk the expanded document: pyld drops relative ``@id``/``@type`` from the RDF without a word."""
    if isinstance(node, list):
        for item in node:
            _check_iris(item)
        return
    if not isinstance(node, dict):
        return
    if "@value" in node:
        return  # a literal: its @type, if any, is a datatype IRI pyld has already made absolute or kept
    identifier = node.get("@id")
    if isinstance(identifier, str) and not _is_absolute(identifier):
        raise DataLoss(identifier, T.RELATIVE_ID)
    types = node.get("@type", [])
    for value in types if isinstance(types, list) else [types]:
        if isinstance(value, str) and not _is_absolute(value):
            raise DataLoss(value, T.UNDEFINED_TYPE)
    for key, value in node.items():
        if key not in ("@id", "@type"):
            _check_iris(value)


def _cause(error: BaseException) -> CredentialError | None:
    """Our error inside pyld's wrapping (pyld re-raises loader failures as JsonLdError ``from`` them)."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, CredentialError):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


def canonize(document: dict, *, time_limit: float = 5.0) -> str:
    """The RDFC-1.0 canonical N-Quads of ``document``; raises a ``CredentialError`` subclass, never pyld's."""
    if not isinstance(document, dict):
        raise Malformed(Message(T.NOT_JSON_OBJECT))
    deadline = time.monotonic() + time_limit
    options = {
        # No base IRI: pyld would otherwise resolve relative IRIs against http://example.org/base/ and
        # sign them, where other implementations drop them; kept relative, _check_iris refuses them.
        "base": None,
        "documentLoader": contexts.document_loader,
        "contextResolver": ContextResolver(_RESOLVED, contexts.document_loader),
        "extractAllScripts": True,
        "processingMode": "json-ld-1.1",
        "produceGeneralizedRdf": False,
    }
    processor = JsonLdProcessor(on_property_dropped=_dropped)
    try:
        expanded = processor.expand(document, options)
        _check_iris(expanded)
        # The expanded form has no contexts left, so the second expansion inside to_rdf is cheap.
        dataset = processor.to_rdf(expanded, {**options, "identifierIssuer": IdentifierIssuer("_:b")})
        return _BoundedURDNA2015(deadline).main(dataset, {"format": "application/n-quads"})
    except CredentialError:
        raise
    except (JsonLdError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as error:
        ours = _cause(error)
        if ours is not None:
            raise ours from None
        raise Malformed(Message(T.NOT_JSON_LD, detail=_describe(error))) from None


def _describe(error: BaseException) -> str:
    # pyld's error code ("protected term redefinition"), not its message: that embeds chunks of the input.
    return getattr(error, "code", None) or getattr(error, "type", None) or type(error).__name__
