"""Stage 3, link: validated records → one graph of objects.

Validation has already guaranteed that every id resolves, so this stage only
wires objects together and builds the indexes pages are rendered from. The
graph's dicts and lists are in a fixed order (by id, by publication date, by
position in the text), so every later stage is deterministic; pages that
need another order sort their own lists.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from .model import Article, Claim, Content, Graph, Quote, RelatedClaim


def link(content: Content, include_drafts: bool = False) -> Graph:
    if not include_drafts:
        content = without_drafts(content)
    for article in content.articles.values():
        assign_anchors(article)
    quotes = [
        quote
        for article in sorted(content.articles.values(), key=article_order)
        for quote in quotes_of(article, content)
    ]
    by_claim, by_actor, by_article, by_via = (defaultdict(list) for _ in range(4))
    for quote in quotes:
        by_claim[quote.claim.id].append(quote)
        by_article[quote.article.id].append(quote)
        if quote.actor:
            by_actor[quote.actor.id].append(quote)
        if quote.via:
            by_via[quote.via.path].append(quote)
    articles_by_outlet = defaultdict(list)
    for article in sorted(content.articles.values(), key=article_order):
        articles_by_outlet[article.outlet_id].append(article)
    members = defaultdict(list)
    for actor in sorted(content.actors.values(), key=lambda a: a.name.casefold()):
        if actor.affiliation_id:
            members[actor.affiliation_id].append(actor)
    return Graph(
        config=content.config,
        articles=dict(sorted(content.articles.items())),
        claims=dict(sorted(content.claims.items())),
        actors=dict(sorted(content.actors.items())),
        outlets=dict(sorted(content.outlets.items())),
        quotes=quotes,
        quotes_by_claim=dict(by_claim),
        quotes_by_actor=dict(by_actor),
        quotes_by_article=dict(by_article),
        quotes_via=dict(by_via),
        articles_by_outlet=dict(articles_by_outlet),
        members_by_actor=dict(members),
        related=relations_by_claim(content.claims),
        pages=dict(sorted(content.pages.items())),
    )


def quotes_of(article: Article, content: Content) -> list[Quote]:
    """The article's mentions as quotes, in reading order."""
    return [
        Quote(
            mention=mention,
            article=article,
            claim=content.claims[mention.claim_id],
            outlet=content.outlets[article.outlet_id],
            actor=content.actors.get(mention.actor_id) if mention.actor_id else None,
            via=(content.actors.get(mention.via_id) or content.outlets.get(mention.via_id))
            if mention.via_id
            else None,
        )
        for mention in sorted(article.mentions, key=position)
    ]


def with_article(graph: Graph, article: Article, content: Content, include_drafts: bool = False) -> Graph:
    """``graph`` with one article replaced, for that article's own page only.

    Its quotes are made exactly as :func:`link` makes them, but nothing that
    sums over articles (other pages' lists, the analysis) is brought up to
    date: ``serve`` renders the edited article's page from this while the
    full rebuild that follows redoes everything.
    """
    if not include_drafts:
        published = {cid for cid, claim in content.claims.items() if not claim.draft}
        article = replace(article, mentions=[m for m in article.mentions if m.claim_id in published])
    assign_anchors(article)
    return replace(
        graph,
        articles={**graph.articles, article.id: article},
        quotes_by_article={**graph.quotes_by_article, article.id: quotes_of(article, content)},
    )


# How a relation reads on each claim's page: (from the claim that declares it,
# from the other claim). Symmetric relations read the same both ways.
RELATION_LABELS = {
    "contradicts": ("Contradicts", "Contradicts"),
    "same-as": ("Same claim as", "Same claim as"),
    "part-of": ("Part of", "Includes"),
    "supersedes": ("Supersedes", "Superseded by"),
}


def relations_by_claim(claims: dict[str, Claim]) -> dict[str, list[RelatedClaim]]:
    """Every relation, on both claims' pages, each read from that claim's side."""
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for claim in claims.values():
        for relation in claim.related:
            if relation.other_id not in claims:  # a draft left out of this build
                continue
            forward, backward = RELATION_LABELS[relation.relation]
            found[claim.id].add((forward, relation.other_id))
            found[relation.other_id].add((backward, claim.id))
    return {
        claim_id: [RelatedClaim(label, claims[other]) for label, other in sorted(pairs)]
        for claim_id, pairs in sorted(found.items())
    }


def without_drafts(content: Content) -> Content:
    """The content a published site shows: no draft articles or claims, and
    no mentions of draft claims (they stay validated, just unpublished)."""
    claims = {cid: c for cid, c in content.claims.items() if not c.draft}
    articles = {
        aid: replace(a, mentions=[m for m in a.mentions if m.claim_id in claims])
        for aid, a in content.articles.items()
        if not a.draft
    }
    return replace(content, articles=articles, claims=claims)


def position(mention) -> tuple:
    return (mention.spans[0][0] if mention.spans else 0, mention.line)


def article_order(article: Article) -> tuple:
    """Dated articles first, oldest first; then undated ones by title."""
    published = article.published
    return (published is None, published.iso() if published else "", article.title.casefold(), article.id)


def assign_anchors(article: Article) -> None:
    """Give each highlight an HTML id, the same on every build.

    The id is ``q-<claim>``, then ``q-<claim>--2``, ``q-<claim>--3``… for
    further quotes on the same claim in the same article, in reading order.
    Ids never contain "--", so a numbered anchor can't collide with another
    claim's (``q-foo--2`` vs claim ``foo-2``'s ``q-foo-2``).
    """
    seen: dict[str, int] = defaultdict(int)
    for mention in sorted(article.mentions, key=position):
        seen[mention.claim_id] += 1
        count = seen[mention.claim_id]
        mention.anchor = f"q-{mention.claim_id}" + (f"--{count}" if count > 1 else "")
