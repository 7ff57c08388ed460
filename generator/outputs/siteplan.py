"""The site map: every output of the site, with its template, its context
and its sources.

:func:`plan_pages` lists them all. Each page type here has one function that
builds its template context; outputs of a feature that lives in a module of
its own (feeds, open data, structured data, the editors' pages) are planned
there and added at the end.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any, Callable

from markupsafe import Markup

from ..core import limits
from ..core.model import Actor, Article, Graph, Update
from ..core.translations import N_, Interface
from ..stages.analyse import ActorAnalysis, Analysis, ClaimAnalysis, OutletAnalysis
from ..stages.comparison import OriginRow, OutletRow
from ..stages.link import article_order
from . import annotate, feeds, opendata, paginate, sitepages, structured, urls
from .base import EVERYTHING, NO_TEXT, Output, Page, body_html, list_pages, sources_of
from .opendata_format import article_text_path


def plan_pages(graph: Graph, analysis: Analysis, words: Interface) -> list[Output]:
    """The whole site map: every page, its template, its context and its sources.

    Pages of a feature that lives in its own module are planned there and
    added at the end (``pages += module.plan(graph, analysis)``)."""
    claims = analysis.claims_in_order()
    # What each claim, actor, outlet and article is made of: its own page's
    # sources, and those of every list page that shows it.
    claim_sources = {item.claim.id: sources_of(item.quotes, item.claim.path) for item in claims}
    actor_sources = {item.actor.id: actor_page_sources(item, graph) for item in analysis.actors.values()}
    outlet_sources = {item.outlet.id: outlet_page_sources(item) for item in analysis.outlets.values()}
    pages: list[Output] = [Page("index.html", "home.html", "home", EVERYTHING, lambda: home_context(graph, analysis),
                                text_sources=NO_TEXT)]
    pages += list_pages_of(graph, analysis, claims, claim_sources, actor_sources, outlet_sources)
    for item in claims:
        related = graph.related.get(item.claim.id, [])
        pages.append(Page(
            urls.claim_path(item.claim), "claim.html", "claims",
            claim_sources[item.claim.id] | {r.claim.path for r in related},
            partial(lambda item, related: {
                "item": item, "related": related, "analysis_html": body_html(item.claim.document),
                "claim_review": claim_review_json(item, graph),  # JSON-LD, None when unrated
            }, item, related),
            text_sources=frozenset({item.claim.path}),  # its analysis; the quotes are the articles' records
        ))
    for item in analysis.actors.values():
        pages += actor_pages(item, actor_sources[item.actor.id], analysis)
    for item in analysis.outlets.values():
        pages += outlet_pages(item, outlet_sources[item.outlet.id])
    pages += [article_page(graph, article, words) for article in graph.articles.values()]
    pages += sitepages.plan(graph)  # the editors' own pages: /about/…
    # The data files' pieces have the sources of the pages that show the same claim or article.
    pages += opendata.plan(graph, analysis, pages, words)  # /data/* and /about/data/
    pages += structured.plan(graph, analysis, pages, words)  # /data/claimreview.json
    # Last: the sitemap lists every HTML page planned before it.
    pages += feeds.plan(graph, analysis, pages, words)  # Atom feeds, sitemap.xml, robots.txt
    sitepages.linked_from_every_page(pages, graph)  # every footer links the editors' pages
    return pages


def article_page(graph: Graph, article: Article, words: Interface) -> Page:
    return Page(
        urls.article_path(article), "article.html", "articles",
        sources_of(graph.quotes_by_article.get(article.id, []), article.path, graph.outlets[article.outlet_id].path),
        partial(article_context, graph, article, words),
        text_sources=frozenset({article.path}),
    )


def list_pages_of(graph: Graph, analysis: Analysis, claims: list[ClaimAnalysis], claim_sources: dict[str, frozenset[str]],
                  actor_sources: dict[str, frozenset[str]], outlet_sources: dict[str, frozenset[str]]) -> list[Page]:
    """The site-wide lists, each continued on numbered pages (``paginate.py``).

    A list page is made of the items on it (``base.list_pages``): a claim
    card or a row of either comparison of its claim's statements, an actor
    or an outlet of what its own page shows, an article of its file and its
    outlet's, an update of its claim. What a list prints of the whole site is
    its ``site_wide`` part: the comparison's columns, the actors' counts."""
    articles = sorted_articles(graph)
    actors = sorted_actors(analysis)
    outlets = list(analysis.outlets.values())
    updates = all_updates(claims)
    origins, by_outlet = analysis.origin_matrix, analysis.outlet_matrix

    def of_claim(item: ClaimAnalysis) -> frozenset[str]:
        return claim_sources[item.claim.id]

    def of_row(row: OriginRow | OutletRow) -> frozenset[str]:
        return claim_sources[row.claim.claim.id]

    def row_id(row: OriginRow | OutletRow) -> str:
        return row.claim.claim.id

    pages = list_pages("claims", "claims.html", claims, lambda p: {"claims": p.slice(claims)},
                       item_sources=of_claim, item_id=lambda item: item.claim.id)
    pages += list_pages("actors", "actors.html", actors, lambda p: actors_context(p, actors),
                        item_sources=lambda item: actor_sources[item.actor.id], item_id=lambda item: item.actor.id,
                        site_wide=actor_counts(actors))
    pages += list_pages("outlets", "outlets.html", outlets, lambda p: {"outlets": p.slice(outlets)},
                        item_sources=lambda item: outlet_sources[item.outlet.id], item_id=lambda item: item.outlet.id)
    pages += list_pages("articles", "articles.html", articles, lambda p: {"articles": p.slice(articles), "graph": graph},
                        item_sources=lambda article: frozenset({article.path, graph.outlets[article.outlet_id].path}),
                        # Its count of quotes is of those on published claims: a claim made a draft changes it.
                        item_id=lambda article: [article.id, len(article.mentions)])
    compare = list_pages("compare", "compare.html", origins.rows, lambda p: compare_context(analysis, p),
                         item_sources=of_row, item_id=row_id,
                         site_wide=[[[c.origin.kind, c.origin.id, c.origin.name, c.claims] for c in origins.columns],
                                    origins.folded, origins.folded_mostly_on_one_claim])  # what the legend says
    # Its first page also shows "Most contested" and the actors' agreement, made of every claim and actor.
    compare[0] = replace(compare[0], sources=EVERYTHING)
    pages += compare
    pages += list_pages("compare/outlets", "compare_outlets.html", by_outlet.rows,
                        lambda p: {"matrix": by_outlet, "rows": p.slice(by_outlet.rows)},
                        item_sources=of_row, item_id=row_id,
                        site_wide=[[outlet.id, outlet.name] for outlet in by_outlet.outlets], nav="compare")
    pages += list_pages("updates", "updates.html", updates, lambda p: {"updates": p.slice(updates)},
                        item_sources=lambda entry: frozenset({entry[1].claim.path}),
                        item_id=lambda entry: [entry[1].claim.id, entry[0].date.isoformat(), entry[2]])
    return pages


def actor_page_sources(item: ActorAnalysis, graph: Graph) -> frozenset[str]:
    """The files an actor's page shows something of."""
    related = [q for said in item.claims for q in said.quotes] + item.relayed
    # "Statements counted under …": the others' statements it is credited with.
    # Each quote's files hold its article (deleting an actor's last statement
    # takes it off "Counted as" too), claim, outlet and the speaker's chain.
    related += item.counted_quotes
    others = [a.path for a in item.members] + ([item.affiliation.path] if item.affiliation else [])
    # what "Counted as" says: its own chain, and the chain of each actor counted under it
    others += [a.path for a in item.chain] + [a.path for m in item.counted_with for a in graph.chains[m.id]]
    return sources_of(related, item.actor.path, *others)


