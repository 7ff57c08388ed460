"""Correctness of the built HTML.

- The Nu HTML checker (``vnu-jar`` from the npm registry, in ``tests/js``, run
  with ``java -jar``) reports no errors on any page of the example site and
  the fixture sites.
- Language and direction: ``<html lang dir>`` from site.yaml; an article in a
  right-to-left language (the Dari article of ``tests/fixtures/rtl-site``) has
  its title and text marked ``lang``/``dir``, and so do its quotes and title
  wherever they are shown; the page chrome stays in the site's language.
- ``language`` is validated, in articles and in site.yaml.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from sitekit import FIXTURES, REPO, check_lines, dedent, html_files, make_site, parse_file

RTL_SITE = FIXTURES / "rtl-site"
VNU_JAR = REPO / "tests" / "js" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
DARI_ARTICLE = "articles/ferry-starts-dari/index.html"
DARI_ATTRS = {"lang": "fa-AF", "dir": "rtl"}


@pytest.fixture(scope="module")
def rtl_out(tmp_path_factory) -> Path:
    from generator.engine.build import build

    out = tmp_path_factory.mktemp("rtl") / "public"
    result = build(RTL_SITE, out, None)
    assert result.ok, "\n".join(d.format() for d in result.diagnostics.errors)
    return out


# --- the Nu HTML checker ------------------------------------------------------------------------------


def vnu(*paths: Path) -> list[dict]:
    """The checker's error messages for ``paths`` (files), as JSON objects."""
    if shutil.which("java") is None:
        pytest.skip("java is not installed (apt-get install default-jre-headless; make test does)")
    if not VNU_JAR.exists():
        pytest.skip(f"{VNU_JAR} is missing: run `npm ci` in tests/js (make test does)")
    run = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, paths)],
        capture_output=True, text=True, timeout=600,
    )
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    assert run.returncode == (1 if messages else 0), run.stderr
    return [m for m in messages if m["type"] in ("error", "non-document-error")]


def describe(message: dict) -> str:
    where = message.get("url", "").removeprefix("file:")
    return f"{where}:{message.get('lastLine', '?')}: {message['message']} [{message.get('extract', '').strip()}]"


def test_every_page_is_valid_html(example_out, valid_out, rtl_out, overlap_out, fa_out, ar_out):
    """Every page of every site, among them the overlap fixture's article, whose
    highlights split inline elements and whose markers follow a passage inside a link,
    the Persian fixture's, right to left, with quotes beside their translations, and
    the example site with its interface in Arabic (right to left around English content)."""
    pages = [page for out in (example_out, valid_out, rtl_out, overlap_out, fa_out, ar_out) for page in html_files(out)]
    assert len(pages) > 100, "the sites should have been built"
    errors = vnu(*pages)
    assert errors == [], f"{len(errors)} HTML errors:\n" + "\n".join(map(describe, errors[:40]))


def test_the_checker_reports_errors(tmp_path):
    """The test above can fail: two elements with one id, a stray end tag."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!doctype html><html lang="en"><title>x</title><p id="a">one</p><p id="a">two</p></span></html>',
        encoding="utf-8",
    )
    messages = [m["message"] for m in vnu(page)]
    assert any("Duplicate ID" in m for m in messages), messages
    assert any("Stray end tag" in m for m in messages), messages


# --- language and direction in the output ---------------------------------------------------------------


def attrs_of(path: Path, tag: str, cls: str | None = None) -> list[dict]:
    return parse_file(path).find(tag, cls)


def language_of(attributes: dict) -> dict:
    return {key: attributes[key] for key in ("lang", "dir") if key in attributes}


def test_the_html_element_names_the_site_language_and_direction(example_out, rtl_out):
    for out in (example_out, rtl_out):
        for page in html_files(out):
            html = attrs_of(page, "html")
            assert [language_of(a) for a in html] == [{"lang": "en", "dir": "ltr"}], page


def test_the_rtl_article_marks_its_title_and_text(rtl_out):
    page = rtl_out / DARI_ARTICLE
    assert [language_of(a) for a in attrs_of(page, "h1")] == [DARI_ATTRS]
    assert [language_of(a) for a in attrs_of(page, "section", "article-body")] == [DARI_ATTRS]
    # The chrome stays English: navigation, facts, annotations carry no other language.
    for tag, cls in (("nav", None), ("dl", "facts"), ("section", "annotations"), ("main", None)):
        assert all(language_of(a) == {} for a in attrs_of(page, tag, cls)), (tag, cls)


def test_an_article_in_the_site_language_is_not_marked(rtl_out, valid_out):
    for page in (rtl_out / "articles/ferry-late/index.html", valid_out / "articles/bridge-opens/index.html"):
        assert [language_of(a) for a in attrs_of(page, "section", "article-body")] == [{}]
        assert [language_of(a) for a in attrs_of(page, "h1")] == [{}]


@pytest.mark.parametrize("page", [
    "claims/ferry-on-time/index.html",  # a Dari and an English quote
    "actors/mina-mayor/index.html",
])
def test_quotes_carry_their_articles_language(rtl_out, page):
    parsed = parse_file(rtl_out / page)
    quotes = parsed.find("blockquote", "quote-text")
    assert quotes, f"no quotes on {page}"
    dari = [q for q in quotes if q.get("lang")]
    assert dari and all(language_of(q) == DARI_ATTRS for q in dari)
    # The article's title, where the quote says where it comes from, too.
    titles = [a for a in parsed.find("a") if (a.get("href") or "").endswith(DARI_ARTICLE.removeprefix("articles/"))]
    assert titles and all(language_of(a) == DARI_ATTRS for a in titles)
    if page.startswith("claims/"):
        assert len(quotes) - len(dari) == 1, "the English quote carries no language of its own"


def test_article_lists_mark_the_dari_title(rtl_out):
    for page in ("articles/index.html", "outlets/daryab-weekly/index.html"):
        links = [a for a in attrs_of(rtl_out / page, "a") if (a.get("href") or "").endswith("ferry-starts-dari/index.html")]
        assert links and all(language_of(a) == DARI_ATTRS for a in links), page


# --- validation -----------------------------------------------------------------------------------------


def test_the_rtl_fixture_is_valid_without_warnings():
    assert check_lines(RTL_SITE) == []


def test_a_bad_article_language_is_an_error(tmp_path):
    article = dedent("""
        ---
        title: Bridge opens
        outlet: daily-river
        language: Dari
        ---
        Text.
        """)
    root = make_site(tmp_path, {"content/articles/bridge-opens.md": article})
    assert "content/articles/bridge-opens.md:4: error: 'language': 'Dari' is not a language tag such as en, fa-AF or ps" in check_lines(root)


def test_a_bad_site_language_is_an_error(tmp_path):
    root = make_site(tmp_path)
    config = (root / "site.yaml").read_text(encoding="utf-8")
    (root / "site.yaml").write_text("language: en_GB\n" + config, encoding="utf-8")
    assert "site.yaml:1: error: 'language': 'en_GB' is not a language tag such as en, fa-AF or ps" in check_lines(root)


def test_a_pale_verdict_colour_is_a_warning(tmp_path):
    root = make_site(tmp_path)
    config = (root / "site.yaml").read_text(encoding="utf-8").replace('"#1b6e3a"', '"#66bb6a"')
    (root / "site.yaml").write_text(config, encoding="utf-8")
    lines = check_lines(root)
    assert any(
        line.startswith("site.yaml:6: warning: 'colour': white text on #66bb6a has a contrast ratio of 2.")
        for line in lines
    ), lines
