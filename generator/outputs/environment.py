"""The Jinja environment pages are rendered in: the templates a walk of the
templates folders found, and the filters and globals templates call.

Templates get analysis objects and a :class:`~generator.outputs.urls.Links` for the
page, never the raw content; whatever geometry or wording is more than a
template should compute is worked out in Python and offered here
(``pictures.py``, ``stancebars.py``, ``wording.py``).
"""

from __future__ import annotations

import os
import re
from functools import partial
from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Any, Callable, MutableMapping

import jinja2
from jinja2 import meta, nodes
from jinja2.utils import internalcode
from markupsafe import Markup, escape

from ..core.language import same_language, text_direction
from ..core.model import STANCES, PartialDate
from ..core.translations import Interface
from ..core.wording import (  # the display words; wording.py says why
    POSITION_LABELS, POSITION_VERBS, STANCE_ADJECTIVES, STANCE_ICONS, STANCE_LABELS, STANCE_VERBS, TITLE_BY_EDITORS,
    translated,
)
from . import feeds, pictures, stancebars, urls
from .quotemarks import display_quote


class FoundTemplatesLoader(jinja2.BaseLoader):
    """Loads the templates the walk of the templates folders found, and no
    other file: Jinja's FileSystemLoader would follow a link to a folder
    or to a file outside the site (see ``sitefiles.py``)."""

    def __init__(self, templates: dict[str, str]):
        self.templates = templates  # name → file
        self.references: dict[str, tuple[str, ...]] = {}  # name → the templates it names, once parsed
        # name → a tree parsed for its references and not compiled yet, with its file and freshness
        self._parsed: dict[str, tuple[nodes.Template, str, Callable[[], bool]]] = {}

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = self.templates.get(template)
        if path is None:
            raise jinja2.TemplateNotFound(template)
        try:
            with open(path, encoding="utf-8") as file:
                source = file.read()
            mtime = os.path.getmtime(path)
        except OSError as exc:  # deleted since the walk: as Jinja's own loader says
            raise jinja2.TemplateNotFound(template) from exc

        def uptodate() -> bool:
            try:
                return os.path.getmtime(path) == mtime
            except OSError:
                return False

        return source, path, uptodate

    def list_templates(self) -> list[str]:
        return sorted(self.templates)

    def referenced(self, environment: jinja2.Environment, name: str) -> tuple[str, ...]:
        """The templates ``name`` names (extends, includes, imports), from its
        tree: parsed here if it was not loaded, and compiled only if a page is
        rendered with it (:meth:`load` takes the tree). A page's key lists
        every template it may use, and a build after one article's text
        changed renders its page alone: compiling the claim cards' charts
        (``_charts.html``) only to read their names cost it 37 ms."""
        if name not in self.references:
            self._parsed[name] = self._parse(environment, name)
        return self.references[name]

    def load(self, environment: jinja2.Environment, name: str,
             globals: MutableMapping[str, Any] | None = None) -> jinja2.Template:
        """As Jinja's own (there is no bytecode cache: nothing compiled is
        read back from disk), but each template is parsed once: the names it
        refers to (:attr:`references`, for ``Renderer.templates_used``) are
        read from the tree it is compiled from. Parsing them apart cost a
        build after one change 35 ms of its 1.1 s, at every start."""
        parsed = self._parsed.pop(name, None)
        if parsed is None or not parsed[2]():  # not parsed for its names, or its file changed since
            parsed = self._parse(environment, name)
        tree, filename, uptodate = parsed
        code = environment.compile(tree, name, filename)
        return environment.template_class.from_code(environment, code, globals or {}, uptodate)

    def _parse(self, environment: jinja2.Environment,
               name: str) -> tuple[nodes.Template, str, Callable[[], bool]]:
        """The template's tree, file and freshness, read now; the names it refers to noted."""
        source, filename, uptodate = self.get_source(environment, name)
        tree = environment.parse(source, name, filename)
        self.references[name] = names_in(tree)
        return tree, filename, uptodate


def names_in(tree: nodes.Template) -> tuple[str, ...]:
    """The templates a parsed template names by a constant (a computed name is
    found when the page renders, and reported there if it is missing)."""
    return tuple(found for found in meta.find_referenced_templates(tree) if found)


