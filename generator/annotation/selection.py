"""The quote to write for a passage an editor selected on the article's page.

The page shows the article's text as the build converted it, and quotes are
anchored in that text (``Document.text``, the text a reader sees: Markdown
emphasis and entities are not in it), so the quote is taken from it, not
from what the browser reports: a browser's selection changes whitespace and
line breaks, and a reader's page may differ from the file. The request names
the passage by what a browser can give from a rendered selection:

- ``text``: the selected text (``Selection.toString()``), without the
  highlights' markers (``.hl-markers``, which are not the article's text);
- ``before`` and ``after``: some of the text just before and after it on
  the page (about 60 characters each), to tell apart a passage that occurs
  more than once.

Both are compared with the article's text as the build's anchoring compares
quotes (``quotes.normalise``: whitespace, quotation marks and dashes
forgiven). The occurrence whose surroundings agree best is taken; a tie is
ambiguous (:class:`SelectionProblem` ``select-more``). The passage is then
widened to whole words (a quote never starts or ends inside a word), its
whitespace runs written as one space, and anchored with ``find_quote``
exactly as the build will: a passage found more than once is extended a
word at a time on either side, within its paragraph, until it is found once;
if even its whole paragraph is not unique the editor is asked to select more.

A selection across two paragraphs is refused (``two-paragraphs``): a quote
is one passage of one paragraph, and the highlight of a quote that runs on
is cut at the paragraph's end anyway. Annotate each paragraph's part as a
mention of its own, or write an elided quote ("… …") by hand.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..core.diagnostics import ERROR, Diagnostic, Diagnostics
from ..core.markup import BLOCK_SEPARATOR, Document, MarkdownConverter
from ..core.translations import N_
from ..engine.prepare import ContentFile, check_one
from ..stages.load import file_id, load_source
from ..stages.quotes import ELLIPSIS, NormalisedText, find_quote, normalise
from ..stages.validate import parse_body
from . import Worded

_WHITESPACE_RUN = re.compile(r"\s+")
_WORD = re.compile(r"\w")
_NUMBER = re.compile(r"\d+")


class SelectionProblem(Worded):
    """No quote can be written for this selection; ``code`` says which case, the message what to do."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Selected:
    """A passage of the page, as the browser reports it."""

    text: str
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class Passage:
    """The quote to write, and where it is in ``Document.text``."""

    quote: str
    start: int
    end: int
    extended: bool  # longer than the selection: it was not unique as selected


def article_document(rel: str, data: bytes) -> Document:
    """An article file's text as the build converts it (``load_source``, ``parse_body``)."""
    diagnostics = Diagnostics()
    source = load_source(rel, "article", rel.rsplit("/", 1)[-1].removesuffix(".md"), data, diagnostics)
    if source is None:
        raise SelectionProblem("unreadable", N_("the article file is not UTF-8 text"))
    return parse_body(source, MarkdownConverter(), diagnostics)


def problems_added(rel: str, before: bytes, after: str) -> list[Diagnostic]:
    """The errors the article ``rel`` has with the text ``after`` that it had
    not with ``before``, each checked on its own as a build checks it (by
    message, as lines move). A request checks what it may write with the
    front matter's own messages, in the site's language; this is the net
    under them, should a request and the front matter ever disagree. A
    message's numbers do not count: one may name a line, and lines move."""
    had = Counter(_NUMBER.sub("#", problem.message) for problem in errors_of(rel, before))
    added = []
    for problem in errors_of(rel, after.encode("utf-8")):
        message = _NUMBER.sub("#", problem.message)
        if had[message]:
            had[message] -= 1
        else:
            added.append(problem)
    return added


def errors_of(rel: str, data: bytes) -> list[Diagnostic]:
    """The errors of the article file ``rel`` holding ``data``, checked as the build checks each file."""
    checked = check_one(ContentFile(rel, "article", file_id(rel), data), MarkdownConverter())
    return [problem for problem in checked.problems if problem.severity == ERROR]


