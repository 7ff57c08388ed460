"""The example site built with its interface in each shipped language (issue 15):
no English interface string is left on any page.

What counts as interface: the msgids of the English catalogue whose
translation in the language differs from the msgid ("Articles" is French
too, and proper names and numbers are no msgids). Each msgid is split at its
markup into the pieces a text node can hold, its placeholders matching
anything; a one-word piece must be a whole text node, a longer one may sit
inside one (messages follow each other in a node: "… taking a stance: a
party …"). Content stays English: a text node found as it is in the
content files (a claim, a name, a quote) is not looked at, nor is
``<code>``, ``<pre>``, ``<script>`` or ``<style>``. Text nodes and the
``alt``, ``title`` and ``aria-label`` attributes of every HTML page are read,
/about/data/ too: its field names are ``<code>`` placeholders in its messages,
its sentences translated.
One build per language (about 1.5 s each, without the search index).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import cataloguekit
from generator.engine.build import build
from sitekit import REPO, dedent, example_site_in, make_site

LANGUAGES = {"fr": "fr", "es": "es", "ar": "ar", "fa-AF": "fa_AF"}
SKIPPED_ELEMENTS = {"code", "pre", "script", "style"}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")
MARKUP = re.compile(r"<[^>]+>")
LETTERS = re.compile(r"[A-Za-z]")


class TextNodes(HTMLParser):
    """Every text node and labelling attribute of a page, stripped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_ELEMENTS:
            self.skipping += 1
        self.nodes += [value.strip() for name, value in attrs if name in ("alt", "title", "aria-label") and value]

    def handle_endtag(self, tag):
        if tag in SKIPPED_ELEMENTS:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.nodes.append(data.strip())


def interface_patterns(locale: str) -> list[tuple[str, re.Pattern]]:
    """(msgid, pattern) for every piece of every English message the language translates differently."""
    catalog = cataloguekit.read(cataloguekit.shipped_path(locale), locale)
    patterns = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if {words_of(msgid) for msgid in ids} <= {words_of(string) for string in strings}:
            continue  # the same words in this language ("Articles", "Verdict :")
        # A piece the translation keeps as it is ("Licence:", a name such as "W3C Web Annotation").
        kept = {words_of(piece) for string in strings for piece in MARKUP.split(string)}
        for msgid in ids:
            for piece in MARKUP.split(msgid):
                literal = PLACEHOLDER.sub("", piece).strip(" ,.;:()")
                if len(LETTERS.findall(literal)) < 3 or words_of(piece) in kept:
                    continue
                text = piece.strip(" ,.;:")
                parts = [re.escape(part) for part in PLACEHOLDER.split(text)]
                # Whole words: "on %(num)s claim" is not in "non évaluée … claims.json".
                body = (r"(?<!\w)" if re.match(r"\w", text) else "") + ".+?".join(parts) + (
                    r"(?!\w)" if re.search(r"\w\Z", text) else "")
                whole_node = " " not in literal.strip()
                patterns.append((msgid, re.compile(rf"\A[\s,.;:()]*{body}[\s,.;:()]*\Z" if whole_node else body)))
    return patterns


def words_of(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f,.;:()]", "", text)


def content_text() -> str:
    """Every word of the example content, as written (content stays in its own language)."""
    files = [REPO / "site.yaml", *sorted((REPO / "content").rglob("*.md"))]
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


@pytest.fixture(scope="module")
def corpus():
    return content_text()


def built_in(language: str, tmp_path: Path) -> Path:
    site = example_site_in(language, tmp_path / "site")
    result = build(site, tmp_path / "public", search=False, use_cache=False)
    assert result.ok, [d.format() for d in result.diagnostics.errors]
    assert not result.diagnostics.warnings, [d.format() for d in result.diagnostics.warnings]
    return tmp_path / "public"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_interface_string_is_left(language, tmp_path, corpus):
    out = built_in(language, tmp_path)
    patterns = interface_patterns(LANGUAGES[language])
    left: dict[str, str] = {}
    pages = sorted(out.rglob("*.html"))
    assert out / "about" / "data" / "index.html" in pages
    assert len(pages) > 50
    for page in pages:
        parser = TextNodes()
        parser.feed(page.read_text(encoding="utf-8"))
        for node in parser.nodes:
            if node in corpus:
                continue
            for msgid, pattern in patterns:
                if pattern.search(node):
                    left.setdefault(msgid, f"{page.relative_to(out)}: {node[:120]!r}")
    assert not left, "English interface strings left:\n" + "\n".join(f"{k!r} in {v}" for k, v in sorted(left.items()))


