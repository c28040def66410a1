"""OLX import and export: Open edX course archives in and out, losing nothing we cannot run.

``archive`` reads a ``.tar.gz`` safely, ``pointers`` inlines the course's files into one XML tree,
``runtime`` holds the import and export runtimes, ``importer`` / ``exporter`` are the services (an import
is ``plan``, with no transaction open, then ``writer``, in short transactions), ``jobs`` the studio's
import jobs, ``cli`` the ``lms import-olx`` / ``lms export-olx`` commands and ``views`` the studio's upload
form and download. ``parts`` is where other packages register what they add to an archive (the
assessments package: the course's question bank), so that ``courses`` never imports them.
"""
