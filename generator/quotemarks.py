"""How a quote is shown: the source's own quotation marks at its ends left out.

Editors copy quotes verbatim, often with the marks the source put around
the words (18 of the 108 example quotes): ``“There is still clearly a
close relationship…,”``. Pages put their own marks around every quote
(CSS ``open-quote``, in the quote's language), so shown as stored it read
“"There is…,"”. :func:`display_quote` leaves out

- a pair of marks that encloses the whole quote (``"…"``, ``“…”``,
  ``„…“``, ``«…»``, ``‘…’``, ``「…」``…), once: marks inside stay;
- a mark at one end only whose partner is not in the quote, because the
  quotation goes on beyond the excerpt (``“It was quite before…`` or
  ``…in Helmand,”``).

Marks that pair up inside the quote (``“None of them…,” he added.``) stay.
An apostrophe is not a quotation mark: a ``’`` or ``'`` between letters,
one ending a word (``the students’``) or starting a number (``'80s``) is
never taken for one. The stored quote stays verbatim (anchoring, open data);
this is display only, used wherever a quote is shown (``display_quote`` in
templates, the feeds).
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


def display_quote(text: str) -> str:
    """``text`` as pages show it, inside their own quotation marks."""
    text = text.strip()
    if len(text) >= 2 and _encloses(text):
        return text[1:-1].strip()
    if text and text[0] in PAIRS and _kind(text, 0) == MARK and not _partner_after(text):
        text = text[1:].lstrip()
    if text and text[-1] in CLOSING and _kind(text, len(text) - 1) == MARK and not _partner_before(text):
        text = text[:-1].rstrip()
    return text


def _kind(text: str, index: int) -> str:
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


def _encloses(text: str) -> bool:
    """Whether the first and last characters are one pair of marks around all of it.

    Not when the first mark is closed before the end ("A" and "B"), nor
    when a mark inside could be read either way (a straight " inside "…", a
    ’ after a word inside ‘…’): then the marks are left as they are.
    """
    opening, closing = text[0], text[-1]
    closers = PAIRS.get(opening, "")
    if closing not in closers or _kind(text, 0) != MARK or _kind(text, len(text) - 1) == APOSTROPHE:
        return False
    depth = 1
    for index in range(1, len(text) - 1):
        kind, char = _kind(text, index), text[index]
        if kind == AMBIGUOUS and (char in closers or char == opening):
            return False
        if kind != MARK:
            continue
        if char == opening and opening in closers:  # opens or closes: cannot tell
            return False
        if char == opening:
            depth += 1
        elif char in closers:
            depth -= 1
            if depth == 0:
                return False
    return True


def _partner_after(text: str) -> bool:
    """Whether the mark at the start is (or may be) closed further on."""
    closers = PAIRS[text[0]]
    return any(text[i] in closers and _kind(text, i) in (MARK, AMBIGUOUS) for i in range(1, len(text)))


def _partner_before(text: str) -> bool:
    """Whether the mark at the end was (or may have been) opened earlier on."""
    openers = OPENERS_OF[text[-1]]
    return any(text[i] in openers and _kind(text, i) in (MARK, AMBIGUOUS) for i in range(len(text) - 1))