class PageContext(jinja2.runtime.Context):
    """Jinja's context, calling what templates call most the short way.

    Every ``{{ m.quote_card(quote) }}``, ``{{ _("…") }}`` or
    ``{{ links.claim(c) }}`` goes through :meth:`Context.call`, which asks
    each callable, twice, whether it wants the context, the evaluation
    context or the environment passed in (``hasattr`` that mostly fails,
    which is what costs). A macro always takes the evaluation context, and a
    Python function, method or partial says so by its ``jinja_pass_arg``:
    those are called here directly, with what Jinja would pass them (the
    context itself to a ``pass_context`` function outside loops and blocks
    that set variables); anything else goes through Jinja's own
    :meth:`Context.call`. At 10,000 articles the calls
    were about a tenth of the templates' time.
    """

    @internalcode
    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's own signature
        if __debug__:
            __traceback_hide__ = True  # noqa: F841 - as in Jinja's
        kind = type(__obj)
        if kind is jinja2.runtime.Macro:
            args = (__self.eval_ctx, *args)  # Macro.__call__ is pass_eval_context
        elif kind in PLAIN_CALLABLES:
            pass_arg = getattr(__obj, "jinja_pass_arg", None)
            if pass_arg is PASS_CONTEXT and not kwargs.get("_loop_vars") and not kwargs.get("_block_vars"):
                args = (__self, *args)  # (with variables set in a loop or block, Jinja passes a derived context)
            elif pass_arg is not None:
                return super().call(__obj, *args, **kwargs)
        else:
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception")


# Callables whose own ``__call__`` cannot carry ``jinja_pass_arg`` (Jinja asks it first).
PLAIN_CALLABLES = frozenset({FunctionType, MethodType, BuiltinFunctionType, partial})
PASS_CONTEXT = jinja2.pass_context(lambda context: None).jinja_pass_arg  # what @pass_context marks a function with


def make_environment(templates: dict[str, str], interface: Interface) -> jinja2.Environment:
    """The environment, with the site's interface installed as gettext (Jinja's
    i18n extension): ``_()``, ``gettext``, ``ngettext`` and ``{% trans %}``.
    Newstyle gettext: the values filled into a translation's ``%(name)s``
    placeholders (titles, names, quotes: content) are escaped by gettext
    itself, so content cannot put markup into a page through a message. The
    translation itself is taken as markup, as a template is (the shipped
    catalogues use ``<strong>`` and ``<mark>``): a site's own catalogue is
    trusted as its templates are (README, "Adding or overriding a
    translation")."""
    env = jinja2.Environment(
        loader=FoundTemplatesLoader(templates),
        autoescape=True,  # everything from content is untrusted
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
        # A change to a template makes a new environment (pipeline.renderer_for
        # compares the files' digests), so Jinja need not stat each template
        # again every time a page asks for it (0.6 CPU-s at 10,000 articles).
        auto_reload=False,
    )
    env.context_class = PageContext  # calls macros and plain functions the short way
    env.install_gettext_translations(interface.catalogue, newstyle=True)  # {% trans %} compiled newstyle
    env.globals.update(template_gettext(interface))
    env.filters["date"] = interface.format_date
    env.filters["iso"] = iso_date
    env.filters["number"] = interface.format_number
    env.filters["direction"] = text_direction  # "fa-AF" → "rtl"; see language.py
    env.filters["display_quote"] = display_quote  # the source's own marks at a quote's ends left out
    env.globals["lang_attrs"] = lang_attrs
    env.globals["title_note"] = title_note_of(env.globals["_"](TITLE_BY_EDITORS))
    env.globals["arrow"] = arrow
    env.globals.update(
        STANCES=STANCES,
        STANCE_LABELS=translated(STANCE_LABELS, interface),
        STANCE_ADJECTIVES=translated(STANCE_ADJECTIVES, interface),
        STANCE_ICONS=STANCE_ICONS,
        STANCE_VERBS=translated(STANCE_VERBS, interface),
        POSITION_LABELS=translated(POSITION_LABELS, interface),
        POSITION_VERBS=translated(POSITION_VERBS, interface),
        text_fragment_url=urls.text_fragment_url,
        mention_anchor=urls.mention_anchor,
        origin_anchor=urls.origin_anchor,
    )
    env.globals.update(pictures.template_globals(interface))  # chart geometry for _charts.html
    env.globals.update(stancebars.template_globals(interface))  # stance bars on one scale per page
    env.globals.update(feeds.template_globals())  # the addresses of the Atom feeds
    return env


