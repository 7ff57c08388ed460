"""Stage 2, validate: loaded files → typed records, with every problem reported.

Nothing here stops at the first problem. Each file is checked against its
table in ``schema.py`` (``fields.py``; site.yaml in ``siteconfig.py``);
references between files are collected while doing so and resolved once
every file has been read; then every quote is anchored in its article's
text. The result is a :class:`~generator.core.model.Content` only when there
were no errors.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.diagnostics import Diagnostic, Diagnostics, did_you_mean
from ..core.layout import CONFIG_FILE, RESERVED_FOLDERS, SEEDS_DIR
from ..core.markup import Document, MarkdownConverter
from ..core.model import Actor, Article, Claim, Content, Mention, Outlet, Relation, SitePage, Update
from . import schema
from .affiliation import check_party_flag, report_cycles
from .fields import ID_PATTERN, FieldChecker, Reference  # noqa: F401 - ID_PATTERN is imported from here too
from .load import LoadedSite, SourceFile, YamlList, YamlMap
from .quotes import find_quote, normalise
from .siteconfig import validate_config
from .sitefiles import seed_names

# --- the stage --------------------------------------------------------------


def validate(loaded: LoadedSite, diagnostics: Diagnostics, converter: MarkdownConverter) -> Content | None:
    """Check everything; return the content only if there were no errors."""
    checked = [check_file(source, converter) for source in loaded.files]
    return validate_checked(loaded.config, checked, loaded.root, diagnostics)


def validate_checked(
    config_yaml: YamlMap | None, checked: list[CheckedFile], root: Path, diagnostics: Diagnostics
) -> Content | None:
    """The cross-file half of validation, over files already checked on their own.

    ``checked`` comes from :func:`check_file`, which depends on nothing but
    the file itself; that is what lets a build cache it by the file's bytes
    and run it in several processes.
    """
    checker = FieldChecker(diagnostics)
    config = validate_config(config_yaml, checker)
    records, declared, references = collect_records(checked, diagnostics)
    check_references(references, records, declared, declared_verdicts(config_yaml), root, diagnostics)
    report_cycles(records["actor"], affiliation_lines(references), diagnostics)
    warn_about_empty_claims(records, diagnostics)
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


@dataclass
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
    return CheckedFile(source.path, source.kind, source.id, record, diagnostics.items, checker.references)


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


def declared_verdicts(config: YamlMap | None) -> set[str] | None:
    """Ids of the verdicts site.yaml lists, even those with other problems;
    None when the scale itself is missing or broken (nothing to check against)."""
    if config is None or not isinstance(config.get("verdicts"), YamlList):
        return None
    ids = {item["id"] for item in config["verdicts"] if isinstance(item, YamlMap) and isinstance(item.get("id"), str)}
    return ids or None


def suggest_id(name: str) -> str:
    """A valid id close to ``name``: "Été_2021" → "ete-2021"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "untitled"


def has_required(values: dict[str, Any], table: dict[str, schema.Field]) -> bool:
    return all(key in values for key, spec in table.items() if spec.required)


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


def build_article(
    source: SourceFile, values: dict[str, Any], document: Document, checker: FieldChecker
) -> Article | None:
    items = nested_items(source, "mentions", schema.MENTION, "a mention", checker)
    for item, fields in items:
        check_figure(source.path, item, fields, checker.diagnostics)
    mentions = [
        Mention(
            article_id=source.id,
            claim_id=fields["claim"],
            stance=fields["stance"],
            quote=fields["quote"],
            line=item.line_of("quote"),
            actor_id=fields.get("actor"),
            via_id=fields.get("via"),
            value=fields.get("value"),
            value_attributed_to=fields.get("value_attributed_to"),
            note=fields.get("note"),
        )
        for item, fields in items
    ]
    # Quotes are checked even when the article itself lacks a required key,
    # so that one run reports every problem.
    anchor_quotes(source.path, mentions, document, checker.diagnostics)
    if not has_required(values, schema.ARTICLE):
        return None
    return Article(
        id=source.id,
        path=source.path,
        title=values["title"],
        outlet_id=values["outlet"],
        url=values.get("url"),
        published=values.get("published"),
        author=values.get("author"),
        seed=values.get("seed"),
        language=values.get("language"),
        title_by_editors=values.get("title_by_editors", False),
        mentions=mentions,
        draft=values.get("draft", False),
        document=document,
    )


