"""Discovery: Atom feeds, ``sitemap.xml`` and ``robots.txt``.

Feeds
    ``/feed.xml`` has one entry per published claim the editors dated, rated
    or not; ``/actors/<id>/feed.xml`` one entry per such claim the actor spoke
    on, with what they said. Each holds the ``limits.FEED_ENTRIES`` newest:
    a feed reader wants what is new, and the site's pages keep the rest.
    An entry's ``updated`` is the claim's latest editorial date: its
    ``reviewed`` date or the date of its latest ``updates:`` item. A claim
    with neither has no date to give, so it is left out of the feeds rather
    than dated by the build's clock or a guess. A feed's own ``updated`` is
    its newest entry's; a feed with no entries has nothing to date and says
    the Unix epoch. Entry ids are canonical URLs, which stay the same from
    build to build. A site that states a ``licence`` names it in each feed's
    ``<rights>`` (and a ``rel="license"`` link); one that does not says
    nothing about it.

Sitemap and robots.txt
    The sitemap lists the canonical URL of every HTML page, sorted; only claim
    pages carry a ``lastmod``, their latest editorial date, because no other
    page has a date of its own. The protocol (sitemaps.org) takes at most
    50,000 URLs and 50 MiB a file, which an archive of some 36,000 articles
    passes: then ``sitemap.xml`` is a sitemap index naming ``sitemap-1.xml``,
    ``sitemap-2.xml``…, each a run of the sorted URLs within both limits.
    ``robots.txt`` allows everything and names ``sitemap.xml``; crawlers read
    it only at the root of a host, so it does its work when the site is
    published there.
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as etree
from typing import Callable, Sequence

from ..core import limits
from ..core.model import DISPUTES, NEUTRAL, STANCES, SUPPORTS, Actor, Graph, Licence, Quote, Verdict
from ..core.translations import N_, Interface
from ..core.wording import STANCE_LABELS, cited_title
from ..stages.analyse import ActorAnalysis, Analysis, ClaimAnalysis, ClaimStance
from . import paginate, urls
from .base import EVERYTHING, NO_TEXT, DataFile, Output, Page
from .quotemarks import display_quote
from .structured import latest_date, publisher

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITE_FEED = "feed.xml"
SITEMAP = "sitemap.xml"
SITEMAP_PART = "sitemap-{number}.xml"  # the files a sitemap index names, from 1
# The sitemap protocol's limits for one file: URLs, and bytes before compression.
SITEMAP_URLS_MAX = 50_000
SITEMAP_BYTES_MAX = 50 * 1024 * 1024
# What a <url> entry adds to its address's length, at most: the tags, the
# indentation and line breaks xml_bytes lays out, and a <lastmod> date.
SITEMAP_ENTRY_BYTES = 96
SITEMAP_HEAD = f'<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n</urlset>\n'  # a file's own bytes
ROBOTS = "robots.txt"
# The `updated` of a feed with no entries: there is no date to give.
EPOCH = datetime.date(1970, 1, 1)


def actor_feed_path(actor: Actor) -> str:
    return f"actors/{actor.id}/feed.xml"


def template_globals() -> dict[str, object]:
    """The feeds' addresses, for the templates' links to them; registered in environment.make_environment."""
    return {"site_feed_path": SITE_FEED, "actor_feed_path": actor_feed_path}


def in_feeds(item: ClaimAnalysis) -> bool:
    """A published claim the editors dated (reviewed or updated), rated or
    not: not rating a claim, and saying why, is a review's outcome too, and
    the site feed is of "claims reviewed or updated"."""
    return not item.claim.draft and latest_date(item) is not None


def verdict_line(item: ClaimAnalysis, words: Interface, message: str = N_("Verdict: %(verdict)s.")) -> str:
    """The claim's verdict in a sentence; or that it is not rated, and why."""
    if item.verdict is not None:
        return words.gettext(message) % {"verdict": item.verdict.label}
    if item.claim.not_rated:
        return words.gettext("Not rated: %(reason)s") % {"reason": item.claim.not_rated}
    return words.gettext("Not yet rated.")


def atom_time(date: datetime.date) -> str:
    """Atom needs a full timestamp; our dates are days, so midnight UTC."""
    return f"{date.isoformat()}T00:00:00Z"


def newest_first(items: list[ClaimAnalysis]) -> list[ClaimAnalysis]:
    """By latest editorial date, newest first; claims of the same day by id."""
    return sorted(items, key=lambda item: (-latest_date(item).toordinal(), item.claim.id))


# --- building Atom ---------------------------------------------------------------


def sub(parent: etree.Element, tag: str, text: str | None = None, **attributes: str) -> etree.Element:
    element = etree.SubElement(parent, tag, attributes)
    element.text = text
    return element


