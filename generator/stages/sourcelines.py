"""Where a place in an article's text is in its Markdown file.

Quotes are anchored in the text a reader sees (``Document.text``), which
Markdown made from the body: emphasis marks, escapes, link addresses and
entities are gone, paragraphs are joined. To say on which line of the file
a passage of that text sits, the words of the two are lined up
(``difflib``): words are what Markdown keeps, in order, and what it adds
(a link's address) or takes away is a gap in the alignment, not a shift.
"""

from __future__ import annotations

import bisect
import difflib
import re

_WORD = re.compile(r"\w+")


class BodyLines:
    """Lines of the file for offsets in the text made from ``body``.

    ``body`` starts on file line ``body_line``; ``text`` is what Markdown
    made of it.
    """

    def __init__(self, body: str, body_line: int, text: str):
        body_words = [(match.start(), match.group().casefold()) for match in _WORD.finditer(body)]
        text_words = [(match.start(), match.group().casefold()) for match in _WORD.finditer(text)]
        matcher = difflib.SequenceMatcher(None, [w for _, w in body_words], [w for _, w in text_words],
                                          autojunk=False)
        # For each word of the text that has its match in the body: its offset in the text, and the body's.
        self._text_starts: list[int] = []
        self._body_starts: list[int] = []
        for body_index, text_index, size in matcher.get_matching_blocks():
            for k in range(size):
                self._text_starts.append(text_words[text_index + k][0])
                self._body_starts.append(body_words[body_index + k][0])
        self._newlines = [index for index, char in enumerate(body) if char == "\n"]
        self._body_line = body_line

    def line_of(self, offset: int) -> int:
        """The file line of the first matched word at or after ``offset`` in
        the text (the last one before it, at the end); the body's first line
        when no word matched."""
        if not self._text_starts:
            return self._body_line
        k = min(bisect.bisect_left(self._text_starts, offset), len(self._text_starts) - 1)
        return self._body_line + bisect.bisect_left(self._newlines, self._body_starts[k])
