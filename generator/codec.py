"""A file checked on its own (``validate.CheckedFile``) as JSON, and back.

This is how such a file is stored in the build cache and how it travels
from a check worker to the build. The cache may come from elsewhere (a CI
cache restored from another run), so reading an entry must never run code:
a pickle can call anything while it is loaded, and an entry planted under a
file's real key once ran code during ``check`` and ``build``. JSON cannot:
``json.loads`` makes nothing but lists, strings, numbers, booleans and None.
From those, :func:`decode` rebuilds only the known record types, with their
known fields, checking the type of every value and, where later stages look
a value up (stances, relations, actor kinds, reference targets, severities),
that it is one they know. Anything else raises :class:`Unreadable`, which
the cache counts as a miss: the file is checked again.

What this cannot stop is an entry of the right shape that says something
other than the file does: a cache is trusted for its content, so only a
cache one's own trusted builds wrote may be used (see ``cache.py``).

Each record is a JSON array of its fields in the dataclass's order, without
their names (the tables below; a test holds them to the dataclasses):

    [path, kind, id, record or null, [diagnostic, …], [reference, …]]

with the record laid out by its kind, a document as ``[text, tree]`` (the
tree as ``treejson`` writes it), a date as "YYYY-MM-DD", a partial date as
``[year, month, day]``. Arrays rather than objects keep entries small and
quick to read: at 10,000 articles, reading every entry back takes about as
long as unpickling them did (see ``prepare.py`` for the measurements).
"""

from __future__ import annotations

import datetime
import json
import math
from dataclasses import dataclass
from typing import Any, Callable

from . import schema
from .diagnostics import ERROR, WARNING, Diagnostic
from .markup import Document
from .model import Actor, Article, Claim, Mention, Outlet, PartialDate, Relation, Update
from .treejson import has_surrogate_escape
from .validate import CheckedFile, Reference


class Unreadable(ValueError):
    """An entry that is not one this version of the generator writes."""


def encode(checked: CheckedFile) -> str:
    """``checked`` as JSON text. ValueError if it holds what JSON cannot (a
    number that is not finite, which validation never lets through)."""
    record = None if checked.record is None else RECORDS[checked.kind].encode(checked.record)
    value = [
        checked.path, checked.kind, checked.id, record,
        [DIAGNOSTIC.encode(problem) for problem in checked.problems],
        [REFERENCE.encode(reference) for reference in checked.references],
    ]
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def decode(text: str) -> CheckedFile:
    """The file :func:`encode` wrote as ``text``; :class:`Unreadable` for anything else."""
    try:
        if has_surrogate_escape(text):
            raise Unreadable("a surrogate, which no text can be written with")
        value = json.loads(text, parse_constant=reject_constant)
        return decode_checked(value)
    except (ValueError, RecursionError) as problem:  # JSON's own errors are ValueErrors; so are ours
        raise Unreadable(str(problem)) from None


def decode_checked(value: Any) -> CheckedFile:
    path, kind, file_id, record, problems, references = fixed_list(value, 6)
    layout = RECORDS.get(kind) if type(kind) is str else None
    if layout is None:
        raise Unreadable(f"unknown kind of record {kind!r}")
    checked = CheckedFile(
        text(path), kind, text(file_id),
        None if record is None else layout.decode(record),
        list_of(DIAGNOSTIC.decode)(problems),
        list_of(REFERENCE.decode)(references),
    )
    check_record(checked)
    return checked


def check_record(checked: CheckedFile) -> None:
    """What ties an entry's parts together, as validation made them: a file
    without a record has an error of its own, a record is of its file, and
    every id it names is among the file's references (which the cross-file
    checks resolve; later stages look the ids up without asking)."""
    record = checked.record
    if record is None:
        if not any(problem.severity == ERROR for problem in checked.problems):
            raise Unreadable("a file without a record or an error")
        return
    if (record.id, record.path) != (checked.id, checked.path):
        raise Unreadable("a record of another file")
    if not names_of(record) <= {(reference.target, reference.value) for reference in checked.references}:
        raise Unreadable("a record naming an id its file does not refer to")
    if isinstance(record, Article):
        length = len(record.document.text) if record.document is not None else 0
        for mention in record.mentions:
            if mention.article_id != record.id:
                raise Unreadable("a mention of another article")
            if not all(0 <= start <= end <= length for start, end in mention.spans):
                raise Unreadable("a quote's place outside the article's text")


