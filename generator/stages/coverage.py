"""``check --coverage``: the passages of an article that look attributed, and
whether a mention covers each.

A passage looks attributed (``attribution.py`` has the lists) when it is

- text between quotation marks, of at least ``MIN_QUOTED_WORDS`` words:
  any pair of marks ``core/quotationmarks.py`` knows (English “…”, German
  „…“, French «…», straight marks…; an apostrophe is not one). A quotation
  not closed in its paragraph runs to the paragraph's end, as a quotation
  going on into the next paragraph is printed;
- a sentence with a reporting verb of the article's language ("said",
  "according to"…).

Passages that overlap (a quotation inside such a sentence, or running
across two) are one. A passage is *annotated* when the anchored quote of
one of the article's mentions overlaps it, else *skipped* when a passage
in its ``skip:`` list does, else *missing*. Offsets are in the text a reader
sees (``Document.text``), where quotes are anchored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.diagnostics import Diagnostics
from ..core.markup import BLOCK_SEPARATOR
from ..core.model import Article
from ..core.quotationmarks import AMBIGUOUS, MARK, PAIRS, mark_kind
from .attribution import MIN_QUOTED_WORDS, REPORTING_VERBS
from .sourcelines import BodyLines

ANNOTATED, SKIPPED, MISSING = "annotated", "skipped", "missing"
EXCERPT_MAX = 80  # characters of a passage shown in a report, cut at a word

# A whole word of the list, in any case; a space in an entry matches any run of whitespace.
VERB_PATTERNS = {
    language: re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(verb).replace(r"\ ", r"\s+") for verb in verbs) + r")(?!\w)",
        re.IGNORECASE,
    )
    for language, verbs in REPORTING_VERBS.items()
}
# Where a sentence ends: its final punctuation, and any closing marks after it, before a space.
SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s|$)")
# A full stop after these is an abbreviation's, not a sentence's ("Mr. Mujahid said").
ABBREVIATIONS = frozenset("mr mrs ms dr st gen ret col lt sgt capt sen rep gov prof jr sr vs no".split())
_WORD = re.compile(r"\w+")
_LAST_WORD = re.compile(r"(\w+)[.!?…]+[\"'”’»)\]]*$")


@dataclass(frozen=True)
class CoverageTotal:
    """How many attributed-looking passages were found, annotated and skipped, in how many articles."""

    passages: int = 0
    annotated: int = 0
    skipped: int = 0
    articles: int = 0

    def __add__(self, other: "CoverageTotal") -> "CoverageTotal":
        return CoverageTotal(self.passages + other.passages, self.annotated + other.annotated,
                             self.skipped + other.skipped, self.articles + other.articles)

    def summary(self) -> str:
        """"12 of 15 attributed passages annotated", and how many were skipped."""
        text = f"{self.annotated} of {self.passages} attributed passages annotated"
        return text + (f", {self.skipped} skipped" if self.skipped else "")


@dataclass(frozen=True)
class Passage:
    """An attributed-looking passage: ``text[start:end]`` of its article."""

    start: int
    end: int
    status: str = MISSING


def article_passages(article: Article, site_language: str) -> list[Passage]:
    """The article's attributed-looking passages, each with its status."""
    text = article.document.text if article.document is not None else ""
    quoted = [span for mention in article.mentions for span in mention.spans]
    skipped = [span for skip in article.skips for span in skip.spans]
    return [
        Passage(start, end, status_of(start, end, quoted, skipped))
        for start, end in attributed_spans(text, article.language or site_language)
    ]


def status_of(start: int, end: int, quoted: list[tuple[int, int]], skipped: list[tuple[int, int]]) -> str:
    if any(overlaps(start, end, span) for span in quoted):
        return ANNOTATED
    if any(overlaps(start, end, span) for span in skipped):
        return SKIPPED
    return MISSING


def overlaps(start: int, end: int, span: tuple[int, int]) -> bool:
    return span[0] < end and start < span[1]


def attributed_spans(text: str, language: str) -> list[tuple[int, int]]:
    """(start, end) of each attributed-looking passage of ``text``, in order."""
    verbs = VERB_PATTERNS.get(language.split("-")[0].lower())
    spans = []
    for block_start, block in blocks(text):
        found = quotations(block)
        if verbs is not None:
            found += [(start, end) for start, end in sentences(block) if verbs.search(block, start, end)]
        spans += [(block_start + start, block_start + end) for start, end in found]
    return merged(spans)


def blocks(text: str) -> list[tuple[int, str]]:
    """(offset, text) of each paragraph (or other block) of a document's text."""
    found, offset = [], 0
    for block in text.split(BLOCK_SEPARATOR):
        found.append((offset, block))
        offset += len(block) + len(BLOCK_SEPARATOR)
    return found


def quotations(block: str) -> list[tuple[int, int]]:
    """(start, end) of each quotation in a paragraph, marks included."""
    found, index = [], 0
    while index < len(block):
        if block[index] not in PAIRS or mark_kind(block, index) != MARK:
            index += 1
            continue
        close = closing_mark(block, index)
        end = len(block) if close is None else close + 1
        if len(_WORD.findall(block, index, end)) >= MIN_QUOTED_WORDS:
            found.append((index, end))
        index = end
    return found


def closing_mark(block: str, opening: int) -> int | None:
    """Where the quotation opened at ``opening`` closes; None: not in this paragraph."""
    closers = PAIRS[block[opening]]
    for index in range(opening + 1, len(block)):
        if block[index] in closers and mark_kind(block, index) in (MARK, AMBIGUOUS):
            return index
    return None


def sentences(block: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a paragraph, leading spaces left out."""
    found, start = [], 0
    for match in SENTENCE_END.finditer(block):
        last = _LAST_WORD.search(block, start, match.end())
        full_stop = match.group().rstrip("\"'”’»)]") == "."
        if full_stop and last and (len(last.group(1)) == 1 or last.group(1).lower() in ABBREVIATIONS):
            continue  # "Mr." or an initial ("C. Reporter"): the sentence goes on
        found.append((start, match.end()))
        start = match.end()
    found.append((start, len(block)))
    return [(start + len(block[start:end]) - len(block[start:end].lstrip()), end)
            for start, end in found if block[start:end].strip()]


def merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans as one, in order."""
    result: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if result and start < result[-1][1]:
            result[-1] = (result[-1][0], max(end, result[-1][1]))
        else:
            result.append((start, end))
    return result


def excerpt(text: str, passage: Passage) -> str:
    """The start of a passage, on one line, cut at a word after EXCERPT_MAX characters."""
    words = " ".join(text[passage.start:passage.end].split())
    if len(words) <= EXCERPT_MAX:
        return words
    return words[:EXCERPT_MAX].rsplit(" ", 1)[0] + "…"


def report_coverage(
    article: Article, passages: list[Passage], lines: BodyLines | None, diagnostics: Diagnostics
) -> CoverageTotal:
    """Notices: the article's total, and each passage no mention covers, at
    its line (0 when unknown). Returns the article's total."""
    total = CoverageTotal(
        passages=len(passages), annotated=sum(passage.status == ANNOTATED for passage in passages),
        skipped=sum(passage.status == SKIPPED for passage in passages), articles=1,
    )
    diagnostics.notice(article.path, 0, total.summary())
    text = article.document.text if article.document is not None else ""
    for passage in passages:
        if passage.status == MISSING:
            line = lines.line_of(passage.start) if lines is not None else 0
            diagnostics.notice(article.path, line, f"attributed passage not annotated: \"{excerpt(text, passage)}\"")
    return total
