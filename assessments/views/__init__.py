"""The instructor's pages of assessments, under /assessments/: the blueprint with its menu item, cohort link and
dashboard panel and the loaders every page shares (``blueprint.py``); the cohorts' list and a cohort's attempts
table with its CSV (``cohorts.py``); a learner's attempts and accommodations (``learners.py``); one attempt's
answers and the manual-grading queue and page (``answers.py``); the regrade of a question whose key was
corrected (``regrade.py``).

Who sees what follows the course's own roles (``assessments/rules.py``): a cohort's pages need ``course.assess``
on its course and ``course.view_progress`` on the cohort (admins, the course's owner and co-authors, the
cohort's instructors), and show only its actively enrolled learners; grading and accommodations are asked again
when they run, for the learner they concern (``assessment.grade``); a regrade is for those who edit the bank.
Views parse, check and call one service (``assessments.attempts``, ``assessments.grading``); the request's
transaction is committed by the framework.
"""

from assessments.views import answers, cohorts, learners, regrade  # noqa: F401 - their routes register on bp
from assessments.views.blueprint import bp, init_app

__all__ = ["bp", "init_app"]
