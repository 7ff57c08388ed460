"""Page paths, relative links at every depth, canonical URLs, text fragments."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import unquote, urljoin

import pytest

from generator.core.model import Actor, Article, Claim, Outlet
from generator.outputs.urls import (
    Links, canonical_url, encode_fragment_text, join_url, mention_anchor, page_path, text_fragment_url,
)

CLAIM = Claim(id="bridge-cost", path="content/claims/bridge-cost.md", statement="S")
ARTICLE = Article(id="bridge-opens", path="p", title="T", outlet_id="daily")
ACTOR = Actor(id="ana-mayor", path="p", name="Ana", kind="person")
OUTLET = Outlet(id="daily", path="p", name="Daily")
QUOTE = SimpleNamespace(article=ARTICLE, claim=CLAIM, anchor="q-bridge-cost--2")

PAGES = [
    "index.html",
    "claims/index.html",
    "compare/index.html",
    "claims/bridge-cost/index.html",
    "articles/bridge-opens/index.html",
]


def test_page_paths():
    assert page_path() == "index.html"
    assert page_path("claims") == "claims/index.html"
    assert page_path("claims", "bridge-cost") == "claims/bridge-cost/index.html"


@pytest.mark.parametrize(
    "current, root",
    [("index.html", ""), ("claims/index.html", "../"), ("claims/bridge-cost/index.html", "../../")],
)
def test_relative_links_at_each_depth(current, root):
    links = Links(current, "https://example.org/")
    assert links.home() == f"{root}index.html"
    assert links.section("compare") == f"{root}compare/index.html"
    assert links.claim(CLAIM) == f"{root}claims/bridge-cost/index.html"
    assert links.actor(ACTOR) == f"{root}actors/ana-mayor/index.html"
    assert links.outlet(OUTLET) == f"{root}outlets/daily/index.html"
    assert links.article(ARTICLE) == f"{root}articles/bridge-opens/index.html"
    assert links.source(ACTOR) == f"{root}actors/ana-mayor/index.html"
    assert links.source(OUTLET) == f"{root}outlets/daily/index.html"
    assert links.asset("style.css") == f"{root}assets/style.css"
    assert links.highlight(QUOTE) == f"{root}articles/bridge-opens/index.html#q-bridge-cost--2"
    assert links.mention(QUOTE) == f"{root}claims/bridge-cost/index.html#m-bridge-opens-q-bridge-cost--2"


@pytest.mark.parametrize("current", PAGES)
@pytest.mark.parametrize("target", PAGES + ["assets/style.css"])
def test_every_relative_link_resolves_to_its_target(current, target):
    """Resolved against the page's own address, under any sub-path, a link lands on the target."""
    links = Links(current, "https://example.org/")
    for base in ("https://example.org/", "https://example.org/deep/sub/path/", "file:///home/me/site/"):
        assert urljoin(base + current, links.to(target)) == base + target
    assert not links.to(target).startswith("/")
    assert links.to(target).endswith((".html", ".css"))


def test_mention_anchor():
    assert mention_anchor(QUOTE) == "m-bridge-opens-q-bridge-cost--2"


@pytest.mark.parametrize(
    "base, current, canonical",
    [
        ("https://checks.example.org/sub/", "index.html", "https://checks.example.org/sub/"),
        ("https://checks.example.org/sub/", "claims/index.html", "https://checks.example.org/sub/claims/"),
        ("https://checks.example.org/sub/", "claims/bridge-cost/index.html", "https://checks.example.org/sub/claims/bridge-cost/"),
        ("https://checks.example.org/sub", "claims/bridge-cost/index.html", "https://checks.example.org/sub/claims/bridge-cost/"),
        ("https://example.org", "index.html", "https://example.org/"),
        ("https://example.org/sub", "data/claims.json", "https://example.org/sub/data/claims.json"),
    ],
)
def test_canonical_urls(base, current, canonical):
    """Pages, feeds and data files name an address the same way (one function)."""
    assert Links(current, base).canonical() == canonical_url(base, current) == canonical


