"""The catalogues of the interface for the site's language → one :class:`Interface`.

Where the words come from, first found wins, message by message:

1. the site's own ``translations/<tag>.po`` (then ``translations/<language>.po``
   for a regional tag: "es-AR" reads es-AR.po, then es.po), beside site.yaml;
2. the package's ``generator/locale/<locale>/LC_MESSAGES/messages.po``
   (``fa_AF``, then ``fa``);
3. the package's English catalogue, then the msgid itself (English).

The ``.po`` files are compiled when a build starts, in memory: Babel reads
each (``read_po``), writes it as a ``.mo`` into a buffer (``write_mo``) and
``babel.support.Translations`` (a ``gettext.GNUTranslations``) reads it
back, with the language's plural rule. Reading the site's language and
English that way took 9-28 ms a build (fr 9 ms, fa-AF 28 ms; mean of 5 on
a loaded 2-core machine); in return no compiled file is committed or installed
that could fall out of step with its ``.po``, and a site's own catalogue
needs no step of its own before a build.

Problems are content problems (``path:line``): a malformed ``.po``; a tag
Babel has no locale data for; and, as warnings, every message the site's
language lacks, once each (the page shows it in English).
"""

from __future__ import annotations

import gettext
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import PoFileError, read_po
from babel.support import Translations

from ..core.diagnostics import Diagnostics
from ..core.layout import CATALOGUE_DOMAIN, CONFIG_FILE, LOCALE_DIR, PACKAGE_DIR, shipped_catalogue, site_catalogue
from ..core.translations import Interface, babel_locale_name
from .siteconfig import site_language
from .yamlnodes import YamlMap

ENGLISH = "en"
# The messages with no translation, as a site's catalogue starts from.
TEMPLATE_SHOWN = (LOCALE_DIR / f"{CATALOGUE_DOMAIN}.pot").relative_to(PACKAGE_DIR.parent).as_posix()


@dataclass(frozen=True)
class Catalogue:
    """One ``.po`` file read: where it is (as diagnostics name it) and its messages."""

    path: str
    catalog: Catalog
    data: bytes

    def translated(self) -> set[str]:
        """The msgids this catalogue gives a translation for (every plural form)."""
        return {msgid_of(message) for message in self.catalog if message.id and is_translated(message)}

    def compiled(self) -> Translations:
        buffer = io.BytesIO()
        write_mo(buffer, self.catalog)
        buffer.seek(0)
        return Translations(fp=buffer)


def msgid_of(message) -> str:
    return message.id[0] if isinstance(message.id, (tuple, list)) else message.id


def is_translated(message) -> bool:
    strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    return bool(strings) and all(strings) and not message.fuzzy


def read_catalogue(path: Path, name: str, locale: str | None, diagnostics: Diagnostics) -> Catalogue | None:
    """A ``.po`` file, or None (with an error at its line) when it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        diagnostics.error(name, 0, f"cannot read the catalogue: {exc.strerror}")
        return None
    try:
        catalog = read_po(io.BytesIO(data), locale=locale, abort_invalid=True)
    except PoFileError as exc:  # Babel counts lines from 0 and says where in its message: ours says it once
        diagnostics.error(name, exc.lineno + 1, f"malformed catalogue: {str(exc).rsplit(' on ', 1)[0]}")
        return None
    except (ValueError, UnicodeDecodeError) as exc:
        diagnostics.error(name, 0, f"malformed catalogue: {exc}")
        return None
    for message in list(catalog):
        problem = format_problem(message) if message.id and is_translated(message) else None
        if problem is not None:  # the page would fail when it fills it in: English instead, and an error
            diagnostics.error(name, message.lineno or 0, f"the translation of {msgid_of(message)!r} {problem}")
            catalog.delete(message.id, context=message.context)
    return Catalogue(name, catalog, data)


PLACEHOLDER = re.compile(r"%\((\w+)\)")


def format_problem(message) -> str | None:
    """Why a translation cannot be filled in as its original is (every page
    fills its messages in with ``%``, Jinja's newstyle gettext as our Python
    does), or None: a placeholder the original does not have (a misspelt
    ``%(count)s``), or a lone ``%``. Babel reads both without a word, and the
    build then failed with a traceback."""
    originals = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
    strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    names = {name for original in originals for name in PLACEHOLDER.findall(original)}
    if isinstance(message.id, (tuple, list)):
        names.add("num")  # ngettext fills in the count as num too
    for string in strings:
        try:
            string % dict.fromkeys(names, "")  # the original's placeholders, and only those
        except KeyError as missing:
            return (f"uses %({missing.args[0]})s, which the original does not have; hint: use only "
                    + (", ".join(f"%({name})s" for name in sorted(names)) or "no placeholder"))
        except (ValueError, TypeError):
            return "has a % that is no placeholder; hint: write a percent sign as %%"
    return None


def plural_problem(catalogue: Catalogue, locale: Locale) -> str | None:
    """A site's catalogue whose Plural-Forms header is not its language's (one
    copied from the English catalogue, say): Babel believes the header, and
    "5 статьи" came out where Russian says "5 статей"."""
    expected = get_plural(locale)
    if catalogue.catalog.num_plurals == expected.num_plurals and catalogue.catalog.plural_expr == expected.plural_expr:
        return None
    return (f"its Plural-Forms header ({catalogue.catalog.plural_forms}) is not {locale}'s "
            f"({expected.plural_forms}): counted messages would take the wrong form; hint: set that header, "
            f"or start from {TEMPLATE_SHOWN} (pybabel init -i {TEMPLATE_SHOWN} -l {locale} -o {catalogue.path})")


def shown_path(locale_name: str) -> str:
    """A shipped catalogue as diagnostics name it: generator/locale/fr/LC_MESSAGES/messages.po."""
    return shipped_catalogue(locale_name).relative_to(PACKAGE_DIR.parent).as_posix()


def locale_of(tag: str, config_line: int, diagnostics: Diagnostics) -> Locale | None:
    try:
        return Locale.parse(babel_locale_name(tag))
    except (UnknownLocaleError, ValueError):
        diagnostics.error(
            CONFIG_FILE, config_line,
            f"language '{tag}': no locale data for it (Babel knows none), so dates, numbers and plural "
            "forms cannot be written in it; hint: use a tag such as 'fr', 'es-AR', 'ar' or 'fa-AF'",
        )
        return None


def candidate_tags(tag: str) -> list[str]:
    """"es-AR" → ["es-AR", "es"]: the tag, then its language alone."""
    language = tag.split("-")[0]
    return [tag] if language == tag else [tag, language]


def site_interface(root: Path, config: YamlMap | None, diagnostics: Diagnostics) -> Interface:
    """The interface in site.yaml's ``language`` (English when it names none)."""
    line = config.line_of("language") if config is not None and "language" in config else 1
    return load_interface(root, site_language(config), line, diagnostics)