def test_the_page_says_its_language(tmp_path):
    out = built_in("fa-AF", tmp_path)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fa-AF" dir="rtl">' in home
    assert "رفتن به محتوا" in home  # "Skip to content"


def test_an_edited_site_catalogue_renders_the_pages_again(tmp_path):
    """The build cache keeps a page whose key is unchanged: the site's own
    catalogue is part of every key (keys.page_keys), so editing it rebuilds."""
    site = make_site(tmp_path / "site")
    (site / "site.yaml").write_text((site / "site.yaml").read_text().replace("title: Mini\n", "title: Mini\nlanguage: fr\n"))
    catalogue = site / "translations" / "fr.po"
    catalogue.parent.mkdir()
    catalogue.write_text('msgid "Our verdict"\nmsgstr "Notre avis"\n', encoding="utf-8")
    out = tmp_path / "public"
    claim_page = out / "claims" / "bridge-cost" / "index.html"
    assert build(site, out, search=False).ok
    assert "Notre avis" in claim_page.read_text(encoding="utf-8")
    catalogue.write_text('msgid "Our verdict"\nmsgstr "Notre jugement"\n', encoding="utf-8")
    assert build(site, out, search=False).ok
    assert "Notre jugement" in claim_page.read_text(encoding="utf-8")


RELAYING_SITE = {
    "content/actors/press-office.md": "---\nname: Press Office\nkind: organisation\n---\n",
    "content/articles/relayed.md": dedent("""
        ---
        title: Relayed
        outlet: daily-river
        mentions:
          - {claim: bridge-cost, actor: ana-mayor, via: river-council, stance: supports, quote: it cost twelve}
          - {claim: bridge-cost, actor: ana-mayor, via: press-office, stance: supports, quote: a fair price}
          - {claim: bridge-cost, actor: ana-mayor, via: press-office, stance: supports, quote: worth every euro}
          - {claim: bridge-cost, actor: ana-mayor, via: press-office, stance: supports, quote: money well spent}
        ---
        She said it cost twelve, a fair price, worth every euro, money well spent.
        """),
}


@pytest.mark.parametrize("language, one, three", [
    ("en", "; relayed 1<", "; relayed 3<"),
    # Arabic says one statement in words, and three with the plural of 3 to 10
    ("ar", "؛ نقل تصريحًا واحدًا<", "؛ نقل 3 تصريحات<"),
])
def test_a_count_of_one_and_of_several_each_get_their_form(language, one, three, tmp_path):
    site = make_site(tmp_path / "site", RELAYING_SITE)
    (site / "site.yaml").write_text((site / "site.yaml").read_text().replace("title: Mini\n", f"title: Mini\nlanguage: {language}\n"))
    assert build(site, tmp_path / "public", search=False).ok
    actors = (tmp_path / "public" / "actors" / "index.html").read_text(encoding="utf-8")
    assert actors.count(one) == 1 and actors.count(three) == 1


@pytest.mark.parametrize("language, comma, semicolon", [
    ("fr", ", ", " ; "),  # French spaces a semicolon
    ("ar", "، ", "؛ "),
    ("fa-AF", "، ", "؛ "),
])
def test_the_separators_of_lists_are_the_languages(language, comma, semicolon, tmp_path):
    """The punctuation between the items of a list (the speakers counted under an
    origin, who gives a figure, a speaker's role) is the catalogue's, not spelled
    in the templates: Arabic and Persian write "،" and "؛"."""
    out = built_in(language, tmp_path)
    lists, roles = [], []
    for page in sorted((out / "claims").rglob("index.html")):
        html = page.read_text(encoding="utf-8")
        lists += [re.sub(r"<[^>]+>", "", p) for p in re.findall(r'<p class="(?:origin-speakers|figure-single)">(.*?)</p>', html)]
        roles += re.findall(r'<span class="role">(.{2})', html)
    assert any(semicolon in text for text in lists) and any(comma in text for text in lists)
    if semicolon != "; ":
        assert not [text for text in lists if re.search(r"\w; ", text)]
    assert roles and all(role == comma for role in roles if role.strip(" ,،") == "")
