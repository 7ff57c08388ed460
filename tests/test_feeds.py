"""Discovery: Atom feeds, sitemap.xml, robots.txt, OpenGraph and feed links."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as etree
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from generator.core.diagnostics import Diagnostics
from generator.stages.catalogues import english_interface, load_interface

from sitekit import REPO, RICH_SITE, VALID_SITE, graph_of, make_site, parse_file, resolve_internal, write_files

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
OPENGRAPH = ("og:site_name", "og:title", "og:description", "og:type", "og:url")


@pytest.fixture(params=["valid", "example"])
def site(request) -> tuple[Path, Path]:
    """(site root, its built output) for the fixture and the example site."""
    return {"valid": VALID_SITE, "example": REPO}[request.param], request.getfixturevalue(f"{request.param}_out")


def html_pages(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.html") if "pagefind" not in p.relative_to(out).parts)


def parse_atom(path: Path) -> etree.Element:
    root = etree.parse(path).getroot()  # raises on XML that is not well-formed
    assert root.tag == f"{ATOM}feed", f"{path}: not an Atom feed"
    return root


def text(element: etree.Element, tag: str) -> str:
    found = element.find(f"{ATOM}{tag}")
    assert found is not None and (found.text or "").strip(), f"<{tag}> missing or empty"
    return found.text


def is_rfc3339(value: str) -> bool:
    try:
        return datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ") is not None
    except ValueError:
        return False


def check_atom(path: Path) -> list[etree.Element]:
    """Atom's required elements (RFC 4287); returns the entries."""
    feed = parse_atom(path)
    for tag in ("id", "title", "updated"):
        text(feed, tag)
    assert is_rfc3339(text(feed, "updated"))
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None  # covers every entry
    self_links = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert len(self_links) == 1
    entries = feed.findall(f"{ATOM}entry")
    for entry in entries:
        for tag in ("id", "title", "updated"):
            text(entry, tag)
        assert is_rfc3339(text(entry, "updated"))
        assert [link for link in entry.findall(f"{ATOM}link") if link.get("rel") == "alternate"]
    ids = [text(entry, "id") for entry in entries] + [text(feed, "id")]
    assert len(ids) == len(set(ids)), f"{path}: duplicate ids"
    for identifier in ids:
        assert urlsplit(identifier).scheme == "https", identifier  # absolute, stable
    return entries


def feed_links(page: Path) -> list[str]:
    return [a["href"] for a in parse_file(page).find("link", rel="alternate", type="application/atom+xml")]


# --- the site feed --------------------------------------------------------------------


def test_feeds_are_valid_atom(site):
    _, out = site
    check_atom(out / "feed.xml")
    actor_feeds = sorted((out / "actors").glob("*/feed.xml"))
    assert len(actor_feeds) == len(list((out / "actors").glob("*/index.html")))
    for path in actor_feeds:
        check_atom(path)


def test_site_feed_of_the_valid_fixture(valid_out):
    feed = parse_atom(valid_out / "feed.xml")
    assert text(feed, "id") == "https://checks.example.org/sub/feed.xml"
    assert text(feed, "updated") == "2024-03-05T00:00:00Z"  # the newest entry
    entries = feed.findall(f"{ATOM}entry")
    # bridge-cost: no `reviewed`, but an update of 2024-03-05; bridge-finished: reviewed 2024-03-02;
    # river-clean has no date (neither reviewed nor updated), so it is not in the feed. Newest first.
    assert [(text(e, "id"), text(e, "updated")) for e in entries] == [
        ("https://checks.example.org/sub/claims/bridge-cost/", "2024-03-05T00:00:00Z"),
        ("https://checks.example.org/sub/claims/bridge-finished/", "2024-03-02T00:00:00Z"),
    ]
    cost, finished = entries
    assert cost.find(f"{ATOM}published") is None  # never reviewed: no publication date to give
    assert text(finished, "published") == "2024-03-02T00:00:00Z"
    assert text(cost, "title") == "The bridge cost more than planned."
    assert "Verdict: Accurate." in text(cost, "summary")
    assert "Update of 5 March 2024: Added the Hill Gazette's figure" in text(cost, "summary")
    assert cost.find(f"{ATOM}category").get("term") == "accurate"


