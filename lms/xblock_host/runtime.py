"""``LmsRuntime``: the XBlock runtime, one per request and user.

It binds three things: the learning context (which course, draft or published), the *acting* user (who
is logged in) and the *state* user (whose user-scoped fields are read and written — the same person,
except when an assessor signs off a learner's checklist). It never sets ``course_id``: community blocks
take that attribute to mean "inside Open edX" and then import edx-platform modules.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import escape
from web_fragments.fragment import Fragment
from xblock.exceptions import NoSuchServiceError, NoSuchUsage
from xblock.fields import ScopeIds, UserScope
from xblock.runtime import IdGenerator, IdReader, Runtime

from lms import caches
from lms.web import external_url
from lms.xblock_host import django_setup, events, resources, tokens
from lms.xblock_host.context import LearningContext
from lms.xblock_host.keys import InvalidKey, UsageKey, new_block_id, slugify
from lms.xblock_host.kvs import RoutedFieldData, SqlRows, freeze, thaw
from lms.xblock_host.services import (
    I18nService,
    ReplaceURLsService,
    SettingsService,
    UserService,
    anonymous_user_id,
    registered_service,
    request_locale,
)

RUNTIME_JS_VERSION = 1


class KeyIds(IdReader, IdGenerator):
    """Ids that are usage keys: the type is read from the key itself, so no lookup is needed."""

    def __init__(self, context_key: str):
        self.context_key = context_key

    def get_definition_id(self, usage_id):
        try:
            return UsageKey(usage_id)
        except InvalidKey as exc:
            raise NoSuchUsage(repr(usage_id)) from exc

    def get_block_type(self, def_id):
        return UsageKey(def_id).block_type

    def create_definition(self, block_type, slug=None):
        return UsageKey.make(self.context_key, block_type, slugify(slug) if slug else new_block_id(block_type))

    def create_usage(self, def_id):
        return def_id

    # Asides are switched off (see applicable_aside_types); these complete the interface.
    def create_aside(self, definition_id, usage_id, aside_type):
        return definition_id, usage_id

    def get_usage_id_from_aside(self, aside_id):
        return aside_id

    def get_definition_id_from_aside(self, aside_id):
        return aside_id

    def get_aside_type_from_usage(self, aside_id):
        raise NotImplementedError

    def get_aside_type_from_definition(self, aside_id):
        raise NotImplementedError


class LmsRuntime(Runtime):
    def __init__(self, context: LearningContext, acting_user: Any, state_user_id: int | None = None):
        self.context = context
        self.acting_user = acting_user
        self.state_user_id = acting_user.id if state_user_id is None else state_user_id
        self.user_rows = SqlRows(context.context_key, context.branch)
        # Not ``field_data``: the base class owns that (deprecated) name and resets it.
        self.field_rows = RoutedFieldData(context.authored, self.user_rows)
        self.locale = request_locale()
        django_setup.activate_language(self.locale)  # for blocks that translate through Django
        self._role = context.user_role(acting_user)
        ids = KeyIds(context.context_key)
        super().__init__(
            id_reader=ids,
            id_generator=ids,
            services={
                "field-data": self.field_rows,
                "user": UserService(acting_user, self._role, context.context_key),
                "settings": SettingsService(),
                "replace_urls": ReplaceURLsService(context.asset_url),
            },
        )
        # The deprecated runtime.user_id attribute: some older blocks still read it.
        self._deprecated_per_instance_user_id = self.state_user_id
        self._block_types = current_app.extensions["xblock_types"]
        self._blocks: dict[str, Any] = {}
        self._handler_prefixes: dict[str, str] = {}
        self._i18n: dict[type, I18nService] = {}
        self._handler_template: str | None = None
        self._handler_token = tokens.issuer(acting_user.id, self.state_user_id, context.branch)
        self.handling: str | None = None  # the handler being called, while one is (``handle``)
        # Whether a block rendered so far has JavaScript that may expect jQuery and underscore as globals,
        # as on Open edX pages: any block that does not say otherwise with ``needs_jquery = False``.
        self.needs_libraries = False
        # Block type → class of every block rendered with JavaScript: the packages whose inline scripts may
        # be served as their files (lms.xblock_host.page).
        self.scripted_blocks: dict[str, type] = {}

    # -- legacy attributes community blocks read (never course_id) ---------------------------------
    @property
    def anonymous_student_id(self) -> str:
        return anonymous_user_id(self.state_user_id, self.context.context_key)

    @property
    def user_is_staff(self) -> bool:
        return self._role == "staff"

    # -- blocks ------------------------------------------------------------------------------------
    def load_block_type(self, block_type):
        return self._block_types.load(block_type)

    def get_block(self, usage_id, for_parent=None):
        key = self.id_reader.get_definition_id(usage_id)
        block = self._blocks.get(key)
        if block is None:
            scope_ids = ScopeIds(self.state_user_id, key.block_type, key, key)
            block = self.construct_xblock(key.block_type, scope_ids, for_parent=for_parent)
            self._blocks[key] = block
        return block

    def prefetch_user_state(self, usage_keys, lazily: bool = False) -> None:
        """Load the state of all these blocks in one query (call before rendering a unit); ``lazily``: when
        the first of it is read (a handler call, which may read none)."""
        keys = [key if isinstance(key, UsageKey) else UsageKey(key) for key in usage_keys]
        self.user_rows.prefetch_user_blocks(keys, self.state_user_id, lazily=lazily)

    def applicable_aside_types(self, block):
        # The base class scans every installed entry point on each render: 95% of a page's time.
        return []

    def service(self, block, service_name):
        if service_name == "field-data":
            # Asked on every field read; every block needs it (XBlock declares it on Blocklike itself).
            return self.field_rows
        declaration = block.service_declaration(service_name)
        if declaration is None:
            raise NoSuchServiceError(f"Service {service_name!r} was not requested.")
        if service_name == "i18n":  # one per block class and runtime: blocks ask for it on every string
            i18n = self._i18n.get(type(block))
            if i18n is None:
                i18n = self._i18n[type(block)] = I18nService(type(block), self.locale)
            return i18n
        service = self._services.get(service_name)
        if service is None and (factory := registered_service(service_name)) is not None:
            service = self._services[service_name] = factory(self)  # built once per runtime
        if service is None and declaration == "need":
            raise NoSuchServiceError(f"Service {service_name!r} is not available.")
        return service

    # -- URLs --------------------------------------------------------------------------------------
    def handler_prefix(self, block) -> str:
        """The signed URL prefix for this block's handlers, ending with '/'; JS appends handler/suffix."""
        usage = str(block.scope_ids.usage_id)
        prefix = self._handler_prefixes.get(usage)
        if prefix is None:
            if self._handler_template is None:
                # One url_for per runtime; usage keys and tokens are URL-safe as they are.
                self._handler_template = url_for(
                    "xblock_host.handler_root",
                    branch=self.context.branch,
                    usage_key="__USAGE__",
                    state_user_id=self.state_user_id,
                    token="__TOKEN__",  # noqa: S106 - a placeholder, replaced below
                )
            token = self._handler_token(usage)
            prefix = self._handler_template.replace("__USAGE__", usage).replace("__TOKEN__", token)
            self._handler_prefixes[usage] = prefix
        return prefix

    def handler_url(self, block, handler_name, suffix="", query="", thirdparty=False):
        if thirdparty:
            usage = str(block.scope_ids.usage_id)
            token = tokens.make(0, self.state_user_id, f"{usage}|{handler_name}", self.context.branch, "thirdparty")
            # Handed to another service, so on the site's own address (BASE_URL), not the request's host.
            url = external_url(
                "xblock_host.thirdparty_handler",
                branch=self.context.branch,
                usage_key=usage,
                state_user_id=self.state_user_id,
                token=token,
                handler=handler_name,
                suffix=suffix or "",
            )
        else:
            url = f"{self.handler_prefix(block)}{handler_name}/{suffix or ''}"
        return f"{url}?{query}" if query else url

    def resource_url(self, resource):
        return resources.runtime_url(resource)

    def local_resource_url(self, block, uri):
        block_type = block.scope_ids.block_type
        return resources.block_file_url(block_type, self.load_block_type(block_type), uri)

    # -- events ------------------------------------------------------------------------------------
    def handle(self, block, handler_name, request, suffix=""):
        """XBlock's dispatch, remembering which handler runs: events it publishes are judged by it."""
        self.handling = handler_name
        try:
            return super().handle(block, handler_name, request, suffix)
        finally:
            self.handling = None

    def publish(self, block, event_type, event_data):
        events.record(self, block, event_type, event_data)

    # -- rendering ---------------------------------------------------------------------------------
    def render(self, block, view_name, context=None):
        """Render, reusing the view's fragment when it cannot differ between users.

        A published version never changes, so a view that reads only authored fields gives the same
        fragment to everyone: blocks say so with ``user_independent_views`` (our ``html`` does). The
        wrapper around it, which carries this user's signed handler URL, is still made per request. Kept
        because the unit page needs it for its floor (``lms.caches.BLOCK_FRAGMENTS``).
        """
        shared = view_name in getattr(block, "user_independent_views", ())
        if self.context.version_id is None or context or not shared:
            return super().render(block, view_name, context)
        key = (self.context.version_id, str(block.scope_ids.usage_id), view_name, self.locale)
        frozen = caches.BLOCK_FRAGMENTS.get_or_build(key, lambda: freeze(getattr(block, view_name)(context).to_dict()))
        return self.wrap_xblock(block, view_name, Fragment.from_dict(thaw(frozen)), context)

    def render_template(self, template_name, **kwargs):
        """Django templates of the SDK sample blocks (the workbench's runtime offers the same)."""
        from django.template import loader

        return loader.get_template(template_name).render(kwargs)

    def wrap_xblock(self, block, view, frag, context):
        if _has_javascript(frag):
            block_type = block.scope_ids.block_type
            if block_type not in self.scripted_blocks:
                self.scripted_blocks[block_type] = self.load_block_type(block_type)
            if getattr(block, "needs_jquery", True):
                self.needs_libraries = True
        extra = {"name": block.name} if getattr(block, "name", None) else {}
        return self._wrap_ele(block, view, frag, extra)

    def _wrap_ele(self, block, view, frag, extra_data=None):
        """Like the base wrapper, but every attribute and the init arguments are escaped."""
        ids = block.scope_ids
        classes = " ".join(self._css_classes_for(block, view))
        data = {**(extra_data or {})}
        if frag.js_init_fn:
            data["init"] = frag.js_init_fn
            data["runtime-version"] = frag.js_init_version or RUNTIME_JS_VERSION
        attributes = "".join(f' data-{name}="{escape(str(value))}"' for name, value in data.items())
        init_args = ""
        if getattr(frag, "json_init_args", None) is not None:
            # Jinja's |tojson escaping (< > & ' as \u escapes): a "</script>" or "<!--" in a block's data
            # cannot end or confuse the element.
            init_args = (
                '<script type="json/xblock-args" class="xblock_json_init_args">'
                f"{htmlsafe_json_dumps(frag.json_init_args)}</script>"
            )
        prefix = escape(self.handler_prefix(block))
        wrapped = Fragment(
            f'<div class="{escape(classes)}" data-usage="{escape(str(ids.usage_id))}" '
            f'data-block-type="{escape(ids.block_type)}" data-runtime-class="LmsRuntime" '
            f'data-handler-prefix="{prefix}"{attributes}>{frag.body_html()}{init_args}</div>'
        )
        wrapped.add_fragment_resources(frag)
        return wrapped

    # -- the experimental query API some SDK samples use -------------------------------------------
    def query(self, block):
        return _BlockSet(self, [block])


