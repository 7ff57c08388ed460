"""A file checked on its own (``validate.CheckedFile``) as JSON, and back.

This is how such a file is stored in the build cache. The cache may come
from elsewhere (a CI cache restored from another run), so reading an entry
must never run code:
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
``[year, month, day]``. Arrays rather than objects keep entries small: at
10,000 articles the database takes 110 MB (the pickles took 168 MB).

Reading is the cost: JSON is parsed character by character and every value
is checked, where pickle copied bytes and trusted them. So entries are read
in batches, each field checked down the column of the whole batch with
builtins (:func:`decode_values`): the 13,043 entries of that corpus read
back in 1.4 s of CPU time, against 2.6 s one by one and 0.45 s unpickled
(see ``prepare.py``), and builds that read them did not get slower
(``tests/bench``'s "full build after one article changed": 15.1 s against
18.2 s before, medians of three on a shared machine). The documents' trees
are checked apart from the rest (:func:`malformed_trees`, after
:func:`decode_values`), so that a build may check them in another process
while it reads the rest (``prepare.read_cached``): they were 0.57 s of the
1.55 s (CPU time, one run on a loaded machine) that the rest took after
parsing.
"""

from __future__ import annotations

import datetime
import json
import math
from dataclasses import dataclass
from typing import Any, Callable

from ..core.diagnostics import ERROR, WARNING, Diagnostic
from ..core.markup import Document
from ..core.model import Actor, Article, Claim, Mention, Outlet, PartialDate, Relation, SitePage, Update
from ..core import treejson
from ..core.treejson import has_surrogate_escape
from ..stages import schema
from ..stages.validate import CheckedFile, Reference


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
        value = parse(text)
        checked = decode_files([value])[0]
    except (ValueError, RecursionError) as problem:  # JSON's own errors are ValueErrors; so are ours
        raise Unreadable(str(problem)) from None
    if malformed_trees([value]):
        raise Unreadable("a document's tree that is not one")
    return checked


def decode_batch(texts: list[str]) -> list[CheckedFile | None]:
    """:func:`decode` of each of ``texts``, None for each that is Unreadable."""
    values = [parse_or_none(text) for text in texts]
    malformed = malformed_trees(values)
    return [None if index in malformed else checked for index, checked in enumerate(decode_values(values))]


def parse_or_none(text: str | None) -> Any:
    """The parsed JSON of an entry (see :func:`parse`), or None."""
    try:
        return parse(text)
    except (ValueError, RecursionError):
        return None


def decode_values(values: list) -> list[CheckedFile | None]:
    """Checked files from parsed entries (None for None, and for each that is
    Unreadable), all but their documents' trees, which :func:`malformed_trees`
    checks: no checked file may be used before its tree is.

    All at once, each field checked down the column of all the files, as
    long as every one of them reads; if one does not, they are read again
    one by one to tell which.
    """
    present = [value for value in values if value is not None]
    try:
        decoded = iter(decode_files(present))
    except (ValueError, RecursionError):
        return [decode_value_or_none(value) for value in values]
    return [None if value is None else next(decoded) for value in values]


def decode_value_or_none(value: Any) -> CheckedFile | None:
    if value is None:
        return None
    try:
        return decode_files([value])[0]
    except (ValueError, RecursionError):
        return None


def malformed_trees(values: list) -> set[int]:
    """The places in ``values`` (parsed entries) of those whose document's
    tree is not one (``treejson.malformed``).

    Apart from the rest of an entry (:func:`decode_values`), so that a build
    may check them in another process while it reads the rest
    (``prepare.read_cached``). An entry whose document is not where
    :func:`decode_files` reads it is not looked at here: that refuses it.
    """
    documents = [(index, document) for index, document in enumerate(map(stored_document, values))
                 if document is not None]
    return {documents[place][0] for place in treejson.malformed([document for _, document in documents])}


def stored_document(value: Any) -> list | None:
    """``[text, tree]`` of a parsed entry's record, if it has one where :func:`decode_files` looks."""
    try:
        document = value[3][DOCUMENT_FIELD[value[1]]]
    except (TypeError, KeyError, IndexError):
        return None
    return document if type(document) is list and len(document) == 2 and type(document[0]) is str else None


def parse(text: str) -> Any:
    expect(type(text) is str, "text")
    expect(not has_surrogate_escape(text), "no surrogate, which no text can be written with")
    return DECODER.decode(text)


def decode_files(values: list) -> list[CheckedFile]:
    """Checked files from their parsed JSON, each part checked down the column."""
    expect(of_types(values, list) and set(map(len, values)) <= {6}, "files of six parts")
    paths, kinds, ids, records, problems, references = map(list, zip(*values)) if values else ([],) * 6
    one_of(tuple(RECORDS))(kinds)
    decoded_records: list = [None] * len(values)
    for kind, layout in RECORDS.items():
        indices = [index for index, (of, record) in enumerate(zip(kinds, records)) if of == kind and record is not None]
        for index, record in zip(indices, layout.decode_many([records[index] for index in indices])):
            decoded_records[index] = record
    files = [
        CheckedFile(*parts) for parts in zip(
            texts(paths), kinds, texts(ids), decoded_records,
            lists_of(DIAGNOSTIC.decode_many)(problems), lists_of(REFERENCE.decode_many)(references),
        )
    ]
    for checked in files:
        check_record(checked)
    return files


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
            names |= {("claim", mention.claim_id), ("actor", mention.actor_id), ("source", mention.via_id),
                      ("source", mention.value_attributed_to)}
    elif isinstance(record, Claim):
        names = {("verdict", record.verdict_id), *(("claim", relation.other_id) for relation in record.related)}
    elif isinstance(record, Actor):
        names = {("organisation", record.affiliation_id)}
    else:
        names = set()
    return {(target, value) for target, value in names if value is not None}


