"""The JSON-LD contexts signing and verification may use, served from pinned local copies.

Data Integrity requires verifiers to validate contexts against known values; we do it the way the spec
allows: a document loader that serves only the files of ``contexts/`` listed in ``MANIFEST``, each
checked against its sha256 the first time it is read. Nothing here touches the network, so an offline
verifier and the web app process credentials identically. ``contexts/README.md`` says where each file
came from.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from pathlib import Path

from certificates.vc.errors import AlteredContext, UnknownContext

DIRECTORY = Path(__file__).parent / "contexts"

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_V3P0_VERSIONS = (
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    OB_V3P0,
)
STATUS_V1 = "https://www.w3.org/ns/credentials/status/v1"
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
DATA_INTEGRITY_V1 = "https://w3id.org/security/data-integrity/v1"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"

# url -> (file in contexts/, sha256 of its bytes). The OB context.json URL is 3.0.0's published name.
MANIFEST: dict[str, tuple[str, str]] = {
    VC_V2: ("credentials-v2.jsonld", "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"),
    VC_V1: ("credentials-v1.jsonld", "00d7dd6d3ad8b920e3e550dd3a3d9090bffcac84cdbf943da6924b3e0a5c8bb8"),
    "https://www.w3.org/ns/credentials/examples/v2": (
        "credentials-examples-v2.jsonld",
        "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c",
    ),
    STATUS_V1: ("status-v1.jsonld", "fda5add353231e6a6884a46b12e6c75464281900cb348284d9c360f62381d9f7"),
    DATA_INTEGRITY_V1: (
        "data-integrity-v1.jsonld",
        "b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554",
    ),
    DATA_INTEGRITY_V2: (
        "data-integrity-v2.jsonld",
        "67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4",
    ),
    ED25519_2020: (
        "security-ed25519-2020-v1.jsonld",
        "b9e1ab971fd8bf2c7553e0c4a9438e0b9450afde1ea1ca5b2492368b9f549588",
    ),
    OB_V3P0_VERSIONS[0]: ("ob-v3p0-3.0.0.json", "b077fa134d909d92c1dcd1c153f2af1b244aeb415967fdc1467d7fc5dd48ac10"),
    OB_V3P0_VERSIONS[1]: ("ob-v3p0-3.0.1.json", "d582f3564282fb3b709136d28412e78e70b678b4dbc2f0221f67d84932748355"),
    OB_V3P0_VERSIONS[2]: ("ob-v3p0-3.0.2.json", "00666ad080ba407687ed1846b7f5e7495f5019042b202a727de47c48a1755c53"),
    OB_V3P0: ("ob-v3p0-3.0.3.json", "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761"),
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": (
        "ob-v3p0-extensions.json",
        "146f85aa16effd7ca1da8056eb443f53ce1eca8a34186cb062832c0a97d889c3",
    ),
}

_parsed: dict[str, dict] = {}
_lock = threading.Lock()


def _load(url: str) -> dict:
    if url not in MANIFEST:
        raise UnknownContext(url)
    with _lock:
        if url not in _parsed:
            filename, expected = MANIFEST[url]
            data = (DIRECTORY / filename).read_bytes()
            if hashlib.sha256(data).hexdigest() != expected:
                raise AlteredContext(url)
            _parsed[url] = json.loads(data)
        return _parsed[url]


def document_loader(url: str, options: dict | None = None) -> dict:
    """pyld document loader: the pinned copy of ``url``, or ``UnknownContext`` (no network, ever)."""
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        # pyld may annotate what it is given; our memoised copy stays pristine.
        "document": copy.deepcopy(_load(url)),
        # "static" lets pyld keep the processed context across operations (see canonical._RESOLVED).
        "tag": "static",
    }


def context_hashes() -> dict[str, str]:
    """``{url: sha256}`` of every context served, for the trust bundle."""
    return {url: digest for url, (_filename, digest) in MANIFEST.items()}


def forget() -> None:
    """Drop the memoised documents so the next load re-reads and re-checks the files (tests, reloads)."""
    with _lock:
        _parsed.clear()
