"""``lms verify FILE``: check a certificate offline, with the same checklist as the public verify page; and the
issuer's key commands, ``lms rotate-key`` and ``lms export-trust-bundle``.

It reads a credential (``credential.json``, or a baked PNG / a PDF with the credential attached, through
``certificates.vc.containers``), trusts only the keys it is given (``--trust`` bundles, ``--key`` Multikey
values) and a status list file if one is given, and never touches the network. One line per check, then
the verdict; the exit status is 0 when every check passed, 1 when one failed, 2 when one could not be made.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click
from flask.cli import with_appcontext

from certificates.vc import containers, verifier
from certificates.vc.errors import CredentialError
from certificates.vc.trust import Trust


def read_credential(data: bytes, filename: str | None) -> dict:
    """The credential in a file's bytes (JSON, a baked PNG or SVG, a PDF with it attached);
    ``containers.NotACredential`` with a reason if there is none."""
    return containers.credential_from_bytes(data, filename)


def _read_json(path: str, what: str) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise click.BadParameter(f"cannot read {what} {path}: {error}") from None


def _trust(bundles: tuple[str, ...], keys: tuple[str, ...]) -> Trust:
    trust = Trust.empty()
    try:
        for path in bundles:
            trust = trust.combined(Trust.from_bundle(_read_json(path, "trust bundle")))
        if keys:
            trust = trust.combined(Trust.with_keys(None, keys))
    except CredentialError as error:
        raise click.BadParameter(error.reason) from None
    return trust


def _line(check: verifier.Check) -> str:
    if check.outcome == verifier.PASSED:
        return check.message
    if check.outcome == verifier.NOT_CHECKED:
        return "not checked"
    if check.outcome == verifier.FAILED:
        if check.name in ("format", "signature", "issuer key"):
            return f"INVALID ({check.message})"
        return check.message  # "expired on 2025-01-31", "revoked as of ...": already a verdict
    # Unknown: say what would settle it.
    if check.name == "signature":
        return f"not checked ({check.message}; give --trust or --key)"
    if check.name == "issuer key" and "not known" in check.message:
        return "not known (give --trust or --key)"
    return f"unknown ({check.message})"


def _verdict(report: verifier.Report) -> tuple[str, int]:
    verdict = report.verdict
    if verdict == "valid":
        return "VALID", 0
    if verdict == "invalid":
        failed = next(check for check in report.checks if check.outcome == verifier.FAILED)
        return f"INVALID ({failed.name}: {failed.message})", 1
    open_checks = [check.name for check in report.checks if check.outcome != verifier.PASSED]
    return f"UNKNOWN (could not check: {', '.join(open_checks)})", 2


@click.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--trust",
    "bundles",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Trust bundle (JSON) of an issuer; may be repeated.",
)
@click.option(
    "--key",
    "keys",
    multiple=True,
    help="Public key (Multikey, z6Mk...) to trust for the credential's issuer; may be repeated.",
)
@click.option(
    "--status-list",
    "status_path",
    type=click.Path(exists=True, dir_okay=False),
    help="The issuer's status list credential (JSON), to check revocation.",
)
def verify_command(path: str, bundles: tuple[str, ...], keys: tuple[str, ...], status_path: str | None) -> None:
    """Verify a certificate offline: format, signature, issuer key, revocation, validity."""
    trust = _trust(bundles, keys)
    status = verifier.FileStatusSource(_read_json(status_path, "status list"), trust) if status_path else None
    try:
        credential = read_credential(Path(path).read_bytes(), Path(path).name)
    except containers.NotACredential as error:
        click.echo(f"format: not a credential ({error})")
        click.echo("verdict: INVALID (not a credential)")
        raise SystemExit(1) from None
    report = verifier.verify(credential, trust=trust, status=status, now=datetime.now(UTC))
    for check in report.checks:
        click.echo(f"{check.name}: {_line(check)}")
    facts = [
        ("issuer", report.trusted_issuer_name or report.issuer_name or report.issuer_id),
        ("holder", report.subject_name),
        ("achievement", report.achievement_name),
    ]
    verdict, status_code = _verdict(report)
    click.echo(f"verdict: {verdict}")
    for name, value in facts:
        if value and report.verdict != "invalid":
            click.echo(f"{name}: {value}")
    raise SystemExit(status_code)


@click.command("rotate-key")
@with_appcontext
def rotate_key_command() -> None:
    """Make a new signing key; certificates signed with the older keys keep verifying (every key stays
    published in /.well-known/did.json and in the trust bundle)."""
    from certificates import keys
    from lms.db import unit_of_work

    with unit_of_work():
        row, _private = keys.rotate()
        key_id, public, path = row.key_id, row.public_key_multibase, keys.key_file(row.public_key_multibase)
    click.echo(f"New signing key {key_id} ({public}); its private half is in {path} (mode 0600).")
    click.echo("Give verifiers the new trust bundle: lms export-trust-bundle --out FILE")


@click.command("export-trust-bundle")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="File to write.")
@with_appcontext
def export_trust_bundle_command(out_path: str) -> None:
    """Write what an offline verifier needs: the issuer's keys with fingerprints and validity periods, and the
    hashes of the JSON-LD contexts (give it to `lms verify --trust`)."""
    import json

    from certificates import keys, verification
    from lms.db import unit_of_work

    with unit_of_work():
        keys.signing_key()  # a site that never signed has its first key now: a bundle lists at least one
        bundle = verification.trust_bundle()
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(bundle, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    click.echo(f"Wrote the trust bundle of {bundle['issuer']['id']} ({len(bundle['keys'])} keys) to {out_path}")


def init_app(app) -> None:  # noqa: ANN001
    app.cli.add_command(verify_command)
    app.cli.add_command(rotate_key_command)
    app.cli.add_command(export_trust_bundle_command)
