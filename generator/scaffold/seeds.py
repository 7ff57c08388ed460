"""A seed (the raw text of an article in ``seeds/``) → its title, an id and Markdown.

The body becomes one paragraph per non-empty line, escaped where Markdown
would otherwise read the line as something else (a heading, a list, a
quote, …), so a reader sees each line as it is in the seed.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ..core.markup import MarkdownConverter
from ..stages.validate import suggest_id
from . import ScaffoldError

SLUG_MAX = 60  # characters; a title's slug is cut at a word boundary
# Words of the title a proposed slug keeps, fillers left out: the whole first
# line made ids such as 'fictional-test-article-not-a-real-report-written-to-try-the';
# the example's editors chose 4 to 6 words ('taliban-deny-ties-al-qaeda').
SLUG_WORDS = 6
# English words that carry no meaning in an id. Negations ('not', 'no') stay:
# leaving them out would turn a title's meaning around.
SLUG_FILLERS = frozenset(
    "a an the of to in on at by for from with and or as is are was were be been".split()
)
HEADLINE_MAX = 150  # a longer first line is a paragraph, not a headline: it stays in the body too


def read_seed(path: Path) -> tuple[str, list[str]]:
    """The title (first non-empty line) and the body lines of a seed.

    The title's runs of whitespace become single spaces; body lines are only
    stripped. A line that repeats the title right after it (ignoring case and
    spacing) is a second copy of the headline and is dropped; nothing else
    is. A first line too long to be a headline (a seed that starts with its
    text) is the title and also stays the first paragraph, so no text is lost.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScaffoldError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScaffoldError(f"{path}:{line}: the seed is not UTF-8 text; convert it first") from exc
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        raise ScaffoldError(f"{path} is empty: the seed must hold the article's text")
    title, body = " ".join(lines[0].split()), lines[1:]
    if len(title) > HEADLINE_MAX:
        return title, lines
    while body and same_words(body[0], title):
        body = body[1:]
    return title, body


def same_words(a: str, b: str) -> bool:
    return a.casefold().split() == b.casefold().split()


# Letters that Unicode does not decompose into an ASCII letter plus accents.
FOLD = str.maketrans({
    "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ı": "i",
})
APOSTROPHES = re.compile(r"(?<=\w)['’ʼ](?=\w)")


def slugify(title: str, fallback: str = "untitled") -> str:
    """A short id proposed from a title: "Été: l'année 2021" → "ete-lannee-2021".

    At most SLUG_WORDS of the title's words, fillers ("of", "the"…) left
    out, and at most SLUG_MAX characters, cut at a word boundary. A word
    is what spaces separate ("al-Qaeda–Taliban" is one, "al-qaeda-taliban"
    in the slug). Accents are folded; every other character that is not an
    ASCII letter or digit separates the parts of a word.
    """
    text = unicodedata.normalize("NFKD", APOSTROPHES.sub("", title.translate(FOLD)))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = ["-".join(parts) for parts in (re.findall(r"[a-z0-9]+", word) for word in text.lower().split()) if parts]
    kept = [word for word in words if word not in SLUG_FILLERS] or words
    if not kept:
        return suggest_id(fallback)[:SLUG_MAX].strip("-") or "untitled"
    slug = cut_at_hyphen(kept[0], SLUG_MAX)
    for word in kept[1:SLUG_WORDS]:
        if len(slug) + 1 + len(word) > SLUG_MAX:
            break
        slug += "-" + word
    return slug


def cut_at_hyphen(word: str, limit: int) -> str:
    """``word`` cut to ``limit`` characters, at a hyphen when it has one there."""
    if len(word) <= limit:
        return word
    head = word[: limit + 1].rpartition("-")[0]
    return head or word[:limit]


def markdown_body(paragraphs: list[str]) -> str:
    """The seed's paragraphs as a Markdown body, each shown to a reader exactly as it is."""
    converter = MarkdownConverter()
    return "\n\n".join(markdown_paragraph(paragraph, converter) for paragraph in paragraphs)


def visible_text(markdown_source: str, converter: MarkdownConverter) -> str:
    """What a reader sees of a Markdown text, with whitespace runs collapsed."""
    return " ".join(converter.parse(markdown_source).text.split())


BLOCK_START = re.compile(r"^(?:[#>+*_\-\[]|\d+\.)")
INLINE_SPECIAL = re.compile(r"([\\`*_\[\]])")
ENTITY_SPECIAL = {"&": "&amp;", "<": "&lt;"}


def escape_block(line: str) -> str:
    """Keep a line from starting a heading, list, quote, rule or reference."""
    match = BLOCK_START.match(line)
    if not match:
        return line
    marker = match.group()
    if marker.endswith("."):  # "1. first": escape the dot, not the digits
        return marker[:-1] + "\\" + line[len(marker) - 1 :]
    return "\\" + line


def escape_inline(line: str) -> str:
    return INLINE_SPECIAL.sub(r"\\\1", line)


def escape_entities(line: str) -> str:
    return "".join(ENTITY_SPECIAL.get(ch, ch) for ch in line)


def markdown_paragraph(line: str, converter: MarkdownConverter) -> str:
    """Markdown for one seed line that shows a reader exactly that line.

    Tries escapes from the least to the most intrusive and keeps the first
    whose visible text is the line itself, so ordinary text stays as it is.
    """
    wanted = " ".join(line.split())
    attempts = (
        line,
        escape_block(line),
        escape_block(escape_inline(line)),
        escape_block(escape_inline(escape_entities(line))),
    )
    for attempt in attempts:
        if visible_text(attempt, converter) == wanted:
            return attempt
    return attempts[-1]  # pragma: no cover - every line fits the last attempt