def feed_element(graph: Graph, *, title: str, subtitle: str, self_path: str, page_path: str,
                 entries: list[etree.Element], updated: datetime.date | None) -> etree.Element:
    """An Atom <feed>; its id is its own canonical URL."""
    config = graph.config
    feed = etree.Element("feed", {"xmlns": ATOM_NS, "xml:lang": config.language})
    sub(feed, "id", urls.canonical_url(config.base_url, self_path))
    sub(feed, "title", title)
    sub(feed, "subtitle", subtitle)
    sub(feed, "updated", atom_time(updated or EPOCH))
    sub(feed, "link", rel="self", type="application/atom+xml", href=urls.canonical_url(config.base_url, self_path))
    sub(feed, "link", rel="alternate", type="text/html", href=urls.canonical_url(config.base_url, page_path))
    if config.licence:  # Atom's <rights> is text for people; RFC 4946's license link is for machines
        sub(feed, "rights", licence_text(config.licence))
        sub(feed, "link", rel="license", href=config.licence.url)
    author = sub(feed, "author")
    organisation = publisher(config)
    sub(author, "name", organisation["name"])
    if "url" in organisation:
        sub(author, "uri", organisation["url"])
    feed.extend(entries)
    return feed


def licence_text(licence: Licence) -> str:
    """"Creative Commons Attribution 4.0 International (CC-BY-4.0): https://…", or the bare URL."""
    return licence.url if licence.label == licence.url else f"{licence.label}: {licence.url}"


def entry_element(*, entry_id: str, title: str, updated: datetime.date, published: datetime.date | None,
                  links: list[tuple[str, str]], verdict: Verdict | None, summary: str) -> etree.Element:
    entry = etree.Element("entry")
    sub(entry, "id", entry_id)
    sub(entry, "title", title)
    sub(entry, "updated", atom_time(updated))
    if published:
        sub(entry, "published", atom_time(published))
    for rel, href in links:
        sub(entry, "link", rel=rel, type="text/html", href=href)
    if verdict is not None:
        sub(entry, "category", term=verdict.id, label=verdict.label)
    sub(entry, "summary", summary, type="text")
    return entry


def xml_bytes(root: etree.Element) -> bytes:
    etree.indent(root)
    declaration = '<?xml version="1.0" encoding="utf-8"?>\n'
    return (declaration + etree.tostring(root, encoding="unicode") + "\n").encode("utf-8")


# --- the site feed ---------------------------------------------------------------


def claim_summary(item: ClaimAnalysis, words: Interface) -> str:
    """Verdict, the editors' one-line summary, and the latest update note."""
    parts = [verdict_line(item, words)]
    if item.claim.summary:
        parts.append(item.claim.summary)
    if item.claim.updates:
        latest = item.claim.updates[-1]  # updates are kept oldest first
        parts.append(words.gettext("Update of %(date)s: %(note)s") % {"date": words.format_date(latest.date), "note": latest.note})
    return "\n\n".join(parts)


def claim_entry(item: ClaimAnalysis, graph: Graph, words: Interface) -> etree.Element:
    url = urls.canonical_url(graph.config.base_url, urls.claim_path(item.claim))
    return entry_element(
        entry_id=url, title=item.claim.statement, updated=latest_date(item), published=item.claim.reviewed,
        links=[("alternate", url)], verdict=item.verdict, summary=claim_summary(item, words),
    )


def site_feed(graph: Graph, analysis: Analysis, words: Interface) -> bytes:
    items = newest_first([item for item in analysis.claims.values() if in_feeds(item)])[:limits.FEED_ENTRIES]
    feed = feed_element(
        graph, title=graph.config.title, subtitle=words.gettext("Claims reviewed or updated"), self_path=SITE_FEED,
        page_path=urls.page_path(), entries=[claim_entry(item, graph, words) for item in items],
        updated=latest_date(items[0]) if items else None,
    )
    return xml_bytes(feed)


# --- one feed per actor ----------------------------------------------------------


def said_claim_anchor(item: ClaimAnalysis) -> str:
    """The id of a claim's section on an actor page (see actor.html)."""
    return f"claim-{item.claim.id}"


def quote_line(quote: Quote, site_language: str, words: Interface) -> str:
    where = f"{cited_title(quote.article, words)}, {quote.outlet.name}"
    if quote.article.published:
        where += f", {quote.article.published.iso()}"
    shown = display_quote(quote.text, quote.language or site_language)
    return words.gettext("%(stance)s: “%(quote)s” (%(where)s)") % {
        "stance": words.gettext(STANCE_LABELS[quote.stance]), "quote": shown, "where": where}


