"""OLX import and export: Open edX course archives in and out, losing nothing we cannot run."""