def english_interface() -> Interface:
    """The interface in English, from the package's catalogue alone (for a
    renderer made without a site, as the tests and benchmarks make them)."""
    return load_interface(PACKAGE_DIR, ENGLISH, 0, Diagnostics(), warn_missing=False)


def load_interface(root: Path, tag: str, config_line: int, diagnostics: Diagnostics,
                   warn_missing: bool = True) -> Interface:
    """The site's interface in ``tag`` (site.yaml's ``language``). On an
    unknown tag, the English interface after the error (nothing is built)."""
    locale = locale_of(tag, config_line, diagnostics)
    if locale is None:
        tag, locale = ENGLISH, Locale.parse(ENGLISH)
    own = [read_catalogue(root / site_catalogue(each), site_catalogue(each), babel_locale_name(each), diagnostics)
           for each in candidate_tags(tag) if (root / site_catalogue(each)).is_file()]
    shipped = [read_catalogue(shipped_catalogue(name), shown_path(name), name, diagnostics)
               for name in dict.fromkeys(babel_locale_name(each) for each in candidate_tags(tag))
               if shipped_catalogue(name).is_file()]
    english = read_catalogue(shipped_catalogue(ENGLISH), shown_path(ENGLISH), ENGLISH, diagnostics)
    own = [c for c in own if c is not None]
    for catalogue in own:
        problem = plural_problem(catalogue, locale)
        if problem is not None:
            diagnostics.warning(catalogue.path, 1, problem)
    in_language = own + [c for c in shipped if c is not None]
    if warn_missing and english is not None and locale.language != ENGLISH:
        warn_about_missing(tag, in_language, english, own, config_line, diagnostics)
    chain = in_language + ([english] if english is not None else [])
    return Interface(tag, locale, translations_of(chain), key=key_of(tag, chain))


def translations_of(chain: list[Catalogue]) -> gettext.NullTranslations:
    """The catalogues, each falling back on the next, and the last on the msgid itself."""
    if not chain:
        return gettext.NullTranslations()
    first = chain[0].compiled()
    for catalogue in chain[1:]:
        first.add_fallback(catalogue.compiled())
    return first


def key_of(tag: str, chain: list[Catalogue]) -> str:
    hasher = hashlib.blake2b(tag.encode(), digest_size=16)
    for catalogue in chain:
        hasher.update(f"\0{catalogue.path}\0".encode())
        hasher.update(catalogue.data)
    return hasher.hexdigest()


def warn_about_missing(tag: str, in_language: list[Catalogue], english: Catalogue, own: list[Catalogue],
                       config_line: int, diagnostics: Diagnostics) -> None:
    """Once per message of the interface that no catalogue of the site's language translates."""
    if not in_language:
        diagnostics.warning(
            CONFIG_FILE, config_line,
            f"language '{tag}': no catalogue translates the interface into it, so pages show it in English; "
            f"hint: add {site_catalogue(tag)} (copy {shown_path(ENGLISH)} and translate it)",
        )
        return
    translated = set().union(*(catalogue.translated() for catalogue in in_language))
    where = own[0].path if own else CONFIG_FILE
    line = 0 if own else config_line
    for message in english.catalog:
        msgid = msgid_of(message)
        if msgid and msgid not in translated:
            diagnostics.warning(
                where, line,
                f"no {tag} translation of the interface's message {msgid!r}: pages show it in English; "
                f"hint: add a msgid/msgstr pair for it to {site_catalogue(tag)}",
            )