def check_figure(path: str, item: YamlMap, fields: dict[str, Any], diagnostics: Diagnostics) -> None:
    """A mention's figure says whose it is: the speaker's own ('value'), or
    another's that the speaker cites ('value_attributed_to')."""
    if "value_attributed_to" in fields and "value" not in fields:
        diagnostics.error(
            path, item.line_of("value_attributed_to"),
            "'value_attributed_to' says whose the figure in 'value' is, and there is no 'value': add it, "
            "or remove 'value_attributed_to'",
        )
        return
    if fields.get("stance") == "disputes" and "value" in fields and "value_attributed_to" not in fields:
        diagnostics.warning(
            path, item.line_of("value"),
            "a 'value' is the speaker's own figure, and this speaker disputes the claim; if they cite "
            "someone else's figure to reject it, say whose with 'value_attributed_to: <actor or outlet id>'",
        )


def build_claim(
    source: SourceFile, values: dict[str, Any], document: Document, checker: FieldChecker
) -> Claim | None:
    related = claim_relations(source, checker)
    updates = claim_updates(source, checker)
    if "verdict" in values and "not_rated" in values:
        checker.diagnostics.error(
            source.path, source.front.line_of("not_rated"),
            "'not_rated' says why the claim has no verdict, and it has one: keep either 'verdict' or 'not_rated'",
        )
        return None
    if not has_required(values, schema.CLAIM):
        return None
    return Claim(
        id=source.id, path=source.path, statement=values["statement"],
        verdict_id=values.get("verdict"), not_rated=values.get("not_rated"), summary=values.get("summary"),
        reviewed=values.get("reviewed"), unit=values.get("unit"), draft=values.get("draft", False),
        related=related, updates=updates, verdict_line=source.front.line_of("verdict"),
        document=document,
    )


def nested_items(
    source: SourceFile, key: str, table: dict[str, schema.Field], what: str, checker: FieldChecker
) -> list[tuple[YamlMap, dict[str, Any]]]:
    """The items of a list-of-mappings key that have every required field."""
    if source.front.get(key) is None:
        return []
    items = checker.items(source.front[key], source.path, source.front.line_of(key), key)
    checked = [(item, checker.check(item, table, source.path, what)) for item, _ in items]
    return [(item, fields) for item, fields in checked if has_required(fields, table)]


def claim_relations(source: SourceFile, checker: FieldChecker) -> tuple[Relation, ...]:
    relations = []
    for item, fields in nested_items(source, "related", schema.RELATED, "a relation", checker):
        if fields["claim"] == source.id:
            checker.diagnostics.error(source.path, item.line_of("claim"), "a claim cannot be related to itself")
            continue
        relations.append(Relation(fields["claim"], fields["relation"], item.line_of("claim")))
    return tuple(relations)


def claim_updates(source: SourceFile, checker: FieldChecker) -> tuple[Update, ...]:
    items = nested_items(source, "updates", schema.UPDATE, "an update", checker)
    return tuple(sorted(Update(fields["date"], fields["note"]) for _, fields in items))


def build_actor(
    source: SourceFile, values: dict[str, Any], document: Document, checker: FieldChecker
) -> Actor | None:
    if values.get("party"):
        check_party_flag(source.path, source.front.line_of("party"), values.get("kind"), values.get("affiliation"),
                         checker.diagnostics)
    if not has_required(values, schema.ACTOR):
        return None
    return Actor(
        id=source.id, path=source.path, name=values["name"], kind=values["kind"],
        role=values.get("role"), affiliation_id=values.get("affiliation"),
        aliases=values.get("aliases", ()), party=values.get("party", False), document=document,
    )


def build_outlet(
    source: SourceFile, values: dict[str, Any], document: Document, checker: FieldChecker
) -> Outlet | None:
    if not has_required(values, schema.OUTLET):
        return None
    return Outlet(
        id=source.id, path=source.path, name=values["name"],
        url=values.get("url"), country=values.get("country"), owner=values.get("owner"),
        document=document,
    )


