"""The one error an OLX import or export reports: a message for people, with the file and line when known."""

from __future__ import annotations


class OlxError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field  # the form field the message belongs next to ("code"), if any
