"""A value written as a YAML scalar that the site's loader reads back exactly.

A string is written plain when that reads back as the same string (the
round trip is the test, with the loader the build uses: ``yes``, ``12``,
``2024-01-01``, ``a # b``, ``x: y``, ``- x``, a leading quote or trailing
space all fail it), else in double quotes with ``\\`` escapes for the
backslash, the double quote and every character that is not printable.
Letters of any script (Dari, Hebrew…) are written as they are; an
invisible character (a direction mark, a no-break space) only escaped,
in quotes, so the file shows that it is there.
"""

from __future__ import annotations

import unicodedata

from ..core.diagnostics import Diagnostics
from ..core.translations import N_
from ..stages.yamlnodes import YamlMap, parse_yaml
from . import EditError

_PROBE_KEY = "k"
_SHORT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def yaml_scalar(value: str | int | float) -> str:
    """``value`` as YAML text for ``key: <here>`` on one line."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise EditError(N_("cannot write %(value)s: only text and numbers are written"), value=repr(value))
    if not isinstance(value, str):
        return checked(number_text(value), value)
    if all(_escape(char) == char for char in value) and reads_back(value, value):
        return value
    return checked(double_quoted(value), value)


def number_text(value: int | float) -> str:
    """A number as YAML reads it back as that number. Python writes 1e-07 and
    1e+21 without a point, which YAML 1.1 (PyYAML) reads as text: 1.0e-07."""
    text = repr(value)
    if isinstance(value, float) and "e" in text and "." not in text:
        mantissa, _, exponent = text.partition("e")
        text = f"{mantissa}.0e{exponent}"
    return text


def double_quoted(text: str) -> str:
    return '"' + "".join(_escape(char) for char in text) + '"'


def _escape(char: str) -> str:
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    # Controls, format characters (U+200E, U+FEFF…), separators other than
    # the space, and surrogates: escaped, so the file shows what is there.
    if unicodedata.category(char)[0] in "CZ" and char != " ":
        code = ord(char)
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return char


def reads_back(text: str, value: str | int | float) -> bool:
    """Whether ``k: <text>`` is read by the site's loader as ``value``, with no problem reported."""
    if "\n" in text or "\r" in text:
        return False
    diagnostics = Diagnostics()
    ok, parsed = parse_yaml(f"{_PROBE_KEY}: {text}\n", "value", 1, diagnostics)
    if not ok or diagnostics.errors or not isinstance(parsed, YamlMap) or list(parsed) != [_PROBE_KEY]:
        return False
    read = parsed[_PROBE_KEY]
    return type(read) is type(value) and read == value


def checked(text: str, value: str | int | float) -> str:
    if not reads_back(text, value):
        raise EditError(N_("cannot write %(value)s so that it reads back the same (a character no page can carry?)"),
                        value=repr(value))
    return text
