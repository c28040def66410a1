"""Trust bundles: written by ``bundle``, read back by ``Trust.from_bundle``, refused when inconsistent."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from certificates.vc import contexts, multikey
from certificates.vc.errors import Malformed
from certificates.vc.trust import Trust, bundle
from tests.certificates.vc import samples


def test_bundle_round_trip():
    data = json.loads(json.dumps(samples.bundle_dict({"id": samples.METHOD, "publicKeyMultibase": samples.PUBLIC})))
    assert data["type"] == "TotLmsTrustBundle" and data["version"] == 1
    assert data["keys"][0]["fingerprint"] == multikey.fingerprint(samples.PUBLIC)
    assert data["contexts"] == contexts.context_hashes()
    trust = Trust.from_bundle(data)
    public_key, issuer, valid_from, valid_until = trust.key_for(samples.METHOD)
    assert public_key == samples.KEY.public_key()
    assert (issuer, valid_from, valid_until) == (samples.ISSUER, None, None)
    assert trust.issuer_name(samples.ISSUER) == "IPRC Kigali"
    assert trust.key_for(samples.ISSUER + "#key-other") is None


def test_relative_key_ids_belong_to_the_issuer():
    trust = Trust.from_bundle(samples.bundle_dict({"id": "#key-1", "publicKeyMultibase": samples.PUBLIC}))
    assert trust.key_for(samples.ISSUER + "#key-1") is not None


@pytest.mark.parametrize(
    "change",
    [
        lambda b: b.__setitem__("type", "Other"),
        lambda b: b.__setitem__("version", 2),
        lambda b: b.__setitem__("issuer", "did:web:x"),
        lambda b: b["keys"][0].__setitem__("fingerprint", "sha256:" + "0" * 64),
        lambda b: b["keys"][0].__setitem__("publicKeyMultibase", "z123"),
        lambda b: b["keys"][0].__setitem__("validFrom", "yesterday"),
    ],
)
def test_bad_bundles(change):
    data = samples.bundle_dict({"id": samples.METHOD, "publicKeyMultibase": samples.PUBLIC})
    change(data)
    with pytest.raises(Malformed):
        Trust.from_bundle(data)


def test_bundle_refuses_a_bad_key():
    with pytest.raises(Malformed):
        bundle(samples.ISSUER, "x", None, [{"id": "#k", "publicKeyMultibase": "zBad"}], {})


def test_vc_package_needs_neither_flask_nor_lms():
    # The offline CLI and the web app share it; only the standard library and crypto/JSON-LD packages.
    for path in (Path(__file__).parents[3] / "certificates" / "vc").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert name.split(".")[0] not in ("flask", "lms", "flask_babel"), (path.name, name)
