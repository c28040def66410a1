"""What the hospital-track blocks (``skill_checklist``, ``procedure_log``) share: :class:`HospitalBlockMixin`,
everything both do alike: completion by an assessor, the learner's and the assessor's views, the OLX shape
(authored attributes, a ``<description>``, the block's own list as child elements), the assessor role
check, comment rules, and the Jinja templates in ``templates/tot_blocks``. Their handlers take JSON or a
plain form alike (``courses/blocks/form_handlers.py``).

The mixin is plain XBlock: both blocks run unchanged in the xblock-sdk workbench and in Open edX.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import jinja2
from lxml import etree
from web_fragments.fragment import Fragment
from xblock.core import XBlock, XBlockMixin
from xblock.fields import Scope

from courses.blocks.form_handlers import HandlerError
from courses.blocks.olx import OlxAttributesMixin

AUTHORED_SCOPES = (Scope.content, Scope.settings)
ASSESSOR_ROLES = ("staff", "instructor")
MAX_COMMENT = 2000


def N_(text: str) -> str:  # noqa: N802 - the gettext convention for "mark now, translate at render"
    return text


# -- shared plumbing of the hospital blocks --------------------------------------------------------------

_templates = jinja2.Environment(
    loader=jinja2.PackageLoader("courses.blocks", "templates"),
    autoescape=True,
    auto_reload=False,  # package files: they change with a release (a restart), not while serving
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_template(name: str, **context) -> str:
    """A template from ``courses/blocks/templates`` (autoescaped; ``_`` is passed in by the block)."""
    return _templates.get_template(name).render(**context)


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def set_authored_attributes(block, node, skip=()) -> None:  # noqa: ANN001
    """OLX attributes that name a content or settings field become its value (never user state)."""
    for name, value in node.attrib.items():
        field = block.fields.get(name)
        if field is None or name in skip or field.scope not in AUTHORED_SCOPES:
            continue
        setattr(block, name, field.from_string(value))


def write_authored_attributes(block, node, skip=()) -> None:  # noqa: ANN001
    """The content and settings fields set on ``block`` as attributes (user state is never exported).

    A field whose value is None is left out: an attribute cannot hold None, and a missing attribute reads
    back as the field's default, which is None for every field that can hold it here (XBlock's own ``name``,
    which the studio saves explicitly with every new block, and optional numbers the studio leaves empty).
    """
    for name, field in block.fields.items():
        if name in skip or name in ("olx_attributes", "parent", "children") or field.scope not in AUTHORED_SCOPES:
            continue
        if field.is_set_on(block):
            value = field.read_from(block)
            if value is not None:
                node.set(name, field.to_string(value))


def element_text(node) -> str:  # noqa: ANN001
    return (node.text or "").strip()


@XBlock.needs("i18n")
@XBlock.wants("user")
class HospitalBlockMixin(OlxAttributesMixin, XBlockMixin):
    """A hospital block: authored content, a learner's state, an assessor who completes it.

    A block sets its templates and the handlers their forms post to, the field its heading comes from, the
    field written as child elements in OLX, and defines ``view_context`` (what its templates show beyond
    the common part), ``read_olx_children`` and ``write_olx_children``. It has ``display_name`` and
    ``description`` fields of its own (their help text differs).
    """

    # Only an assessor completes these blocks (a sign-off, enough verified entries): 1/1 and done then.
    has_custom_completion = True
    # tot_blocks.js uses neither jQuery nor underscore (lms.xblock_host.runtime: needs_libraries).
    needs_jquery = False
    has_score = True
    icon_class = "problem"

    title_field = ""  # the authored field naming the competency or procedure, shown as the heading
    olx_child_field = ""  # the authored list written as child elements beside <description>
    student_template = ""
    assessor_template = ""
    student_actions: dict[str, str] = {}  # template variable -> the handler its form posts to
    assessor_actions: dict[str, str] = {}

    def max_score(self) -> int:
        return 1

    def ungettext(self, singular: str, plural: str, number: int) -> str:
        """The plural form for ``number`` in the request's language: XBlock itself offers only ``ugettext``."""
        return self.runtime.service(self, "i18n").ngettext(singular, plural, number)

    def publish_completed(self) -> None:
        """Record the assessor's verdict as the block's grade (1/1) and its completion."""
        self.runtime.publish(self, "grade", {"value": 1, "max_value": 1})
        self.runtime.publish(self, "completion", {"completion": 1.0})

    def publish_withdrawn(self) -> None:
        """A later verdict of "not yet competent" after a competent one: the latest sign-off counts, so the
        grade falls to 0/1 (a certificate's checklist requirement reads it). The completion stays: the block
        was done and assessed; a certificate already issued stays too (an admin decides on revoking it)."""
        self.runtime.publish(self, "grade", {"value": 0, "max_value": 1})

    # -- OLX ---------------------------------------------------------------------------------------------
    @classmethod
    def parse_xml(cls, node, runtime, keys):  # noqa: ANN001, ANN206
        """Authored fields from attributes, ``<description>`` text, the other children to the block's
        ``read_olx_children``; attributes with no field are kept for export."""
        block = runtime.construct_xblock_from_class(cls, keys)
        set_authored_attributes(block, node)
        others = []
        for child in node:
            if child.tag == "description":
                block.description = element_text(child)
            else:
                others.append(child)
        block.read_olx_children(others)
        cls.keep_unknown_attributes(block, node)
        return block

    def add_xml_to_node(self, node) -> None:  # noqa: ANN001
        node.tag = self.scope_ids.block_type
        node.set("xblock-family", self.entry_point)
        write_authored_attributes(self, node, skip=("description", self.olx_child_field))
        self.write_unknown_attributes(node)
        if self.description:
            etree.SubElement(node, "description").text = self.description
        self.write_olx_children(node)

    def read_olx_children(self, children: list) -> None:
        raise NotImplementedError

    def write_olx_children(self, node) -> None:  # noqa: ANN001
        raise NotImplementedError

    # -- views -------------------------------------------------------------------------------------------
    def student_view(self, context=None):  # noqa: ANN001, ANN201, ARG002
        """The learner's side: the block's state and the forms the learner acts through."""
        return self.render_view(self.student_template, **self._action_urls(self.student_actions))

    def assessor_view(self, context=None):  # noqa: ANN001, ANN201, ARG002
        """The assessor's side, rendered by a host with the learner as state user and the assessor as
        current user (this LMS: ``courses/assessor``)."""
        return self.render_view(
            self.assessor_template,
            can_assess=self.may_assess_this_state(),
            **self._action_urls(self.assessor_actions),
        )

    author_view = student_view

    def _action_urls(self, actions: dict[str, str]) -> dict[str, str]:
        return {name: self.runtime.handler_url(self, handler) for name, handler in actions.items()}

    def view_context(self) -> dict:
        raise NotImplementedError

    def _context(self) -> dict:
        return {
            "_": self.ugettext,
            "dom_id": self.dom_id,
            "title": getattr(self, self.title_field) or self.display_name,
            "description": [p.strip() for p in (self.description or "").split("\n\n") if p.strip()],
            **self.view_context(),
        }

    def render_view(self, template: str, **extra) -> Fragment:
        """A view: the block's template with its context (plus ``extra``), the shared CSS and JavaScript."""
        data = self._context()
        data.update(extra)
        frag = Fragment(render_template(template, **data))
        self.add_resources(frag, "TotBlockForms", {"messages": self.js_messages()})
        return frag

    # -- who acts ----------------------------------------------------------------------------------------
    def may_assess_this_state(self) -> bool:
        """An assessor, acting on someone else's state (nobody signs their own work off)."""
        return self.can_assess() and not (self.acting_user_id() is not None and self.is_own_state())

    @property
    def dom_id(self) -> str:
        return "tot-" + hashlib.sha256(str(self.scope_ids.usage_id).encode()).hexdigest()[:12]

    def _current_user(self):  # noqa: ANN202
        service = self.runtime.service(self, "user")
        return service.get_current_user() if service is not None else None

    def acting_user_id(self):  # noqa: ANN201
        user = self._current_user()
        return None if user is None else user.opt_attrs.get("edx-platform.user_id")

    def acting_user_name(self) -> str:
        user = self._current_user()
        if user is None:
            return ""
        return user.full_name or str(user.opt_attrs.get("edx-platform.username") or "")

    def is_own_state(self) -> bool:
        """Whether the current user is the one whose state this is (unknown in runtimes that don't say)."""
        acting = self.acting_user_id()
        return acting is None or str(acting) == str(self.scope_ids.user_id)

    def can_assess(self) -> bool:
        """Staff and instructors assess; the role comes from the ``user`` service, never from the request."""
        user = self._current_user()
        if user is None:
            return False
        role = user.opt_attrs.get("edx-platform.user_role")
        if role is not None:
            return role in ASSESSOR_ROLES
        return user.opt_attrs.get("edx-platform.user_is_staff") is True

    def require_assessor(self) -> None:
        _ = self.ugettext
        if not self.can_assess():
            raise HandlerError(403, _("Only an assessor (a course instructor or staff) can do this."))
        if self.acting_user_id() is not None and self.is_own_state():
            raise HandlerError(403, _("You cannot assess your own work."))

    def require_learner(self) -> None:
        _ = self.ugettext
        if not self.is_own_state():
            raise HandlerError(403, _("Only the learner can change this."))

    def clean_comment(self, data: dict) -> str:
        """The assessor's comment (may be empty), within ``MAX_COMMENT`` characters."""
        comment = str(data.get("comment") or "").strip()
        if len(comment) > MAX_COMMENT:
            _ = self.ugettext
            raise HandlerError(400, _("The comment is too long (2,000 characters at most)."), field="comment")
        return comment

    # -- page resources ----------------------------------------------------------------------------------
    def add_resources(self, frag: Fragment, js_init: str, args: dict) -> None:
        frag.add_css_url(self.runtime.local_resource_url(self, "public/tot_blocks.css"))
        frag.add_javascript_url(self.runtime.local_resource_url(self, "public/tot_blocks.js"))
        frag.initialize_js(js_init, args)

    def js_messages(self) -> dict:
        _ = self.ugettext
        return {
            "saving": _("Saving…"),
            "saved": _("Saved."),
            "error": _("Not saved. Reload the page and try again."),
            "network": _("Not saved: the connection failed. Check your connection and try again."),
        }