def test_site_feed_entries_are_the_dated_claims_rated_or_not(site):
    """"Claims reviewed or updated": a claim the editors reviewed and chose
    not to rate is one of them (it was left out, under that subtitle)."""
    root, out = site
    _, analysis = graph_of(root)
    from generator.outputs.feeds import latest_date

    expected = {
        f"claims/{cid}/": latest_date(item)
        for cid, item in analysis.claims.items()
        if not item.claim.draft and latest_date(item)
    }
    entries = parse_atom(out / "feed.xml").findall(f"{ATOM}entry")
    base = text(parse_atom(out / "feed.xml"), "id").removesuffix("feed.xml")
    got = {text(e, "id").removeprefix(base): text(e, "updated") for e in entries}
    assert got == {path: f"{date.isoformat()}T00:00:00Z" for path, date in expected.items()}
    for entry in entries:
        item = analysis.claims[text(entry, "id").removeprefix(base).split("/")[1]]
        category = entry.find(f"{ATOM}category")
        if item.verdict:
            assert category.get("term") == item.verdict.id
            assert text(entry, "summary").startswith(f"Verdict: {item.verdict.label}.")
        else:  # no verdict to name: none is made up
            assert category is None
            assert text(entry, "summary").startswith(
                f"Not rated: {item.claim.not_rated}" if item.claim.not_rated else "Not yet rated.")
    if root.name != "valid-site":
        assert any(not analysis.claims[cid.split("/")[1]].verdict for cid in got)  # the example has one


def test_a_feed_holds_the_newest_entries_only(monkeypatch):
    """The site's feed and an actor's stop at ``limits.FEED_ENTRIES``
    entries, the claims most recently reviewed or updated: at 100,000
    articles listing every one made the site feed 10 MB."""
    from generator.core import limits
    from generator.outputs import feeds
    from generator.outputs.feeds import actor_feed, in_feeds, latest_date, site_feed

    graph, analysis = graph_of(REPO)
    words = english_interface()
    monkeypatch.setattr(limits, "FEED_ENTRIES", 3)
    dated = sorted((item for item in analysis.claims.values() if in_feeds(item)),
                   key=lambda item: (-latest_date(item).toordinal(), item.claim.id))
    assert len(dated) > 3
    feed = etree.fromstring(site_feed(graph, analysis, words))
    base = text(feed, "id").removesuffix("feed.xml")
    assert [text(e, "id").removeprefix(base) for e in feed.findall(f"{ATOM}entry")] == [
        f"claims/{item.claim.id}/" for item in dated[:3]]
    assert text(feed, "updated") == f"{latest_date(dated[0]).isoformat()}T00:00:00Z"

    def claims_in_feed(item) -> list[str]:
        return [s.claim.claim.id for s in item.claims if in_feeds(s.claim) and feeds.published_quotes(s)]

    busiest = max(analysis.actors.values(), key=lambda item: (len(claims_in_feed(item)), item.actor.id))
    spoke_on = [item for item in dated if item.claim.id in claims_in_feed(busiest)]
    assert len(spoke_on) > 3
    entries = etree.fromstring(actor_feed(busiest, limits.ACTOR_CLAIMS, graph, words)).findall(f"{ATOM}entry")
    assert [text(e, "id").rpartition("#claim-")[2] for e in entries] == [item.claim.id for item in spoke_on[:3]]


def test_undated_claims_are_left_out_and_an_empty_feed_says_the_epoch(tmp_path):
    from generator.outputs.feeds import site_feed

    graph, analysis = graph_of(make_site(tmp_path))  # one rated claim, no date anywhere
    feed = etree.fromstring(site_feed(graph, analysis, english_interface()))
    assert feed.findall(f"{ATOM}entry") == []
    assert text(feed, "updated") == "1970-01-01T00:00:00Z"