def build_page(
    source: SourceFile, values: dict[str, Any], document: Document, checker: FieldChecker
) -> SitePage | None:
    """A page of the site's own, published at /<id>/: its id must not be a
    folder the generator writes into (/claims/, /data/…)."""
    if source.id in RESERVED_FOLDERS:
        checker.diagnostics.error(
            source.path, 0,
            f"bad file name: the page would be published at /{source.id}/, which the site uses for its own "
            f"pages; choose another name than {', '.join(RESERVED_FOLDERS[:-1])} or {RESERVED_FOLDERS[-1]}",
        )
        return None
    if not has_required(values, schema.PAGE):
        return None
    return SitePage(
        id=source.id, path=source.path, title=values["title"], description=values.get("description"),
        verdict_scale=values.get("verdict_scale", False), document=document,
    )


BUILDERS = {
    "article": build_article, "claim": build_claim, "actor": build_actor, "outlet": build_outlet, "page": build_page,
}


# --- cross-file checks --------------------------------------------------------


def check_references(
    references: list[Reference],
    records: dict[str, dict[str, Any]],
    declared: dict[str, set[str]],
    verdicts: set[str] | None,
    root: Path,
    diagnostics: Diagnostics,
) -> None:
    seeds = seed_names(root)
    known = {
        "claim": declared["claim"],
        "actor": declared["actor"],
        "outlet": declared["outlet"],
        "source": declared["actor"] | declared["outlet"],
        "organisation": declared["actor"],
        "verdict": verdicts,
        "seed": seeds,
    }
    names = {"source": "actor or outlet", "organisation": "organisation", "seed": "seed file"}
    for ref in references:
        candidates = known[ref.target]
        if candidates is None:  # site.yaml's scale is broken: verdicts can't be checked
            continue
        if ref.value not in candidates:
            what = names.get(ref.target, ref.target)
            where = f" in {SEEDS_DIR}/" if ref.target == "seed" else (f" in {CONFIG_FILE}" if ref.target == "verdict" else "")
            diagnostics.error(
                ref.path, ref.line,
                f"'{ref.key}': unknown {what} '{ref.value}'{where}{did_you_mean(ref.value, candidates)}",
            )
        elif ref.target == "organisation" and is_person(records["actor"].get(ref.value)):
            diagnostics.error(
                ref.path, ref.line,
                f"'{ref.key}': '{ref.value}' is a person; affiliation must name an organisation actor",
            )


def affiliation_lines(references: list[Reference]) -> dict[str, int]:
    """The line of each actor file's 'affiliation' key, by actor id."""
    return {Path(ref.path).stem: ref.line for ref in references if ref.target == "organisation"}


def is_person(actor: Actor | None) -> bool:
    return actor is not None and actor.kind == "person"


def anchor_quotes(path: str, mentions: list[Mention], document: Document, diagnostics: Diagnostics) -> None:
    """Find every quote of an article in its text; report the ones that don't fit."""
    text = document.text
    if mentions and not text.strip():
        for mention in mentions:
            diagnostics.error(path, mention.line, "quote not found in the article body: the body is empty")
        return
    haystack = normalise(text)
    for mention in mentions:
        anchor = find_quote(mention.quote, text, haystack)
        if anchor.found:
            mention.spans = anchor.spans
        elif anchor.count > 1:
            diagnostics.error(
                path, mention.line,
                f"quote occurs {anchor.count} times in the article body; "
                "quote a longer passage so it points at one place",
            )
        elif anchor.empty:
            diagnostics.error(path, mention.line, "quote is empty")
        elif anchor.out_of_order:
            diagnostics.error(
                path, mention.line,
                "quote not found in the article body: its parts occur, but not in this order",
            )
        elif anchor.missing_part:
            diagnostics.error(
                path, mention.line,
                f"quote not found in the article body: the part \"{anchor.missing_part}\" "
                f"does not occur; closest passage: \"{anchor.closest}\"",
            )
        else:
            diagnostics.error(
                path, mention.line,
                f"quote not found in the article body; closest passage: \"{anchor.closest}\"",
            )


def warn_about_empty_claims(records: dict[str, dict[str, Any]], diagnostics: Diagnostics) -> None:
    mentioned = {m.claim_id for a in records["article"].values() for m in a.mentions}
    for claim in records["claim"].values():
        if claim.id not in mentioned:
            diagnostics.warning(claim.path, 1, f"claim '{claim.id}' has no mentions in any article")
