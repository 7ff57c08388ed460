"""Relations between claims, corrections and updates, and unexplained verdict changes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from generator.engine.build import build
from sitekit import check_lines, errors_of, graph_of, make_site, parse_file, run_cli

MENTION_OF = (
    "---\ntitle: T\noutlet: daily-river\nmentions:\n"
    "  - {{claim: {claim}, stance: supports, quote: {quote}}}\n---\n{body}\n"
)


def claim_file(statement: str, extra: str = "") -> str:
    return f"---\nstatement: {statement}\nverdict: accurate\n{extra}---\n"


def site_with(tmp_path: Path, claims: dict[str, str]) -> Path:
    """The mini site plus claims (id → file text), each mentioned by its own article."""
    files = {f"content/claims/{cid}.md": text for cid, text in claims.items()}
    for cid in claims:
        files[f"content/articles/about-{cid}.md"] = MENTION_OF.format(
            claim=cid, quote=f"Words about {cid}", body=f"Words about {cid} here."
        )
    return make_site(tmp_path / "site", files)


# --- validation -------------------------------------------------------------------------


def test_relations_and_updates_are_validated_with_lines(tmp_path):
    site = site_with(tmp_path, {"old-figure": claim_file("Old.", (
        "related:\n"
        "  - claim: bridge-cots\n"          # line 5
        "    relation: supersedes\n"
        "  - claim: bridge-cost\n"          # line 7
        "    relation: replaces\n"          # line 8
        "  - claim: old-figure\n"           # line 9
        "    relation: same-as\n"
        "updates:\n"
        "  - date: 2024-02-30\n"            # line 12
        "    note: Fixed.\n"
        "  - date: 2024-03-01\n"            # line 14: no note
    ))})
    path = "content/claims/old-figure.md"
    assert errors_of(site) == [
        f"{path}:5: error: 'claim': unknown claim 'bridge-cots' (did you mean 'bridge-cost'?)",
        f"{path}:8: error: 'relation': 'replaces' is not one of contradicts, same-as, part-of, supersedes",
        f"{path}:9: error: a claim cannot be related to itself",
        f"{path}:12: error: 'date': '2024-02-30' is not a real date",
        f"{path}:14: error: missing required key 'note' in an update",
    ]


# --- both sides of a relation --------------------------------------------------------------


@pytest.mark.parametrize("relation, forward, backward", [
    ("supersedes", "Supersedes", "Superseded by"),
    ("part-of", "Part of", "Includes"),
    ("contradicts", "Contradicts", "Contradicts"),
    ("same-as", "Same claim as", "Same claim as"),
])
def test_each_relation_reads_correctly_from_either_side(tmp_path, relation, forward, backward):
    site = site_with(tmp_path, {
        "new-figure": claim_file("The new figure.", f"related:\n  - {{claim: old-figure, relation: {relation}}}\n"),
        "old-figure": claim_file("The old figure."),
    })
    graph, _ = graph_of(site)
    assert [(r.label, r.claim.id) for r in graph.related["new-figure"]] == [(forward, "old-figure")]
    assert [(r.label, r.claim.id) for r in graph.related["old-figure"]] == [(backward, "new-figure")]


def test_related_claims_are_shown_and_linked_on_both_pages(tmp_path):
    site = site_with(tmp_path, {
        "new-figure": claim_file("The new figure.", "related:\n  - {claim: old-figure, relation: supersedes}\n"),
        "old-figure": claim_file("The old figure."),
    })
    out = tmp_path / "out"
    assert build(site, out).ok
    new_page = (out / "claims/new-figure/index.html").read_text()
    old_page = (out / "claims/old-figure/index.html").read_text()
    assert '<span class="relation">Supersedes</span> <a href="../../claims/old-figure/index.html">The old figure.</a>' in new_page
    assert '<span class="relation">Superseded by</span> <a href="../../claims/new-figure/index.html">The new figure.</a>' in old_page


def test_a_relation_to_a_draft_claim_is_left_out_of_the_published_site(tmp_path):
    site = site_with(tmp_path, {
        "new-figure": claim_file("The new figure.", "related:\n  - {claim: old-figure, relation: supersedes}\n"),
        "old-figure": claim_file("The old figure.", "draft: true\n"),
    })
    graph, _ = graph_of(site)
    assert "old-figure" not in graph.claims
    assert graph.related.get("new-figure", []) == []


# --- corrections and updates ------------------------------------------------------------------


def test_updates_are_listed_on_the_claim_and_collected_newest_first(tmp_path):
    site = site_with(tmp_path, {
        "first": claim_file("First.", "updates:\n  - {date: 2024-03-01, note: Early note.}\n"
                                      "  - {date: 2024-05-01, note: Late note.}\n"),
        "second": claim_file("Second.", "updates:\n  - {date: 2024-04-01, note: Middle note.}\n"),
    })
    out = tmp_path / "out"
    assert build(site, out).ok
    claim_page = (out / "claims/first/index.html").read_text()
    assert claim_page.index("Late note.") < claim_page.index("Early note.")  # newest first
    assert "Corrections and updates" in claim_page
    log = (out / "updates/index.html").read_text()
    assert [log.index(n) for n in ("Late note.", "Middle note.", "Early note.")] == sorted(
        log.index(n) for n in ("Late note.", "Middle note.", "Early note."))
    assert '<time datetime="2024-05-01">1 May 2024</time>' in log
    footer_links = [href for tag, attr, href in parse_file(out / "index.html").links if "updates" in href]
    assert footer_links == ["updates/index.html"]


def test_the_log_shows_the_verdict_now_beside_a_claims_newest_update_only(tmp_path):
    """The record keeps no verdict per update: beside an earlier update the
    claim's verdict today read as the verdict of that day."""
    site = site_with(tmp_path, {
        "first": claim_file("First.", "updates:\n  - {date: 2024-03-01, note: Early note.}\n"
                                      "  - {date: 2024-05-01, note: Late note.}\n"),
    })
    out = tmp_path / "out"
    assert build(site, out).ok
    entries = (out / "updates/index.html").read_text().split("<li>")[1:]
    late, early = (next(e for e in entries if note in e) for note in ("Late note.", "Early note."))
    assert "Verdict now:" in late and 'class="verdict"' in late
    assert "Verdict now:" not in early and 'class="verdict' not in early


