"""Learning-gain and item-analysis reports (issue 23): what the programme is judged by.

* ``model`` — the reports' shapes (frozen dataclasses): the filters, one learner's matched pair, a group's
  figures, the gain report, the item report. Pages, CSV, the JSON API and the charts read only these.
* ``queries`` — the rows from SQL, grouped in the database (one query per report).
* ``service`` — the reports: the rows through the pure statistics of ``assessments.analytics``.
* ``charts`` — the charts as server-side SVG.
* ``views`` / ``api`` — the pages and ``/api/v1`` endpoints, with who may see what.
"""
