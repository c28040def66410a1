r"""Moodle XML, the format Moodle loses nothing in: the record level, read (``reading.py``) and written
(``writing.py``).

A ``<quiz>`` holds ``<question type="…">`` elements (Moodle's ``question/format/xml/format.php``, research note
§1.6). ``type="category"`` switches category (``<category><text>$course$/top/A/B</text>``, the context and
``top`` dropped, ``//`` a ``/`` in a name) and may describe it (``<info>``). Any other type is read by the item
type whose ``moodle_qtype`` it is (``multichoice`` with ``<single>false</single>``: ``multiple_response``) and
written by its ``to_moodle_xml``; the record level is what every question has: ``<name>``, ``<questiontext>``
and ``<generalfeedback>``, ``<defaultgrade>``, ``<idnumber>``, ``<tags>``, and embedded ``<file>``\ s.
"""

from assessments.formats.moodle_xml.reading import MAX_FILE_BYTES, MAX_TOTAL_BYTES, parse, read
from assessments.formats.moodle_xml.writing import write

__all__ = ["MAX_FILE_BYTES", "MAX_TOTAL_BYTES", "parse", "read", "write"]
