"""Every installed block type works in the studio: its unit preview (``author_view``, else
``student_view``) and its editor (its own ``studio_view``, else the generated form) render without the
"could not be displayed" placeholder and without an error logged.

The types are every ``xblock.v1`` entry point installed here (the LMS's own blocks, the community blocks
the demo course uses, those of the test extras, and the xblock-sdk's samples). The samples and debugging
blocks are off by default (lms/xblock_host/registry.py), so each of them is tested the way an admin would
run it: named in the allow-list (the ``allow_block_types`` fixture).
"""

from __future__ import annotations

import logging

import pytest

from courses.studio.services import STRUCTURE
from lms.xblock_host.registry import installed_types
from tests.courses.helpers import build_course

PLACEHOLDER = "This component could not be displayed."
NO_VIEW_NOTICE = "This component has no view of its own to show here."
COMPONENT_TYPES = sorted(name for name in installed_types() if name not in STRUCTURE)
# The sdk's equality checker has no view at all: it is shown only inside its problem_demo parent. The studio
# says so instead of reporting a failure.
NO_VIEW = {"equality_demo"}
# The sdk's filethumbs stores uploads through the ``fs`` service (a server filesystem per block), which this
# LMS does not offer (course files are its storage): it cannot run here, allowed or not. Strict: if the
# service is ever offered, this test says so.
NEEDS_MISSING_SERVICE = {"filethumbs": "needs the 'fs' service, which this LMS does not offer"}


def test_the_demo_and_test_extras_blocks_are_among_the_types_tested():
    """The list below is not empty by accident: the blocks the demo course and the test extras install."""
    for block_type in ("html", "video", "resource", "skill_checklist", "procedure_log", "poll", "survey", "done"):
        assert block_type in COMPONENT_TYPES, block_type
    assert {"drag-and-drop-v2", "freetextresponse", "thumbs", "html_demo"} <= set(COMPONENT_TYPES)


@pytest.mark.parametrize(
    "block_type",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=NEEDS_MISSING_SERVICE[name]))
        if name in NEEDS_MISSING_SERVICE
        else name
        for name in COMPONENT_TYPES
    ],
)
def test_every_installed_block_renders_in_the_studio(client, auth, factory, allow_block_types, caplog, block_type):
    if installed_types()[block_type]:
        allow_block_types(block_type)  # a sample or debugging block: runs once an admin allows it
    code = "EV-" + "".join(c for c in block_type.upper() if c.isalnum())[:20]
    built = build_course(factory, {"M": {"L": [[block_type]]}}, code=code, publish_it=False)
    unit = built.units[0]
    component = built.components[unit][0]
    auth.login(built.author)
    caplog.set_level(logging.ERROR)

    page = client.get(f"/studio/courses/{code}/unit/{unit}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert PLACEHOLDER not in html
    assert f"/blocks/{component}/edit" in html  # the component is listed, with its edit link
    if block_type in NO_VIEW:
        assert NO_VIEW_NOTICE in html
    else:
        assert f'data-usage="{component}"' in html  # the block's own view is on the page, in its wrapper

    editor = client.get(f"/studio/courses/{code}/blocks/{component}/edit")
    html = editor.get_data(as_text=True)
    assert editor.status_code == 200
    assert PLACEHOLDER not in html
    # A block with a studio_view is edited through it; the others through the generated form.
    assert "xblock-v1-studio_view" in html or "<form" in html

    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert not errors, [record.getMessage() for record in errors]