# --- values, a column at a time ----------------------------------------------------------
#
# A field's decoder takes the field's values in every record of a batch (the
# stances of all the mentions of 250 articles, say) and checks them with
# builtins over the whole column, rather than with a Python call per value.


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
    """A column of documents ([text, tree] or null); their trees are checked
    apart (:func:`malformed_trees`), but are text here."""
    stored = [value for value in column if value is not None]
    expect(of_types(stored, list) and set(map(len, stored)) <= {2}, "[text, tree] pairs")
    texts, trees = [text for text, _ in stored], [tree for _, tree in stored]
    expect(of_types(texts, str) and of_types(trees, str), "texts")
    documents = iter(Document.unchecked(texts, trees))
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
DOCUMENT = (
    lambda document: None if document is None else [document.text, document.tree.decode("utf-8")],
    optional_documents,
)
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


# Every kind of record a reference may point at (``validate.check_references`` knows each).
REFERENCE_TARGETS = tuple(sorted({
    spec.ref for table in (*schema.SCHEMAS.values(), schema.MENTION, schema.RELATED, schema.UPDATE)
    for spec in table.values() if spec.ref
}))

MENTION = layout(
    Mention,
    ("article_id", TEXT), ("claim_id", TEXT), ("stance", choice(schema.STANCE_CHOICES)), ("quote", TEXT),
    ("line", INTEGER), ("actor_id", OPTIONAL_TEXT), ("via_id", OPTIONAL_TEXT), ("value", (same, optional_numbers)),
    ("value_attributed_to", OPTIONAL_TEXT), ("note", OPTIONAL_TEXT), ("spans", SPANS),
)
RELATION = layout(Relation, ("other_id", TEXT), ("relation", choice(schema.RELATIONS)), ("line", INTEGER))
UPDATE = layout(Update, ("date", DATE), ("note", TEXT))
DIAGNOSTIC = layout(
    Diagnostic, ("path", TEXT), ("line", INTEGER), ("message", TEXT), ("severity", choice((ERROR, WARNING))),
)
REFERENCE = layout(
    Reference, ("path", TEXT), ("line", INTEGER), ("target", choice(REFERENCE_TARGETS)), ("value", TEXT), ("key", TEXT),
)

RECORDS: dict[str, Layout] = {
    "article": layout(
        Article,
        ("id", TEXT), ("path", TEXT), ("title", TEXT), ("outlet_id", TEXT), ("url", OPTIONAL_TEXT),
        ("published", OPTIONAL_PARTIAL_DATE), ("author", OPTIONAL_TEXT), ("seed", OPTIONAL_TEXT),
        ("mentions", MENTION.many()), ("draft", BOOLEAN), ("language", OPTIONAL_TEXT),
        ("title_by_editors", BOOLEAN), ("document", DOCUMENT),
    ),
    "claim": layout(
        Claim,
        ("id", TEXT), ("path", TEXT), ("statement", TEXT), ("verdict_id", OPTIONAL_TEXT), ("not_rated", OPTIONAL_TEXT),
        ("summary", OPTIONAL_TEXT),
        ("reviewed", OPTIONAL_DATE), ("unit", OPTIONAL_TEXT), ("draft", BOOLEAN),
        ("related", RELATION.many(tuple)), ("updates", UPDATE.many(tuple)),
        ("verdict_line", INTEGER), ("document", DOCUMENT),
    ),
    "actor": layout(
        Actor,
        ("id", TEXT), ("path", TEXT), ("name", TEXT), ("kind", choice(schema.ACTOR_KINDS)), ("role", OPTIONAL_TEXT),
        ("affiliation_id", OPTIONAL_TEXT), ("aliases", (list, lists_of(texts, tuple))), ("party", BOOLEAN),
        ("document", DOCUMENT),
    ),
    "outlet": layout(
        Outlet,
        ("id", TEXT), ("path", TEXT), ("name", TEXT), ("url", OPTIONAL_TEXT), ("country", OPTIONAL_TEXT),
        ("owner", OPTIONAL_TEXT), ("document", DOCUMENT),
    ),
    "page": layout(
        SitePage,
        ("id", TEXT), ("path", TEXT), ("title", TEXT), ("description", OPTIONAL_TEXT), ("verdict_scale", BOOLEAN),
        ("document", DOCUMENT),
    ),
}

# Where each kind of record keeps its document, for :func:`stored_document`.
DOCUMENT_FIELD = {kind: [name for name, _, _ in layout.fields].index("document") for kind, layout in RECORDS.items()}
