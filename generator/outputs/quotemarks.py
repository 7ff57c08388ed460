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

Marks that pair up inside the quote (``“None of them…,” he added.``) stay,
but in an English quote a double pair inside becomes single, as a quotation
inside a quotation is printed in English: ours go around it, so “"We have
sufficient evidence…," Saraj added” reads “‘We have sufficient evidence…,’
Saraj added” (4 of the example's quotes begin so, and 4 more quote a phrase
inside). Other languages nest marks in other ways (German „…‚…‘…“, French
«…“…”…»), so their quotes keep the source's marks inside.

An apostrophe is not a quotation mark: a ``’`` or ``'`` between letters,
one ending a word (``the students’``) or starting a number (``'80s``) is
never taken for one. The stored quote stays verbatim (anchoring, open data);
this is display only, used wherever a quote is shown (``display_quote`` in
templates, the feeds).
"""

from __future__ import annotations

from ..core.quotationmarks import AMBIGUOUS, APOSTROPHE, CLOSING, MARK, OPENERS_OF, PAIRS, mark_kind


def display_quote(text: str, language: str | None = None) -> str:
    """``text`` as pages show it, inside their own quotation marks: those of
    ``language``, the quote's (BCP 47; None: nest nothing)."""
    shown = _without_outer_marks(text)
    if language and language.split("-")[0].lower() == "en":
        shown = nested_in_english(shown)
    return shown


def _without_outer_marks(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and _encloses(text):
        return text[1:-1].strip()
    if text and text[0] in PAIRS and mark_kind(text, 0) == MARK and not _partner_after(text):
        text = text[1:].lstrip()
    if text and text[-1] in CLOSING and mark_kind(text, len(text) - 1) == MARK and not _partner_before(text):
        text = text[:-1].rstrip()
    return text


def _encloses(text: str) -> bool:
    """Whether the first and last characters are one pair of marks around all of it.

    Not when the first mark is closed before the end ("A" and "B"), nor
    when a mark inside could be read either way (a straight " inside "…", a
    ’ after a word inside ‘…’): then the marks are left as they are.
    """
    opening, closing = text[0], text[-1]
    closers = PAIRS.get(opening, "")
    if closing not in closers or mark_kind(text, 0) != MARK or mark_kind(text, len(text) - 1) == APOSTROPHE:
        return False
    depth = 1
    for index in range(1, len(text) - 1):
        kind, char = mark_kind(text, index), text[index]
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
    return any(text[i] in closers and mark_kind(text, i) in (MARK, AMBIGUOUS) for i in range(1, len(text)))


def _partner_before(text: str) -> bool:
    """Whether the mark at the end was (or may have been) opened earlier on."""
    openers = OPENERS_OF[text[-1]]
    return any(text[i] in openers and mark_kind(text, i) in (MARK, AMBIGUOUS) for i in range(len(text) - 1))


# --- a quotation inside the quote ---------------------------------------------------------------

DOUBLE_MARKS = frozenset('"“”')
SINGLE_MARKS = frozenset("'‘’")
OPEN, CLOSE = "open", "close"
_OPENS_AFTER = frozenset("([{—–-/")  # a straight " after these opens a quotation
_CLOSES_BEFORE = frozenset(".,;:!?)]}—–-…")  # …and before these closes one


def nested_in_english(text: str) -> str:
    """``text`` with each pair of double marks made single (“no” → ‘no’).

    Only when every double mark can be told to open or close and they pair
    up in order; a pair holding a single quotation mark of its own stays
    double (it would not nest clearly). Otherwise ``text`` is left as it is.
    """
    if not any(mark in text for mark in DOUBLE_MARKS):  # most quotes: no scan character by character
        return text
    marks = [index for index, char in enumerate(text) if char in DOUBLE_MARKS]
    roles = [_double_role(text, index) for index in marks]
    if len(roles) % 2 or roles != [OPEN, CLOSE] * (len(roles) // 2):
        return text
    shown = list(text)
    for opening, closing in zip(marks[::2], marks[1::2]):
        inside = range(opening + 1, closing)
        if not any(text[i] in SINGLE_MARKS and mark_kind(text, i) == MARK for i in inside):
            shown[opening], shown[closing] = "‘", "’"
    return "".join(shown)


def _double_role(text: str, index: int) -> str | None:
    """Whether the double mark at ``index`` opens or closes a quotation (None: cannot tell)."""
    char = text[index]
    if char != '"':
        return OPEN if char == "“" else CLOSE
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    opens = (before.isspace() or before in _OPENS_AFTER) and not after.isspace()
    closes = not before.isspace() and (after.isspace() or after in _CLOSES_BEFORE)
    if opens == closes:
        return None
    return OPEN if opens else CLOSE