def actor_pages(item: ActorAnalysis, sources: frozenset[str], analysis: Analysis) -> list[Page]:
    """An actor's page, and the numbered pages its lists continue on
    (``paginate.profile_pages``): "What they said" past ``limits.ACTOR_CLAIMS``
    claims (``actors/<id>/page/2/``…), "Statements counted under …" past as
    many (``actors/<id>/counted/page/2/``…), the statements relayed through it
    past ``limits.RELAYED_STATEMENTS`` (``actors/<id>/relayed/page/2/``…).
    Each is made of everything the actor's page is made of; that includes
    the counted speakers' own lists, which say on which of their pages a
    claim is (``said_path``). Only the actor's page shows its biography
    (``text_sources``)."""
    find = partial(said_path, analysis, limits.ACTOR_CLAIMS)
    return [
        Page(page.path, "actor.html", "actors", sources, partial(actor_context, item, page, find),
             text_sources=frozenset({item.actor.path}) if page.first else NO_TEXT)
        for page in paginate.profile_pages(urls.actor_folder(item.actor), [
            ("said", len(item.claims), limits.ACTOR_CLAIMS),
            ("counted", item.counted_claim_count, limits.ACTOR_CLAIMS),
            ("relayed", len(item.relayed), limits.RELAYED_STATEMENTS)])
    ]