def test_the_latest_of_reviewed_and_updates_dates_an_entry(tmp_path):
    from generator.outputs.feeds import site_feed

    claim = (
        "---\nstatement: The bridge cost more than planned.\nverdict: accurate\nreviewed: 2024-05-01\n"
        "updates:\n  - {date: 2024-04-01, note: Older than the review.}\n---\n"
    )
    graph, analysis = graph_of(make_site(tmp_path, {"content/claims/bridge-cost.md": claim}))
    [entry] = etree.fromstring(site_feed(graph, analysis, english_interface())).findall(f"{ATOM}entry")
    assert text(entry, "updated") == "2024-05-01T00:00:00Z"
    write_files(tmp_path, {"content/claims/bridge-cost.md": claim.replace("2024-04-01", "2024-06-09")})
    graph, analysis = graph_of(tmp_path)
    [entry] = etree.fromstring(site_feed(graph, analysis, english_interface())).findall(f"{ATOM}entry")
    assert text(entry, "updated") == "2024-06-09T00:00:00Z"
    assert text(entry, "published") == "2024-05-01T00:00:00Z"


def test_an_update_is_dated_as_the_sites_language_writes_dates(tmp_path):
    from generator.outputs.feeds import site_feed

    claim = ("---\nstatement: The bridge cost more than planned.\nverdict: accurate\n"
             "updates:\n  - {date: 2024-03-05, note: Added a figure.}\n---\n")
    graph, analysis = graph_of(make_site(tmp_path, {"content/claims/bridge-cost.md": claim}))
    for tag, wanted in (("fr", "Mise à jour du 5 mars 2024 : Added a figure."),
                        ("fa-AF", "به‌روزرسانی ۵ مارچ ۲۰۲۴: Added a figure.")):
        words = load_interface(tmp_path, tag, 1, Diagnostics())
        [entry] = etree.fromstring(site_feed(graph, analysis, words)).findall(f"{ATOM}entry")
        assert wanted in text(entry, "summary")


def test_feed_text_is_escaped(tmp_path):
    from generator.outputs.feeds import site_feed

    statement = "'Cost < 9 & > 12 </title><script>x</script>'"
    claim = f"---\nstatement: {statement}\nverdict: accurate\nreviewed: 2024-05-01\n---\n"
    graph, analysis = graph_of(make_site(tmp_path, {"content/claims/bridge-cost.md": claim}))
    [entry] = etree.fromstring(site_feed(graph, analysis, english_interface())).findall(f"{ATOM}entry")
    assert text(entry, "title") == "Cost < 9 & > 12 </title><script>x</script>"


# --- actor feeds ------------------------------------------------------------------------


def test_actor_feed_of_the_valid_fixture(valid_out):
    feed = parse_atom(valid_out / "actors" / "bo-critic" / "feed.xml")
    assert text(feed, "id") == "https://checks.example.org/sub/actors/bo-critic/feed.xml"
    entries = feed.findall(f"{ATOM}entry")
    assert [text(e, "title") for e in entries] == [
        "Bo Critic asserts: The bridge cost more than planned.",
        "Bo Critic disputes: The new bridge was finished on time.",
    ]
    quote = "Asserts: “cost 14 million euros” (Critics say bridge came in late, Hill Gazette, 2024-03)"
    assert quote in text(entries[0], "summary")
    related = [link.get("href") for link in entries[0].findall(f"{ATOM}link") if link.get("rel") == "related"]
    assert related == ["https://checks.example.org/sub/claims/bridge-cost/"]
    # the council said nothing: an empty feed, still valid
    council = parse_atom(valid_out / "actors" / "river-council" / "feed.xml")
    assert council.findall(f"{ATOM}entry") == []


def test_actor_feed_entries_link_to_their_section_on_the_actor_page(site):
    _, out = site
    for path in sorted((out / "actors").glob("*/feed.xml")):
        page = path.parent / "index.html"
        ids = set(parse_file(page).ids)
        canonical = parse_file(page).find("link", rel="canonical")[0]["href"]
        for entry in parse_atom(path).findall(f"{ATOM}entry"):
            [alternate] = [link.get("href") for link in entry.findall(f"{ATOM}link") if link.get("rel") == "alternate"]
            url, _, anchor = alternate.partition("#")
            assert url == canonical and anchor in ids, alternate


