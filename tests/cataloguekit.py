"""The interface's catalogues, as the tests check them and as `make catalogues` refreshes them.

- :func:`extracted` runs Babel's extraction (what ``pybabel extract -F babel.cfg -k N_``
  does) over the repository: every string of ``templates/*.html`` and every
  ``N_``/``gettext``/``ngettext`` call in ``generator/``;
- :func:`as_text` is a catalogue's messages in one canonical form (no header,
  no locations, sorted), so two catalogues compare as texts;
- run as a script, it writes ``generator/locale/messages.pot`` and brings
  every shipped ``.po`` up to it (new messages empty, gone ones dropped), and
  fills the English catalogue with the msgids themselves.
"""

from __future__ import annotations

import copy
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
LOCALE_DIR = REPO / "generator" / "locale"
TEMPLATE = LOCALE_DIR / "messages.pot"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
SHIPPED = ("en", "fr", "es", "ar", "fa_AF")


def extracted() -> Catalog:
    with open(REPO / "babel.cfg", encoding="utf-8") as file:
        method_map, options_map = parse_mapping_cfg(file)
    catalog = Catalog(fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        REPO, method_map, options_map, keywords=KEYWORDS,
        directory_filter=lambda path: not Path(path).name.startswith(".") and "tests" not in Path(path).parts,
    ):
        catalog.add(message, None, [], auto_comments=comments, context=context)
    return catalog


def as_text(catalog: Catalog) -> str:
    buffer = io.BytesIO()
    write_po(buffer, catalog, omit_header=True, no_location=True, sort_output=True, width=0)
    return buffer.getvalue().decode("utf-8")


def read(path: Path, locale: str | None = None) -> Catalog:
    with open(path, "rb") as file:
        return read_po(file, locale=locale, abort_invalid=True)


def shipped_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"


def write(path: Path, catalog: Catalog, omit_header: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as file:
        write_po(file, catalog, omit_header=omit_header, no_location=True, sort_output=True, width=0)


def refresh() -> None:
    template = extracted()
    write(TEMPLATE, template, omit_header=True)
    for locale in SHIPPED:
        path = shipped_path(locale)
        catalog = read(path, locale) if path.is_file() else new_catalogue(locale)
        created = catalog.creation_date
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
        catalog.creation_date = created  # no date that changes on every run
        catalog.obsolete.clear()
        if locale == "en":
            for message in catalog:
                if message.id:
                    message.string = message.id
        catalog.revision_date = catalog.creation_date
        write(path, catalog)


def new_catalogue(locale: str) -> Catalog:
    catalog = Catalog(locale=locale, fuzzy=False, project="factcheck", version="0.1.0",
                      copyright_holder="the factcheck authors", msgid_bugs_address="")
    catalog.header_comment = f"# The interface of factcheck sites in {catalog.locale.english_name}.\n#"
    return catalog


if __name__ == "__main__":
    refresh()
    sys.exit(0)