def actor_context(item: ActorAnalysis, page: paginate.ProfilePage,
                  said_path: Callable[[Actor, str], str]) -> dict[str, Any]:
    """One of an actor's pages: the first has its profile and the first page
    of every list; a later one a page of one list (the others' are None)."""
    return {
        "item": item, "first": page.first, "bio_html": body_html(item.actor.document) if page.first else Markup(""),
        "said_page": page.lists["said"], "said_claims": page.slice("said", item.claims),
        "counted_page": page.lists["counted"], "counted_claims": page.slice("counted", item.counted),
        "relayed_page": page.lists["relayed"], "relayed": page.slice("relayed", item.relayed),
        "said_path": said_path,  # speaker, claim id → the page of the speaker's list with it
    }


def said_path(analysis: Analysis, size: int, actor: Actor, claim_id: str) -> str:
    """The page of ``actor``'s "What they said" that shows ``claim_id``, pages of ``size`` claims."""
    return paginate.said_page(analysis.actors[actor.id], size, claim_id)


def outlet_page_sources(item: OutletAnalysis) -> frozenset[str]:
    """The files an outlet's page (and each of its numbered pages) shows something of."""
    related = [q for said in item.claims for q in said.quotes] + item.relayed
    return sources_of(related, item.outlet.path, *(a.path for a in item.articles))


def outlet_pages(item: OutletAnalysis, sources: frozenset[str]) -> list[Page]:
    """An outlet's page, and the numbered pages its lists continue on
    (``paginate.profile_pages``): the "Claims it reported" table past
    ``limits.OUTLET_CLAIMS`` rows (``outlets/<id>/page/2/``…), its articles
    past ``limits.OUTLET_ARTICLES`` (``outlets/<id>/articles/page/2/``…), the
    statements relayed through it past ``limits.RELAYED_STATEMENTS``
    (``outlets/<id>/relayed/page/2/``…). Each is made of everything the
    outlet's page is made of; only the first shows the outlet's own text
    (``text_sources``)."""
    return [
        Page(page.path, "outlet.html", "outlets", sources, partial(outlet_context, item, page),
             text_sources=frozenset({item.outlet.path}) if page.first else NO_TEXT)
        for page in paginate.profile_pages(urls.outlet_folder(item.outlet), [
            ("reported", len(item.claims), limits.OUTLET_CLAIMS),
            ("articles", len(item.articles), limits.OUTLET_ARTICLES),
            ("relayed", len(item.relayed), limits.RELAYED_STATEMENTS)])
    ]


def outlet_context(item: OutletAnalysis, page: paginate.ProfilePage) -> dict[str, Any]:
    """One of an outlet's pages: the first has its facts and the first page
    of every list; a later one a page of one list (the others' are None)."""
    return {
        "item": item, "first": page.first, "context_html": body_html(item.outlet.document) if page.first else Markup(""),
        "pagination": page.lists["reported"], "claims": page.slice("reported", item.claims),  # "Claims it reported"
        "articles_page": page.lists["articles"], "articles": page.slice("articles", item.articles),
        "relayed_page": page.lists["relayed"], "relayed": page.slice("relayed", item.relayed),
    }


def claim_review_json(item: ClaimAnalysis, graph: Graph) -> Markup | None:
    """A claim page's schema.org ClaimReview, ready for its <script> element."""
    return structured.claim_review_script(item, graph)