def test_feed_sources_for_incremental_rebuilds(tmp_path):
    from generator.outputs.base import EVERYTHING
    from generator.outputs.siteplan import plan_pages

    graph, analysis = graph_of(write_files(tmp_path, RICH_SITE))
    planned = {p.path: p for p in plan_pages(graph, analysis, english_interface())}
    for path in ("feed.xml", "sitemap.xml"):
        assert planned[path].sources == EVERYTHING, path
    assert planned["robots.txt"].sources == frozenset()  # site.yaml only: it re-renders everything
    for actor_id in graph.actors:
        page = planned[f"actors/{actor_id}/index.html"]
        assert planned[f"actors/{actor_id}/feed.xml"].sources == page.sources


# --- links to the feeds and OpenGraph -------------------------------------------------------


def test_feed_links_on_home_claims_and_actor_pages(site):
    _, out = site
    for page in [out / "index.html", out / "claims" / "index.html", *sorted((out / "claims").glob("*/index.html"))]:
        [href] = feed_links(page)
        assert resolve_internal(page, href)[0] == out / "feed.xml", page
    for page in sorted((out / "actors").glob("*/index.html")):
        [href] = feed_links(page)
        assert resolve_internal(page, href)[0] == page.parent / "feed.xml", page
    assert feed_links(out / "outlets" / "index.html") == []


def test_every_page_has_opengraph_and_canonical(site):
    _, out = site
    for page in html_pages(out):
        parsed = parse_file(page)
        [canonical] = parsed.find("link", rel="canonical")
        meta = {m["property"]: m["content"] for m in parsed.find("meta") if (m.get("property") or "").startswith("og:")}
        assert sorted(meta) == sorted(OPENGRAPH), page
        assert all(value.strip() for value in meta.values()), page
        assert meta["og:url"] == canonical["href"]
        expected_type = "article" if page.parent.parent.name == "claims" else "website"
        assert meta["og:type"] == expected_type, page


def test_opengraph_text_of_a_claim_and_the_home_page(valid_out):
    def og(page: Path) -> dict[str, str]:
        return {m["property"]: m["content"] for m in parse_file(page).find("meta") if m.get("property")}

    claim = og(valid_out / "claims" / "bridge-finished" / "index.html")
    assert claim["og:title"] == "The new bridge was finished on time."
    assert claim["og:description"] == "Finished, but a month late by one account."
    assert claim["og:url"] == "https://checks.example.org/sub/claims/bridge-finished/"
    assert claim["og:site_name"] == "Fixture Checks"
    home = og(valid_out / "index.html")
    assert home["og:title"] == "Fixture Checks"
    assert home["og:description"] == "A small valid site used by the tests."


# --- sitemap and robots.txt -------------------------------------------------------------------


def test_sitemap_lists_every_page_once_sorted(site):
    root, out = site
    urlset = etree.parse(out / "sitemap.xml").getroot()
    assert urlset.tag == f"{SITEMAP}urlset"
    locs = [u.find(f"{SITEMAP}loc").text for u in urlset.findall(f"{SITEMAP}url")]
    canonicals = [parse_file(p).find("link", rel="canonical")[0]["href"] for p in html_pages(out)]
    assert locs == sorted(canonicals)
    assert len(locs) == len(set(locs))


def test_sitemap_dates_only_claim_pages(valid_out):
    urlset = etree.parse(valid_out / "sitemap.xml").getroot()
    dated = {
        u.find(f"{SITEMAP}loc").text: u.find(f"{SITEMAP}lastmod").text
        for u in urlset.findall(f"{SITEMAP}url") if u.find(f"{SITEMAP}lastmod") is not None
    }
    assert dated == {
        "https://checks.example.org/sub/claims/bridge-cost/": "2024-03-05",
        "https://checks.example.org/sub/claims/bridge-finished/": "2024-03-02",
    }


def sitemap_locs(root: etree.Element, entry: str) -> list[str]:
    return [element.find(f"{SITEMAP}loc").text for element in root.findall(f"{SITEMAP}{entry}")]


