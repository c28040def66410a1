"""Our video, resource, skill_checklist and procedure_log blocks in this LMS's runtime: rendered in a
published unit, handlers called through their signed URLs with the Flask client, state read back after
a reload, events recorded."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from courses.blocks.procedure_log import identifier_kind
from courses.blocks.resource import allowed_url
from courses.blocks.video import safe_url
from courses.models import BlockCompletion
from lms.db import db
from lms.xblock_host.models import XBlockEvent
from tests.blocks.helpers import block_html, handler_url, hospital_course, user_state


@pytest.fixture
def hospital(factory):
    built = hospital_course(factory)
    learner = factory.user("learner", name="Aline Learner")
    factory.cohort(course=built.course, learners=[learner])
    built.learner = learner
    return built


def unit_page(client, built) -> str:
    response = client.get(f"/learn/{built.course.code}/unit/{built.unit}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def events(user_id: int, usage_key: str) -> list[tuple[str, dict]]:
    rows = db.session.execute(
        select(XBlockEvent.event_type, XBlockEvent.data)
        .where(XBlockEvent.user_id == user_id, XBlockEvent.usage_key == usage_key)
        .order_by(XBlockEvent.id)
    )
    return [(kind, data) for kind, data in rows]


def completion(user_id: int, usage_key: str) -> float | None:
    return db.session.scalar(
        select(BlockCompletion.completion).where(
            BlockCompletion.user_id == user_id, BlockCompletion.usage_key == usage_key
        )
    )


# -- video ------------------------------------------------------------------------------------------------
def test_video_is_made_for_slow_links(client, auth, hospital):
    auth.login(hospital.learner)
    html = block_html(unit_page(client, hospital), hospital.video)
    video_tag = re.search(r"<video[^>]*>", html).group(0)
    assert 'preload="none"' in video_tag and "controls" in video_tag
    asset = f"/courses/{hospital.course.code}/assets/"
    assert f'poster="{asset}hand-hygiene.jpg"' in video_tag  # /static/ went through replace_urls
    assert f'<source src="{asset}hand-hygiene.mp4" type="video/mp4">' in html
    assert f'<track kind="captions" src="{asset}hand-hygiene.vtt" srclang="en"' in html
    assert "<details" in html and "<summary>Transcript</summary>" in html and "<p>Rub for twenty seconds.</p>" in html
    assert f'<a href="{asset}hand-hygiene.mp4" download>Download the video (MP4)</a>' in html
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in html and "<iframe" not in html
    assert "Mark as watched" in html and 'data-init="TotVideoBlock"' in html
    assert " on" + "click" not in html.lower()  # no inline event handlers


def test_video_completion_through_json_handler(client, auth, hospital):
    auth.login(hospital.learner)
    url = handler_url(unit_page(client, hospital), hospital.video, "mark_watched")
    assert client.get(url).status_code == 405
    response = client.post(url, json={"watched": True})
    assert response.status_code == 200 and response.get_json()["watched"] is True
    assert events(hospital.learner.id, hospital.video) == [("completion", {"completion": 1.0})]
    assert completion(hospital.learner.id, hospital.video) == 1.0
    client.post(url, json={"watched": True})  # idempotent: no second event
    assert len(events(hospital.learner.id, hospital.video)) == 1
    html = block_html(unit_page(client, hospital), hospital.video)  # state survives a reload
    assert "You have watched this video." in html and "Mark as watched" not in html


def test_video_button_works_without_javascript(client, auth, hospital):
    auth.login(hospital.learner)
    page = unit_page(client, hospital)
    action = re.search(r'<form method="post" action="([^"]+)" data-handler="mark_watched"', page).group(1)
    referer = f"http://localhost/learn/{hospital.course.code}/unit/{hospital.unit}"
    response = client.post(action.replace("&amp;", "&"), data={"watched": "true"}, headers={"Referer": referer})
    assert response.status_code == 303
    assert response.headers["Location"].startswith(referer + "#tot-")
    assert user_state(hospital.video, hospital.learner.id)["watched"] is True


def test_only_http_and_site_relative_urls():
    assert safe_url("/static/a.mp4") == "/static/a.mp4"
    assert safe_url("https://cdn.example.org/a.mp4") and safe_url("http://cdn.example.org/a.mp4")
    for bad in ("javascript:alert(1)", "//evil.example.org/a.mp4", "data:video/mp4;base64,AAAA", "ftp://x/a", "a.mp4"):
        assert safe_url(bad) is None, bad
    assert allowed_url("/static/a.pdf") and allowed_url("https://x.org/a.pdf")
    for bad in ("http://x.org/a.pdf", "/learn/x", "/static/../secret", "javascript:alert(1)"):
        assert not allowed_url(bad), bad


def test_video_refuses_unsafe_sources(client, auth, factory):
    from tests.blocks.helpers import FIELDS

    fields = dict(FIELDS, video={"video_url": "javascript:alert(1)", "poster": "//evil.example.org/p.jpg"})
    built = hospital_course(factory, code="HOSP-BAD", fields=fields)
    learner = factory.user("learner")
    factory.cohort(course=built.course, learners=[learner])
    auth.login(learner)
    html = block_html(unit_page(client, built), built.video)
    assert "javascript:" not in html and "evil.example.org" not in html and "<video" not in html
    assert "This video is not available yet." in html


# -- resource ---------------------------------------------------------------------------------------------
def test_resource_lists_files_with_type_hints_and_completes_on_view(client, auth, hospital):
    auth.login(hospital.learner)
    html = block_html(unit_page(client, hospital), hospital.resource)
    asset = f"/courses/{hospital.course.code}/assets/"
    assert f'<a href="{asset}checklist.pdf" download>Checklist form</a>' in html
    assert "(PDF document, 120 KB)" in html
    assert 'href="https://www.who.int/guideline.docx"' in html and "(Word document, external site)" in html
    assert "Long read" in html
    assert "insecure.example.org" not in html and "javascript:" not in html  # listed, not linked
    assert html.count("link not available") == 2
    assert completion(hospital.learner.id, hospital.resource) == 1.0  # seeing the unit completes it
    assert completion(hospital.learner.id, hospital.checklist) is None  # custom completion: not by viewing


# -- skill checklist (learner side) ---------------------------------------------------------------------------
def test_checklist_self_assessment_is_saved_and_shown_again(client, auth, hospital):
    auth.login(hospital.learner)
    page = unit_page(client, hospital)
    html = block_html(page, hospital.checklist)
    assert "Insert a peripheral IV cannula" in html and html.count("Must pass") == 2
    assert "No assessor has signed off this competency yet." in html
    url = handler_url(page, hospital.checklist, "self_assess")
    response = client.post(url, json={"steps": {"hygiene": "confident", "asepsis": "with_help"}})
    assert response.status_code == 200, response.get_data(as_text=True)
    bad = client.post(url, json={"steps": {"hygiene": "expert"}})
    assert bad.status_code == 400 and bad.get_json()["field"] == "step-hygiene"
    assert client.post(url, json={"steps": {"nope": "confident"}}).status_code == 400
    html = block_html(unit_page(client, hospital), hospital.checklist)
    assert re.search(r'name="step-hygiene" value="confident" checked', html)
    assert re.search(r'name="step-asepsis" value="with_help" checked', html)
    assert user_state(hospital.checklist, hospital.learner.id)["self_assessment"] == {
        "hygiene": "confident",
        "asepsis": "with_help",
    }
    assert completion(hospital.learner.id, hospital.checklist) is None  # self-assessment never completes it


def test_checklist_form_post_without_javascript(client, auth, hospital):
    auth.login(hospital.learner)
    page = unit_page(client, hospital)
    url = handler_url(page, hospital.checklist, "self_assess")
    referer = f"http://localhost/learn/{hospital.course.code}/unit/{hospital.unit}"
    response = client.post(url, data={"step-consent": "not_yet"}, headers={"Referer": referer})
    assert response.status_code == 303 and response.headers["Location"].startswith(referer)
    refused = client.post(url, data={"step-consent": "bogus"}, headers={"Referer": referer})
    assert refused.status_code == 400 and "text/html" in refused.content_type
    assert "Choose one of the offered answers" in refused.get_data(as_text=True)
    assert user_state(hospital.checklist, hospital.learner.id)["self_assessment"] == {"consent": "not_yet"}


def test_learner_cannot_sign_off_their_own_checklist(client, auth, hospital):
    auth.login(hospital.learner)
    url = handler_url(unit_page(client, hospital), hospital.checklist, "sign_off")
    body = {"results": {s: "met" for s in ("hygiene", "consent", "asepsis")}, "level": 5, "comment": "me"}
    response = client.post(url, json=body)
    assert response.status_code == 403
    assert "Only an assessor" in response.get_json()["error"]
    assert "signoff" not in user_state(hospital.checklist, hospital.learner.id)
    assert events(hospital.learner.id, hospital.checklist) == []


# -- procedure log (learner side) -------------------------------------------------------------------------------
GOOD_ENTRY = {"date": "2024-05-02", "setting": "Surgical ward", "autonomy": "3", "reflection": "Smooth insertion."}


def test_logbook_entries_added_listed_and_deleted(client, auth, hospital):
    auth.login(hospital.learner)
    page = unit_page(client, hospital)
    html = block_html(page, hospital.logbook)
    assert "0 of 2 supervised entries verified" in html and "Do not enter patient names" in html
    add = handler_url(page, hospital.logbook, "add_entry")
    assert client.post(add, json=GOOD_ENTRY).status_code == 200
    assert client.post(add, json=dict(GOOD_ENTRY, date="2024-05-03", setting="Maternity")).status_code == 200
    entries = user_state(hospital.logbook, hospital.learner.id)["entries"]
    assert [e["setting"] for e in entries] == ["Surgical ward", "Maternity"]
    assert all(e["status"] == "pending" for e in entries)
    html = block_html(unit_page(client, hospital), hospital.logbook)
    assert "Surgical ward" in html and "Maternity" in html and "Waiting for verification" in html
    assert "3. Performed under direct supervision" in html
    delete = handler_url(page, hospital.logbook, "delete_entry")
    assert client.post(delete, json={"entry": entries[0]["id"]}).status_code == 200
    assert client.post(delete, json={"entry": "missing"}).status_code == 404
    assert [e["setting"] for e in user_state(hospital.logbook, hospital.learner.id)["entries"]] == ["Maternity"]


@pytest.mark.parametrize(
    ("field", "value", "kind"),
    [
        ("reflection", "Patient asked me to call 0788 123 456 later", "phone number"),
        ("reflection", "Her ID 1 1990 8 0012345 0 12 was on the chart", "national ID"),
        ("setting", "Ward of dr.mugisha@chuk.rw", "e-mail"),
        ("reflection", "Elderly man born 12/03/1950 with retention", "date of birth"),
        ("reflection", "DOB noted on the file", "date of birth"),
    ],
)
def test_logbook_rejects_patient_identifiers(client, auth, hospital, field, value, kind):
    auth.login(hospital.learner)
    add = handler_url(unit_page(client, hospital), hospital.logbook, "add_entry")
    response = client.post(add, json=dict(GOOD_ENTRY, **{field: value}))
    assert response.status_code == 400
    body = response.get_json()
    assert body["field"] == field and kind in body["error"] and "patient" in body["error"]
    assert user_state(hospital.logbook, hospital.learner.id).get("entries", []) == []


def test_logbook_validates_everything_server_side(client, auth, hospital):
    auth.login(hospital.learner)
    add = handler_url(unit_page(client, hospital), hospital.logbook, "add_entry")
    cases = [
        (dict(GOOD_ENTRY, date="02/05/2024"), "date"),
        (dict(GOOD_ENTRY, date="2999-01-01"), "date"),
        (dict(GOOD_ENTRY, autonomy="9"), "autonomy"),
        (dict(GOOD_ENTRY, autonomy="x"), "autonomy"),
        (dict(GOOD_ENTRY, setting=""), "setting"),
        (dict(GOOD_ENTRY, reflection="x" * 1001), "reflection"),
    ]
    for data, field in cases:
        response = client.post(add, json=data)
        assert response.status_code == 400 and response.get_json()["field"] == field, (data, response.get_json())
    assert client.post(add, data=json.dumps([1, 2]), content_type="application/json").status_code == 400
    assert client.post(add, data="{not json", content_type="application/json").status_code == 400
    review = handler_url(unit_page(client, hospital), hospital.logbook, "review_entry")
    assert client.post(review, json={"entry": "x", "decision": "verify"}).status_code == 403  # learners never review
    assert user_state(hospital.logbook, hospital.learner.id).get("entries", []) == []


@pytest.mark.parametrize(
    ("handler", "body", "field"),
    [
        ("self_assess", '{"steps": {"hygiene": ["confident"]}}', "step-hygiene"),
        ("self_assess", '{"steps": {"hygiene": {"level": "confident"}}}', "step-hygiene"),
        ("add_entry", json.dumps(dict(GOOD_ENTRY, autonomy=None))[:-1] + ', "autonomy": 1e999}', "autonomy"),
        ("add_entry", json.dumps(dict(GOOD_ENTRY, autonomy=[3])), "autonomy"),
    ],
    ids=["list-answer", "object-answer", "infinite-autonomy", "list-autonomy"],
)
def test_values_of_the_wrong_json_type_are_a_400(client, auth, hospital, handler, body, field):
    """Our own blocks check what they are sent: a list where a text is expected is no answer (and no set
    member), 1e999 is infinity to Python's JSON reader (int() of it overflows)."""
    auth.login(hospital.learner)
    block = hospital.checklist if handler == "self_assess" else hospital.logbook
    response = client.post(
        handler_url(unit_page(client, hospital), block, handler), data=body, content_type="application/json"
    )
    assert response.status_code == 400 and response.get_json()["field"] == field, response.get_data(as_text=True)
    state = user_state(block, hospital.learner.id)
    assert "self_assessment" not in state and state.get("entries", []) == []


