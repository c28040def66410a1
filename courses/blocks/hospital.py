"""What the hospital-track blocks (``skill_checklist``, ``procedure_log``) share: handlers that accept a
JSON body from JavaScript or a plain HTML form without it, the assessor role check, XML helpers for
authored fields, and the Jinja templates in ``templates/tot_blocks``.
"""

from __future__ import annotations

import functools
import hashlib
import json
from datetime import UTC, datetime
from urllib.parse import urlsplit

import jinja2
from markupsafe import escape
from web_fragments.fragment import Fragment
from webob import Response
from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError
from xblock.fields import Scope

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
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_template(name: str, **context) -> str:
    """A template from ``courses/blocks/templates`` (autoescaped; ``_`` is passed in by the block)."""
    return _templates.get_template(name).render(**context)


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class HandlerError(JsonHandlerError):
    """A refused handler call: a status, a message for the person, and the form field at fault if any."""

    def __init__(self, status_code: int, message: str, field: str | None = None):
        super().__init__(status_code, message)
        self.field = field


def _wants_json(request) -> bool:  # noqa: ANN001
    return request.content_type == "application/json" or "application/json" in (request.accept.header_value or "")


def _read_data(request, _) -> dict:  # noqa: ANN001
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body.decode("utf-8") or "{}")
        except ValueError as exc:
            raise HandlerError(400, _("The request was not valid JSON.")) from exc
        if not isinstance(data, dict):
            raise HandlerError(400, _("The request was not a JSON object."))
        return data
    return {name: request.POST.get(name) for name in request.POST}


def _same_origin_referer(request) -> str | None:  # noqa: ANN001
    referer = request.referer or ""
    parts = urlsplit(referer)
    if parts.scheme in ("http", "https") and parts.netloc == request.host:
        return referer.split("#", 1)[0]
    return None


def _html_page(title: str, message: str, back: str | None, back_label: str, status: int) -> Response:
    link = f'<p><a href="{escape(back)}">{escape(back_label)}</a></p>' if back else ""
    body = (
        f'<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{escape(title)}</title></head><body><main><h1>{escape(title)}</h1>"
        f'<p role="alert">{escape(message)}</p>{link}</main></body></html>'
    )
    return Response(body=body.encode("utf-8"), status=status, content_type="text/html", charset="utf-8")


def form_handler(func):  # noqa: ANN001, ANN201
    """A POST handler fed by JavaScript (a JSON body, a JSON answer) or by a plain HTML form without it
    (then the answer is a redirect back to the page, or a short page saying what went wrong).

    ``func(self, data, suffix)`` returns a dict (with a ``message``) or raises :class:`HandlerError`.
    """

    @XBlock.handler
    @functools.wraps(func)
    def wrapper(self, request, suffix=""):  # noqa: ANN001
        wants_json = _wants_json(request)
        _ = self.ugettext
        try:
            if request.method != "POST":
                raise HandlerError(405, _("Send this with POST."))
            result = func(self, _read_data(request, _), suffix)
        except JsonHandlerError as err:
            if wants_json:
                body = {"error": err.message}
                if getattr(err, "field", None):
                    body["field"] = err.field
                return Response(
                    json.dumps(body), status=err.status_code, content_type="application/json", charset="utf-8"
                )
            back = _same_origin_referer(request)
            return _html_page(_("Not saved"), err.message, back, _("Go back"), err.status_code)
        if wants_json:
            return Response(json.dumps(result), content_type="application/json", charset="utf-8")
        back = _same_origin_referer(request)
        if back:
            return Response(status=303, location=f"{back}#{self.dom_id}")
        return _html_page(_("Saved"), result.get("message", ""), None, "", 200)

    return wrapper


def set_authored_attributes(block, node, skip=()) -> None:  # noqa: ANN001
    """OLX attributes that name a content or settings field become its value (never user state)."""
    for name, value in node.attrib.items():
        field = block.fields.get(name)
        if field is None or name in skip or field.scope not in AUTHORED_SCOPES:
            continue
        setattr(block, name, field.from_string(value))


def write_authored_attributes(block, node, skip=()) -> None:  # noqa: ANN001
    """The content and settings fields set on ``block`` as attributes (user state is never exported)."""
    for name, field in block.fields.items():
        if name in skip or name in ("olx_attributes", "parent", "children") or field.scope not in AUTHORED_SCOPES:
            continue
        if field.is_set_on(block):
            node.set(name, field.to_string(field.read_from(block)))


def element_text(node) -> str:  # noqa: ANN001
    return (node.text or "").strip()


class HospitalBlockMixin(OlxAttributesMixin):
    """Who is acting, may they assess, and the bits of markup every hospital block renders."""

    def render_view(self, template: str, **extra) -> Fragment:
        """A view: the block's template with its context (plus ``extra``), the shared CSS and JavaScript."""
        data = self._context()
        data.update(extra)
        frag = Fragment(render_template(template, **data))
        self.add_resources(frag, "TotBlockForms", {"messages": self.js_messages()})
        return frag

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
