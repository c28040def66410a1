"""The assessor's workspace: sign off learners' skill checklists and verify their procedure logbooks."""
