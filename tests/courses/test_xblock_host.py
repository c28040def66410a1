"""The XBlock host: signed handler URLs, the escaping wrapper, resources, shared state, events, allow-list."""

from __future__ import annotations

import io
import json
import re
import threading
import time

import pytest
from sqlalchemy import func, select
from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.fields import Integer, Scope, String

from lms.db import db
from lms.xblock_host import tokens
from lms.xblock_host.models import XBlockEvent, XBlockField
from tests.courses.helpers import build_course, handler_url


def thumbs_course(factory, code="HOST-1"):
    built = build_course(factory, {"M": {"L": [["thumbs"]]}}, code=code)
    unit = built.units[0]
    return built, unit, built.components[unit][0]


def learner_in(factory, built, name=None):
    learner = factory.user("learner", name=name)
    factory.cohort(course=built.course, learners=[learner])
    return learner


def page(client, built, unit):
    response = client.get(f"/learn/{built.course.code}/unit/{unit}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def upvotes(thumbs) -> int:
    """The thumbs block's stored count of up votes (0 before the first vote)."""
    db.session.rollback()  # read what the requests committed
    stored = db.session.scalar(
        select(XBlockField.value).where(XBlockField.block_key == thumbs, XBlockField.field == "upvotes")
    )
    return stored or 0


def test_another_users_handler_token_is_refused(client, auth, factory):
    built, unit, thumbs = thumbs_course(factory)
    alice = learner_in(factory, built, "Alice")
    bob = learner_in(factory, built, "Bob")
    auth.login(alice)
    alice_url = handler_url(page(client, built, unit), thumbs, "vote")
    assert client.post(alice_url, json={"voteType": "up"}).status_code == 200
    auth.logout()
    auth.login(bob)
    # Bob replays Alice's URL in his own session: refused, and nothing changes.
    response = client.post(alice_url, json={"voteType": "up"})
    assert response.status_code == 403
    total = db.session.scalar(
        select(XBlockField.value).where(XBlockField.block_key == thumbs, XBlockField.field == "upvotes")
    )
    assert total == 1


def test_tampered_token_and_changed_state_user_are_refused(client, auth, factory):
    built, unit, thumbs = thumbs_course(factory)
    alice = learner_in(factory, built)
    bob = learner_in(factory, built)
    auth.login(alice)
    url = handler_url(page(client, built, unit), thumbs, "vote")
    token = re.search(r"/handler/\d+/([0-9a-f]+)/", url).group(1)
    tampered = url.replace(token, ("0" if token[0] != "0" else "1") + token[1:])
    assert client.post(tampered, json={"voteType": "up"}).status_code == 403
    # Pointing Alice's token at Bob's state does not verify either.
    other_state = url.replace(f"/handler/{alice.id}/", f"/handler/{bob.id}/")
    assert client.post(other_state, json={"voteType": "up"}).status_code == 403
    assert upvotes(thumbs) == 0  # neither refused call voted


def test_each_learner_gets_their_own_handler_urls_on_the_same_unit(client, auth, factory):
    """Wrappers are partly reused between pages: the signed handler prefix is never among the reused parts."""
    built, unit, thumbs = thumbs_course(factory)
    alice, bob = learner_in(factory, built), learner_in(factory, built)
    urls = {}
    for learner in (alice, bob, alice):
        auth.login(learner)
        urls.setdefault(learner.id, set()).add(handler_url(page(client, built, unit), thumbs, "vote"))
        auth.logout()
    assert len(urls[alice.id]) == 1, "the same learner gets the same URL on a reload"
    (alice_url,), (bob_url,) = urls[alice.id], urls[bob.id]
    assert f"/handler/{alice.id}/" in alice_url and f"/handler/{bob.id}/" in bob_url
    auth.login(bob)
    assert client.post(bob_url, json={"voteType": "up"}).status_code == 200
    assert client.post(alice_url, json={"voteType": "up"}).status_code == 403


def test_handler_needs_a_session_and_tokens_expire(client, auth, factory, app, monkeypatch):
    built, unit, thumbs = thumbs_course(factory)
    alice = learner_in(factory, built)
    auth.login(alice)
    url = handler_url(page(client, built, unit), thumbs, "vote")
    auth.logout()
    assert client.post(url, json={"voteType": "up"}).status_code in (302, 401)
    auth.login(alice)
    now = time.time()
    monkeypatch.setattr(tokens.time, "time", lambda: now + 5 * tokens.WINDOW_SECONDS)
    assert client.post(url, json={"voteType": "up"}).status_code == 403


def test_cross_site_post_is_refused(client, auth, factory):
    built, unit, thumbs = thumbs_course(factory)
    auth.login(learner_in(factory, built))
    url = handler_url(page(client, built, unit), thumbs, "vote")
    response = client.post(url, json={"voteType": "up"}, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert upvotes(thumbs) == 0
    same = client.post(url, json={"voteType": "up"}, headers={"Origin": "http://localhost"})
    assert same.status_code == 200 and same.get_json() == {"up": 1, "down": 0}
    assert upvotes(thumbs) == 1


def test_unknown_handler_and_non_handler_methods_are_404(client, auth, factory):
    built, unit, thumbs = thumbs_course(factory)
    auth.login(learner_in(factory, built))
    html = page(client, built, unit)
    assert client.post(handler_url(html, thumbs, "nope"), json={}).status_code == 404
    assert client.post(handler_url(html, thumbs, "student_view"), json={}).status_code == 404
    # json handlers answer POST only
    assert client.get(handler_url(html, thumbs, "vote")).status_code == 405


def test_errors_of_our_own_code_in_a_handler_call_stay_server_errors(client, auth, factory, monkeypatch):
    """Only an error raised in a community block's own code (or a library it calls) is taken for a malformed
    request. Raised in the runtime a community block called, or in one of our blocks, it is our bug: it is
    not turned into a 400 (the error handler logs it and answers 500; here, in tests, it propagates)."""
    built = build_course(factory, {"M": {"L": [["poll", "skill_checklist"]]}}, code="HOST-BUG")
    unit = built.units[0]
    poll, checklist = built.components[unit]
    auth.login(learner_in(factory, built))
    html = page(client, built, unit)
    assert client.post(handler_url(html, poll, "vote"), json=[1]).status_code == 400  # the block's own error

    def broken(*args, **kwargs):
        raise TypeError("a bug of ours")

    monkeypatch.setattr("lms.xblock_host.events.record", broken)  # reached through LmsRuntime.publish
    with pytest.raises(TypeError, match="a bug of ours"):
        client.post(handler_url(html, poll, "vote"), json={"choice": "R"})
    monkeypatch.setattr("courses.blocks.skill_checklist.now_iso", broken)  # called by our block's handler
    with pytest.raises(TypeError, match="a bug of ours"):
        client.post(handler_url(html, checklist, "self_assess"), json={"steps": {}})


def test_thumbs_with_a_body_it_cannot_index_is_a_400(client, auth, factory):
    built, unit, thumbs = thumbs_course(factory)
    auth.login(learner_in(factory, built))
    html = page(client, built, unit)
    for body in ([], "up", {}):  # a KeyError for the last
        response = client.post(handler_url(html, thumbs, "vote"), json=body)
        assert response.status_code == 400 and "error" in response.get_json(), body
    assert upvotes(thumbs) == 0


def test_unenrolled_user_cannot_call_handlers_even_with_own_token(client, auth, factory, app):
    built, unit, thumbs = thumbs_course(factory)
    outsider = factory.user("learner")
    auth.login(outsider)
    with app.test_request_context():
        token = tokens.make(outsider.id, outsider.id, thumbs, "published")
    url = f"/xblock/published/{thumbs}/handler/{outsider.id}/{token}/vote/"
    assert client.post(url, json={"voteType": "up"}).status_code == 403
    assert upvotes(thumbs) == 0


def test_learner_cannot_use_draft_handlers(client, auth, factory, app):
    built, unit, thumbs = thumbs_course(factory)
    learner = learner_in(factory, built)
    auth.login(learner)
    with app.test_request_context():
        token = tokens.make(learner.id, learner.id, thumbs, "draft")
    url = f"/xblock/draft/{thumbs}/handler/{learner.id}/{token}/vote/"
    assert client.post(url, json={"voteType": "up"}).status_code == 403
    assert upvotes(thumbs) == 0


BLOCK = "block-v1:HOST-T+type@thumbs+block@one"
OTHER_BLOCK = "block-v1:HOST-T+type@thumbs+block@two"


def test_a_handler_token_binds_users_block_branch_purpose_and_window(app, monkeypatch):
    """What tokens.py's docstring says a token binds: change any part and it no longer verifies."""
    with app.test_request_context():
        token = tokens.make(7, 8, BLOCK, "published")
        assert tokens.check(token, 7, 8, BLOCK, "published")
        for acting, state, usage, branch in [
            (9, 8, BLOCK, "published"),  # another session user
            (7, 9, BLOCK, "published"),  # another learner's state
            (7, 8, OTHER_BLOCK, "published"),  # another block
            (7, 8, BLOCK, "draft"),  # the preview of the same block
        ]:
            assert not tokens.check(token, acting, state, usage, branch)
        assert not tokens.check(token, 7, 8, BLOCK, "published", "thirdparty")  # another purpose
        callback = tokens.make(0, 8, f"{BLOCK}|vote", "published", "thirdparty")
        assert tokens.check(callback, 0, 8, f"{BLOCK}|vote", "published", "thirdparty")
        assert not tokens.check(callback, 0, 8, f"{BLOCK}|other", "published", "thirdparty")  # another handler
        assert not tokens.check(callback, 0, 8, BLOCK, "published")

        # Issued at the very end of a window, a token still works in the next one, not in the one after.
        end_of_window = (time.time() // tokens.WINDOW_SECONDS + 1) * tokens.WINDOW_SECONDS - 1
        monkeypatch.setattr(tokens.time, "time", lambda: end_of_window)
        late = tokens.make(7, 8, BLOCK, "published")
        monkeypatch.setattr(tokens.time, "time", lambda: end_of_window + tokens.WINDOW_SECONDS)
        assert tokens.check(late, 7, 8, BLOCK, "published")
        monkeypatch.setattr(tokens.time, "time", lambda: end_of_window + tokens.WINDOW_SECONDS + 2)
        assert not tokens.check(late, 7, 8, BLOCK, "published")


def test_handler_token_keys_rotate_without_breaking_open_pages(app, monkeypatch):
    with app.test_request_context():
        derived = tokens.make(7, 8, BLOCK, "published")  # no keys configured: derived from SECRET_KEY
        monkeypatch.setitem(app.config, "XBLOCK_HANDLER_TOKEN_KEYS", ["old key"])
        old = tokens.make(7, 8, BLOCK, "published")
        assert not tokens.check(derived, 7, 8, BLOCK, "published")
        monkeypatch.setitem(app.config, "XBLOCK_HANDLER_TOKEN_KEYS", ["new key", "old key"])
        new = tokens.make(7, 8, BLOCK, "published")  # the first key signs
        assert new != old
        assert tokens.check(new, 7, 8, BLOCK, "published") and tokens.check(old, 7, 8, BLOCK, "published")
        monkeypatch.setitem(app.config, "XBLOCK_HANDLER_TOKEN_KEYS", ["new key"])  # the old key retired
        assert tokens.check(new, 7, 8, BLOCK, "published")
        assert not tokens.check(old, 7, 8, BLOCK, "published")
        monkeypatch.setitem(app.config, "XBLOCK_HANDLER_TOKEN_KEYS", None)
        monkeypatch.setitem(app.config, "SECRET_KEY", "another secret key")  # a new secret ends derived tokens
        assert not tokens.check(derived, 7, 8, BLOCK, "published")


class EvilNameBlock(XBlock):
    """A block whose name and init arguments try to break out of the wrapper."""

    # "<!--<script>" would put the parser in the "escaped" script state, where the next "</script>" no
    # longer ends the element; "</script>" ends it at once. Quotes, & and U+2028 ride along.
    payload = String(
        scope=Scope.settings,
        default="<!--<script></script><script>window.pwned=1</script>\"' & \u2028 é",
    )

    def student_view(self, context=None):
        frag = Fragment("<p>evil</p>")
        frag.initialize_js("EvilInit", {"payload": self.payload})
        return frag


@XBlock.register_temp_plugin(EvilNameBlock, "evil_name_test")
def test_wrapper_escapes_attributes_and_init_arguments(client, auth, factory):
    from courses.studio import services as studio

    built = build_course(factory, {"M": {"L": [["html"]]}}, code="HOST-EVIL", publish_it=False)
    unit = built.units[0]
    evil = studio.add_block(built.course, unit, "evil_name_test", built.author)
    from courses.context import runtime_for

    runtime = runtime_for(built.course, built.author, "draft")
    block = runtime.get_block(evil)
    block.name = 'x" onmouseover="alert(1)'
    block.save()
    db.session.commit()
    auth.login(built.author)
    html = client.get(f"/studio/courses/HOST-EVIL/preview/{unit}").get_data(as_text=True)
    assert 'onmouseover="alert(1)"' not in html
    assert 'data-name="x&#34; onmouseover=&#34;alert(1)"' in html
    assert "<script>window.pwned=1</script>" not in html and "<!--<script>" not in html
    # The element ends at its own closing tag and still carries the data unchanged.
    start = html.index('<script type="json/xblock-args" class="xblock_json_init_args">')
    content = html[html.index(">", start) + 1 : html.index("</script>", start)]
    assert "<" not in content and "&" not in content
    assert json.loads(content) == {"payload": EvilNameBlock.payload.default}


def test_block_resources_are_served_with_cache_headers(client):
    response = client.get("/xblock/resource/done/public/check.png")
    if response.status_code == 404:  # the file name differs between releases; find one from the package
        import importlib.resources

        names = [p.name for p in importlib.resources.files("done").joinpath("public").iterdir()]
        response = client.get(f"/xblock/resource/done/public/{names[0]}")
    assert response.status_code == 200
    # Asked without its fingerprint: revalidated (tests/courses/test_page_weight.py: kept a year with it).
    assert "no-cache" in response.headers["Cache-Control"] and response.headers.get("ETag")
    etag = response.headers["ETag"]
    again = client.get(response.request.path, headers={"If-None-Match": etag})
    assert again.status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/xblock/resource/done/public/../done.py",
        "/xblock/resource/done/done.py",
        "/xblock/resource/done/public/./x.js",
        "/xblock/resource/not_a_block/public/x.js",
    ],
)
def test_block_resources_refuse_anything_outside_public(client, path):
    assert client.get(path).status_code == 404


def test_runtime_js_and_vendor_files_are_local(client):
    for name in ("js/runtime.js", "js/vendor/jquery.min.js", "js/vendor/underscore-min.js"):
        response = client.get(f"/xblock/runtime/{name}")
        assert response.status_code == 200 and response.data


def test_shared_state_survives_concurrent_votes(app, factory):
    """Six learners vote three times each at the same moment, through a real threaded HTTP server."""
    import http.cookiejar
    import json
    import urllib.parse
    import urllib.request

    from werkzeug.serving import make_server

    built, unit, thumbs = thumbs_course(factory, code="HOST-RACE")
    learners = [learner_in(factory, built, f"Voter {i}") for i in range(6)]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        sessions = []
        for learner in learners:
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
            form = urllib.parse.urlencode({"email": learner.email, "password": "correct horse battery"}).encode()
            opener.open(base + "/login", form)
            html = opener.open(f"{base}/learn/HOST-RACE/unit/{unit}").read().decode()
            sessions.append((opener, base + handler_url(html, thumbs, "vote")))
        errors = []

        def vote(opener, url):
            for _ in range(3):
                request = urllib.request.Request(
                    url, data=json.dumps({"voteType": "up"}).encode(), headers={"Content-Type": "application/json"}
                )
                try:
                    opener.open(request).read()
                except Exception as exc:  # noqa: BLE001 - collected and asserted below
                    errors.append(repr(exc))

        threads = [threading.Thread(target=vote, args=pair) for pair in sessions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.shutdown()
    assert errors == []
    db.session.rollback()  # end the test's own read transaction: its snapshot predates the votes
    total = db.session.scalar(
        select(XBlockField.value).where(XBlockField.block_key == thumbs, XBlockField.field == "upvotes")
    )
    assert total == 18  # no lost update


def test_events_are_stored_and_grades_recorded(client, auth, factory):
    from courses.models import BlockCompletion, BlockGrade

    built = build_course(factory, {"M": {"L": [["done"]]}}, code="HOST-DONE")
    unit = built.units[0]
    done = built.components[unit][0]
    learner = learner_in(factory, built)
    auth.login(learner)
    html = page(client, built, unit)
    assert '{"state": false' in html.replace("&#34;", '"')  # the button's state, before
    response = client.post(handler_url(html, done, "toggle_button"), json={"done": True})
    assert response.status_code == 200, response.get_data(as_text=True)
    types = set(db.session.scalars(select(XBlockEvent.event_type).where(XBlockEvent.usage_key == done)))
    assert "grade" in types
    grade = db.session.scalar(select(BlockGrade).where(BlockGrade.usage_key == done))
    assert grade.earned == 1 and grade.possible == 1
    assert db.session.scalar(select(BlockCompletion.completion).where(BlockCompletion.usage_key == done)) == 1.0
    # The state survives a reload: the button is rendered as done.
    assert '{"state": true' in page(client, built, unit).replace("&#34;", '"')


def test_allow_list_turns_other_types_into_placeholders(app_overrides, factory):
    from lms import create_app

    built, unit, thumbs = thumbs_course(factory, code="HOST-ALLOW")
    learner = learner_in(factory, built)
    restricted = create_app({**app_overrides, "XBLOCK_ALLOWLIST": ["html"]})
    client = restricted.test_client()
    client.post("/login", data={"email": learner.email, "password": "correct horse battery"})
    html = client.get(f"/learn/HOST-ALLOW/unit/{unit}").get_data(as_text=True)
    assert "block-unavailable" in html and "class='upvote'" not in html


def test_runtime_never_claims_to_be_open_edx(app, factory):
    from courses.context import runtime_for

    built, unit, thumbs = thumbs_course(factory, code="HOST-EDX")
    learner = learner_in(factory, built)
    with app.test_request_context():
        runtime = runtime_for(built.course, learner, "published")
        assert not hasattr(runtime, "course_id")
        block = runtime.get_block(thumbs)
        assert block.usage_key.block_id == thumbs.split("+block@")[1]
        assert block.display_name_with_default


def test_state_rows_are_one_per_field(client, auth, factory):
    built, unit, thumbs = thumbs_course(factory, code="HOST-ROWS")
    learner = learner_in(factory, built)
    auth.login(learner)
    url = handler_url(page(client, built, unit), thumbs, "vote")
    client.post(url, json={"voteType": "up"})
    client.post(url, json={"voteType": "down"})
    rows = db.session.execute(
        select(XBlockField.scope, XBlockField.field, XBlockField.user_id, func.count())
        .where(XBlockField.block_key == thumbs, XBlockField.scope.in_(["user_state", "user_state_summary"]))
        .group_by(XBlockField.scope, XBlockField.field, XBlockField.user_id)
    ).all()
    assert {(scope, field): count for scope, field, _user, count in rows} == {
        ("user_state", "voted"): 1,
        ("user_state_summary", "upvotes"): 1,
        ("user_state_summary", "downvotes"): 1,
    }


class CounterBlock(XBlock):
    count = Integer(scope=Scope.user_state, default=0)

    def student_view(self, context=None):
        return Fragment(f"<p class='counter'>{self.count}</p>")

    @XBlock.json_handler
    def increment(self, data, suffix=""):
        self.count += 1
        return {"count": self.count}


class RecordingStream:
    """A request body that notes every read: proof that a refused body was never read."""

    def __init__(self, data: bytes):
        self.data = io.BytesIO(data)
        self.read_bytes = 0
        self.reads = 0

    def read(self, size: int = -1) -> bytes:
        self.reads += 1
        chunk = self.data.read(size)
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)

    def tell(self) -> int:  # the test client measures the stream (no read)
        return self.data.tell()

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.data.seek(offset, whence)


def vote_body(size: int) -> bytes:
    """A valid up vote of exactly ``size`` bytes (padded with a field the block ignores)."""
    frame = b'{"voteType": "up", "pad": ""}'
    return frame[:-2] + b"x" * (size - len(frame)) + frame[-2:]


def test_handler_bodies_are_bounded_before_they_are_read(client, auth, factory, app):
    limit = app.config["XBLOCK_HANDLER_MAX_BYTES"]
    assert limit == 1024 * 1024  # the default
    built, unit, thumbs = thumbs_course(factory)
    auth.login(learner_in(factory, built))
    url = handler_url(page(client, built, unit), thumbs, "vote")

    at_limit = client.post(url, data=vote_body(limit), content_type="application/json")
    assert at_limit.status_code == 200 and upvotes(thumbs) == 1
    over = client.post(url, data=vote_body(limit + 1), content_type="application/json")
    assert over.status_code == 413 and upvotes(thumbs) == 1
    assert over.get_json() == {"error": "Too much data for this block: it accepts at most 1 MB."}

    # A declared length over the limit is refused before a byte of the body is read.
    stream = RecordingStream(vote_body(100))
    declared = client.post(
        url,
        input_stream=stream,
        content_type="application/json",
        environ_overrides={"CONTENT_LENGTH": str(limit + 1)},
    )
    assert declared.status_code == 413 and stream.reads == 0
    # A body without a length (chunked, the server ends the stream) stops at the limit.
    stream = RecordingStream(vote_body(3 * limit))
    chunked = client.post(
        url,
        input_stream=stream,
        content_type="application/json",
        environ_overrides={"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True},
    )
    assert chunked.status_code == 413 and stream.read_bytes <= limit + 1
    assert upvotes(thumbs) == 1
    small = client.post(
        url,
        input_stream=RecordingStream(vote_body(limit)),
        content_type="application/json",
        environ_overrides={"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True},
    )
    assert small.status_code == 200 and upvotes(thumbs) == 2
    # A form posted without JavaScript gets a page saying why.
    form = client.post(url, data=vote_body(limit + 1), content_type="text/plain", headers={"Accept": "text/html"})
    assert form.status_code == 413 and "it accepts at most 1 MB" in form.get_data(as_text=True)


def test_the_handler_body_limit_is_configurable(client, auth, factory, app, monkeypatch):
    monkeypatch.setitem(app.config, "XBLOCK_HANDLER_MAX_BYTES", 100)
    built, unit, thumbs = thumbs_course(factory)
    auth.login(learner_in(factory, built))
    url = handler_url(page(client, built, unit), thumbs, "vote")
    assert client.post(url, data=vote_body(101), content_type="application/json").status_code == 413
    assert client.post(url, data=vote_body(100), content_type="application/json").status_code == 200
    # Uploads keep the app-wide limit, sized for course files and OLX archives.
    assert app.config["MAX_CONTENT_LENGTH"] >= app.config["ASSET_MAX_BYTES"]
