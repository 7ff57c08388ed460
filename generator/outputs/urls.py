"""Where each page lives, and links between pages.

Every internal link is relative and ends in ``index.html``, so the site works
under any sub-path of a host and when opened straight from disk.
"""

from __future__ import annotations

import re
from urllib.parse import quote as percent_encode
from urllib.parse import urljoin

from ..core.layout import ASSETS_DIR
from ..core.model import Actor, Article, Claim, Outlet, Quote, SitePage, Voice, with_trailing_slash  # noqa: F401 - a base URL as pages use it
from ..stages.quotes import ELLIPSIS



def page_path(section: str | None = None, item_id: str | None = None) -> str:
    """Output path of a page: ``claims/<id>/index.html``, ``compare/index.html``…"""
    if section and item_id:  # the most asked: every link to a claim, an actor, an article
        return f"{section}/{item_id}/index.html"
    parts = [p for p in (section, item_id) if p]
    return "/".join(parts + ["index.html"])


def claim_path(claim: Claim) -> str:
    return page_path("claims", claim.id)


def actor_path(actor: Actor) -> str:
    return page_path("actors", actor.id)


def outlet_path(outlet: Outlet) -> str:
    return page_path("outlets", outlet.id)


def actor_folder(actor: Actor) -> str:
    """``actors/<id>``: the actor's page, and the numbered pages of its lists
    under it (``paginate.profile_pages``)."""
    return f"actors/{actor.id}"


def outlet_folder(outlet: Outlet) -> str:
    """``outlets/<id>``: the outlet's page, and the numbered pages of its lists
    under it (``paginate.profile_pages``)."""
    return f"outlets/{outlet.id}"


def article_path(article: Article) -> str:
    return page_path("articles", article.id)


def site_page_path(page: SitePage) -> str:
    """The editors' own pages sit at the top: content/pages/about.md is /about/."""
    return page_path(page.id)


def origin_anchor(stance: str, origin: Voice) -> str:
    """The id of one origin's group under one stance on a claim page, e.g.
    "supports-from-actor-taliban": unique, as a stance, a kind and an id are."""
    return f"{stance}-from-{origin.kind}-{origin.id}"


def mention_anchor(quote: Quote) -> str:
    """The id of a quote's entry on its claim page."""
    return f"m-{quote.article.id}-{quote.anchor}"


class Links:
    """Relative links from one page to the others."""

    def __init__(self, current_path: str, base_url: str):
        self.current_path = current_path
        self.root = "../" * current_path.count("/")
        self.base_url = with_trailing_slash(base_url)

    def to(self, path: str) -> str:
        return self.root + path

    def home(self) -> str:
        return self.to("index.html")

    def section(self, name: str) -> str:
        return self.to(page_path(name))

    def claim(self, claim: Claim) -> str:
        return self.to(claim_path(claim))

    def actor(self, actor: Actor) -> str:
        return self.to(actor_path(actor))

    def outlet(self, outlet: Outlet) -> str:
        return self.to(outlet_path(outlet))

    def article(self, article: Article) -> str:
        return self.to(article_path(article))

    def site_page(self, page: SitePage) -> str:
        return self.to(site_page_path(page))

    def source(self, source: Actor | Outlet) -> str:
        return self.actor(source) if isinstance(source, Actor) else self.outlet(source)

    def voice(self, voice: Voice) -> str:
        """The page of a speaker or an origin: an actor's, or an outlet's."""
        return self.to(page_path("actors" if voice.kind == "actor" else "outlets", voice.id))

    def origin_group(self, claim: Claim, stance: str, origin: Voice) -> str:
        """One origin's statements taking ``stance`` on the claim's page."""
        return f"{self.claim(claim)}#{origin_anchor(stance, origin)}"

    def highlight(self, quote: Quote) -> str:
        """The highlighted passage in our copy of the article."""
        return f"{self.article(quote.article)}#{quote.anchor}"

    def mention(self, quote: Quote) -> str:
        """The quote's entry in its claim page's "who says what"."""
        return f"{self.claim(quote.claim)}#{mention_anchor(quote)}"

    def asset(self, name: str) -> str:
        return self.to(f"{ASSETS_DIR}/{name}")

    def canonical(self) -> str:
        return canonical_url(self.base_url, self.current_path)


def canonical_url(base_url: str, path: str) -> str:
    """The absolute address of an output path, the one every page, feed and
    data file gives for it: a page's folder (``claims/x/`` for
    ``claims/x/index.html``), any other file as it is."""
    folder = path[: -len("index.html")] if path.endswith("index.html") else path
    return join_url(with_trailing_slash(base_url), folder)


# A folder URL and a page path in the form the generator makes them: no query,
# fragment, or "." and ".." segments, so joining them is concatenation.
PLAIN_FOLDER_URL = re.compile(r"(?:https?://[^/?#]+)?/(?:[\w~%-][\w.~%-]*/)*", re.ASCII)
PLAIN_PAGE_PATH = re.compile(r"(?:[\w~%-][\w.~%-]*/)*(?:[\w~%-][\w.~%-]*)?", re.ASCII)


def join_url(base_url: str, path: str) -> str:
    """``urljoin(base_url, path)``, without its cost in the usual case: a data
    file at 10,000 articles makes 200,000 absolute links."""
    if PLAIN_FOLDER_URL.fullmatch(base_url) and PLAIN_PAGE_PATH.fullmatch(path):
        return base_url + path
    return urljoin(base_url, path)


def text_fragment_url(url: str, quote: str) -> str:
    """A link to ``quote`` in the original article, using URL text fragments.

    Long passages use ``textStart,textEnd`` so the link stays short and still
    tolerates small differences in the middle; an elided quote gets one
    ``text=`` directive per part.
    """
    directives = []
    for part in ELLIPSIS.split(quote):
        words = part.split()
        if not words:
            continue
        if len(words) <= 8:
            directives.append(encode_fragment_text(" ".join(words)))
        else:
            start, end = " ".join(words[:4]), " ".join(words[-4:])
            directives.append(f"{encode_fragment_text(start)},{encode_fragment_text(end)}")
    base = url.split("#", 1)[0]
    return base + "#:~:" + "&".join(f"text={d}" for d in directives)


def encode_fragment_text(text: str) -> str:
    # "-", "," and "&" are syntax inside a text directive, so they must be
    # percent-encoded even though URLs usually leave "-" alone.
    if text.isascii():  # most quotes: one table lookup per character, not urllib's per byte
        return text.translate(ASCII_FRAGMENT_ESCAPES)
    return percent_encode(text, safe="").replace("-", "%2D")


# Each ASCII character as encode_fragment_text writes it, by its code: urllib's
# quote with nothing safe leaves letters, digits and "_.-~" as they are; here
# "-" is encoded too. (A list with every code: str.translate looks each up.)
ASCII_FRAGMENT_ESCAPES = [
    chr(code) if chr(code).isalnum() or chr(code) in "_.~" else f"%{code:02X}" for code in range(128)
]
