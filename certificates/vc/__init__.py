"""The standards core of certificates, pure Python and offline: Open Badges 3.0 / W3C VC 2.0 credentials,
Data Integrity proofs (eddsa-rdfc-2022), Bitstring Status Lists, trust bundles and certificate codes.

Shared by the web app and the offline ``lms verify`` CLI, so nothing here imports Flask or the ``lms``
package, and nothing reaches the network: contexts come from ``contexts/``, keys from a trust bundle.
"""
