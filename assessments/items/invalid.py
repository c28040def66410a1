"""The refusal of a question's definition, shared by the item types and the studio's editor (no other import)."""

from __future__ import annotations


class ItemInvalid(ValueError):
    """A definition the type refuses; ``errors`` are messages for the author (one per problem)."""

    def __init__(self, errors: list[str] | str):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("; ".join(self.errors))
