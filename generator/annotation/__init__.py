"""Annotating from the preview (issue 14): the server side of "select a
passage, say who claims what, and the front matter is written for you".

- ``yamlscalar.py``: a value written as YAML that reads back exactly;
- ``frontmatter.py``: minimal-diff edits of an article's ``mentions:``
  (text in, text out: every other byte of the file stays as it was);
- ``selection.py``: the quote to write for a passage selected on the page,
  anchored as the build anchors it;
- ``requests.py``: what an annotation request may ask, checked, and the
  file written (atomically) under ``content/``; ``catalogue.py``: the claims
  and actors a form searches.

Only ``serve`` uses it (``preview/``); ``build`` never writes content.
"""


class EditError(Exception):
    """An edit that cannot be made to this text; the message says why and what to do."""
