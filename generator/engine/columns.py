"""How the build cache's records are laid out as JSON, field by field, and
read back a column at a time: the building blocks of ``codec.py``.

A field is stored as (encode one value, decode a column): the decoder takes
the field's values in every record of a batch (the stances of all the
mentions of 250 articles, say) and checks them with builtins over the whole
column, rather than with a Python call per value. Anything not of the
expected shape raises :class:`Unreadable`, which the cache counts as a miss.
A :class:`Layout` is a record type's fields in the dataclass's order.
"""

from __future__ import annotations

import datetime
import json
import math
from dataclasses import dataclass
from typing import Any, Callable

from ..core.markup import Document
from ..core.model import PartialDate
from .cache import digest


class Unreadable(ValueError):
    """An entry that is not one this version of the generator writes."""


def reject_constant(name: str) -> None:
    raise Unreadable(f"{name} is not a number")


# One decoder for every entry: json.loads with an option makes one per call.
DECODER = json.JSONDecoder(parse_constant=reject_constant)


def of_types(column: list, *kinds: type) -> bool:
    """Whether every value is exactly of one of ``kinds`` (a bool is not an int here)."""
    return set(map(type, column)) <= set(kinds)


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise Unreadable(f"expected {what}")


def text(value: Any) -> str:
    expect(type(value) is str, "text")
    return value


def fixed_list(value: Any, length: int) -> list:
    expect(type(value) is list and len(value) == length, f"a list of {length}")
    return value


def column_of(*kinds: type, what: str) -> Callable[[list], list]:
    def decode_column(column: list) -> list:
        expect(of_types(column, *kinds), what)
        return column
    return decode_column


texts = column_of(str, what="text")
optional_texts = column_of(str, type(None), what="text or null")
integers = column_of(int, what="integers")
booleans = column_of(bool, what="true or false")


def optional_numbers(column: list) -> list:
    expect(of_types(column, int, float, type(None)), "numbers")
    expect(all(math.isfinite(value) for value in column if type(value) is float), "finite numbers")  # "1e999"
    return column


def one_of(choices: tuple[str, ...]) -> Callable[[list], list]:
    known = frozenset(choices)

    def decode_column(column: list) -> list:
        expect(of_types(column, str) and set(column) <= known, f"one of {sorted(known)}")
        return column
    return decode_column


def lists_of(decode_items: Callable[[list], list], container: type = list) -> Callable[[list], list]:
    """A column of lists, whose items (all lists' together) ``decode_items`` decodes."""
    def decode_column(column: list) -> list:
        expect(of_types(column, list), "lists")
        items = decode_items([item for value in column for item in value])
        decoded, start = [], 0
        for value in column:
            decoded.append(container(items[start:start + len(value)]))
            start += len(value)
        return decoded
    return decode_column


def each(decode_one: Callable[[Any], Any], optional: bool = False) -> Callable[[list], list]:
    """A column whose values are decoded one by one (or are null, if ``optional``)."""
    if optional:
        return lambda column: [None if value is None else decode_one(value) for value in column]
    return lambda column: [decode_one(value) for value in column]


def decode_date(value: Any) -> datetime.date:
    return datetime.date.fromisoformat(text(value))  # ValueError unless a real day


def decode_partial_date(value: Any) -> PartialDate:
    year, month, day = fixed_list(value, 3)
    expect(type(year) is int and of_types([month, day], int, type(None)), "a partial date of integers")
    expect(day is None or month is not None, "no day without a month")
    try:
        datetime.date(year, 1 if month is None else month, 1 if day is None else day)  # ValueError unless real
    except OverflowError:  # a part too large even to be checked
        raise Unreadable("a partial date out of range") from None
    return PartialDate(year, month, day)


def spans(column: list) -> list:
    """A column of quotes' places: lists of [start, end] pairs."""
    expect(of_types(column, list), "lists")
    pairs = [pair for value in column for pair in value]
    expect(of_types(pairs, list) and set(map(len, pairs)) <= {2}, "[start, end] pairs")
    expect(of_types([number for pair in pairs for number in pair], int), "integer places")
    return [tuple(map(tuple, value)) for value in column]


def optional_documents(column: list) -> list:
    """A column of documents (null, or ``[length, digest, form]`` as
    ``codec.parse_entry`` leaves them), each form the one its digest names.
    The forms are read, and their trees checked, when first used
    (``markup.Document``)."""
    stored = [value for value in column if value is not None]
    expect(of_types(stored, list) and set(map(len, stored)) <= {3}, "[length, digest, form] of documents")
    lengths, digests, forms = ([value[place] for value in stored] for place in range(3))
    expect(of_types(lengths, int) and min(lengths, default=0) >= 0, "texts' lengths")
    expect(of_types(digests, str) and all(type(form) in (bytes, memoryview) for form in forms), "digests and forms")
    expect(list(map(document_digest, lengths, forms)) == digests, "documents of the digests their records name")
    documents = iter(map(Document.from_stored, lengths, forms))
    return [None if value is None else next(documents) for value in column]


def same(value: Any) -> Any:
    return value


# How a field is stored: (encode one value, decode a column). Most values are stored as they are.
TEXT = (same, texts)
OPTIONAL_TEXT = (same, optional_texts)
INTEGER = (same, integers)
BOOLEAN = (same, booleans)
DATE = (lambda date: date.isoformat(), each(decode_date))
OPTIONAL_DATE = (lambda date: None if date is None else date.isoformat(), each(decode_date, optional=True))
OPTIONAL_PARTIAL_DATE = (
    lambda date: None if date is None else [date.year, date.month, date.day],
    each(decode_partial_date, optional=True),
)
def document_digest(length: int, form: bytes | memoryview) -> str:
    """What a record names its document by: the stored form with its text's
    length, which the record holds too (so a length changed alone is a miss
    as well, rather than a document that fails when it is read). Hashed
    in two steps rather than joined: the forms are 73 MB at 10,000 articles."""
    return digest(b"%d\n" % length, form)


# The document as it is: codec.encode stores it after the entry's JSON, and its length and digest in it.
DOCUMENT = (same, optional_documents)
SPANS = (lambda places: [list(place) for place in places], spans)


def choice(choices: tuple[str, ...]) -> tuple:
    return (same, one_of(choices))


@dataclass(frozen=True)
class Layout:
    """How one record type is stored: its fields, in the dataclass's order."""

    type: type
    fields: tuple[tuple[str, Callable[[Any], Any], Callable[[list], list]], ...]

    def encode(self, record: Any) -> list:
        return [encode(getattr(record, name)) for name, encode, _ in self.fields]

    def decode(self, value: Any) -> Any:
        return self.decode_many([value])[0]

    def decode_many(self, rows: Any) -> list:
        """Records from a list of rows, each field checked down the column."""
        expect(type(rows) is list and of_types(rows, list) and set(map(len, rows)) <= {len(self.fields)},
               f"lists of {len(self.fields)} fields")
        if not rows:
            return []
        columns = [decode(list(column)) for (_, _, decode), column in zip(self.fields, zip(*rows))]
        return [self.type(*values) for values in zip(*columns)]

    def many(self, container: type = list) -> tuple:
        """(encode, decode) of a list (or tuple) of these records as a field of another."""
        return (lambda records: [self.encode(record) for record in records], lists_of(self.decode_many, container))


def layout(record_type: type, *fields: tuple) -> Layout:
    """A layout from (name, (encode, decode)) pairs."""
    return Layout(record_type, tuple((name, encode, decode) for name, (encode, decode) in fields))
