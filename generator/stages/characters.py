"""Characters that no page or feed can carry, refused wherever content text is read.

XML 1.0 allows only #x9, #xA, #xD, #x20-#xD7FF, #xE000-#xFFFD and
#x10000-#x10FFFF in text, and HTML parses the same control characters as
errors. YAML escapes (``"\\0"``, ``"\\e"``, ``"\\x0b"``, ``"\\uFFFE"``) and raw
control bytes in a Markdown body (valid UTF-8) made feeds that no reader
parses and put NUL bytes in ten output files; a lone surrogate
(``"\\ud800"``) cannot be written as UTF-8 at all and crashed the build with
a traceback. Every text of a content file and of site.yaml (front-matter
keys and values, Markdown bodies) passes :func:`check_text` as it is read.
"""

from __future__ import annotations

import re

from ..core.diagnostics import Diagnostics

# Everything XML 1.0 leaves out below U+10000: C0 controls but tab, line feed
# and carriage return; surrogates (which only escapes can make: UTF-8 decoding
# refuses them); and the noncharacters U+FFFE and U+FFFF.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def check_text(text: str, path: str, line: int, diagnostics: Diagnostics, lines_follow: bool = False) -> str:
    """``text``, with any character XML cannot carry reported and replaced by U+FFFD.

    The first such character is reported, on ``line``; with ``lines_follow``
    (a Markdown body, whose line breaks are the file's) on the line it is on.
    The replacement keeps it out of every later message and page, so nothing
    downstream has to be careful with it.
    """
    found = NOT_IN_XML.search(text)
    if found is None:
        return text
    if lines_follow:
        line += text.count("\n", 0, found.start())
    diagnostics.error(path, line, describe(found.group()))
    return NOT_IN_XML.sub(REPLACEMENT, text)


def describe(char: str) -> str:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        what = "half of a surrogate pair"
        hint = "write the character itself, or escape it as \\U followed by 8 hex digits"
    else:
        what = "not a character" if code >= 0xFFFE else "a control character"
        hint = "remove it, or the escape that writes it"
    return (f"the character U+{code:04X} ({what}) is not allowed in text: "
            f"web pages and feeds cannot carry it (hint: {hint})")
