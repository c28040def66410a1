"""tot-lms core: configuration, database, accounts and roles, institutions, cohorts and enrollment, the
XBlock runtime host, the JSON API base, base templates and the ``lms`` command line.

``create_app()`` builds the application; the domain packages (listed once, in ``lms/domains.py``) stand
on the seams this package offers: services, signals (``lms.signals``), the ``enqueue`` job seam
(``lms.tasks``), permission rules (``lms.permissions``) and registries (dashboard panels, course
catalogue, XBlock types).
"""

from lms.app import create_app

__all__ = ["create_app"]