def published_quotes(said: ClaimStance) -> list[Quote]:
    """Feeds announce published statements only, even in a --drafts preview."""
    return [q for q in said.quotes if not q.article.draft]


def actor_entry(actor: Actor, said: ClaimStance, said_path: str, graph: Graph, words: Interface) -> etree.Element:
    """One claim the actor spoke on: the verdict, then each of their quotes on it.
    ``said_path``: the page of the actor's "What they said" that shows the
    claim, which the entry links; its id stays the actor's page's, so a
    claim moved to another page is not announced anew."""
    item = said.claim
    page = urls.canonical_url(graph.config.base_url, urls.actor_path(actor))
    shown_on = urls.canonical_url(graph.config.base_url, said_path)
    quotes = published_quotes(said)
    taken = [s for s in STANCES if any(q.stance == s for q in quotes)]
    return entry_element(
        entry_id=f"{page}#{said_claim_anchor(item)}",
        title=words.gettext("%(actor)s %(stances)s: %(claim)s") % {
            "actor": actor.name, "stances": stances_in_words(taken, words), "claim": item.claim.statement},
        updated=latest_date(item), published=item.claim.reviewed,
        links=[("alternate", f"{shown_on}#{said_claim_anchor(item)}"),
               ("related", urls.canonical_url(graph.config.base_url, urls.claim_path(item.claim)))],
        verdict=item.verdict,
        summary="\n\n".join([verdict_line(item, words, N_("Verdict on the claim: %(verdict)s.")),
                             *(quote_line(quote, graph.config.language, words) for quote in quotes)]),
    )


# What an actor did with a claim, in a feed entry's title: "Ana asserts: …",
# "Ana asserts and disputes: …" (lower case, unlike the labels of pages).
STANCES_TAKEN = {
    (SUPPORTS,): N_("asserts"), (DISPUTES,): N_("disputes"), (NEUTRAL,): N_("is neutral"),
    (SUPPORTS, DISPUTES): N_("asserts and disputes"), (SUPPORTS, NEUTRAL): N_("asserts and is neutral"),
    (DISPUTES, NEUTRAL): N_("disputes and is neutral"),
    (SUPPORTS, DISPUTES, NEUTRAL): N_("asserts, disputes and is neutral"),
}


def stances_in_words(taken: list[str], words: Interface) -> str:
    return words.gettext(STANCES_TAKEN[tuple(taken)])


def actor_feed(item: ActorAnalysis, page_size: int, graph: Graph, words: Interface) -> bytes:
    """The actor's claims, each entry linking the page of its "What they
    said" that shows it (``page_size`` claims a page)."""
    actor = item.actor
    by_claim = {s.claim.claim.id: s for s in item.claims if in_feeds(s.claim) and published_quotes(s)}
    claims = newest_first([s.claim for s in by_claim.values()])[:limits.FEED_ENTRIES]
    feed = feed_element(
        graph, title=words.gettext("%(actor)s: statements checked on %(site)s") % {"actor": actor.name, "site": graph.config.title},
        subtitle=words.gettext("Claims %(actor)s spoke on, as they are reviewed or updated") % {"actor": actor.name},
        self_path=actor_feed_path(actor), page_path=urls.actor_path(actor),
        entries=[actor_entry(actor, by_claim[claim.claim.id], paginate.said_page(item, page_size, claim.claim.id),
                             graph, words) for claim in claims],
        updated=latest_date(claims[0]) if claims else None,
    )
    return xml_bytes(feed)


# --- sitemap and robots.txt ------------------------------------------------------


def sitemap_parts(html_paths: Sequence[str], base_url: str) -> list[tuple[str, ...]]:
    """The pages' paths in runs that each fit one sitemap file
    (:data:`SITEMAP_URLS_MAX` URLs, :data:`SITEMAP_BYTES_MAX` bytes), in the
    order of their canonical URLs; one run for a site that surely fits one
    file, told without making a single address (most sites; at 10,000
    articles making and sorting them all took 25 ms of every plan)."""
    # An address is the base URL (with a slash added) and the path, whose
    # characters a URL may hold or, at worst, percent-escaped (3 bytes each).
    base = escaped_length(base_url) + 1
    bound = len(SITEMAP_HEAD) + sum(base + SITEMAP_ENTRY_BYTES + 3 * len(path.encode("utf-8")) for path in html_paths)
    if len(html_paths) <= SITEMAP_URLS_MAX and bound <= SITEMAP_BYTES_MAX:
        return [tuple(html_paths)]
    parts: list[tuple[str, ...]] = []
    run: list[str] = []
    size = len(SITEMAP_HEAD)
    for loc, path in sorted((urls.canonical_url(base_url, path), path) for path in html_paths):
        entry = escaped_length(loc) + SITEMAP_ENTRY_BYTES
        if run and (len(run) == SITEMAP_URLS_MAX or size + entry > SITEMAP_BYTES_MAX):
            parts.append(tuple(run))
            run, size = [], len(SITEMAP_HEAD)
        run.append(path)
        size += entry
    return [*parts, tuple(run)]


