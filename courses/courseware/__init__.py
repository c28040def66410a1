"""Learner courseware: my courses, the outline with progress, unit pages, resume, completion, gating."""
