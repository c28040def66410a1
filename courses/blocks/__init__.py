"""Our XBlocks: course structure, html, video, resource, and the hospital track's skill_checklist and
procedure_log. They are ordinary XBlocks registered under ``xblock.v1`` in ``pyproject.toml``: they run in
this LMS, in the xblock-sdk workbench and in any other XBlock runtime, and need nothing from ``lms``.
"""
