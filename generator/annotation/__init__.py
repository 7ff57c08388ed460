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


from ..core.translations import Interface


class Worded(Exception):
    """A problem whose message is a catalogue's msgid (marked ``N_``, or a pair
    marked ``N_plural`` with ``count``) and the values of its placeholders:
    ``str()`` says it in English, :meth:`said_in` in the site's language (the
    annotation form shows it, ``preview/annotating.py``)."""

    def __init__(self, message: str | tuple[str, str], count: int | None = None, **values: str):
        self.message, self.count, self.values = message, count, values
        super().__init__(self.said_in(None))

    def said_in(self, words: Interface | None) -> str:
        if isinstance(self.message, tuple):
            singular, plural = self.message
            text = words.ngettext(singular, plural, self.count) if words else (singular if self.count == 1 else plural)
            return text % {"num": words.format_number(self.count) if words else self.count, **self.values}
        text = words.gettext(self.message) if words else self.message
        return text % self.values if self.values else text


class EditError(Worded):
    """An edit that cannot be made to this text; the message says why and what to do."""
