"""The contract every item type follows, and the errors it raises.

An item's *definition* is plain JSON data: it is stored on an item version, carried in an export file and
in the assessment block's own fields when it runs without a bank (the xblock-sdk workbench). Every
definition has the common keys below; each type adds its own (its module's docstring lists them).

* ``type``: the type's registry name (``single_choice`` …);
* ``stem``: the question, sanitised HTML (``""`` is refused except for a description);
* ``general_feedback``: HTML shown after the answer whatever it was, may be ``""``;
* ``default_mark``: the item's mark in an assessment unless the blueprint says otherwise (> 0).

Ids inside a definition (a choice's, a pair's, an accepted answer's) are short strings the type assigns in
:meth:`ItemType.normalise` and keeps across edits, so a response recorded against one version still names
the same choice in the next. A learner's *response* is JSON data in the type's own canonical form, made
by :meth:`ItemType.parse` from what the browser sent; it names choices by id, never by position, and a
tampered id is refused (:class:`ResponseInvalid`), not ignored.

The learner's controls are the type's template (``template``, under ``assessments/templates/``), rendered
on the server from :meth:`ItemType.present`'s dict and the saved response. Every control of one item
carries the one field name the page gives it (``name``, default ``answer``), so the page passes
``request.form.getlist(name)`` to :meth:`ItemType.parse` whatever the type; a value that must say which part
of the item it answers is written ``"<part id>:<value>"`` (matching, ordering), and a fill-in's gaps come in
the stem's order. ``assessments/templates/assessments/items/_frame.html`` lists the template's variables.

Nothing a type returns from :meth:`ItemType.present` may reveal the key: no fractions, no accepted answers,
no feedback, and choices in the order the attempt's seed decides. Review (what a learner sees after
submitting) is decided by the assessment's policy and uses :meth:`ItemType.score` and
:meth:`ItemType.right_answer`.

Import and export: a type knows its own part of each interchange format. GIFT: :meth:`ItemType.from_gift`
parses the answer block (``{…}``) that ``assessments/formats/gift.py`` cut out of a record and
:meth:`ItemType.to_gift` writes it back. Moodle XML: :meth:`ItemType.from_moodle_xml` reads a
``<question>`` element and :meth:`ItemType.to_moodle_xml` fills one. A type that a format cannot express
leaves the method unimplemented (``NotImplementedError`` is reported as "cannot be exported as GIFT").

The studio's editor (OPTIONAL): a type may describe its form as :attr:`ItemType.editor`, an
``assessments.items.editing.Editor`` (single fields and rows of entries, rendered without JavaScript), and
override :meth:`ItemType.to_form` / :meth:`ItemType.from_form` where its definition does not map one to one
onto that form (matching names each pair's answer by its text). The common keys (stem, general feedback,
default mark) are the studio's own fields. A type without an editor is edited through the generic one: its
GIFT answer block (:meth:`ItemType.to_gift` / :meth:`ItemType.from_gift`), or its own keys as JSON when it
has no GIFT form or GIFT cannot hold the item. Either way ``normalise`` checks what comes back.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, ClassVar

from assessments.items.invalid import ItemInvalid  # noqa: F401 - part of this module's interface


class ResponseInvalid(ValueError):
    """A submitted answer that does not fit the item (an unknown choice id, a malformed value): a 400."""


@dataclass(frozen=True)
class Outcome:
    """How a response scored.

    ``fraction`` of the item's mark, in [0, 1] after any penalty (a negative sum of choices is floored at 0),
    or None when a person must grade it (an essay). ``feedback``: the HTML feedback of the chosen answers,
    in order; the general feedback is not repeated here.
    """

    fraction: float | None
    feedback: tuple[str, ...] = field(default_factory=tuple)

    @property
    def needs_grading(self) -> bool:
        return self.fraction is None


class ItemType:
    """Base of every item type. Subclasses set the class attributes and implement the methods."""

    name: ClassVar[str]  # registry key and data["type"]
    label: ClassVar[Any]  # human name, a lazy gettext string
    description: ClassVar[Any] = ""  # one line for the studio's "add a question" list
    scored: ClassVar[bool] = True  # False for a description (no mark, no response)
    manual: ClassVar[bool] = False  # True when a person grades it (essay)
    template: ClassVar[str]  # Jinja template of the learner's controls, under assessments/templates/

    # -- authoring ----------------------------------------------------------------------------------
    def normalise(self, data: dict[str, Any]) -> dict[str, Any]:
        """The canonical definition (ids assigned, defaults filled, HTML sanitised), or ItemInvalid."""
        raise NotImplementedError

    # -- delivery -----------------------------------------------------------------------------------
    def present(self, data: dict[str, Any], rng: random.Random) -> dict[str, Any]:
        """What the learner's page may show: stem and options (shuffled with ``rng`` where the item allows),
        never a fraction, an accepted answer or feedback."""
        raise NotImplementedError

    def parse(self, data: dict[str, Any], raw: Any) -> Any:
        """The canonical response from what the browser sent (JSON, or a form's values as a list of strings),
        or ResponseInvalid. An empty answer is ``None``."""
        raise NotImplementedError

    def score(self, data: dict[str, Any], response: Any) -> Outcome:
        """The outcome of a canonical response (``None``: not answered, which scores 0)."""
        raise NotImplementedError

    # -- review and reports -------------------------------------------------------------------------
    def right_answer(self, data: dict[str, Any]) -> str:
        """The right answer in plain text, for review and the instructor's tables."""
        raise NotImplementedError

    def response_text(self, data: dict[str, Any], response: Any) -> str:
        """A response in plain text (instructor tables, CSV)."""
        raise NotImplementedError

    # -- interchange ----------------------------------------------------------------------------------
    def from_gift(self, answers: str, stem: str) -> dict[str, Any]:
        """The type's part of a definition from a GIFT answer block (without braces, escapes still in)."""
        raise NotImplementedError

    def to_gift(self, data: dict[str, Any]) -> str:
        """The GIFT answer block of a definition (without braces, escaped)."""
        raise NotImplementedError

    # -- the studio's editor (optional: assessments/items/editing.py) --------------------------------------
    editor: ClassVar[Any] = None  # an editing.Editor, or None for the generic editor

    @property
    def writes_gift(self) -> bool:
        """Whether the type reads and writes GIFT answer blocks (the generic editor offers them)."""
        return type(self).from_gift is not ItemType.from_gift and type(self).to_gift is not ItemType.to_gift

    def to_form(self, data: dict[str, Any] | None) -> dict[str, Any]:
        """The editor's values for a definition (None: a new item)."""
        from assessments.items import editing

        if self.editor is None:
            fmt, text = editing.generic_text(self, data)
            return {"format": fmt, "text": text}
        return editing.defaults(self.editor) if data is None else editing.values_of(self.editor, data)

    def from_form(self, form: Any) -> dict[str, Any]:
        """The type's keys from a submitted editor (``request.form``), for :meth:`normalise` to check;
        ItemInvalid for a generic editor's text the type cannot read."""
        from assessments.items import editing

        if self.editor is None:
            fmt = form.get("g-format", editing.JSON)
            return editing.generic_read(self, fmt, form.get("g-text", ""), form.get("stem", ""))
        return editing.read_form(self.editor, form)

    moodle_qtype: ClassVar[str | None] = None  # the <question type="…"> this type reads and writes

    def from_moodle_xml(self, question: Any) -> dict[str, Any]:
        """The type's part of a definition from a Moodle XML ``<question>`` element."""
        raise NotImplementedError

    def to_moodle_xml(self, data: dict[str, Any], question: Any) -> None:
        """Fill a Moodle XML ``<question>`` element (its type attribute, name and text are set by the caller)."""
        raise NotImplementedError
