"""Sentences the checks report, as templates with named parameters, so the web page can translate them.

Each reason is a ``Message``: a ``str`` (English, ready for the CLI and logs) that also carries its
``template`` and ``params``. The web layer translates with a table keyed by the templates below, e.g.
``{messages.EXPIRED: _l("expired on {date}")}``, then ``.format(**message.params)``; a test there can
assert every template in ``TEMPLATES`` has an entry. This package stays free of Flask-Babel (it is used
by the offline CLI too), so the templates are plain constants here.
"""

from __future__ import annotations


class Message(str):
    """An English sentence that remembers the template and parameters it was made from."""

    template: str
    params: dict

    def __new__(cls, template: str, **params: object) -> Message:
        message = super().__new__(cls, template.format(**params))
        message.template = template
        message.params = params
        return message

    @classmethod
    def plain(cls, text: str) -> Message:
        """A sentence with no template of its own (from outside this package): shown as it is."""
        message = super().__new__(cls, text)
        message.template = text
        message.params = {}
        return message


# Format check
FORMAT_OPEN_BADGE = "Open Badges 3.0 credential ({version})"
FORMAT_CREDENTIAL = "verifiable credential ({version})"
NOT_AN_OBJECT = "not a credential: the file is not a JSON object"
NOT_A_VC = "not a W3C verifiable credential (its first context is not VC 2.0 or 1.1)"
UNKNOWN_OB_VERSION = "Open Badges context {url} is not a version this verifier knows"
NOT_VC_TYPE = "the credential's type does not include VerifiableCredential"
NO_ISSUER = "the credential names no issuer"
NO_SUBJECT = "the credential has no subject"
# Signature check (and the reasons canonicalisation gives)
SIGNATURE_VALID = "valid"
KEY_UNAVAILABLE = "the signing key {method} is not known to this installation"
MISMATCH = "proof value does not match"
NO_PROOF = "the credential has no proof"
PROOF_NOT_OBJECT = "the proof is not a JSON object"
UNSUPPORTED_SUITE = "unsupported cryptosuite {suite}"
UNSUPPORTED_PROOF = "unsupported proof type {kind}"
WRONG_PURPOSE = "proof purpose is {purpose}, not assertionMethod"
NO_METHOD = "the proof names no verification method"
BAD_PROOF_VALUE = "the proof value is missing or not base58btc"
PROOF_VALUE_NOT_SIGNATURE = "the proof value is not an Ed25519 signature"
PROOF_CONTEXT_MISMATCH = "the proof's contexts do not match the document's"
UNKNOWN_CONTEXT = "unknown context {url}"
ALTERED_CONTEXT = "the local copy of context {url} has been altered"
UNDEFINED_TERM = "the credential contains {term}, which its contexts do not define"
UNDEFINED_TYPE = "the credential contains the type {term!r}, which its contexts do not define"
RELATIVE_ID = "the identifier {term!r} is not an absolute IRI, so no signature covers it"
TOO_COMPLEX = "the credential's blank nodes are too intricate to canonicalise in time"
NOT_JSON_LD = "the credential is not valid JSON-LD ({detail})"
NOT_JSON_OBJECT = "a JSON-LD document must be a JSON object"
# Issuer key check
KEY_OF_ANOTHER_ISSUER = "the signing key belongs to {owner}, not to the issuer {issuer}"
NO_SIGNING_TIME = "the proof does not say when it was made, so the key's validity period cannot be checked"
KEY_NOT_VALID_THEN = "the key was not valid when the credential was signed ({date})"
KEY_GIVEN = "the key given for {issuer}"
KEY_TRUSTED = "trusted key of {issuer}"
DID_KEY_NOT_ISSUERS = "the signing key {key} is not the issuer's ({issuer})"
SELF_ISSUED = "self-issued key (did:key), identity not vouched for"
NOT_ISSUERS_KEY = "the signing key {method} is not one of the issuer's keys"
NOT_A_KEY_OF = "the signing key {method} is not a key of the issuer {issuer}"
ISSUER_UNKNOWN = "the issuer {issuer} is not known to this installation"
# Revocation check
NO_STATUS = "the credential carries no revocation status (it cannot be revoked)"
UNSUPPORTED_STATUS = "unsupported status type {kind}"
STATUS_UNKNOWN = "the status could not be established"
STATUS_OTHER_SIGNER = "the status list is signed by {signer}, not by the issuer"
REVOKED = "revoked"
REVOKED_AS_OF = "revoked as of {date}"
REVOKED_AS_OF_BECAUSE = "revoked as of {date}: {reason}"
SUSPENDED = "suspended"
SUSPENDED_AS_OF = "suspended as of {date}"
SUSPENDED_AS_OF_BECAUSE = "suspended as of {date}: {reason}"
NOT_REVOKED_AS_OF = "not revoked as of {date}"
NOT_SUSPENDED_AS_OF = "not suspended as of {date}"
LIST_NOT_A_LIST = "the status list file is not a BitstringStatusListCredential"
LIST_UNTRUSTED = "the status list's signature cannot be trusted ({reason})"
LIST_FOREIGN_KEY = "the status list is signed with a key that is not its issuer's"
LIST_EXPIRED = "the status list expired on {date}"
LIST_OTHER = "the status list given is {given}, not {wanted}"
LIST_OTHER_PURPOSE = "the status list is for another purpose"
LIST_WIDE_ENTRIES = "status entries of more than one bit are not supported"
LIST_BAD_INDEX = "the status entry's index is not a number"
# Validity check
BAD_DATES = "the validity dates are not dates and times"
NOT_YET_VALID = "not valid before {date}"
EXPIRED = "expired on {date}"
VALID_UNTIL = "valid until {date}"
VALID_SINCE = "valid since {date}"
VALID_FOREVER = "valid, with no expiry date"
NOT_CHECKED = "not checked"

TEMPLATES = tuple(value for name, value in dict(globals()).items() if name.isupper() and isinstance(value, str))