def quote_for(selected: Selected, text: str) -> Passage:
    """The quote to write for ``selected`` in ``text`` (an article's ``Document.text``)."""
    haystack = normalise(text)
    wanted = normalise(selected.text).text
    if not _WORD.search(wanted):
        raise SelectionProblem("empty", N_("select some words of the article's text"))
    start, end = chosen_occurrence(wanted, selected, haystack)
    start, end = whole_words(text, *haystack.span(start, end))
    if BLOCK_SEPARATOR in text[start:end]:
        raise SelectionProblem("two-paragraphs", N_(
            "the selection runs across two paragraphs: select within one paragraph (annotate each part as a "
            "mention of its own)"))
    return unique_passage(text, haystack, start, end)


def chosen_occurrence(wanted: str, selected: Selected, haystack: NormalisedText) -> tuple[int, int]:
    """The occurrence of ``wanted`` whose surroundings agree best with the selection's."""
    starts = occurrences(wanted, haystack.text)
    if not starts:
        raise SelectionProblem("not-found", N_(
            "the selected text is not in the article as saved: reload the page and select again "
            "(leave out the annotation markers)"))
    if len(starts) == 1:
        return starts[0], starts[0] + len(wanted)
    before, after = normalise(selected.before).text, normalise(selected.after).text
    scores = [
        common_suffix(haystack.text[:start].rstrip(" "), before)
        + common_prefix(haystack.text[start + len(wanted):].lstrip(" "), after)
        for start in starts
    ]
    best = max(scores)
    if scores.count(best) > 1:
        raise SelectionProblem("select-more", N_(
            "the selected text occurs more than once and the page did not say which: select a longer passage"))
    start = starts[scores.index(best)]
    return start, start + len(wanted)


def occurrences(part: str, text: str) -> list[int]:
    found, at = [], text.find(part)
    while at >= 0:
        found.append(at)
        at = text.find(part, at + 1)
    return found


def common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """The span widened to whole words, without whitespace at either end."""
    while start > 0 and _WORD.match(text, start - 1) and _WORD.match(text, start):
        start -= 1
    while end < len(text) and _WORD.match(text, end - 1) and _WORD.match(text, end):
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def unique_passage(text: str, haystack: NormalisedText, start: int, end: int) -> Passage:
    """The passage from ``start`` to ``end``, extended a word at a time until the build's anchoring finds it once."""
    first, last = paragraph_of(text, start, end)
    extended, grow_end = False, True
    while True:
        quote = _WHITESPACE_RUN.sub(" ", text[start:end])
        if ELLIPSIS.search(quote):
            raise SelectionProblem("ellipsis", N_(
                "the passage holds '…' or '...', which a quote reads as an elided span: select a passage "
                "without it, or write this quote by hand"))
        anchor = find_quote(quote, text, haystack)
        if anchor.found and anchor.spans == ((start, end),):
            return Passage(quote, start, end, extended)
        if anchor.count <= 1 or (start, end) == (first, last):
            raise SelectionProblem("select-more", N_(
                "this passage occurs more than once in the article, even as a whole paragraph: "
                "write this quote by hand with more of its context"))
        if grow_end and end < last or start == first:
            end = next_word_end(text, end, last)
        else:
            start = previous_word_start(text, start, first)
        grow_end, extended = not grow_end, True


def paragraph_of(text: str, start: int, end: int) -> tuple[int, int]:
    """The paragraph holding ``text[start:end]``, without whitespace at either end."""
    first = text.rfind(BLOCK_SEPARATOR, 0, start)
    first = 0 if first < 0 else first + len(BLOCK_SEPARATOR)
    last = text.find(BLOCK_SEPARATOR, end)
    last = len(text) if last < 0 else last
    return whole_words(text, first, last)


def next_word_end(text: str, end: int, limit: int) -> int:
    while end < limit and text[end].isspace():
        end += 1
    while end < limit and not text[end].isspace():
        end += 1
    return end


def previous_word_start(text: str, start: int, limit: int) -> int:
    while start > limit and text[start - 1].isspace():
        start -= 1
    while start > limit and not text[start - 1].isspace():
        start -= 1
    return start
