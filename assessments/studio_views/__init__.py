"""The studio's question bank of a course, under /studio/courses/<code>/questions: the blueprint and the lookups
its pages share (``blueprint.py``); the list with its search, filters, categories and their outcomes
(``listing.py``); adding and editing a question through its type's editor (``editor.py``); previewing it as a
learner sees it, moving and deleting it (``actions.py``); importing a question file and exporting the bank
(``import_export.py``).

Every page checks ``course.edit`` through the studio's ``load_course``; every change goes through
``assessments.bank`` or ``assessments.interchange``. No JavaScript: "Add rows" is a submit button that shows the
form again.
"""

from assessments.studio_views import actions, editor, import_export, listing  # noqa: F401 - routes on bp
from assessments.studio_views.blueprint import bp, init_app

__all__ = ["bp", "init_app"]