def escaped_length(text: str) -> int:
    """The bytes of ``text`` as an element's text in UTF-8 XML: ``&``, ``<``
    and ``>`` escaped, as ElementTree writes it (``xml.sax.saxutils.escape``
    does the same, but importing it imports urllib.request and http.client:
    18 ms of every command)."""
    return len(text.encode("utf-8")) + 4 * text.count("&") + 3 * (text.count("<") + text.count(">"))


def sitemap(paths: Sequence[str], graph: Graph, analysis: Analysis) -> bytes:
    """A ``<urlset>`` of ``paths``, sorted by canonical URL."""
    claim_dates = {urls.claim_path(item.claim): latest_date(item) for item in analysis.claims.values()}
    urlset = etree.Element("urlset", {"xmlns": SITEMAP_NS})
    for path in sorted(paths, key=lambda p: urls.canonical_url(graph.config.base_url, p)):
        entry = sub(urlset, "url")
        sub(entry, "loc", urls.canonical_url(graph.config.base_url, path))
        if claim_dates.get(path):
            sub(entry, "lastmod", claim_dates[path].isoformat())
    return xml_bytes(urlset)


def sitemap_index(count: int, graph: Graph) -> bytes:
    """A ``<sitemapindex>`` naming the ``count`` sitemap files; none has a date of its own."""
    index = etree.Element("sitemapindex", {"xmlns": SITEMAP_NS})
    for number in range(1, count + 1):
        sub(sub(index, "sitemap"), "loc", urls.canonical_url(graph.config.base_url, SITEMAP_PART.format(number=number)))
    return xml_bytes(index)


def robots(graph: Graph) -> bytes:
    return (
        "User-agent: *\n"
        "Allow: /\n"
        f"Sitemap: {urls.canonical_url(graph.config.base_url, SITEMAP)}\n"
    ).encode("utf-8")


# --- planning --------------------------------------------------------------------


def plan(graph: Graph, analysis: Analysis, pages: list[Output], words: Interface) -> list[DataFile]:
    """The feeds, the sitemap and robots.txt.

    ``pages`` is the site map planned so far, every HTML page in it: the
    sitemap lists those. It keeps their paths, not the list, which will hold
    the sitemap itself: a list referring to itself through the sitemap would
    make the whole model garbage only the cycle collector can free (in
    ``serve``, 460,000 objects and 0.6 s after each save at 10,000 articles).
    An actor's feed shows a subset of the actor's page, so it has the page's sources.
    """
    sources_by_path = {page.path: page.sources for page in pages}
    html_paths = tuple(p.path for p in pages if isinstance(p, Page) and p.path.endswith(".html"))
    outputs = [
        DataFile(SITE_FEED, EVERYTHING, lambda: site_feed(graph, analysis, words), text_sources=NO_TEXT),
        *sitemap_files(sitemap_parts(html_paths, graph.config.base_url), graph, analysis),
        # robots.txt is made from site.yaml alone, and a change there re-renders everything.
        DataFile(ROBOTS, frozenset(), lambda: robots(graph)),
    ]
    for item in analysis.actors.values():
        outputs.append(DataFile(
            actor_feed_path(item.actor), sources_by_path[urls.actor_path(item.actor)],
            bind(actor_feed, item, limits.ACTOR_CLAIMS, graph, words), text_sources=NO_TEXT,
        ))
    return outputs


def sitemap_files(parts: list[tuple[str, ...]], graph: Graph, analysis: Analysis) -> list[DataFile]:
    """``sitemap.xml`` for one part; else it is the index of one file per part."""
    if len(parts) == 1:
        return [DataFile(SITEMAP, EVERYTHING, bind(sitemap, parts[0], graph, analysis), text_sources=NO_TEXT)]
    return [
        DataFile(SITEMAP, EVERYTHING, bind(sitemap_index, len(parts), graph), text_sources=NO_TEXT),
        *(DataFile(SITEMAP_PART.format(number=number), EVERYTHING, bind(sitemap, part, graph, analysis),
                   text_sources=NO_TEXT)
          for number, part in enumerate(parts, start=1)),
    ]


def bind(function: Callable[..., bytes], *args) -> Callable[[], bytes]:
    """``function`` with its arguments fixed now, not when the loop has moved on."""
    return lambda: function(*args)
