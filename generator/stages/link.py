"""Stage 3, link: validated records → one graph of objects.

Validation has already guaranteed that every id resolves, so this stage only
wires objects together and builds the indexes pages are rendered from. The
graph's dicts and lists are in a fixed order (by id, by publication date, by
position in the text), so every later stage is deterministic; pages that
need another order sort their own lists.

It also says, once for every later stage, whom each statement is counted
under: its *independent origin*. A quote's origin is its speaker's party, the
top of the speaker's affiliation chain (Saraj → National Directorate of
Security → Afghan government), or an organisation marked ``party: true`` on
the way up; an actor with no affiliation is its own party. A quote with no
actor is the outlet's own voice, and its origin is the outlet. A statement
relayed ``via`` someone keeps its speaker's origin: the relay passed it on,
it did not say it. Earlier stages' records are left as they are (they are
frozen, and ``serve`` keeps them from one rebuild to the next): the origin
and the highlight's anchor live on the :class:`~generator.core.model.Quote`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Collection

from ..core.model import (
    Actor, Article, Claim, Content, Graph, Mention, Outlet, Quote, RelatedClaim, Voice, reading_position,
)
from ..core.translations import N_
from .affiliation import chain_of


def link(content: Content, include_drafts: bool = False) -> Graph:
    if not include_drafts:
        content = without_drafts(content)
    chains = chains_of(content.actors)
    in_order = sorted(content.articles.values(), key=article_order)
    voices: dict[str, Voice] = {}
    quotes = [quote for article in in_order for quote in quotes_of(article, content, chains, voices)]
    by_claim, by_actor, by_article, by_via = (defaultdict(list) for _ in range(4))
    for quote in quotes:
        by_claim[quote.claim.id].append(quote)
        by_article[quote.article.id].append(quote)
        if quote.actor:
            by_actor[quote.actor.id].append(quote)
        if quote.via:
            by_via[quote.via.path].append(quote)
    articles_by_outlet = defaultdict(list)
    for article in in_order:
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
        chains=chains,
        related=relations_by_claim(content.claims),
        pages=dict(sorted(content.pages.items())),
    )


def quotes_of(article: Article, content: Content, chains: dict[str, tuple[Actor, ...]] | None = None,
              voices: dict[str, Voice] | None = None) -> list[Quote]:
    """The article's mentions as quotes, in reading order, each with its speaker and origin.

    ``voices``: the voices made so far, by record path, shared by the calls
    of one link (a speaker has one voice however many quotes it has: at
    10,000 articles, 100,000 quotes had made 200,000)."""
    chains = chains_of(content.actors) if chains is None else chains
    voices = {} if voices is None else voices
    outlet = content.outlets[article.outlet_id]
    quotes = []
    in_order = sorted(article.mentions, key=reading_position)
    for mention, anchor in zip(in_order, anchors_of(in_order)):
        actor = content.actors[mention.actor_id] if mention.actor_id else None
        chain = chains[actor.id] if actor else ()
        claim = content.claims[mention.claim_id]
        via = actor_or_outlet(mention.via_id, content)
        value_attributed_to = actor_or_outlet(mention.value_attributed_to, content)
        quotes.append(Quote(
            mention=mention,
            article=article,
            claim=claim,
            outlet=outlet,
            actor=actor,
            via=via,
            speaker=voice_of(actor or outlet, voices),
            origin=voice_of(chain[-1] if chain else outlet, voices),
            anchor=anchor,
            chain=chain,
            value_attributed_to=value_attributed_to,
            files=frozenset((article.path, claim.path, outlet.path, *(member.path for member in chain),
                             *(record.path for record in (via, value_attributed_to) if record is not None))),
        ))
    return quotes


def chains_of(actors: dict[str, Actor]) -> dict[str, tuple[Actor, ...]]:
    """Every actor's affiliation chain, from it up to its party."""
    return {actor_id: chain_of(actor, actors) for actor_id, actor in sorted(actors.items())}


def actor_or_outlet(record_id: str | None, content: Content) -> Actor | Outlet | None:
    """An id that may name either (``via``, ``value_attributed_to``): actors first, as validation resolves it."""
    if record_id is None:
        return None
    return content.actors.get(record_id) or content.outlets.get(record_id)


def voice_of(record: Actor | Outlet, voices: dict[str, Voice] | None = None) -> Voice:
    """The voice a record speaks with, the one in ``voices`` if it is there (it is added)."""
    voice = voices.get(record.path) if voices is not None else None
    if voice is None:
        voice = Voice("actor" if isinstance(record, Actor) else "outlet", record.id, record.name)
        if voices is not None:
            voices[record.path] = voice
    return voice


