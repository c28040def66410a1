"""Revocation status lists: where a certificate's bit is, flipping it, and the signed list verifiers read.

Each certificate holds one bit of a list of 131,072 (the herd the Bitstring Status List asks for, so a list
tells nobody how many certificates exist), at an index drawn at random among the free ones. The list's signed
``BitstringStatusListCredential`` is re-signed in the transaction that flips a bit, so ``/status/<n>``
answers with the change from the commit on. Its ``validUntil`` is short: a verifier holding a copy knows how
old its answer is.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

from sqlalchemy import select

from certificates import keys
from certificates.credential import timestamp
from certificates.models import STATUS_LIST_BITS, Certificate, StatusList
from certificates.vc import proofs, status_list
from lms.clock import utcnow
from lms.db import db
from lms.web import external_url

# How long a verifier may rely on a copy of a list: a revocation reaches offline verifiers within this.
LIST_VALID_FOR = timedelta(days=1)
# A list is not filled beyond this share, so a free index is found in a few draws.
FILL_LIMIT = STATUS_LIST_BITS // 2


def list_url(list_id: int) -> str:
    return external_url("certificates.status_list", list_id=list_id)


def allocate() -> tuple[StatusList, int]:
    """A list and a free index on it, drawn at random. The caller stores the certificate holding it (a
    unique key on list and index settles two draws of the same index)."""
    status = db.session.scalar(
        select(StatusList).where(StatusList.used < FILL_LIMIT).order_by(StatusList.id).limit(1).with_for_update()
    )
    if status is None:
        status = StatusList(bits=bytes(status_list.new_list(STATUS_LIST_BITS)), used=0)
        db.session.add(status)
        db.session.flush()
        sign(status)
    while True:  # at most half the list is taken: a draw is free at least one time in two
        index = secrets.randbelow(STATUS_LIST_BITS)
        taken = select(Certificate.id).where(Certificate.status_list_id == status.id, Certificate.status_index == index)
        if db.session.scalar(taken) is None:
            break
    status.used += 1
    return status, index


def set_revoked(status: StatusList, index: int, revoked: bool) -> None:
    bits = bytearray(status.bits)
    status_list.set_bit(bits, index, revoked)
    status.bits = bytes(bits)
    sign(status)


def sign(status: StatusList) -> None:
    """Re-sign the list's credential with its current bits."""
    now = utcnow()
    url = list_url(status.id)
    row, private = keys.signing_key()
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": keys.issuer_did(),
        "validFrom": timestamp(now),
        "validUntil": timestamp(now + LIST_VALID_FOR),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": status.purpose,
            "encodedList": status_list.encode(status.bits),
        },
    }
    signed = proofs.sign(document, private, keys.verification_method(row.key_id), timestamp(now))
    status.credential = json.dumps(signed, ensure_ascii=False, separators=(",", ":")).encode()
    status.updated_at = now