# --- text fragments ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, encoded",
    [
        ("well-known", "well%2Dknown"),
        ("one, two", "one%2C%20two"),
        ("R&D", "R%26D"),
        ("a b", "a%20b"),
        ("50%", "50%25"),
        ("#1?", "%231%3F"),
        ("“so”", "%E2%80%9Cso%E2%80%9D"),
        ("al-Qaeda – Taliban", "al%2DQaeda%20%E2%80%93%20Taliban"),
    ],
)
def test_fragment_text_encoding(text, encoded):
    assert encode_fragment_text(text) == encoded
    assert unquote(encoded) == text


def test_short_quote_is_one_text_directive():
    url = text_fragment_url("https://river.example.com/news/a", "the final bill, came to 12-million & more")
    assert url == "https://river.example.com/news/a#:~:text=the%20final%20bill%2C%20came%20to%2012%2Dmillion%20%26%20more"


def test_eight_words_are_quoted_whole():
    url = text_fragment_url("https://e.org/a", "one two three four five six seven eight")
    assert url == "https://e.org/a#:~:text=one%20two%20three%20four%20five%20six%20seven%20eight"


def test_long_quote_uses_text_start_and_text_end():
    quote = "one two three four five six seven eight nine"
    url = text_fragment_url("https://e.org/a", quote)
    assert url == "https://e.org/a#:~:text=one%20two%20three%20four,six%20seven%20eight%20nine"


def test_long_quote_with_syntax_characters_in_start_and_end():
    quote = "Well-known, long-time critics said it: the bridge was late & over budget, again-and-again"
    url = text_fragment_url("https://e.org/a", quote)
    directive = url.split("#:~:text=", 1)[1]
    start, end = directive.split(",")  # exactly one unencoded comma separates them
    assert unquote(start) == "Well-known, long-time critics said"
    assert unquote(end) == "& over budget, again-and-again"  # "&" counts as a word
    assert "&" not in directive and "-" not in directive


def test_whitespace_inside_a_quote_is_collapsed():
    assert text_fragment_url("https://e.org/a", "a\n  b") == "https://e.org/a#:~:text=a%20b"


def test_elided_quote_gets_one_directive_per_part():
    url = text_fragment_url("https://e.org/a", "the water is clean … swim there")
    assert url == "https://e.org/a#:~:text=the%20water%20is%20clean&text=swim%20there"
    url = text_fragment_url("https://e.org/a", "first ... second")
    assert url == "https://e.org/a#:~:text=first&text=second"


def test_an_existing_fragment_is_replaced():
    assert text_fragment_url("https://e.org/a#section-2", "x") == "https://e.org/a#:~:text=x"


def test_query_string_is_kept():
    assert text_fragment_url("https://e.org/a?id=3&p=1", "x") == "https://e.org/a?id=3&p=1#:~:text=x"


BASES = ["/", "/sub/", "https://e.org/", "https://e.org/fact/", "http://e.org:8080/a/b/",
         "https://e.org/a/../b/", "https://e.org/./", "https://e.org/?q/", "https://e.org/#f/", "https://e.org/a.b/"]
PATHS = ["", "claims/x/", "claims/x/index.html", "feed.xml", "data/a.b.json", "../up/", "./x", "a/../b",
         "/abs", "//host/x", "http://other.org/", "x?y", "x#y", ".hidden/", "a//b"]


@pytest.mark.parametrize("base", BASES)
def test_join_url_is_urljoin(base):
    # The fast path (concatenation) must never give another answer than urljoin.
    assert [join_url(base, path) for path in PATHS] == [urljoin(base, path) for path in PATHS]


def test_join_url_concatenates_plain_page_paths():
    assert join_url("https://e.org/fact/", "claims/x/") == "https://e.org/fact/claims/x/"