def with_article(graph: Graph, article: Article, content: Content) -> Graph:
    """``graph`` with one article replaced, for that article's own page only.

    Its quotes are made exactly as :func:`link` makes them, but nothing that
    sums over articles (other pages' lists, the analysis) is brought up to
    date: ``serve`` renders the edited article's page from this while the
    full rebuild that follows redoes everything.
    """
    article = with_mentions_of(article, graph.claims)  # the claims this build has
    return replace(
        graph,
        articles={**graph.articles, article.id: article},
        quotes_by_article={**graph.quotes_by_article, article.id: quotes_of(article, content, graph.chains)},
    )


def with_texts(graph: Graph, content: Content, edited: Collection[str]) -> Graph | None:
    """The graph :func:`link` makes of ``content``, from ``graph``, the one it
    made before: when the ``edited`` articles (ids) are all that changed, and
    in their text alone (their records say what they said, and their quotes
    are read in the same order: ``validate.CheckedFile.records_digest``).

    Only the edited articles and their quotes are made again (the quotes'
    places in the text moved); every list that held the old ones holds the
    new ones where they were, so the graph is the one a full link makes. None
    if an article's quotes are not as many as before (then it was no text edit).
    """
    voices = {}
    new_of: dict[int, Quote] = {}  # id of an old quote → its new one
    articles = dict(graph.articles)
    for article_id in sorted(edited):
        if article_id not in graph.articles:
            continue  # a draft this build leaves out
        article = with_mentions_of(content.articles[article_id], graph.claims)  # the claims this build has
        old = graph.quotes_by_article.get(article_id, [])
        for quote in old:  # the same voices as the quotes they replace, not equal copies
            voices.setdefault((quote.actor or quote.outlet).path, quote.speaker)
            voices.setdefault(quote.chain[-1].path if quote.chain else quote.outlet.path, quote.origin)
        new = quotes_of(article, content, graph.chains, voices)
        if len(new) != len(old):
            return None
        new_of.update(zip(map(id, old), new))
        articles[article_id] = article

    def swapped(quotes: list[Quote]) -> list[Quote]:
        return [new_of.get(id(quote), quote) for quote in quotes]

    def each_swapped(lists: dict[str, list[Quote]]) -> dict[str, list[Quote]]:
        return {key: swapped(quotes) if any(id(quote) in new_of for quote in quotes) else quotes
                for key, quotes in lists.items()}

    return replace(
        graph,
        articles=articles,
        quotes=swapped(graph.quotes),
        quotes_by_claim=each_swapped(graph.quotes_by_claim),
        quotes_by_actor=each_swapped(graph.quotes_by_actor),
        quotes_by_article=each_swapped(graph.quotes_by_article),
        quotes_via=each_swapped(graph.quotes_via),
        articles_by_outlet={outlet_id: [articles[article.id] for article in listed]
                            for outlet_id, listed in graph.articles_by_outlet.items()},
    )


# How a relation reads on each claim's page: (from the claim that declares it,
# from the other claim). Symmetric relations read the same both ways.
# English msgids: the claim page translates them (templates/claim.html).
RELATION_LABELS = {
    "contradicts": (N_("Contradicts"), N_("Contradicts")),
    "same-as": (N_("Same claim as"), N_("Same claim as")),
    "part-of": (N_("Part of"), N_("Includes")),
    "supersedes": (N_("Supersedes"), N_("Superseded by")),
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
    no mentions of draft claims (they stay validated, just unpublished).

    An article that mentions no draft claim is kept as it is, not copied: at
    10,000 articles, copying every one took 0.22 s of a build's 0.76 s of link."""
    claims = {cid: c for cid, c in content.claims.items() if not c.draft}
    articles = {aid: with_mentions_of(a, claims) for aid, a in content.articles.items() if not a.draft}
    return replace(content, articles=articles, claims=claims)


def with_mentions_of(article: Article, claims: dict[str, Claim]) -> Article:
    """``article`` with only its mentions of ``claims`` (itself if it has no others)."""
    if all(mention.claim_id in claims for mention in article.mentions):
        return article
    return replace(article, mentions=[m for m in article.mentions if m.claim_id in claims])


def article_order(article: Article) -> tuple:
    """Dated articles first, oldest first; then undated ones by title."""
    published = article.published
    return (published is None, published.iso() if published else "", article.title.casefold(), article.id)


def anchors_of(mentions: list[Mention]) -> list[str]:
    """The HTML id of each mention's highlight, in the order given; the same on every build.

    The id is ``q-<claim>``, then ``q-<claim>--2``, ``q-<claim>--3``… for
    further quotes on the same claim in the same article, in reading order.
    Ids never contain "--", so a numbered anchor can't collide with another
    claim's (``q-foo--2`` vs claim ``foo-2``'s ``q-foo-2``).
    """
    anchors = [""] * len(mentions)
    seen: dict[str, int] = defaultdict(int)
    for index in sorted(range(len(mentions)), key=lambda index: reading_position(mentions[index])):
        claim_id = mentions[index].claim_id
        seen[claim_id] += 1
        anchors[index] = f"q-{claim_id}" + (f"--{seen[claim_id]}" if seen[claim_id] > 1 else "")
    return anchors
