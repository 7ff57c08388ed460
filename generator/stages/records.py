"""One content file's front matter, checked against its table → its record.

A builder per kind of file (``BUILDERS``) turns the checked values into an
:class:`~generator.core.model.Article`, ``Claim``, ``Actor``, ``Outlet`` or
``SitePage``, reporting what the table alone cannot say (a figure without
its value, a claim related to itself, a page at a folder the site uses).
An article's quotes are found in its text here too (``quotes.py``), so that
the mentions are made once, with their places. Nothing here looks at
another file: references between files are resolved in ``crossfile.py``.
"""

from __future__ import annotations

from typing import Any

from ..core.diagnostics import Diagnostics
from ..core.layout import RESERVED_FOLDERS
from ..core.markup import Document
from ..core.model import DISPUTES, Actor, Article, Claim, Mention, Outlet, Relation, SitePage, Skip, Update
from . import schema
from .affiliation import check_party_flag
from .fields import FieldChecker
from .load import SourceFile, YamlMap
from .quotes import NormalisedText, find_quote, normalise


def has_required(values: dict[str, Any], table: dict[str, schema.Field]) -> bool:
    return all(key in values for key, spec in table.items() if spec.required)


def build_article(
    source: SourceFile, values: dict[str, Any], document: Document, checker: FieldChecker
) -> Article | None:
    checked = checked_items(source, "mentions", schema.MENTION, "a mention", checker)
    # A mention's figure and quote are checked even when the mention lacks a
    # required key (or has a stance that is not one), and its quote even when
    # the article lacks one, so that one run reports every problem.
    for item, fields in checked:
        check_figure(source.path, item, fields, checker.diagnostics)
    quoted = [index for index, (_, fields) in enumerate(checked) if "quote" in fields]
    places = dict(zip(quoted, quote_places(
        source.path, [(checked[index][1]["quote"], checked[index][0].line_of("quote")) for index in quoted],
        document, checker.diagnostics,
    )))
    mentions = [
        mention(source.id, item, fields, places[index])
        for index, (item, fields) in enumerate(checked) if has_required(fields, schema.MENTION)
    ]
    skips = article_skips(source, document, checker)
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
        skips=skips,
        mentions=mentions,
        draft=values.get("draft", False),
        document=document,
    )


def article_skips(source: SourceFile, document: Document, checker: FieldChecker) -> tuple[Skip, ...]:
    """The passages left unannotated on purpose, each found in the text as a quote is."""
    items = nested_items(source, "skip", schema.SKIP, "a skip", checker)
    places = quote_places(
        source.path, [(fields["passage"], item.line_of("passage")) for item, fields in items], document,
        checker.diagnostics, what="skipped passage",
    )
    return tuple(
        Skip(fields["passage"], fields["reason"], item.line_of("passage"), spans)
        for (item, fields), spans in zip(items, places)
    )


def mention(article_id: str, item: YamlMap, fields: dict[str, Any], spans: tuple[tuple[int, int], ...]) -> Mention:
    return Mention(
        article_id=article_id,
        claim_id=fields["claim"],
        stance=fields["stance"],
        quote=fields["quote"],
        line=item.line_of("quote"),
        actor_id=fields.get("actor"),
        via_id=fields.get("via"),
        value=fields.get("value"),
        value_attributed_to=fields.get("value_attributed_to"),
        note=fields.get("note"),
        translation=fields.get("translation"),
        unit=fields.get("unit"),
        spans=spans,
    )


def check_figure(path: str, item: YamlMap, fields: dict[str, Any], diagnostics: Diagnostics) -> None:
    """A mention's figure says whose it is: the speaker's own ('value'), or
    another's that the speaker cites ('value_attributed_to'); a 'unit' says
    what it counts."""
    if "unit" in fields and "value" not in fields:
        diagnostics.error(
            path, item.line_of("unit"),
            "'unit' says what the figure in 'value' counts, and there is no 'value': add it, or remove 'unit'",
        )
    if "value_attributed_to" in fields and "value" not in fields:
        diagnostics.error(
            path, item.line_of("value_attributed_to"),
            "'value_attributed_to' says whose the figure in 'value' is, and there is no 'value': add it, "
            "or remove 'value_attributed_to'",
        )
        return
    if fields.get("stance") == DISPUTES and "value" in fields and "value_attributed_to" not in fields:
        diagnostics.warning(
            path, item.line_of("value"),
            "a 'value' is the speaker's own figure, and this speaker disputes the claim; if they cite "
            "someone else's figure to reject it, say whose with 'value_attributed_to: <actor or outlet id>'",
        )


def quote_places(
    path: str, quotes: list[tuple[str, int]], document: Document, diagnostics: Diagnostics, what: str = "quote"
) -> list[tuple[tuple[int, int], ...]]:
    """Where each of an article's quotes, given as (quote, line), is in its
    text: the (start, end) of each quoted segment; none, and a problem
    reported, for a quote that is not found once. ``what`` names them in
    the messages (a skip's passage is found as a quote is)."""
    if not quotes:
        return []  # most articles skip nothing: their text is not normalised a second time for no quote
    text = document.text
    if not text.strip():
        for _, line in quotes:
            diagnostics.error(path, line, f"{what} not found in the article body: the body is empty")
        return [() for _ in quotes]
    haystack = normalise(text)
    return [quote_place(path, quote, line, text, haystack, diagnostics, what) for quote, line in quotes]


def quote_place(
    path: str, quote: str, line: int, text: str, haystack: NormalisedText, diagnostics: Diagnostics,
    what: str = "quote",
) -> tuple[tuple[int, int], ...]:
    anchor = find_quote(quote, text, haystack)
    if anchor.found:
        return anchor.spans
    if anchor.count > 1:
        diagnostics.error(
            path, line,
            f"{what} occurs {anchor.count} times in the article body; "
            "quote a longer passage so it points at one place",
        )
    elif anchor.empty:
        diagnostics.error(path, line, f"{what} is empty")
    elif anchor.out_of_order:
        diagnostics.error(path, line, f"{what} not found in the article body: its parts occur, but not in this order")
    elif anchor.missing_part:
        diagnostics.error(
            path, line,
            f"{what} not found in the article body: the part \"{anchor.missing_part}\" "
            f"does not occur; closest passage: \"{anchor.closest}\"",
        )
    else:
        diagnostics.error(path, line, f"{what} not found in the article body; closest passage: \"{anchor.closest}\"")
    return ()


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
    checked = checked_items(source, key, table, what, checker)
    return [(item, fields) for item, fields in checked if has_required(fields, table)]


def checked_items(
    source: SourceFile, key: str, table: dict[str, schema.Field], what: str, checker: FieldChecker
) -> list[tuple[YamlMap, dict[str, Any]]]:
    """Every item of a list-of-mappings key, with its valid values (problems reported)."""
    if source.front.get(key) is None:
        return []
    items = checker.items(source.front[key], source.path, source.front.line_of(key), key)
    return [(item, checker.check(item, table, source.path, what)) for item, _ in items]


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
