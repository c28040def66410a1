"""``lms verify``: its lines, its exit codes (0 all passed, 1 one failed, 2 one not checkable), and no network."""

from __future__ import annotations

import json
import socket

import pytest

from tests.certificates.vc import samples


@pytest.fixture
def offline(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("lms verify tried to use the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture
def files(tmp_path):
    def write(name: str, content) -> str:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
        return str(path)

    return write


def verify(app, *args):
    result = app.test_cli_runner().invoke(args=["verify", *args])
    return result.exit_code, result.output.splitlines()


def trusted_status(files) -> list[str]:
    # A list valid for ever (the CLI checks against the real clock).
    return [
        "--trust",
        files("bundle.json", samples.bundle_dict({"id": samples.METHOD, "publicKeyMultibase": samples.PUBLIC})),
        "--status-list",
        files("status.json", samples.status_list_credential(valid_until="2099-01-01T00:00:00Z")),
    ]


def test_everything_checked_exits_0(app, files, offline):
    code, lines = verify(app, files("credential.json", samples.signed()), *trusted_status(files))
    assert lines[:6] == [
        "format: Open Badges 3.0 credential (VC 2.0)",
        "signature: valid",
        "issuer key: trusted key of IPRC Kigali",
        "revocation: not revoked as of 2026-05-01",
        "validity: valid until 2031-01-15",
        "verdict: VALID",
    ]
    assert "holder: Uwase Aline" in lines
    assert code == 0


def test_key_on_the_command_line(app, files, offline):
    code, lines = verify(app, files("c.json", samples.signed()), "--key", samples.PUBLIC)
    assert f"issuer key: the key given for {samples.ISSUER}" in lines
    assert "revocation: not checked" in lines
    assert code == 2


def test_tampered_credential_exits_1(app, files, offline):
    credential = samples.signed()
    credential["credentialSubject"]["name"] = "Someone Else"
    code, lines = verify(app, files("c.json", credential), *trusted_status(files))
    assert lines == [
        "format: Open Badges 3.0 credential (VC 2.0)",
        "signature: INVALID (proof value does not match)",
        "issuer key: not checked",
        "revocation: not checked",
        "validity: not checked",
        "verdict: INVALID (signature: proof value does not match)",
    ]
    assert code == 1


def test_expired_exits_1(app, files, offline):
    credential = samples.unsigned()
    credential["validUntil"] = "2025-01-31T00:00:00Z"
    code, lines = verify(app, files("c.json", samples.signed(credential)), *trusted_status(files))
    assert "validity: expired on 2025-01-31" in lines
    assert code == 1


def test_revoked_exits_1(app, files, offline):
    status = files("status.json", samples.status_list_credential(4242, valid_until="2099-01-01T00:00:00Z"))
    bundle = files("bundle.json", samples.bundle_dict({"id": samples.METHOD, "publicKeyMultibase": samples.PUBLIC}))
    code, lines = verify(app, files("c.json", samples.signed()), "--trust", bundle, "--status-list", status)
    assert "revocation: revoked as of 2026-05-01" in lines
    assert code == 1


def test_unknown_issuer_exits_2(app, files, offline):
    code, lines = verify(app, files("c.json", samples.signed()))
    assert "issuer key: not known (give --trust or --key)" in lines
    assert "revocation: not checked" in lines
    assert lines[5] == "verdict: UNKNOWN (could not check: signature, issuer key, revocation)"
    assert code == 2


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"{not json", "the JSON is malformed"), (b"[1, 2]", "the JSON is not an object"), (b"\x89PNG\r\n\x1a\n....", "")],
)
def test_not_a_credential_exits_1(app, files, offline, content, reason):
    code, lines = verify(app, files("c.bin", content))
    assert lines[0].startswith("format: not a credential")
    assert reason in lines[0]
    assert lines[-1] == "verdict: INVALID (not a credential)"
    assert code == 1


def test_bad_trust_bundle_is_a_usage_error(app, files, offline):
    code, lines = verify(app, files("c.json", samples.signed()), "--trust", files("b.json", {"type": "Other"}))
    assert code == 2
    assert any("not a trust bundle" in line for line in lines)