# A translation's placeholders: ``%(name)s`` (and ``%%``) are filled with
# escaped values as they are; anything else is left to Markup's ``%``.
NAMED_STRING = re.compile(r"%\(([^()]*)\)s|%%")


def template_gettext(interface: Interface) -> dict[str, Callable[..., Markup]]:
    """``gettext``, ``ngettext`` and ``_`` as Jinja's newstyle gettext makes
    them, without its indirections: the translation taken as markup, its
    ``%(name)s`` placeholders filled in with escaped values, ``%%`` a percent
    sign. Jinja's own (``_`` calls ``gettext`` through the context, which
    calls the catalogue through it again) took 1.9 s of the 24 s of CPU time
    of a cold build of 2,000 articles, 0.4 s of it on messages without
    placeholders, which are the same every time and are worked out once here.
    (Autoescaping is always on: its check per call is left out too.)"""
    plain: dict[str, Markup] = {}
    # message, or (singular, plural, count) → (translation, the names of its placeholders)
    translations: dict[Any, tuple[Markup, tuple[str, ...] | None]] = {}

    def translated(key: Any, text: str) -> tuple[Markup, tuple[str, ...] | None]:
        names = tuple(name for name in NAMED_STRING.findall(text) if name)
        only_named = "%" not in NAMED_STRING.sub("", text)
        found = translations[key] = (Markup(text), names if only_named else None)
        return found

    def fill(message: Markup, names: tuple[str, ...] | None, variables: dict[str, Any]) -> Markup:
        # Markup's own ``%`` escapes each value through a helper object per
        # placeholder; a translation whose placeholders are all ``%(name)s``
        # (every shipped one) takes the values it names escaped beforehand,
        # which is what the helper writes. Any other (``%(num)d``, ``%r`` in a
        # site's catalogue) goes through Markup's ``%`` as before.
        if names is None:
            return message % variables
        return Markup(str.__mod__(message, {name: escape(variables[name]) for name in names}))

    def gettext(__string: str, **variables: Any) -> Markup:
        if not variables:
            found = plain.get(__string)
            if found is None:
                found = plain[__string] = Markup(interface.gettext(__string)) % {}
            return found
        found = translations.get(__string)
        if found is None:
            found = translated(__string, interface.gettext(__string))
        return fill(*found, variables)

    def ngettext(__singular: str, __plural: str, __num: int, **variables: Any) -> Markup:
        variables.setdefault("num", __num)
        key = (__singular, __plural, __num)
        found = translations.get(key)
        if found is None:
            found = translated(key, interface.ngettext(__singular, __plural, __num))
        return fill(*found, variables)

    return {"gettext": gettext, "ngettext": ngettext, "_": gettext}


def title_note_of(words: Markup) -> Callable[[Any], Markup]:
    """``title_note(article)``: after an article's title where a page cites
    it (quote cards, lists, the timeline, /about/data/), "(title by the
    editors)" when the source gives none; nothing otherwise. The article
    page says it in full."""
    note = Markup(' <span class="title-note-inline">{}</span>').format(words)
    return lambda article: note if article.title_by_editors else Markup("")


@jinja2.pass_context
def lang_attrs(context: jinja2.runtime.Context, language: str | None) -> Markup:
    """` lang="fa-AF" dir="rtl"` for text in another language than the site's
    (an article's ``language``, which its quotes inherit); nothing otherwise."""
    if not language or same_language(language, context["site"].language):
        return Markup("")
    return Markup(' lang="{}" dir="{}"').format(language, text_direction(language))


# Arrows written as characters point the way the page reads: Unicode does not
# mirror ← and → in right-to-left text (they are not Bidi_Mirrored), so a
# right-to-left site needs the other one. (left to right, right to left)
ARROWS = {"back": ("←", "→"), "forward": ("→", "←"), "out": ("↗", "↖")}


@jinja2.pass_context
def arrow(context: jinja2.runtime.Context, way: str) -> str:
    """The arrow for going ``way`` ("back", "forward", or "out" of the site) in the site's direction."""
    left_to_right, right_to_left = ARROWS[way]
    return right_to_left if text_direction(context["site"].language) == "rtl" else left_to_right


def iso_date(value: Any) -> str:
    if value is None:
        return ""
    return value.iso() if isinstance(value, PartialDate) else value.isoformat()
