"""The authoring studio: course settings, co-authors, the outline, component editing, preview, publishing."""
