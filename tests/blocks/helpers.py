"""A published hospital-track course with one unit holding video, resource, skill_checklist and
procedure_log blocks, configured as an author would (through a draft runtime), for tests."""

from __future__ import annotations

import re
from dataclasses import dataclass

from courses.context import runtime_for
from courses.studio import services as studio
from courses.versions import publish
from lms.db import db

STEPS = [
    {"id": "hygiene", "text": "Performs hand hygiene", "must_pass": True},
    {"id": "consent", "text": "Explains the procedure and obtains consent", "must_pass": False},
    {"id": "asepsis", "text": "Keeps the site aseptic", "must_pass": True},
]

FIELDS = {
    "video": {
        "display_name": "Hand hygiene video",
        "video_url": "/static/hand-hygiene.mp4",
        "poster": "/static/hand-hygiene.jpg",
        "transcript": "Wet your hands.\n\nRub for twenty seconds.",
        "transcript_url": "/static/hand-hygiene.vtt",
        "download_allowed": True,
        "youtube_id_1_0": "dQw4w9WgXcQ",
    },
    "resource": {
        "display_name": "Handouts",
        "files": [
            {"title": "Checklist form", "url": "/static/checklist.pdf", "size": "120 KB"},
            {"title": "WHO guideline", "url": "https://www.who.int/guideline.docx", "description": "Long read"},
            {"title": "Plain http", "url": "http://insecure.example.org/a.pdf"},
            {"title": "Script", "url": "javascript:alert(1)"},
        ],
    },
    "skill_checklist": {
        "display_name": "IV cannulation sign-off",
        "competency": "Insert a peripheral IV cannula",
        "description": "Observed on the ward.",
        "steps": STEPS,
        "competent_level": 4,
    },
    "procedure_log": {
        "display_name": "Catheterisation logbook",
        "procedure": "Urinary catheterisation",
        "min_supervised": 2,
    },
}


@dataclass
class HospitalCourse:
    course: object
    author: object
    unit: str
    video: str
    resource: str
    checklist: str
    logbook: str


def configure(course, key: str, author, values: dict) -> None:
    """Set authored fields on a draft block the way the studio's save does (a draft runtime)."""
    runtime = runtime_for(course, author, "draft")
    block = runtime.get_block(key)
    for name, value in values.items():
        setattr(block, name, value)
    block.save()


def hospital_course(factory, code: str = "HOSP-1", fields: dict | None = None) -> HospitalCourse:
    fields = fields or FIELDS
    author = factory.user("author")
    course = factory.course(owner=author, code=code, track="hospital")
    chapter = studio.add_block(course, course.root_key, "chapter", author, "Clinical skills")
    sequential = studio.add_block(course, chapter, "sequential", author, "Cannulation")
    unit = studio.add_block(course, sequential, "vertical", author, "Practice")
    keys = {}
    for block_type in ("video", "resource", "skill_checklist", "procedure_log"):
        keys[block_type] = studio.add_block(course, unit, block_type, author)
        configure(course, keys[block_type], author, fields[block_type])
    publish(course, author)
    db.session.commit()
    return HospitalCourse(
        course=course,
        author=author,
        unit=unit,
        video=keys["video"],
        resource=keys["resource"],
        checklist=keys["skill_checklist"],
        logbook=keys["procedure_log"],
    )


def handler_url(html: str, usage_key: str, handler: str) -> str:
    """The signed handler URL of a block on a rendered page (from its data-handler-prefix)."""
    match = re.search(r'data-usage="' + re.escape(usage_key) + r'"[^>]*?data-handler-prefix="([^"]+)"', html)
    assert match, f"block {usage_key} not on the page"
    return match.group(1).replace("&amp;", "&") + handler + "/"


def block_html(html: str, usage_key: str) -> str:
    """The part of a page from this block's wrapper to the next block's (enough to assert on)."""
    start = html.index(f'data-usage="{usage_key}"')
    following = html.find('class="xblock-v1', start + 1)
    return html[start : following if following != -1 else len(html)]


def user_state(usage_key: str, user_id: int) -> dict:
    from sqlalchemy import select

    from lms.xblock_host.models import XBlockField

    rows = db.session.execute(
        select(XBlockField.field, XBlockField.value).where(
            XBlockField.scope == "user_state", XBlockField.block_key == usage_key, XBlockField.user_id == user_id
        )
    )
    return dict(rows.all())