def all_updates(claims: list[ClaimAnalysis]) -> list[tuple[Update, ClaimAnalysis, bool]]:
    """Every correction and update on the site, newest first, each with
    whether it is its claim's newest: the log shows the claim's verdict
    beside that one only, as the verdict now. The record keeps no verdict
    per update, and beside an earlier one today's verdict read as that
    day's."""
    return sorted(
        # A claim's updates are kept oldest first (by date, then note: records.claim_updates).
        ((update, item, update == item.claim.updates[-1]) for item in claims for update in item.claim.updates),
        key=lambda entry: (entry[0].date, entry[1].claim.id, entry[0].note),  # same-day updates as they are kept
        reverse=True,
    )


def compare_context(analysis: Analysis, pagination: paginate.Pagination) -> dict[str, Any]:
    """One page of the claims × independent origins matrix. "Most contested"
    and the actor agreement are shown on the first page only (the template
    decides); what it prints of the agreement is worked out only for it
    (``Analysis.agreement_shown``)."""
    return {
        "matrix": analysis.origin_matrix,
        "rows": pagination.slice(analysis.origin_matrix.rows),
        "others_shown": limits.OTHERS_SHOWN,
        "most_contested": analysis.most_contested,
        "agreement": analysis.agreement_shown if pagination.number == 1 else None,
    }


def home_claims(claims: list[ClaimAnalysis], shown_above: list[ClaimAnalysis] = ()) -> tuple[list[ClaimAnalysis], str]:
    """The claims the home page lists under the most contested (``shown_above``,
    never listed twice), and their heading: every other claim while there are
    at most ``limits.HOME_CLAIMS``; beyond, that many of the most recently
    reviewed or updated (the /claims/ pages list them all)."""
    limit = limits.HOME_CLAIMS
    above = {item.claim.id for item in shown_above}
    claims = [item for item in claims if item.claim.id not in above]
    if len(claims) <= limit:
        return claims, N_("Other claims") if above else N_("All claims")  # translated by the template
    dated = [item for item in claims if structured.latest_date(item)]
    if not dated:  # no editorial dates at all: the widest-reported, as /claims/ begins
        return claims[:limit], N_("Most widely reported")
    dated.sort(key=lambda item: (-structured.latest_date(item).toordinal(), item.claim.id))
    return dated[:limit], N_("Recently reviewed")


def home_context(graph: Graph, analysis: Analysis) -> dict[str, Any]:
    claims, heading = home_claims(analysis.claims_in_order(), analysis.most_contested)
    return {
        "claims": claims,
        "claims_heading": heading,
        "most_contested": analysis.most_contested,
        "counts": {
            "claims": len(graph.claims),
            "articles": len(graph.articles),
            "actors": len(graph.actors),
            "outlets": len(graph.outlets),
            "quotes": len(graph.quotes),
        },
    }


def sorted_actors(analysis: Analysis) -> list[ActorAnalysis]:
    """The actors list's order: people, then organisations, each by name."""
    actors = sorted(analysis.actors.values(), key=lambda a: (a.actor.name.casefold(), a.actor.id))
    return [a for a in actors if a.actor.kind == "person"] + [a for a in actors if a.actor.kind == "organisation"]


def actor_counts(actors: list[ActorAnalysis]) -> dict[str, int]:
    """How many people and how many organisations the actors list holds."""
    return {kind: sum(1 for a in actors if a.actor.kind == kind) for kind in ("person", "organisation")}


def actors_context(pagination: paginate.Pagination, actors: list[ActorAnalysis]) -> dict[str, Any]:
    shown = pagination.slice(actors)
    return {
        "people": [a for a in shown if a.actor.kind == "person"],
        "organisations": [a for a in shown if a.actor.kind == "organisation"],
        "counts": actor_counts(actors),
    }


def sorted_articles(graph: Graph) -> list[Article]:
    return sorted(graph.articles.values(), key=article_order)


def article_context(graph: Graph, article: Article, words: Interface) -> dict[str, Any]:
    quotes = graph.quotes_by_article.get(article.id, [])
    numbers = {id(q): n for n, q in enumerate(quotes, start=1)}
    return {
        "article": article,
        "outlet": graph.outlets[article.outlet_id],
        "claims_in_article": annotate.claims_in_article(quotes),
        "quotes": quotes,
        "numbered": [(numbers[id(q)], q) for q in quotes],
        "numbers": {q.anchor: numbers[id(q)] for q in quotes},
        "body_html": annotate.article_html(article, quotes, numbers, graph.config.language, words),
        "text_path": article_text_path(article),  # its text file (open data), linked from its facts
    }