def test_identifier_patterns_leave_clinical_narrative_alone():
    for text in ("The baby was born at night", "newborn care", "BP 120/80, HR 72", "on 2024-05-01 at 10:30", "14 Fr"):
        assert identifier_kind(text) is None, text


# -- authoring ------------------------------------------------------------------------------------------------
def test_studio_form_edits_every_editable_field(factory):
    """The studio's generated form (``editable_fields``) saves and validates each block's fields."""
    from courses.context import runtime_for
    from courses.studio import services as studio

    built = hospital_course(factory, code="HOSP-EDIT")
    raw = {
        built.checklist: {
            "display_name": "Sign-off",
            "competency": "Take a blood pressure",
            "description": "On an adult.",
            "steps": "Positions the cuff\n! Reads the value",  # one per line, "!" for must-pass
            "competent_level": "3",
        },
        built.logbook: {
            "display_name": "Log",
            "procedure": "Blood pressure",
            "description": "",
            "min_supervised": "4",
            "autonomy_scale": "Watched\nDid it",  # one level per line
        },
        built.video: {"display_name": "Clip", "video_url": "https://v.example.org/a.webm", "download_allowed": "y"},
        built.resource: {
            "display_name": "Files",
            "intro": "",
            "files": "A | /static/a.pdf",  # one file per line: title | address
        },
    }
    for key, values in raw.items():
        assert studio.save_fields(built.course, key, values, built.author) == {}, key
    assert studio.save_fields(built.course, built.checklist, dict(raw[built.checklist], steps="x" * 501), built.author)
    db.session.commit()
    runtime = runtime_for(built.course, built.author, "draft")
    checklist = runtime.get_block(built.checklist)
    assert checklist.step_list() == [
        # Reworded in place: the lines keep the ids of the steps that were there (learners' answers stay).
        {"id": "hygiene", "text": "Positions the cuff", "must_pass": False},
        {"id": "consent", "text": "Reads the value", "must_pass": True},
    ]
    assert checklist.competent_level == 3
    logbook = runtime.get_block(built.logbook)
    assert logbook.scale() == ["Watched", "Did it"] and logbook.required() == 4
    assert runtime.get_block(built.video).sources() == ["https://v.example.org/a.webm"]
