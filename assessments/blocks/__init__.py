"""The assessments package's XBlocks: ``assessment`` (``assessment.py``).

Plain XBlock, like ``courses/blocks``: they import nothing of the LMS, and ask the runtime for what it offers.
"""