def test_a_site_without_updates_says_so(tmp_path):
    out = tmp_path / "out"
    assert build(make_site(tmp_path / "site"), out).ok
    assert "No claim has been corrected or updated" in (out / "updates/index.html").read_text()


# --- verdict changes need an update note ----------------------------------------------------------


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
                        "PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(cwd)})


@pytest.fixture
def repo(tmp_path):
    site = make_site(tmp_path / "site")
    git(site, "init", "-q")
    git(site, "add", ".")
    git(site, "commit", "-q", "-m", "first")
    return site


def set_claim(site: Path, text: str) -> None:
    (site / "content/claims/bridge-cost.md").write_text(text, encoding="utf-8")


def test_a_verdict_changed_without_an_update_is_a_warning(repo):
    set_claim(repo, "---\nstatement: The bridge cost more than planned.\nverdict: wrong\n---\n")
    assert check_lines(repo) == [
        "content/claims/bridge-cost.md:3: warning: verdict changed from 'accurate' to 'wrong' since HEAD "
        "with no new entry under 'updates:'; add one saying what changed and why"
    ]


def test_a_verdict_changed_with_an_update_is_fine(repo):
    set_claim(repo, "---\nstatement: The bridge cost more than planned.\nverdict: wrong\n"
                    "updates:\n  - {date: 2024-06-01, note: The council's accounts were revised.}\n---\n")
    assert check_lines(repo) == []


def test_the_comparison_follows_since(repo):
    set_claim(repo, "---\nstatement: The bridge cost more than planned.\nverdict: wrong\n---\n")
    git(repo, "commit", "-q", "-am", "change the verdict")
    assert check_lines(repo) == []  # compared with HEAD, which has the change
    from generator.engine.build import check

    lines = [d.format() for d in check(repo, since="HEAD~1").diagnostics]
    assert len(lines) == 1 and "since HEAD~1" in lines[0]


@pytest.mark.parametrize("committed", [
    "verdict: accurate\nreviewed: 2021-02-30\n",  # no such day: PyYAML raises ValueError, not a YAMLError
    "verdict: wrong\nupdates: 3\n",  # updates that are no list (and a verdict changed since)
    "verdict: [a, b]\n",  # a verdict that is no text
    "verdict: accurate\nreviewed: !!bool maybe\n",  # a tag PyYAML's constructor cannot fit (KeyError)
])
def test_a_committed_version_that_was_not_valid_is_read_leniently(repo, committed):
    set_claim(repo, f"---\nstatement: The bridge cost more than planned.\n{committed}---\n")
    git(repo, "commit", "-q", "-am", "a version that was not valid")
    set_claim(repo, "---\nstatement: The bridge cost more than planned.\nverdict: accurate\n---\n")
    result = run_cli("check", "--root", str(repo))
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr


def test_no_git_means_no_history_warnings(tmp_path):
    site = make_site(tmp_path / "site")
    assert check_lines(site) == []


def test_two_updates_on_one_day_the_one_marked_newest_comes_first(tmp_path):
    site = site_with(tmp_path, {
        "first": claim_file("First.", "updates:\n  - {date: 2024-05-01, note: Added a source.}\n"
                                      "  - {date: 2024-05-01, note: Corrected the figure.}\n"),
    })
    out = tmp_path / "out"
    assert build(site, out).ok
    log = (out / "updates/index.html").read_text()
    entries = log[log.index('<ol class="update-log">'):].split("<li>")[1:3]
    assert "Verdict now:" in entries[0] and "Verdict now:" not in entries[1]
