"""Our blocks are genuine, portable XBlocks: they run in the xblock-sdk workbench's own runtime.

Django in this process is configured headless by the LMS, so the workbench runs in a subprocess (same
interpreter, same venv) with ``DJANGO_SETTINGS_MODULE=workbench.settings`` in a temporary folder holding
``var/``. The script there, for each block: loads its ``workbench_scenarios()`` the way the workbench does
(``add_class_scenarios``), renders the scenario page through the workbench's own views, renders
``student_view`` with ``WorkbenchRuntime``, exports with ``runtime.export_to_xml``, re-parses the export
and compares every authored field (and a second export), and for the interactive blocks calls handlers
through ``runtime.handle`` and reads the saved state back with a fresh runtime. It prints one JSON report
the tests below check.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    r'''
    import io
    import json
    import os
    import sys
    import traceback

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)

    import webob
    from django.test import Client
    from xblock.core import XBlock
    from xblock.fields import Scope
    from workbench import scenarios
    from workbench.runtime import ID_MANAGER, WorkbenchRuntime

    OURS = ["html", "video", "resource", "skill_checklist", "procedure_log", "assessment"]
    COURSE = """<course display_name="Infection prevention" org="RP" course="IPC1">
      <chapter display_name="Module 1: Hand hygiene">
        <sequential display_name="Lesson 1" graded="true" format="Post-test">
          <vertical display_name="Unit 1">
            <html display_name="Intro"><p>Clean hands <b>save lives</b>.</p></html>
            <video display_name="Five moments" video_url="/static/five-moments.mp4" download_allowed="true"/>
            <resource display_name="Posters"><file title="Poster" url="/static/poster.pdf"/></resource>
            <skill_checklist competency="Hand rub"><step must_pass="true">Covers all surfaces</step></skill_checklist>
            <procedure_log procedure="Hand rub audit" min_supervised="1"/>
          </vertical>
        </sequential>
      </chapter>
    </course>"""
    EXPECTED_TEXT = {
        "course": ["Infection prevention", "Module 1: Hand hygiene"],
        "chapter": ["Module 1: Hand hygiene", "Lesson 1"],
        "sequential": ["Lesson 1", "Unit 1"],
        "vertical": ["save lives", "Five moments", "Poster", "Covers all surfaces", "Hand rub audit"],
        "html": ["Hello", "trainers"],
        "video": ["Hand hygiene", 'preload="none"', "hand-hygiene.mp4", "Apply soap", "Mark as watched",
                  "youtube.com/watch?v=dQw4w9WgXcQ", "Download the video"],
        "resource": ["Handouts", "Hand hygiene poster", "PDF document", "240 KB", "Audit form", "Spreadsheet"],
        "skill_checklist": ["Insert a peripheral IV cannula", "Performs hand hygiene", "Must pass", "Not yet"],
        "procedure_log": ["Urinary catheterisation", "0 of 2 supervised entries verified", "Do not enter patient names"],
        "assessment": ["Electrical safety check", "Start"],
    }


    def authored(block):
        return {
            name: field.to_json(getattr(block, name))
            for name, field in block.fields.items()
            if field.scope in (Scope.content, Scope.settings)
        }


    def tree(block):
        children = [tree(block.runtime.get_block(c)) for c in block.children] if block.has_children else []
        return {"type": block.scope_ids.block_type, "fields": authored(block), "children": children}


    def export(runtime, block):
        out = io.BytesIO()
        runtime.export_to_xml(block, out)
        return out.getvalue().decode("utf-8")


    def post(data):
        request = webob.Request.blank("/")
        request.method = "POST"
        request.content_type = "application/json"
        request.body = json.dumps(data).encode()
        return request


    def call(runtime, block, handler, data):
        response = runtime.handle(block, handler, post(data))
        return response.status_code, json.loads(response.body or b"null")


    def with_published(runtime):
        events = []
        runtime.publish = lambda block, event_type, data: events.append([event_type, data])
        return events


    def check_block(report, name, usage_id, client, scenario_name=None):
        entry = report.setdefault(name, {})
        runtime = WorkbenchRuntime("student_1")
        block = runtime.get_block(usage_id)
        cls = getattr(type(block), "unmixed_class", type(block))
        entry["class"] = cls.__module__ + "." + cls.__name__
        try:
            html = runtime.render(block, "student_view").content
        except Exception:
            entry["render_error"] = traceback.format_exc(limit=-3)
            return runtime, block
        entry["missing_text"] = [t for t in EXPECTED_TEXT[name] if t not in html]
        entry["no_script_injection"] = "javascript:alert" not in html and "<script>alert" not in html
        if scenario_name:
            page = client.get(f"/scenario/{scenario_name}/")
            entry["page_status"] = page.status_code
            entry["page_missing_text"] = [t for t in EXPECTED_TEXT[name][:2] if t not in page.content.decode()]
        first = export(runtime, block)
        ID_MANAGER.set_scenario(f"roundtrip-{name}")
        again = runtime.get_block(runtime.parse_xml_string(first.encode()))
        entry["fields_equal"] = tree(block) == tree(again)
        if not entry["fields_equal"]:
            entry["diff"] = [tree(block), tree(again)]
        entry["export_stable"] = export(runtime, again) == first
        entry["export"] = first
        return runtime, block


    OPENEDX_VIDEO = """<video url_name="welcome" display_name="Welcome to the Demo Course" youtube="1.00:3_yD_cEKoCk"
        youtube_id_1_0="3_yD_cEKoCk" download_video="false" edx_video_id="" sub=""
        html5_sources="[&quot;https://edx.example.org/welcome.mp4&quot;]"
        transcripts="{&quot;en&quot;: &quot;welcome-en.srt&quot;}">
      <video_asset client_video_id="welcome.mp4" duration="0.0" image=""><transcripts><transcript language="en"/></transcripts></video_asset>
      <transcript language="en" src="welcome-en.srt"/>
    </video>"""


    def open_edx_video(report):
        runtime = WorkbenchRuntime("student_1")
        ID_MANAGER.set_scenario("openedx-video")
        block = runtime.get_block(runtime.parse_xml_string(OPENEDX_VIDEO))
        first = export(runtime, block)
        ID_MANAGER.set_scenario("openedx-video-again")
        again = runtime.get_block(runtime.parse_xml_string(first.encode()))
        report["openedx_video"] = {
            "fields": authored(block),
            "html": runtime.render(block, "student_view").content,
            "export": first,
            "fields_equal": tree(block) == tree(again),
            "export_stable": export(runtime, again) == first,
        }


    def interact_video(entry, usage_id):
        runtime = WorkbenchRuntime("student_1")
        block = runtime.get_block(usage_id)
        events = with_published(runtime)
        status, body = call(runtime, block, "mark_watched", {"watched": True})
        saved = WorkbenchRuntime("student_1").get_block(usage_id)
        entry["handler"] = {"status": status, "watched": saved.watched, "events": events}


    def interact_checklist(entry, usage_id, client):
        runtime = WorkbenchRuntime("student_1")
        block = runtime.get_block(usage_id)
        status, body = call(runtime, block, "self_assess", {"steps": {"hygiene": "confident", "asepsis": "with_help"}})
        saved = WorkbenchRuntime("student_1").get_block(usage_id)
        result = {"self_status": status, "self_saved": saved.self_assessment}
        # Through the workbench's HTTP handler view too (Django request -> WebOb -> runtime.handle).
        response = client.post(
            f"/handler/{usage_id}/self_assess/?student=student_2",
            data=json.dumps({"steps": {"consent": "not_yet"}}),
            content_type="application/json",
        )
        result["http_status"] = response.status_code
        result["http_saved"] = WorkbenchRuntime("student_2").get_block(usage_id).self_assessment
        # The workbench's user is neither staff nor instructor: sign-off is refused, nothing saved.
        status, body = call(runtime, saved, "sign_off", {"results": {"hygiene": "met", "asepsis": "met"}, "level": 4})
        result["plain_user_signoff"] = [status, WorkbenchRuntime("student_1").get_block(usage_id).signoff]
        # A runtime whose user service says "staff" (edx-platform.user_is_staff) may sign off.
        staff = WorkbenchRuntime("student_1")
        staff.service(saved, "user").get_current_user().opt_attrs["edx-platform.user_is_staff"] = True
        block = staff.get_block(usage_id)
        events = with_published(staff)
        status, body = call(staff, block, "sign_off", {"results": {"hygiene": "met"}, "level": 5})
        result["must_pass_refused"] = [status, body.get("error", "")]
        status, body = call(
            staff, block, "sign_off", {"results": {"hygiene": "met", "asepsis": "met"}, "level": 5, "comment": "Well done"}
        )
        result["signoff_status"] = status
        result["signoff_saved"] = WorkbenchRuntime("student_1").get_block(usage_id).signoff
        result["events"] = events
        result["assessor_view"] = "Entrustment level" in staff.render(block, "assessor_view").content
        entry["handler"] = result


    def interact_logbook(entry, usage_id):
        runtime = WorkbenchRuntime("student_1")
        block = runtime.get_block(usage_id)
        good = {"date": "2024-05-02", "setting": "Surgical ward", "autonomy": 2, "reflection": "Went well."}
        result = {"add_status": [call(runtime, block, "add_entry", good)[0]]}
        result["add_status"].append(call(runtime, block, "add_entry", dict(good, date="2024-05-03"))[0])
        status, body = call(runtime, block, "add_entry", dict(good, reflection="Patient DOB 1980, call 0788123456"))
        result["identifier_refused"] = [status, body.get("field"), body.get("error", "")]
        saved = WorkbenchRuntime("student_1").get_block(usage_id)
        result["entries"] = saved.entries
        staff = WorkbenchRuntime("student_1")
        staff.service(saved, "user").get_current_user().opt_attrs["edx-platform.user_is_staff"] = True
        block = staff.get_block(usage_id)
        events = with_published(staff)
        first, second = (e["id"] for e in saved.entries)
        status, body = call(staff, block, "review_entry", {"entry": first, "decision": "verify", "comment": "Seen"})
        result["review_status"] = status
        result["events_after_one"] = list(events)
        call(staff, block, "review_entry", {"entry": second, "decision": "verify"})
        result["reviewed"] = WorkbenchRuntime("student_1").get_block(usage_id).entries
        result["events"] = events
        result["assessor_view"] = "Verified" in staff.render(block, "assessor_view").content
        entry["handler"] = result


    def interact_assessment(entry, usage_id):
        runtime = WorkbenchRuntime("student_1")
        block = runtime.get_block(usage_id)
        events = with_published(runtime)
        result = {"start": call(runtime, block, "start", {})}
        attempt = WorkbenchRuntime("student_1").get_block(usage_id).own_attempts[-1]
        page = WorkbenchRuntime("student_1").render(runtime.get_block(usage_id), "student_view").content
        result["page_shows_questions"] = "protective earth" in page and "Save and next" in page
        result["page_hides_keys"] = "fraction" not in page and "Blue is neutral" not in page
        right = {"Which colour": "gy", "Before working": "iso"}
        for slot in attempt["slots"]:
            choice = next(v for k, v in right.items() if k in slot["definition"]["stem"])
            if "Before working" in slot["definition"]["stem"]:
                choice = "fuse"  # one wrong answer
            body = {"attempt": attempt["id"], "slot": slot["slot"], "answer": [choice], "sequence": 1}
            result.setdefault("answers", []).append(call(runtime, runtime.get_block(usage_id), "answer", body)[0])
        result["tampered"] = call(
            runtime, runtime.get_block(usage_id), "answer", {"attempt": attempt["id"], "slot": 1, "answer": ["x"], "sequence": 2}
        )[0]
        result["submit"] = call(runtime, runtime.get_block(usage_id), "submit", {"attempt": attempt["id"]})
        result["late"] = call(
            runtime, runtime.get_block(usage_id), "answer", {"attempt": attempt["id"], "slot": 1, "answer": ["gy"], "sequence": 3}
        )[0]
        saved = WorkbenchRuntime("student_1").get_block(usage_id)
        result["state"] = [saved.own_attempts[-1]["state"], saved.own_attempts[-1]["mark"]]
        result["events"] = events
        result["review"] = WorkbenchRuntime("student_1").render(saved, "student_view").content
        entry["handler"] = result


    report = {}
    try:
        client = Client()
        for name in OURS:
            cls = XBlock.load_class(name)
            scenarios.add_class_scenarios(name, cls, fail_silently=False)
        scenarios.add_xml_scenario("tot_course", "tot-lms course", COURSE)
        report["_resource_status"] = client.get("/resource/skill_checklist/public/tot_blocks.js").status_code
        for name in OURS:
            scenario = scenarios.SCENARIOS[f"{name}.0"]
            check_block(report, name, scenario.usage_id, client, f"{name}.0")
        course_id = scenarios.SCENARIOS["tot_course"].usage_id
        runtime = WorkbenchRuntime("student_1")
        course = runtime.get_block(course_id)
        chapter = runtime.get_block(course.children[0])
        sequential = runtime.get_block(chapter.children[0])
        vertical = runtime.get_block(sequential.children[0])
        check_block(report, "course", course_id, client, "tot_course")
        for name, block in (("chapter", chapter), ("sequential", sequential), ("vertical", vertical)):
            check_block(report, name, block.scope_ids.usage_id, client)
        interact_video(report["video"], scenarios.SCENARIOS["video.0"].usage_id)
        open_edx_video(report)
        interact_checklist(report["skill_checklist"], scenarios.SCENARIOS["skill_checklist.0"].usage_id, client)
        interact_logbook(report["procedure_log"], scenarios.SCENARIOS["procedure_log.0"].usage_id)
        interact_assessment(report["assessment"], scenarios.SCENARIOS["assessment.0"].usage_id)
    except Exception:
        report["_error"] = traceback.format_exc()
    print("REPORT " + json.dumps(report, default=str))
    '''
)

BLOCKS = [
    "course",
    "chapter",
    "sequential",
    "vertical",
    "html",
    "video",
    "resource",
    "skill_checklist",
    "procedure_log",
]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("workbench")
    (folder / "var").mkdir()
    script = folder / "run_workbench.py"
    script.write_text(SCRIPT)
    env = {key: value for key, value in os.environ.items() if not key.startswith("LMS_")}
    env["DJANGO_SETTINGS_MODULE"] = "workbench.settings"
    env["EXCLUDE_SAMPLE_XBLOCKS"] = "yes"
    proc = subprocess.run(
        [sys.executable, str(script)], cwd=folder, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("REPORT ")]
    assert proc.returncode == 0 and lines, f"stdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-3000:]}"
    data = json.loads(lines[-1][len("REPORT ") :])
    assert "_error" not in data, data["_error"]
    return data


@pytest.mark.parametrize("name", BLOCKS)
def test_renders_and_round_trips_in_workbench(report, name):
    entry = report[name]
    assert "render_error" not in entry, entry["render_error"]
    assert entry["class"].startswith("courses.blocks."), entry["class"]
    assert entry["missing_text"] == [], entry
    assert entry["no_script_injection"]
    if "page_status" in entry:  # rendered through the workbench's own scenario view and template
        assert entry["page_status"] == 200
        assert entry["page_missing_text"] == []
    assert entry["fields_equal"], entry.get("diff")
    assert entry["export_stable"], entry["export"]


def test_block_resources_served_by_workbench(report):
    assert report["_resource_status"] == 200


def test_video_export_keeps_open_edx_attributes(report):
    xml = report["video"]["export"]
    assert 'sub="hand-hygiene"' in xml  # kept by OlxAttributesMixin
    assert 'download_video="true"' in xml  # Open edX's name for download_allowed
    assert "<transcript " in xml and 'language="fr"' in xml  # unknown child kept verbatim
    assert "hand-hygiene.webm" in xml  # <source> became html5_sources


def test_open_edx_video_olx_imports_and_exports(report):
    result = report["openedx_video"]
    fields = result["fields"]
    assert fields["display_name"] == "Welcome to the Demo Course" and fields["youtube_id_1_0"] == "3_yD_cEKoCk"
    assert fields["html5_sources"] == ["https://edx.example.org/welcome.mp4"] and fields["download_allowed"] is False
    assert fields["olx_attributes"] == {
        "youtube": "1.00:3_yD_cEKoCk",
        "edx_video_id": "",
        "sub": "",
        "transcripts": '{"en": "welcome-en.srt"}',
    }
    assert len(fields["olx_children"]) == 2 and "video_asset" in fields["olx_children"][0]
    html = result["html"]
    assert '<source src="https://edx.example.org/welcome.mp4" type="video/mp4">' in html
    assert 'href="https://www.youtube.com/watch?v=3_yD_cEKoCk"' in html and "Download the video" not in html
    xml = result["export"]
    for kept in ('youtube="1.00:3_yD_cEKoCk"', "transcripts=", "<video_asset", 'download_video="false"', "url_name"):
        assert (kept in xml) is (kept != "url_name"), kept
    assert result["fields_equal"] and result["export_stable"]


def test_video_handler_in_workbench(report):
    result = report["video"]["handler"]
    assert result["status"] == 200 and result["watched"] is True
    assert result["events"] == [["completion", {"completion": 1.0}]]


def test_skill_checklist_handlers_in_workbench(report):
    result = report["skill_checklist"]["handler"]
    assert result["self_status"] == 200
    assert result["self_saved"] == {"hygiene": "confident", "asepsis": "with_help"}
    assert result["http_status"] == 200 and result["http_saved"] == {"consent": "not_yet"}
    status, signoff = result["plain_user_signoff"]
    assert status == 403 and signoff == {}
    status, error = result["must_pass_refused"]
    assert status == 400 and "Keeps the site aseptic" in error
    assert result["signoff_status"] == 200
    saved = result["signoff_saved"]
    assert saved["level"] == 5 and saved["competent"] is True and saved["comment"] == "Well done"
    assert saved["steps"]["asepsis"] == {"observed": True, "met": True}
    assert saved["steps"]["consent"] == {"observed": False, "met": False}
    assert [event for event, _data in result["events"]] == ["grade", "completion"]
    assert result["assessor_view"]


def test_procedure_log_handlers_in_workbench(report):
    result = report["procedure_log"]["handler"]
    assert result["add_status"] == [200, 200]
    status, field, error = result["identifier_refused"]
    assert status == 400 and field == "reflection" and "patient" in error
    assert [e["status"] for e in result["entries"]] == ["pending", "pending"]
    assert result["entries"][0]["setting"] == "Surgical ward"
    assert result["review_status"] == 200
    assert result["events_after_one"] == []  # min_supervised="2": one verified entry is not enough
    assert [e["status"] for e in result["reviewed"]] == ["verified", "verified"]
    assert result["reviewed"][0]["review"]["comment"] == "Seen"
    assert [event for event, _data in result["events"]] == ["grade", "completion"]
    assert result["assessor_view"]


def test_the_assessment_block_runs_in_the_workbench_with_the_questions_it_carries(report):
    entry = report["assessment"]
    assert "render_error" not in entry, entry["render_error"]
    assert entry["class"] == "assessments.blocks.assessment.AssessmentBlock"
    assert entry["missing_text"] == [] and entry["page_status"] == 200
    assert entry["fields_equal"], entry.get("diff")
    assert entry["export_stable"], entry["export"]
    result = entry["handler"]
    assert result["start"][0] == 200 and result["page_shows_questions"] and result["page_hides_keys"]
    assert result["answers"] == [200, 200] and result["tampered"] == 400
    assert result["submit"][0] == 200 and result["submit"][1]["percent"] == 50
    assert result["late"] == 409  # nothing changes after the submission
    assert result["state"] == ["submitted", 1.0]
    assert ["grade", {"value": 50.0, "max_value": 100}] in result["events"]
    assert "Your score: 50%" in result["review"] and "Blue is neutral" not in result["review"]