@pytest.mark.parametrize("limit", ["urls", "bytes"])
def test_a_sitemap_past_the_protocols_limits_is_an_index_of_sitemaps(tmp_path, monkeypatch, limit):
    """Past 50,000 URLs or 50 MiB a file (sitemaps.org), sitemap.xml is a
    sitemap index naming sitemap-1.xml…, each within both limits, together
    every page once in the order of the single file. The limits lowered here."""
    from generator.engine.build import build
    from generator.outputs import feeds

    most = 1500  # bytes: a few entries of the fixture's addresses
    if limit == "urls":
        monkeypatch.setattr(feeds, "SITEMAP_URLS_MAX", 4)
    else:
        monkeypatch.setattr(feeds, "SITEMAP_BYTES_MAX", most)
    out = tmp_path / "out"
    assert build(VALID_SITE, out, use_cache=False).ok
    index = etree.parse(out / "sitemap.xml").getroot()
    assert index.tag == f"{SITEMAP}sitemapindex"
    named = sitemap_locs(index, "sitemap")
    assert len(named) > 2
    assert named == [f"https://checks.example.org/sub/sitemap-{n}.xml" for n in range(1, len(named) + 1)]
    assert not (out / f"sitemap-{len(named) + 1}.xml").exists()
    locs = []
    for number in range(1, len(named) + 1):
        part = out / f"sitemap-{number}.xml"
        urlset = etree.parse(part).getroot()
        assert urlset.tag == f"{SITEMAP}urlset"
        entries = sitemap_locs(urlset, "url")
        assert entries and (len(entries) <= 4 if limit == "urls" else part.stat().st_size <= most)
        locs += entries
    canonicals = [parse_file(p).find("link", rel="canonical")[0]["href"] for p in html_pages(out)]
    assert locs == sorted(canonicals)
    assert (out / "robots.txt").read_text(encoding="utf-8").endswith("Sitemap: https://checks.example.org/sub/sitemap.xml\n")


def test_robots_allows_all_and_names_the_sitemap(valid_out):
    assert (valid_out / "robots.txt").read_text(encoding="utf-8") == (
        "User-agent: *\nAllow: /\nSitemap: https://checks.example.org/sub/sitemap.xml\n"
    )


def test_base_url_override_moves_every_address(tmp_path):
    from generator.engine.build import build

    out = tmp_path / "out"
    assert build(VALID_SITE, out, base_url="https://moved.example.net/fc").ok
    assert text(parse_atom(out / "feed.xml"), "id") == "https://moved.example.net/fc/feed.xml"
    assert "Sitemap: https://moved.example.net/fc/sitemap.xml" in (out / "robots.txt").read_text()
    locs = [u.find(f"{SITEMAP}loc").text for u in etree.parse(out / "sitemap.xml").getroot()]
    assert locs and all(loc.startswith("https://moved.example.net/fc/") for loc in locs)


def test_outputs_are_the_same_bytes_on_every_build(tmp_path):
    from generator.outputs.siteplan import plan_pages

    def produce() -> dict[str, bytes]:
        graph, analysis = graph_of(VALID_SITE)
        return {p.path: p.produce() for p in plan_pages(graph, analysis, english_interface())
                if p.path.endswith((".xml", ".txt")) or p.path == "data/claimreview.json"}

    first = produce()
    assert {"feed.xml", "sitemap.xml", "robots.txt", "data/claimreview.json", "actors/bo-critic/feed.xml"} <= set(first)
    assert produce() == first


@pytest.mark.parametrize("taken, words", [
    (("neutral",), "is neutral"),
    (("supports", "neutral"), "asserts and is neutral"),
    (("disputes", "neutral"), "disputes and is neutral"),
    (("supports", "disputes", "neutral"), "asserts, disputes and is neutral"),
    (("supports", "disputes"), "asserts and disputes"),
])
def test_an_actor_entrys_title_says_what_they_did_in_a_sentence(taken, words):
    """"Ana asserts and is neutral: …", never "Ana asserts and neutral: …"."""
    from generator.core.wording import POSITION_VERBS
    from generator.outputs.feeds import stances_in_words

    assert stances_in_words(list(taken), english_interface()) == words
    assert english_interface().gettext(POSITION_VERBS["neutral"]) == "is neutral"  # "Ana asserts; Bo is neutral."


@pytest.mark.parametrize("text", ["https://example.org/", "https://example.org/a?b=1&c=<2>", "https://exämple.org/é&ü",
                                  "&&<<>>", ""])
def test_the_sitemaps_size_bound_counts_each_address_as_xml_writes_it(text):
    from xml.sax.saxutils import escape

    from generator.outputs.feeds import escaped_length

    assert escaped_length(text) == len(escape(text).encode("utf-8"))
