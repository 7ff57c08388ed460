"""Python-Markdown's passes, trying only what can match: the same tree, sooner.

Python-Markdown tries every inline pattern on every text, and the test of
every block processor on every block, and most of a news article is prose
in which almost none of them can match: at 10,000 articles, about half of
its inline pass and a sixth of its whole time went to finding nothing. Each
narrowing here skips an expression only where a string it cannot match
without is absent, so every match, and so the tree, is the one Python-
Markdown's own passes give; each is used only where the installed
Python-Markdown registers exactly the expressions it was written for
(:func:`known_inline_patterns`, :func:`known_block_tests`), and
``tests/unit/test_markup.py`` compares trees with and without them.
"""

from __future__ import annotations

from typing import Any, Callable

import markdown
from markdown.treeprocessors import InlineProcessor
from markdown.util import AtomicString


def narrow_passes(md: markdown.Markdown) -> None:
    """Narrow ``md``'s inline pass and block tests where they are the ones known here."""
    if known_inline_patterns(md):
        md.treeprocessors.register(_InlineWhereTheyCanMatch(md), "inline", 20)  # in place of Python-Markdown's
    if known_block_tests(md):
        for name, _, can_pass in _BLOCK_TESTS:
            processor = md.parser.blockprocessors[name]
            processor.test = _test_where_it_can_pass(processor.test, can_pass)


# The inline patterns Python-Markdown 3 registers, less those the safe
# converter removes (raw HTML, entities, e-mail autolinks; markup.py): name,
# expression, and the strings one of which a text must hold for the
# expression to match in it.
_INLINE_PATTERNS = (
    ("backtick", r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)", ("`",)),
    ("escape", r"\\(.)", ("\\",)),
    ("reference", r"(?<!\!)\[", ("[",)),
    ("link", r"(?<!\!)\[", ("[",)),
    ("image_link", r"\!\[", ("![",)),
    ("image_reference", r"\!\[", ("![",)),
    ("short_reference", r"(?<!\!)\[", ("[",)),
    ("short_image_ref", r"\!\[", ("![",)),
    ("autolink", r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>", ("<",)),
    ("linebreak", r"  \n", ("  \n",)),
    ("em_strong", r"\*|_", ("*", "_")),
)


class _InlineWhereTheyCanMatch(InlineProcessor):
    """Python-Markdown's inline pass, trying on each text only the patterns
    that can match in it.

    It tries each of its eleven patterns at every text, and most of a news
    article is prose with no markup character at all, or one or two kinds:
    about half of Python-Markdown's time on the 10,000-article corpus went
    to finding nothing. A pattern whose strings (``_INLINE_PATTERNS``) are
    absent from a text cannot match in it, nor in any part of it: the text
    of an element a pattern makes, processed with the patterns after that
    one, is a piece of the text (with placeholders, which hold none of
    those strings). So the patterns are those of the text in their order,
    and every match, and so the tree, is the one the whole list gives.

    It overrides the pass's private ``__handleInline``; it is used only
    where Python-Markdown has it and the registered patterns are those
    above (:func:`known_inline_patterns`), and
    ``tests/unit/test_markup.py`` compares trees with and without it.
    """

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self._needs = {md.inlinePatterns[name]: strings for name, _, strings in _INLINE_PATTERNS}
        self._strings = tuple(sorted({string for strings in self._needs.values() for string in strings}))
        self._patterns_for: dict[frozenset[str], list] = {}  # by the strings a text holds

    def patterns_for(self, present: frozenset[str]) -> list:
        """The patterns, in their order, that can match in a text holding ``present`` of the strings."""
        if present not in self._patterns_for:
            self._patterns_for[present] = [pattern for pattern in self.md.inlinePatterns
                                           if present.intersection(self._needs[pattern])]
        return self._patterns_for[present]

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802
        if patternIndex or isinstance(data, AtomicString):  # within a text: its patterns are set
            return super()._InlineProcessor__handleInline(data, patternIndex)
        present = frozenset(string for string in self._strings if string in data)
        if not present:
            return data
        # A call from index 0 may come from within another text's pass (the
        # tail of an element the first of its patterns made): that pass goes
        # on with its own list afterwards, so the list is put back.
        outer, self.inlinePatterns = self.inlinePatterns, self.patterns_for(present)
        try:
            return super()._InlineProcessor__handleInline(data, 0)
        finally:
            self.inlinePatterns = outer


def known_inline_patterns(md: markdown.Markdown) -> bool:
    """Whether ``md``'s inline pass and patterns are those :class:`_InlineWhereTheyCanMatch` was written for."""
    patterns = md.inlinePatterns
    return hasattr(InlineProcessor, "_InlineProcessor__handleInline") and len(patterns) == len(_INLINE_PATTERNS) and all(
        name in patterns and getattr(getattr(patterns[name], "compiled_re", None), "pattern", None) == expression
        for name, expression, _ in _INLINE_PATTERNS
    )


# The block processors whose test reads through the whole block (a search,
# not a match at its start; the reference processor's test passes every
# block and its run searches it): name, the expression read, and what a block
# must hold for that expression to match in it.
_BLOCK_TESTS: tuple[tuple[str, str, Callable[[str], bool]], ...] = (
    ("hashheader", r"(?:^|\n)(?P<level>#{1,6})(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)",
     lambda block: "#" in block),
    # matched from the block's start: a first line, then a line of "=" or "-"
    ("setextheader", r"^.*?\n(?:=+|-+)[ ]*(\n|$)", lambda block: "\n=" in block or "\n-" in block),
    # three of one of "-", "_", "*" on a line
    ("hr", r"^[ ]{0,3}(?=(?P<atomicgroup>(-+[ ]{0,2}){3,}|(_+[ ]{0,2}){3,}|(\*+[ ]{0,2}){3,}))(?P=atomicgroup)"
           r"[ ]*$",
     lambda block: block.count("-") > 2 or block.count("_") > 2 or block.count("*") > 2),
    ("quote", r"(^|\n)[ ]{0,3}>[ ]?(.*)", lambda block: ">" in block),
    ("reference", r'^[ ]{0,3}\[([^\[\]]*)\]:[ ]*(?:\n[ ]*)?([^\s]+)[ ]*(?:\n[ ]*)?'
                  r'((["\'])(.*)\4[ ]*|\((.*)\)[ ]*)?$',
     lambda block: "]:" in block),
)


def _test_where_it_can_pass(test: Callable[[Any, str], bool], can_pass: Callable[[str], bool]) -> Callable:
    """A block processor's test, made only on a block that holds what it needs.

    Python-Markdown asks each processor in turn whether it takes a block,
    until one does. One that cannot take it answers no without searching,
    as it would have after searching (the reference processor: its run found
    nothing and gave the block back), so the next is asked as before."""

    def narrowed(parent: Any, block: str) -> bool:
        return can_pass(block) and test(parent, block)

    return narrowed


def known_block_tests(md: markdown.Markdown) -> bool:
    """Whether ``md``'s block processors read the expressions :data:`_BLOCK_TESTS` was written for."""
    processors = md.parser.blockprocessors
    return all(name in processors and _expression(processors[name]) == expression
               for name, expression, _ in _BLOCK_TESTS)


def _expression(processor: Any) -> str | None:
    """The expression a processor searches blocks with (the rule's ``SEARCH_RE``, any other's ``RE``)."""
    compiled = getattr(processor, "SEARCH_RE", None) or getattr(processor, "RE", None)
    return getattr(compiled, "pattern", None)
