"""Checking values against the content model: one converter per field type,
and :class:`FieldChecker`, which checks a mapping against its table in
``schema.py``, reporting every unknown key (with a did-you-mean), missing
required key and bad value at its file line.

Used by ``validate.py`` for content files and by ``siteconfig.py`` for
``site.yaml``.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass
from typing import Any, Callable

from ..core.diagnostics import Diagnostics, did_you_mean
from ..core.language import is_language_tag
from ..core.markup import is_web_url
from ..core.model import Licence, PartialDate
from . import schema
from .licences import parse_licence
from .load import YamlList, YamlMap, is_date

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # use with fullmatch
COLOUR_PATTERN = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
PARTIAL_DATE_PATTERN = re.compile(r"^([0-9]{4})(?:-([0-9]{2}))?$")


class Invalid(Exception):
    """A value that does not fit its field; the message says why."""


@dataclass(frozen=True)
class Reference:
    """An id written in one file that must name a record of another."""

    path: str
    line: int
    target: str  # a ``Field.ref``: claim, actor, outlet, source, organisation, verdict, seed
    value: str
    key: str


# --- value checks, one per field type ----------------------------------------


def as_text(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(f"expected text, got {describe(value)}")
    if not value.strip():
        raise Invalid("must not be empty")
    return value.strip()


def as_id(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(f"expected an id, got {describe(value)}")
    if not ID_PATTERN.fullmatch(value):
        raise Invalid(f"'{value}' is not a valid id: use lowercase letters, digits and hyphens")
    return value


def as_url(value: Any) -> str:
    text = as_text(value)
    if not is_web_url(text):
        raise Invalid(f"'{text}' is not an http(s) URL")
    return text


def as_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if is_date(value):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
        # A quoted date is text to YAML; accept it when it names a real day.
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise Invalid(f"'{value}' is not a real date") from None
    raise Invalid(f"expected a date as YYYY-MM-DD, got {describe(value)}")


def as_partial_date(value: Any) -> PartialDate:
    if isinstance(value, (datetime.date, datetime.datetime)) or (
        isinstance(value, str) and re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", value.strip())
    ):
        date = as_date(value)
        return PartialDate(date.year, date.month, date.day)
    match = PARTIAL_DATE_PATTERN.match(str(value).strip()) if isinstance(value, (str, int)) else None
    if match and not isinstance(value, bool):
        year, month = int(match.group(1)), match.group(2)
        if year < 1:
            raise Invalid(f"'{value}' is not a real date: there is no year 0")
        if month is not None and not 1 <= int(month) <= 12:
            raise Invalid(f"'{value}' has no month {month}")
        return PartialDate(year, int(month) if month else None)
    raise Invalid(f"expected a date as YYYY-MM-DD, YYYY-MM or YYYY, got {describe(value)}")


def as_number(value: Any) -> float | int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Invalid(f"expected a number, got {describe(value)}")
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        finite = False
    if not finite:
        raise Invalid(f"expected a number, got {describe(value)}")
    return value


def as_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"expected true or false, got {describe(value)}")
    return value


def as_text_list(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise Invalid(f"expected a list, got {describe(value)}")
    return tuple(as_text(item) for item in value)


def as_language(value: Any) -> str:
    text = as_text(value)
    if not is_language_tag(text):
        raise Invalid(f"'{text}' is not a language tag such as en, fa-AF or ps")
    return text


def as_colour(value: Any) -> str:
    if not isinstance(value, str) or not COLOUR_PATTERN.fullmatch(value):
        raise Invalid(f"expected a colour as #rrggbb, got {describe(value)}")
    return value


def as_licence(value: Any) -> Licence:
    try:
        return parse_licence(as_text(value))
    except ValueError as problem:
        raise Invalid(str(problem)) from None


NESTED_TYPES = ("mentions", "skips", "verdicts", "related", "updates", "publisher")

CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "text": as_text,
    "id": as_id,
    "url": as_url,
    "date": as_date,
    "partial-date": as_partial_date,
    "number": as_number,
    "bool": as_bool,
    "text-list": as_text_list,
    "colour": as_colour,
    "language": as_language,
    "licence": as_licence,
}


def describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (a yes/no value; put it in quotes to make it text)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"'{value}'"


# --- checking a mapping against a table ---------------------------------------


def missing_key(key: str, what: str) -> str:
    """The message for a required key left out of ``what`` ("the front matter", "a mention")."""
    return f"missing required key '{key}' in {what}"


class FieldChecker:
    """Checks mappings against schema tables, collecting problems and references."""

    def __init__(self, diagnostics: Diagnostics):
        self.diagnostics = diagnostics
        self.references: list[Reference] = []

    def check(
        self, mapping: YamlMap, table: dict[str, schema.Field], path: str, what: str
    ) -> dict[str, Any]:
        """Return the valid, converted values of ``mapping``; report the rest."""
        values: dict[str, Any] = {}
        for key in mapping:
            if key not in table:
                self.diagnostics.error(
                    path,
                    mapping.line_of(key),
                    f"unknown key '{key}' in {what}{did_you_mean(str(key), table)}",
                )
        for key, spec in table.items():
            if key not in mapping or mapping[key] is None:
                if spec.required:
                    line = mapping.line_of(key) if key in mapping else mapping.line
                    self.diagnostics.error(path, line, missing_key(key, what))
                continue
            if spec.type in NESTED_TYPES:
                continue  # lists of mappings, checked item by item by their owner
            line = mapping.line_of(key)
            try:
                values[key] = self.convert(mapping[key], spec, key)
            except Invalid as problem:
                self.diagnostics.error(path, line, f"'{key}': {problem}")
                continue
            if spec.ref:
                self.references.append(Reference(path, line, spec.ref, values[key], key))
        return values

    def convert(self, value: Any, spec: schema.Field, key: str) -> Any:
        if spec.type == "choice":
            if value not in spec.choices:
                options = ", ".join(spec.choices)
                raise Invalid(
                    f"{describe(value)} is not one of {options}"
                    + did_you_mean(str(value), spec.choices)
                )
            return value
        return CONVERTERS[spec.type](value)

    def items(self, value: Any, path: str, line: int, key: str) -> list[tuple[YamlMap, int]]:
        """The items of a list-of-mappings field, each with its line."""
        if not isinstance(value, YamlList):
            self.diagnostics.error(path, line, f"'{key}': expected a list, got {describe(value)}")
            return []
        items = []
        for item, item_line in zip(value, value.item_lines):
            if isinstance(item, YamlMap):
                items.append((item, item_line))
            else:
                self.diagnostics.error(
                    path, item_line, f"'{key}': each item must be a mapping of keys, got {describe(item)}"
                )
        return items
