"""Drive the independent verifier in ``verify.mjs`` (Digital Bazaar's ``@digitalbazaar/vc`` with the
``eddsa-rdfc-2022`` cryptosuite, from npm) from Python tests.

Owns: finding Node and npm, installing the pinned npm packages into ``tests/interop/node_modules`` with
``npm ci`` when they are missing or older than ``package-lock.json`` (CI does it in a step of its own first),
and one verification per call, each in a fresh ``node`` process with a time limit.

``node_verify`` returns the verifier's verdict; it raises ``NodeVerifierError`` when no verdict was reached
(Node crashed, timed out, printed something unexpected, or refused the request), so a broken harness can
never pass for a rejected credential.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

INTEROP_DIR = Path(__file__).resolve().parent
VERIFY_SCRIPT = INTEROP_DIR / "verify.mjs"
LOCK_FILE = INTEROP_DIR / "package-lock.json"
# npm ci writes this copy of the lock after a complete install; its absence means no (or a partial) install.
INSTALLED_MARKER = INTEROP_DIR / "node_modules" / ".package-lock.json"

MIN_NODE_MAJOR = 18  # the engines of @digitalbazaar/vc 7 and its cryptosuite
NPM_CI_TIMEOUT_S = 300
VERIFY_TIMEOUT_S = 60


class NodeVerifierError(RuntimeError):
    """The independent verifier could not be installed or run, or gave no verdict."""


def _node_major() -> int | None:
    node = shutil.which("node")
    if node is None:
        return None
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.match(r"v(\d+)\.", out.stdout.strip())
    return int(match.group(1)) if match else None


def node_available() -> bool:
    """Whether ``node`` (version 18 or newer) and ``npm`` are on PATH."""
    major = _node_major()
    return major is not None and major >= MIN_NODE_MAJOR and shutil.which("npm") is not None


def packages_installed() -> bool:
    """Whether ``npm ci`` has installed the locked packages since ``package-lock.json`` last changed."""
    return INSTALLED_MARKER.is_file() and INSTALLED_MARKER.stat().st_mtime >= LOCK_FILE.stat().st_mtime


def ensure_packages() -> None:
    """Run ``npm ci`` in tests/interop unless the locked packages are already installed."""
    if packages_installed():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise NodeVerifierError("npm is not on PATH")
    try:
        result = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=INTEROP_DIR,
            capture_output=True,
            text=True,
            timeout=NPM_CI_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as e:
        raise NodeVerifierError(f"npm ci in {INTEROP_DIR} took longer than {NPM_CI_TIMEOUT_S} s") from e
    if result.returncode != 0 or not packages_installed():
        raise NodeVerifierError(f"npm ci in {INTEROP_DIR} failed ({result.returncode}):\n{result.stderr[-2000:]}")


def node_verify(
    credential: dict,
    contexts: dict[str, dict],
    public_key_multibase: str,
    controller: str,
    *,
    verification_method: str | None = None,
) -> tuple[bool, str]:
    """Ask Digital Bazaar's verifier about ``credential``; return ``(verified, error)`` (``error`` is "" when
    verified).

    ``contexts`` maps each JSON-LD context URL the credential uses to the context document; nothing else is
    loaded, so a missing context is a failure, not a download. The key is presented as a ``Multikey`` with id
    ``verification_method`` in a controller document for ``controller`` that lists it under
    ``assertionMethod``. Without ``verification_method``, the id is the proof's ``verificationMethod`` when it
    starts with ``controller + "#"``, else ``controller#public_key_multibase``. Digital Bazaar also requires
    the credential's ``issuer`` (its id) to equal ``controller``.
    """
    ensure_packages()
    node = shutil.which("node")
    if node is None:
        raise NodeVerifierError("node is not on PATH")
    request = {
        "credential": credential,
        "contexts": contexts,
        "publicKeyMultibase": public_key_multibase,
        "controller": controller,
    }
    if verification_method is not None:
        request["verificationMethod"] = verification_method
    try:
        result = subprocess.run(
            [node, str(VERIFY_SCRIPT)],
            cwd=INTEROP_DIR,
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=VERIFY_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as e:
        raise NodeVerifierError(f"verify.mjs took longer than {VERIFY_TIMEOUT_S} s") from e
    lines = result.stdout.strip().splitlines()
    try:
        verdict = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        verdict = None
    if result.returncode != 0 or not isinstance(verdict, dict) or not isinstance(verdict.get("verified"), bool):
        raise NodeVerifierError(
            f"verify.mjs gave no verdict (exit {result.returncode}): "
            f"stdout={result.stdout[-1000:]!r} stderr={result.stderr[-2000:]!r}"
        )
    return verdict["verified"], str(verdict.get("error", ""))
