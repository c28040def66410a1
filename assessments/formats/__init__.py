"""Question interchange formats: GIFT, Aiken and Moodle XML, read and written.

A format reads a file into item definitions (``assessments/items/base.py``) grouped by category, all or
nothing, with each error given with its line; writing is the reverse. The record level (categories,
names, text formats, escapes, files) is the format module's; each item type reads and writes its own
part (``ItemType.from_gift`` …).
"""
