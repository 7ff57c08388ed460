"""Stage 2, validate: loaded files → typed records, with every problem reported.

Nothing here stops at the first problem. Validation comes in two halves:

- :func:`check_file`, one file on its own: its front matter against its
  table in ``schema.py`` (``fields.py``), its body converted, its record
  made (``records.py``, which also anchors an article's quotes in its
  text). It depends on nothing but the file, so a build caches it by the
  file's bytes and runs it in several processes (``engine/prepare.py``);
- :func:`validate_checked`, every file at once: site.yaml
  (``siteconfig.py``), ids unique and well formed, references between
  files resolved (``crossfile.py``), affiliation cycles (``affiliation.py``).

The result is a :class:`~generator.core.model.Content` only when there
were no errors.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..core.diagnostics import Diagnostic, Diagnostics
from ..core.markup import Document, MarkdownConverter
from ..core.model import Article, Content, reading_position
from ..core.translations import Interface
from . import schema
from .affiliation import report_cycles
from .crossfile import (
    affiliation_lines, check_references, check_translations, declared_verdicts, warn_about_empty_claims,
    with_outlets_hint,
)
from .fields import ID_PATTERN, FieldChecker, Reference
from .load import SourceFile, YamlMap
from .records import BUILDERS
from .siteconfig import site_language, validate_config


def validate_checked(
    config_yaml: YamlMap | None, checked: list[CheckedFile], root: Path, diagnostics: Diagnostics,
    words: Interface | None = None,
) -> Content | None:
    """The cross-file half of validation, over files already checked on their own.

    ``checked`` comes from :func:`check_file`, which depends on nothing but
    the file itself; that is what lets a build cache it by the file's bytes
    and run it in several processes. ``words``: the site's language (``siteconfig``).
    """
    checker = FieldChecker(diagnostics)
    config = validate_config(config_yaml, checker, words)
    records, declared, references = collect_records(checked, diagnostics)
    with_outlets_hint(diagnostics, declared["outlet"])
    check_references(references, records, declared, declared_verdicts(config_yaml), root, diagnostics)
    report_cycles(records["actor"], affiliation_lines(references), diagnostics)
    warn_about_empty_claims(records, diagnostics)
    check_translations(records["article"], site_language(config_yaml), diagnostics)
    if diagnostics.errors or config is None:
        return None
    return Content(
        config=config,
        articles=records["article"],
        claims=records["claim"],
        actors=records["actor"],
        outlets=records["outlet"],
        pages=records["page"],
    )


@dataclass(frozen=True)
class CheckedFile:
    """One content file checked on its own: the record it makes (None when it
    has problems of its own), those problems, and the ids it refers to, which
    are resolved once every file is known."""

    path: str
    kind: str
    id: str
    record: Any
    problems: list[Diagnostic]
    references: list[Reference]
    # A digest of what the record says apart from its body text (see
    # digest_of_records): an output that shows no body text of this file is
    # keyed on this rather than on the file's bytes (``base.Page.text_sources``),
    # so an edit of the text alone re-renders only the outputs that show it.
    records_digest: str = ""


def check_file(source: SourceFile, converter: MarkdownConverter, problems: list[Diagnostic] = ()) -> CheckedFile:
    """Check one loaded file against its schema, convert its body and anchor its quotes.

    ``problems`` are those its loading already found (front matter that is
    missing or broken). Nothing here looks at another file.
    """
    diagnostics = Diagnostics(list(problems))
    checker = FieldChecker(diagnostics)
    record = None
    if source.front is not None:
        values = checker.check(source.front, schema.SCHEMAS[source.kind], source.path, "the front matter")
        document = parse_body(source, converter, diagnostics)
        record = BUILDERS[source.kind](source, values, document, checker)
    return CheckedFile(source.path, source.kind, source.id, record, diagnostics.items, checker.references,
                       digest_of_records(record))


def digest_of_records(record: Any) -> str:
    """A digest of what ``record`` says apart from its body text
    (:attr:`CheckedFile.records_digest`): its repr, which every record dataclass
    writes without its ``document`` (``repr=False``) and with nothing whose
    order varies from run to run; for an article, with the order its quotes
    are read in (which numbers their anchors, ``link.anchors_of``) rather
    than where in the text they sit, and without the places of its skipped
    passages: only the outputs that show its text show those (the article's
    page, its text file and the annotations), and they are keyed on its bytes.
    So a sentence added, or a typo mended, anywhere in an article's text
    leaves its records as they were, unless it reorders its quotes."""
    if record is None:
        return ""
    if isinstance(record, Article):
        order = sorted(range(len(record.mentions)), key=lambda index: reading_position(record.mentions[index]))
        record = (replace(record, mentions=[replace(mention, spans=()) for mention in record.mentions],
                          skips=tuple(replace(skip, spans=()) for skip in record.skips)), order)
    return hashlib.blake2b(repr(record).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def parse_body(source: SourceFile, converter: MarkdownConverter, diagnostics: Diagnostics) -> Document:
    """Convert a body once, here, so that a body that cannot be converted is a
    content error reported by ``check``, not a crash at render time."""
    try:
        return converter.parse(source.body)
    except RecursionError:
        diagnostics.error(
            source.path, source.body_line,
            "the body is nested too deeply to convert (lists or emphasis hundreds of levels deep)",
        )
        return converter.parse("")


def collect_records(
    checked: list[CheckedFile], diagnostics: Diagnostics
) -> tuple[dict[str, dict[str, Any]], dict[str, set[str]], list[Reference]]:
    """The records that could be built, by kind and id; the ids of every
    file of each kind (a file with a problem of its own still exists, so
    references to it are not reported a second time); and the references
    to resolve. A file whose id is taken already is reported, nothing more."""
    records: dict[str, dict[str, Any]] = {kind: {} for kind in schema.SCHEMAS}
    references: list[Reference] = []
    first_seen: dict[tuple[str, str], str] = {}
    for file in checked:
        if not ID_PATTERN.fullmatch(file.id):
            diagnostics.error(
                file.path, 0,
                f"bad file name: '{file.id}' is not a valid id; rename the file to "
                f"'{suggest_id(file.id)}.md' (lowercase letters, digits and hyphens)",
            )
        key = (file.kind, file.id)
        if key in first_seen:
            diagnostics.error(file.path, 0, f"duplicate {file.kind} id '{file.id}' (also {first_seen[key]})")
            continue
        first_seen[key] = file.path
        diagnostics.items.extend(file.problems)
        references.extend(file.references)
        if file.record is not None:
            records[file.kind][file.id] = file.record
    for actor_id in records["actor"].keys() & records["outlet"].keys():
        diagnostics.error(
            records["outlet"][actor_id].path, 0,
            f"id '{actor_id}' is used by both an actor and an outlet; "
            "rename one so that 'via' references are unambiguous",
        )
    declared = {kind: set() for kind in schema.SCHEMAS}
    for kind, file_id in first_seen:
        declared[kind].add(file_id)
    return records, declared, references


def suggest_id(name: str) -> str:
    """A valid id close to ``name``: "Été_2021" → "ete-2021"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "untitled"
