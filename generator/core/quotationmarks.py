"""Quotation marks: which opens, which closes, and when a mark is an apostrophe.

Shared by how a quote is shown (``outputs/quotemarks.py``) and by what
``check --coverage`` takes for a quotation (``stages/coverage.py``).
"""

from __future__ import annotations

import re

# Each opening mark and the marks that close it, in the languages that use it:
# English “…” ‘…’, German „…“ ‚…‘ »…«, Polish and Dutch „…”, French and
# Dari «…», Swedish and Finnish ”…” ’…’ »…», CJK 「…」 『…』; straight marks.
PAIRS = {
    '"': '"', "'": "'",
    "“": "”", "‘": "’",
    "„": "“”", "‚": "‘’",
    "‟": "”", "‛": "’",
    "«": "»", "»": "«»",
    "‹": "›", "›": "‹›",
    "”": "”", "’": "’",
    "「": "」", "『": "』",
}
CLOSING = frozenset("".join(PAIRS.values()))
OPENERS_OF = {close: frozenset(o for o, closers in PAIRS.items() if close in closers) for close in CLOSING}
# Marks that are also apostrophes, and so need a look at their neighbours.
APOSTROPHES = frozenset("'’")
_WORD = re.compile(r"\w")

MARK, APOSTROPHE, AMBIGUOUS, TEXT = "mark", "apostrophe", "ambiguous", "text"


def mark_kind(text: str, index: int) -> str:
    """What ``text[index]`` is: a quotation mark, an apostrophe, either, or no mark.

    "Taliban’s" holds an apostrophe; "guests’ " ends either a quotation or a
    plural's possessive; "’tis" and "'80s" start either a quotation or an
    elision. Next to a space or punctuation on both sides (",’ ", " ‘"), or a
    mark that is never an apostrophe (“ ” ‘ « …), it is a quotation mark.
    """
    char = text[index]
    if char not in PAIRS and char not in CLOSING:
        return TEXT
    if char not in APOSTROPHES:
        return MARK
    word_before = index > 0 and _WORD.match(text[index - 1]) is not None
    word_after = index + 1 < len(text) and _WORD.match(text[index + 1]) is not None
    if word_before and word_after:
        return APOSTROPHE
    if word_before:
        return AMBIGUOUS
    if word_after:  # 'Taliban opens a quotation; ’tis and '80s are elisions
        return MARK if char == "'" and not text[index + 1].isdigit() else AMBIGUOUS
    return MARK