def names_of(record: Any) -> set[tuple[str, str]]:
    """(kind of reference, id) of every other record or file that ``record`` names."""
    if isinstance(record, Article):
        names = {("outlet", record.outlet_id), ("seed", record.seed)}
        for mention in record.mentions:
            names |= {("claim", mention.claim_id), ("actor", mention.actor_id), ("source", mention.via_id)}
    elif isinstance(record, Claim):
        names = {("verdict", record.verdict_id), *(("claim", relation.other_id) for relation in record.related)}
    elif isinstance(record, Actor):
        names = {("organisation", record.affiliation_id)}
    else:
        names = set()
    return {(target, value) for target, value in names if value is not None}


# --- values -----------------------------------------------------------------------------


def reject_constant(name: str) -> None:
    raise Unreadable(f"{name} is not a number")


def same(value: Any) -> Any:
    return value


def text(value: Any) -> str:
    if type(value) is not str:
        raise Unreadable(f"expected text, got {type(value).__name__}")
    return value


def integer(value: Any) -> int:
    if type(value) is not int:  # a bool is not a line number
        raise Unreadable(f"expected an integer, got {type(value).__name__}")
    return value


def boolean(value: Any) -> bool:
    if type(value) is not bool:
        raise Unreadable(f"expected true or false, got {type(value).__name__}")
    return value


def number(value: Any) -> int | float:
    if type(value) is int or (type(value) is float and math.isfinite(value)):  # "1e999" reads as infinity
        return value
    raise Unreadable(f"expected a finite number, got {value!r}")


def fixed_list(value: Any, length: int) -> list:
    if type(value) is not list or len(value) != length:
        raise Unreadable(f"expected {length} fields")
    return value


