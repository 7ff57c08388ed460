"""The words ``factcheck serve`` adds to the pages it serves, in the site's language.

The error overlay, the "not found" page and the annotation form speak the
language of the pages they sit on: their messages are in the interface's
catalogues (``pybabel extract`` finds them here, as ``N_``), translated by
the :class:`~generator.core.translations.Interface` of the pages served.
What ``check`` reports (a diagnostic's ``path:line: message``) and a
traceback stay as the terminal prints them, in English, left to right.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from ..core.diagnostics import Diagnostics
from ..core.language import text_direction
from ..core.translations import N_, Interface
from ..stages.catalogues import site_interface
from ..stages.load import load_config

BUILD_BROKEN = N_("The last change broke the build: still showing the last good version.")
INTERNAL_ERROR = N_("Internal error (a bug in factcheck, please report it):")
NOT_FOUND = N_("Not found")
NOTHING_BUILT_AT = N_("Nothing is built at %(path)s.")
HOME = N_("Home")
# The diagnostics and a traceback, as the terminal shows them.
AS_THE_TERMINAL_SHOWS_IT = ' lang="en" dir="ltr"'


def language_attributes(words: Interface) -> str:
    """` lang="fa-AF" dir="rtl"`: what an element holding the site's words says of them."""
    return f' lang="{escape(words.tag)}" dir="{text_direction(words.tag)}"'


def say(words: Interface, message: str, **values: str) -> str:
    """A message in the site's language, as HTML: its values escaped, then put in."""
    text = escape(words.gettext(message), quote=False)
    return text % {key: escape(value) for key, value in values.items()} if values else text


def site_words(root: Path) -> Interface:
    """The interface site.yaml asks for, read for serve's own words; its
    problems are the build's to report (a rebuild reads it again)."""
    return site_interface(root, load_config(root, Diagnostics()), Diagnostics())
