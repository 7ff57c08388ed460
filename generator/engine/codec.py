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
their names (the tables below, built from ``columns.py``'s field codecs; a
test holds them to the dataclasses):

    [path, kind, id, record or null, [diagnostic, …], [reference, …], records digest]

with the record laid out by its kind, a document as ``[length of its text,
digest of its stored form]``, a date as "YYYY-MM-DD", a partial date as
``[year, month, day]``. Arrays rather than objects keep entries small: at
10,000 articles the database takes 110 MB (the pickles took 168 MB).

The documents themselves (``[text, tree]``, the tree as ``treejson`` writes
it) follow the JSON, after a newline, each where its record names its
digest: they are 73 of those 110 MB, and a build reads none of them until a
page needs one (``markup.Document``). What reading an entry checks is that
the form is the one the digest names; the form is checked as a document
when it is read.

Reading is the cost: JSON is parsed character by character and every value
is checked, where pickle copied bytes and trusted them. So entries are read
in batches, each field checked down the column of the whole batch with
builtins (:func:`decode_values`): the 13,043 entries of that corpus read
back in 1.4 s of CPU time, against 2.6 s one by one and 0.45 s unpickled
(see ``prepare.py``), and builds that read them did not get slower
(``tests/bench``'s "full build after one article changed": 15.1 s against
18.2 s before, medians of three on a shared machine). Leaving the documents
unread took reading all 13,040 entries from 2.8 s of CPU time (their trees
checked too, then in a process of their own) to 1.9-2.2 s, all in the build's
main process (``prepare.read_cached``, three runs each, same machine and load).
"""

from __future__ import annotations

import json
from typing import Any

from ..core.diagnostics import ERROR, WARNING, Diagnostic
from ..core.model import Actor, Article, Claim, Mention, Outlet, Relation, SitePage, Skip, Update
from ..core.treejson import has_surrogate_escape, json_bytes
from ..stages import schema
from ..stages.validate import CheckedFile, Reference
from .columns import (
    BOOLEAN, DATE, DECODER, DOCUMENT, INTEGER, OPTIONAL_DATE, OPTIONAL_PARTIAL_DATE, OPTIONAL_TEXT, SPANS, TEXT,
    Layout, Unreadable, choice, document_digest, expect, layout, lists_of, of_types, one_of, optional_numbers, same,
    text, texts,
)


def encode(checked: CheckedFile) -> bytes:
    """``checked`` as stored: its JSON, then, after a newline, its document's
    stored form (``markup.Document.stored_form``), which the JSON names by
    length and digest. ValueError if it holds what JSON or UTF-8 cannot (a
    number that is not finite, which validation never lets through; a lone
    surrogate, which a YAML escape can make)."""
    record, form = None, b""
    if checked.record is not None:
        record = RECORDS[checked.kind].encode(checked.record)
        document = record[DOCUMENT_FIELD[checked.kind]]
        if document is not None:
            form = document.stored_form()
            record[DOCUMENT_FIELD[checked.kind]] = [document.length, document_digest(document.length, form)]
    value = [
        checked.path, checked.kind, checked.id, record,
        [DIAGNOSTIC.encode(problem) for problem in checked.problems],
        [REFERENCE.encode(reference) for reference in checked.references],
        checked.records_digest,
    ]
    # Compact JSON never holds a raw newline (one in a text is written \n): the first one ends it.
    return json_bytes(value) + (b"\n" + form if form else b"")


def decode(entry: bytes) -> CheckedFile:
    """The file :func:`encode` wrote as ``entry``; :class:`Unreadable` for anything else."""
    [checked] = decode_values([parse_entry(entry)])
    if checked is None:
        raise Unreadable("not an entry this version writes")
    return checked


def parse_entry(entry: object) -> Any:
    """An entry's JSON, parsed, with its document's stored form put beside
    the document's length and digest (``[length, digest, form]``) for the
    decoder to check; None if it is not JSON text of that layout.

    The form itself is not read here: a document is read when first used
    (``markup.Document``), and most builds use few of them."""
    if type(entry) is not bytes:  # SQLite may hold text or a number too
        return None
    # The form is a view of the entry, not a copy: at 10,000 articles the
    # forms are 73 MB, which copying cost a build about 0.2 s.
    end = entry.find(b"\n")
    head, newline, form = (entry, b"", b"") if end < 0 else (entry[:end], b"\n", memoryview(entry)[end + 1:])
    try:
        value = parse(head.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError is one; so is Unreadable
        return None
    document = stored_document(value)
    if document is None:
        return value if not newline else None
    if not newline or type(document) is not list or len(document) != 2:
        return None
    document.append(form)
    return value


def stored_document(value: Any) -> Any:
    """What a parsed entry's record holds where its document goes (None when
    there is nothing there, or no such place: the decoder tells which is wrong)."""
    try:
        return value[3][DOCUMENT_FIELD[value[1]]]
    except (TypeError, KeyError, IndexError):
        return None


def parse(text: str) -> Any:
    expect(type(text) is str, "text")
    expect(not has_surrogate_escape(text), "no surrogate, which no text can be written with")
    return DECODER.decode(text)


def decode_values(values: list) -> list[CheckedFile | None]:
    """Checked files from parsed entries (:func:`parse_entry`; None for None,
    and for each that is Unreadable).

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


def decode_files(values: list) -> list[CheckedFile]:
    """Checked files from their parsed JSON, each part checked down the column."""
    expect(of_types(values, list) and set(map(len, values)) <= {7}, "files of seven parts")
    paths, kinds, ids, records, problems, references, digests = map(list, zip(*values)) if values else ([],) * 7
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
            texts(digests),
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
        length = record.document.length if record.document is not None else 0
        for mention in record.mentions:
            if mention.article_id != record.id:
                raise Unreadable("a mention of another article")
            if not all(0 <= start <= end <= length for start, end in mention.spans):
                raise Unreadable("a quote's place outside the article's text")
        for skip in record.skips:
            if not all(0 <= start <= end <= length for start, end in skip.spans):
                raise Unreadable("a skipped passage's place outside the article's text")


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


# Every kind of record a reference may point at (``validate.check_references`` knows each).
REFERENCE_TARGETS = tuple(sorted({
    spec.ref for table in (*schema.SCHEMAS.values(), schema.MENTION, schema.RELATED, schema.UPDATE)
    for spec in table.values() if spec.ref
}))

MENTION = layout(
    Mention,
    ("article_id", TEXT), ("claim_id", TEXT), ("stance", choice(schema.STANCE_CHOICES)), ("quote", TEXT),
    ("line", INTEGER), ("actor_id", OPTIONAL_TEXT), ("via_id", OPTIONAL_TEXT), ("value", (same, optional_numbers)),
    ("value_attributed_to", OPTIONAL_TEXT), ("note", OPTIONAL_TEXT), ("translation", OPTIONAL_TEXT),
    ("unit", OPTIONAL_TEXT), ("spans", SPANS),
)
SKIP = layout(Skip, ("passage", TEXT), ("reason", TEXT), ("line", INTEGER), ("spans", SPANS))
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
        ("title_by_editors", BOOLEAN), ("skips", SKIP.many(tuple)), ("document", DOCUMENT),
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

# Where each kind of record keeps its document (:func:`encode`, :func:`stored_document`).
DOCUMENT_FIELD = {kind: [name for name, _, _ in layout.fields].index("document") for kind, layout in RECORDS.items()}
