"""`draft: true` on articles and claims: unpublished unless --drafts, validated always."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from sitekit import VALID_SITE, all_files, html_files, is_external, parse_file, resolve_internal, run_cli

DRAFT_ARTICLE = "bridge-late"  # quotes bo-critic on bridge-finished and bridge-cost
DRAFT_CLAIM = "river-clean"  # mentioned only in bridge-opens, by ana-mayor
DRAFT_CLAIM_STATEMENT = "The river is clean enough to swim in."
DRAFT_ARTICLE_TITLE = "Critics say bridge came in late"


def mark_draft(path: Path, value: str = "true") -> None:
    """Add ``draft: <value>`` as the first key of a file's front matter."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    path.write_text(f"---\ndraft: {value}\n" + text[4:], encoding="utf-8")


@pytest.fixture
def drafts_site(tmp_path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(VALID_SITE, root)
    mark_draft(root / "content" / "articles" / f"{DRAFT_ARTICLE}.md")
    mark_draft(root / "content" / "claims" / f"{DRAFT_CLAIM}.md")
    return root


def build(root: Path, out: Path, *extra: str) -> Path:
    result = run_cli("build", "--root", str(root), "--out", str(out), *extra)
    assert result.returncode == 0, result.stderr
    return out


def broken_links(out: Path) -> list[str]:
    """Every internal link or #anchor of the built site that points at nothing."""
    parsed = {path: parse_file(path) for path in html_files(out)}
    problems = []
    for page, html in parsed.items():
        for tag, attr, url in html.links:
            if is_external(url):
                continue
            where = f"{page.relative_to(out)}: <{tag} {attr}={url!r}>"
            target, fragment = resolve_internal(page, url)
            if not target.is_file():
                problems.append(f"{where}: no such file")
            elif fragment and fragment not in (parsed[target].ids if target in parsed else []):
                problems.append(f"{where}: no element with id {fragment!r}")
    return problems


def pages_mentioning(out: Path, *needles: str) -> dict[str, list[str]]:
    found = {}
    for page in html_files(out):
        source = page.read_text(encoding="utf-8")
        hits = [needle for needle in needles if needle in source]
        if hits:
            found[page.relative_to(out).as_posix()] = hits
    return found


def site_files(out: Path) -> set[str]:
    """Every output file but the search index's, which are named by hashes of what they index."""
    return {path for path in all_files(out) if not path.startswith("pagefind/")}


def claim_links(page: Path) -> list[str]:
    return [url for _, _, url in parse_file(page).links if f"claims/{DRAFT_CLAIM}/" in urlsplit(url).path]


# --- build without --drafts ---------------------------------------------------------------------------


def test_build_leaves_out_draft_pages(drafts_site, tmp_path):
    out = build(drafts_site, tmp_path / "out")
    normal = build(VALID_SITE, tmp_path / "normal")
    assert site_files(normal) - site_files(out) == {
        f"articles/{DRAFT_ARTICLE}/index.html",
        f"claims/{DRAFT_CLAIM}/index.html",
        f"data/articles/{DRAFT_ARTICLE}.txt",  # its text, published for re-anchoring annotations
    }
    assert site_files(out) <= site_files(normal)


def test_summary_counts_only_published_content(drafts_site, tmp_path):
    result = run_cli("build", "--root", str(drafts_site), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert ": 1 articles, 2 claims, 3 actors, 2 outlets (into " in result.stdout


def test_draft_claim_is_not_on_compare_home_or_indexes(drafts_site, tmp_path):
    out = build(drafts_site, tmp_path / "out")
    for page in ("compare/index.html", "index.html", "claims/index.html"):
        assert not claim_links(out / page), f"{page} links to the draft claim"
        assert DRAFT_CLAIM_STATEMENT not in parse_file(out / page).text, f"{page} shows the draft claim"


def test_nothing_anywhere_refers_to_drafts(drafts_site, tmp_path):
    out = build(drafts_site, tmp_path / "out")
    leaks = pages_mentioning(
        out, f"claims/{DRAFT_CLAIM}/", f"articles/{DRAFT_ARTICLE}/", f"q-{DRAFT_CLAIM}",
        DRAFT_CLAIM_STATEMENT, DRAFT_ARTICLE_TITLE,
    )
    assert not leaks, f"pages still refer to drafts: {leaks}"


def test_mentions_of_a_draft_claim_vanish_from_actor_and_article_pages(drafts_site, tmp_path):
    out = build(drafts_site, tmp_path / "out")
    ana = parse_file(out / "actors" / "ana-mayor" / "index.html")
    assert "We finished the bridge on time" in ana.text  # her published quote stays
    assert "the water is clean" not in ana.text  # her quote on the draft claim is gone
    article = parse_file(out / "articles" / "bridge-opens" / "index.html")
    # each quote's id: an empty anchor at its start inside the highlighted passage
    highlighted = sorted(anchor["id"] for anchor in article.find("span", "hl-anchor"))
    assert highlighted == ["q-bridge-cost", "q-bridge-finished"]
    assert "children can swim there again" in article.text  # the article's text itself is whole


def test_quotes_from_a_draft_article_vanish(drafts_site, tmp_path):
    out = build(drafts_site, tmp_path / "out")
    critic = parse_file(out / "actors" / "bo-critic" / "index.html").text
    assert "a month late" not in critic and "14 million" not in critic
    claim = parse_file(out / "claims" / "bridge-cost" / "index.html")
    assert sorted(a["href"] for a in claim.find("a", cls="to-context")) == [
        "../../articles/bridge-opens/index.html#q-bridge-cost"
    ]
    gazette = parse_file(out / "outlets" / "hill-gazette" / "index.html").text
    assert DRAFT_ARTICLE_TITLE not in gazette


def test_no_link_points_at_a_missing_page(drafts_site, tmp_path):
    out = build(drafts_site, tmp_path / "out")
    assert not broken_links(out)


# --- build --drafts --------------------------------------------------------------------------------------


def test_build_with_drafts_includes_them(drafts_site, tmp_path):
    out = build(drafts_site, tmp_path / "out", "--drafts")
    normal = build(VALID_SITE, tmp_path / "normal")
    assert site_files(out) == site_files(normal)
    assert claim_links(out / "compare" / "index.html")
    assert claim_links(out / "index.html")
    ana = parse_file(out / "actors" / "ana-mayor" / "index.html").text
    assert "the water is clean" in ana
    assert not broken_links(out)


# --- check ---------------------------------------------------------------------------------------------------


def test_check_accepts_drafts(drafts_site):
    result = run_cli("check", "--root", str(drafts_site))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_check_still_validates_a_draft_article(drafts_site):
    article = drafts_site / "content" / "articles" / f"{DRAFT_ARTICLE}.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("quote: it was a month late", "quote: it was a year late"), encoding="utf-8")
    line = next(n for n, row in enumerate(article.read_text().splitlines(), 1) if "a year late" in row)
    result = run_cli("check", "--root", str(drafts_site))
    assert result.returncode == 1
    assert result.stderr.startswith(f"content/articles/{DRAFT_ARTICLE}.md:{line}: error: quote not found")


def test_check_still_validates_a_draft_claim(drafts_site):
    claim = drafts_site / "content" / "claims" / f"{DRAFT_CLAIM}.md"
    claim.write_text(claim.read_text(encoding="utf-8").replace("---\nNot yet", "verdict: acurate\n---\nNot yet"))
    result = run_cli("check", "--root", str(drafts_site))
    assert result.returncode == 1
    assert f"content/claims/{DRAFT_CLAIM}.md:4: error: 'verdict': unknown verdict 'acurate'" in result.stderr


@pytest.mark.parametrize("kind, name", [("articles", DRAFT_ARTICLE), ("claims", DRAFT_CLAIM)])
def test_draft_must_be_true_or_false(tmp_path, kind, name):
    root = tmp_path / "site"
    shutil.copytree(VALID_SITE, root)
    mark_draft(root / "content" / kind / f"{name}.md", '"yes"')
    result = run_cli("check", "--root", str(root))
    assert result.returncode == 1
    assert f"content/{kind}/{name}.md:2: error: 'draft': expected true or false, got 'yes'" in result.stderr.splitlines()


def test_draft_false_is_published(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(VALID_SITE, root)
    mark_draft(root / "content" / "claims" / f"{DRAFT_CLAIM}.md", "false")
    out = build(root, tmp_path / "out")
    assert (out / "claims" / DRAFT_CLAIM / "index.html").is_file()