def _has_javascript(frag: Fragment) -> bool:
    return bool(frag.js_init_fn) or any(r.mimetype == "application/javascript" for r in frag.resources)


class _BlockSet:
    """Navigation over blocks for ``runtime.query`` (parent, children, descendants, tagged, attr)."""

    def __init__(self, runtime: LmsRuntime, blocks: list):
        self.runtime = runtime
        self.blocks = blocks

    def __iter__(self):
        return iter(self.blocks)

    def __len__(self):
        return len(self.blocks)

    def _child_blocks(self, block):
        return [self.runtime.get_block(child) for child in getattr(block, "children", [])]

    def parent(self):
        return _BlockSet(self.runtime, [b.get_parent() for b in self.blocks if b.get_parent() is not None])

    def children(self):
        return _BlockSet(self.runtime, [child for b in self.blocks for child in self._child_blocks(b)])

    def descendants(self):
        found, stack = [], list(self.blocks)
        while stack:
            block = stack.pop(0)
            children = self._child_blocks(block)
            found.extend(children)
            stack.extend(children)
        return _BlockSet(self.runtime, found)

    def tagged(self, tag):
        return _BlockSet(self.runtime, [b for b in self.blocks if tag in getattr(b, "_class_tags", ())])

    def attr(self, name):
        for block in self.blocks:
            if hasattr(block, name):
                yield getattr(block, name)


def shared_field_names(block_class: type) -> list[str]:
    """The block's user_state_summary fields: state every user's handler calls may change."""
    return [name for name, field in block_class.fields.items() if getattr(field.scope, "user", None) == UserScope.ALL]