def optional(decode: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else decode(value)


def list_of(decode: Callable[[Any], Any]) -> Callable[[Any], list]:
    def decode_list(value: Any) -> list:
        if type(value) is not list:
            raise Unreadable(f"expected a list, got {type(value).__name__}")
        return [decode(item) for item in value]
    return decode_list


def tuple_of(decode: Callable[[Any], Any]) -> Callable[[Any], tuple]:
    decode_list = list_of(decode)
    return lambda value: tuple(decode_list(value))


def one_of(choices: tuple[str, ...]) -> Callable[[Any], str]:
    known = frozenset(choices)

    def decode_choice(value: Any) -> str:
        if type(value) is not str or value not in known:
            raise Unreadable(f"expected one of {sorted(known)}, got {value!r}")
        return value
    return decode_choice


def encode_each(encode: Callable[[Any], Any]) -> Callable[[Any], list]:
    return lambda items: [encode(item) for item in items]


def decode_date(value: Any) -> datetime.date:
    return datetime.date.fromisoformat(text(value))  # ValueError unless a real day


def decode_partial_date(value: Any) -> PartialDate:
    year, month, day = fixed_list(value, 3)
    if type(year) is not int or not all(part is None or type(part) is int for part in (month, day)):
        raise Unreadable("a partial date of other than integers")
    if day is not None and month is None:
        raise Unreadable("a day without a month")
    try:
        datetime.date(year, 1 if month is None else month, 1 if day is None else day)  # ValueError unless real
    except OverflowError:  # a part too large even to be checked
        raise Unreadable("a partial date out of range") from None
    return PartialDate(year, month, day)


def decode_span(value: Any) -> tuple[int, int]:
    start, end = fixed_list(value, 2)
    return integer(start), integer(end)


def decode_document(value: Any) -> Document:
    document_text, tree = fixed_list(value, 2)
    return Document.stored(document_text, tree)  # treejson.MalformedTree, a ValueError, unless it is one


# How a field is stored: (encode, decode). Most values are stored as they are.
TEXT = (same, text)
OPTIONAL_TEXT = (same, optional(text))
INTEGER = (same, integer)
BOOLEAN = (same, boolean)
OPTIONAL_DATE = (lambda date: None if date is None else date.isoformat(), optional(decode_date))
OPTIONAL_PARTIAL_DATE = (
    lambda date: None if date is None else [date.year, date.month, date.day], optional(decode_partial_date),
)
DOCUMENT = (
    lambda document: None if document is None else [document.text, document.tree.decode("utf-8")],
    optional(decode_document),
)


def choice(choices: tuple[str, ...]) -> tuple:
    return (same, one_of(choices))


def many(codec: tuple, container: Callable = list_of) -> tuple:
    """A list (or with ``tuple_of``, a tuple) of values stored as ``codec`` says."""
    encode, decode = codec
    return (encode_each(encode), container(decode))


@dataclass(frozen=True)
class Layout:
    """How one record type is stored: its fields, in the dataclass's order."""

    type: type
    fields: tuple[tuple[str, Callable[[Any], Any], Callable[[Any], Any]], ...]

    def encode(self, record: Any) -> list:
        return [encode(getattr(record, name)) for name, encode, _ in self.fields]

    def decode(self, value: Any) -> Any:
        items = fixed_list(value, len(self.fields))
        return self.type(*[decode(item) for (_, _, decode), item in zip(self.fields, items)])

    @property
    def codec(self) -> tuple:
        """(encode, decode) of this record as a field of another."""
        return (self.encode, self.decode)


def layout(record_type: type, *fields: tuple) -> Layout:
    """A layout from (name, (encode, decode)) pairs."""
    return Layout(record_type, tuple((name, encode, decode) for name, (encode, decode) in fields))


# Every kind of record a reference may point at (``validate.check_references`` knows each).
REFERENCE_TARGETS = tuple(sorted({
    spec.ref for table in (*schema.SCHEMAS.values(), schema.MENTION, schema.RELATED, schema.UPDATE)
    for spec in table.values() if spec.ref
}))

MENTION = layout(
    Mention,
    ("article_id", TEXT), ("claim_id", TEXT), ("stance", choice(schema.STANCE_CHOICES)), ("quote", TEXT),
    ("line", INTEGER), ("actor_id", OPTIONAL_TEXT), ("via_id", OPTIONAL_TEXT), ("value", (same, optional(number))),
    ("note", OPTIONAL_TEXT), ("spans", many((list, decode_span), tuple_of)), ("anchor", TEXT),
)
RELATION = layout(Relation, ("other_id", TEXT), ("relation", choice(schema.RELATIONS)), ("line", INTEGER))
UPDATE = layout(Update, ("date", (lambda date: date.isoformat(), decode_date)), ("note", TEXT))
DIAGNOSTIC = layout(Diagnostic, ("path", TEXT), ("line", INTEGER), ("message", TEXT), ("severity", choice((ERROR, WARNING))))
REFERENCE = layout(
    Reference, ("path", TEXT), ("line", INTEGER), ("target", choice(REFERENCE_TARGETS)), ("value", TEXT), ("key", TEXT),
)

RECORDS: dict[str, Layout] = {
    "article": layout(
        Article,
        ("id", TEXT), ("path", TEXT), ("title", TEXT), ("outlet_id", TEXT), ("url", OPTIONAL_TEXT),
        ("published", OPTIONAL_PARTIAL_DATE), ("author", OPTIONAL_TEXT), ("seed", OPTIONAL_TEXT),
        ("mentions", many(MENTION.codec)), ("draft", BOOLEAN), ("language", OPTIONAL_TEXT), ("document", DOCUMENT),
    ),
    "claim": layout(
        Claim,
        ("id", TEXT), ("path", TEXT), ("statement", TEXT), ("verdict_id", OPTIONAL_TEXT), ("summary", OPTIONAL_TEXT),
        ("reviewed", OPTIONAL_DATE), ("unit", OPTIONAL_TEXT), ("draft", BOOLEAN),
        ("related", many(RELATION.codec, tuple_of)), ("updates", many(UPDATE.codec, tuple_of)),
        ("verdict_line", INTEGER), ("document", DOCUMENT),
    ),
    "actor": layout(
        Actor,
        ("id", TEXT), ("path", TEXT), ("name", TEXT), ("kind", choice(schema.ACTOR_KINDS)), ("role", OPTIONAL_TEXT),
        ("affiliation_id", OPTIONAL_TEXT), ("aliases", many(TEXT, tuple_of)), ("document", DOCUMENT),
    ),
    "outlet": layout(
        Outlet,
        ("id", TEXT), ("path", TEXT), ("name", TEXT), ("url", OPTIONAL_TEXT), ("country", OPTIONAL_TEXT),
        ("owner", OPTIONAL_TEXT), ("document", DOCUMENT),
    ),
}
