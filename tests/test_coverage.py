"""``factcheck check --coverage``: the attributed-looking passages no mention covers (issue 14).

A fixture article holds known passages: one annotated, one skipped, the
rest missing, and sentences that are not attributed. The report is checked
line for line in each format, through the real CLI.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.engine.build import build
from generator.stages.coverage import attributed_spans
from sitekit import REPO, make_site, run_cli

ARTICLE = "content/articles/coverage.md"
# Line numbers on the left are the file's; the body starts on line 14.
COVERAGE_ARTICLE = """\
---
title: Coverage fixture
outlet: daily-river
mentions:
  - claim: bridge-cost
    actor: ana-mayor
    stance: supports
    quote: the bill came to 12 million
skip:
  - passage: According to the almanac
    reason: A reference book, not a speaker.
language: en
---
The mayor said the bill came to 12 million euros.

“We will not pay a cent more,” the council told reporters.

According to the almanac, the river is 40 km long.

The bridge is *green*. Critics claimed it was late. It rains.

The plan was "a complete waste of public money" in the end.

The “bridge tax” was dropped; the council’s plan and the students’ union stayed.

It was late.
Officials [denied](https://example.com/denial)
that anything was wrong.

Mr. Critic said so. A sign read „Die Brücke ist fertig“ at the gate.
"""
# What --coverage lists: (line, excerpt) of each passage no mention covers.
MISSING = [
    (16, "“We will not pay a cent more,” the council told reporters."),
    (20, "Critics claimed it was late."),
    (22, '"a complete waste of public money"'),  # a quotation, in a sentence without a reporting verb
    (27, "Officials denied that anything was wrong."),
    (30, "Mr. Critic said so."),
    (30, "„Die Brücke ist fertig“"),
]
TOTAL = "1 of 8 attributed passages annotated, 1 skipped"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path, {ARTICLE: COVERAGE_ARTICLE})


def coverage(root: Path, *options: str):
    return run_cli("check", "--coverage", "--root", str(root), *options)


def test_the_passages_no_mention_covers_are_listed_at_their_lines(site):
    result = coverage(site)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "content/articles/bridge-opens.md: notice: 1 of 1 attributed passages annotated",
        f"{ARTICLE}: notice: {TOTAL}",
        *(f'{ARTICLE}:{line}: notice: attributed passage not annotated: "{text}"' for line, text in MISSING),
    ]
    assert result.stdout.splitlines() == [
        "Coverage: 2 of 9 attributed passages annotated, 1 skipped in 2 article(s).",
        "Content is valid (0 warning(s)).",
    ]


def test_json_format(site):
    result = coverage(site, "--format", "json")
    assert result.returncode == 0, result.stderr
    notices = [item for item in json.loads(result.stdout) if item["path"] == ARTICLE]
    assert notices == [
        {"path": ARTICLE, "line": 0, "message": TOTAL, "severity": "notice"},
        *({"path": ARTICLE, "line": line, "message": f'attributed passage not annotated: "{text}"',
           "severity": "notice"} for line, text in MISSING),
    ]


def test_github_format(site):
    result = coverage(site, "--format", "github")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if "coverage.md" in line]
    assert lines == [
        f"::notice file={ARTICLE}::{TOTAL}",
        *(f'::notice file={ARTICLE},line={line}::attributed passage not annotated: "{text}"' for line, text in MISSING),
    ]


def test_without_coverage_check_says_nothing_of_it(site):
    result = run_cli("check", "--root", str(site))
    assert result.returncode == 0
    assert result.stderr == ""
    assert result.stdout == "Content is valid (0 warning(s)).\n"


def test_notices_are_no_errors_even_when_strict(site):
    result = coverage(site, "--strict")
    assert result.returncode == 0, result.stderr
    assert "notice" in result.stderr and ": error:" not in result.stderr


def test_a_content_error_still_fails_and_coverage_is_listed_with_it(site, tmp_path):
    root = make_site(tmp_path / "broken", {
        ARTICLE: COVERAGE_ARTICLE,
        "content/articles/bridge-opens.md": "---\ntitle: Bridge opens\noutlet: nowhere\n---\nThe mayor said so.\n",
    })
    result = coverage(root)
    assert result.returncode == 1
    assert "content/articles/bridge-opens.md:3: error: 'outlet': unknown outlet 'nowhere'" in result.stderr
    assert f"{ARTICLE}: notice: {TOTAL}" in result.stderr


def test_the_skip_list_is_honoured(site, tmp_path):
    """Without its skip, the almanac's sentence is listed; with it, not."""
    unskipped = COVERAGE_ARTICLE.replace(
        "skip:\n  - passage: According to the almanac\n    reason: A reference book, not a speaker.\n",
        "skip:\n  - passage: bridge is *green*\n    reason: Not a statement.\n",
    )
    root = make_site(tmp_path / "unskipped", {ARTICLE: unskipped})
    result = coverage(root)
    assert f'{ARTICLE}:18: notice: attributed passage not annotated: "According to the almanac, the river is 40 km long."' \
        in result.stderr.splitlines()
    assert f"{ARTICLE}: notice: 1 of 8 attributed passages annotated" in result.stderr.splitlines()
    assert "18: notice" not in coverage(site).stderr


@pytest.mark.parametrize(
    "skip, expected",
    [
        ("  - passage: According to the almanack\n    reason: A book.\n",
         f'{ARTICLE}:10: error: skipped passage not found in the article body; closest passage: '
         '"According to the almanac,"'),
        ("  - passage: the council\n    reason: Twice.\n",
         f"{ARTICLE}:10: error: skipped passage occurs 2 times in the article body; "
         "quote a longer passage so it points at one place"),
        ("  - passage: According to the almanac\n", f"{ARTICLE}:10: error: missing required key 'reason' in a skip"),
        ("  - passage: According to the almanac\n    reason: A book.\n    why: x\n",
         f"{ARTICLE}:12: error: unknown key 'why' in a skip"),
    ],
)
def test_a_bad_skip_is_reported_at_its_line(tmp_path, skip, expected):
    text = re.sub(r"skip:\n(  .*\n)+", "skip:\n" + skip, COVERAGE_ARTICLE)
    root = make_site(tmp_path, {ARTICLE: text})
    for command in (("check",), ("check", "--coverage")):
        result = run_cli(*command, "--root", str(root))
        assert result.returncode == 1
        assert [line for line in result.stderr.splitlines() if ": error: " in line] == [expected]


def test_the_skip_list_is_not_shown_on_any_page(site, tmp_path):
    result = build(site, tmp_path / "out", search=False)
    assert result.ok, [d.format() for d in result.diagnostics]
    for path in (tmp_path / "out").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"A reference book" not in data, path


def test_the_example_content(tmp_path):
    """Every article of content/ gets its total; the numbers are the editors'
    business (issue 14), so they are not held here."""
    result = run_cli("check", "--coverage", "--root", str(REPO), timeout=300)
    assert result.returncode == 0, result.stderr
    articles = sorted(path.relative_to(REPO).as_posix() for path in (REPO / "content/articles").glob("*.md"))
    totals = re.findall(r"^(content/articles/[^:]+\.md): notice: (\d+) of (\d+) attributed passages annotated",
                        result.stderr, re.MULTILINE)
    assert [path for path, _, _ in totals] == articles
    annotated, passages = (sum(int(total[k]) for total in totals) for k in (1, 2))
    assert f"Coverage: {annotated} of {passages} attributed passages annotated" in result.stdout
    for line in re.findall(r"^content/articles/\S+:(\d+): notice: ", result.stderr, re.MULTILINE):
        assert int(line) > 0


# --- what looks attributed ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, passages",
    [
        ("No one spoke.", []),
        ("Ana said so. It rained.", ["Ana said so."]),
        ("She SAID so.", ["She SAID so."]),
        ("The saidness of it.", []),  # a whole word only
        ("according\nto Ana, it rained.", ["according\nto Ana, it rained."]),
        ("“It rained all day,” she told us. “Then it stopped.", ["“It rained all day,” she told us.",
                                                                 "“Then it stopped."]),
        ("‘We are here to stay’, she insisted.", ["‘We are here to stay’, she insisted."]),
        ("The Taliban’s “ties” and the guests’ rooms.", []),
        ("A «vraiment très bonne» idée.", ["«vraiment très bonne»"]),
        ("Dr. Bo said it. Then left.", ["Dr. Bo said it."]),
        ("“One two three. Four five,” Bo said. Next.", ["“One two three. Four five,” Bo said."]),
    ],
)
def test_attributed_passages(text, passages):
    assert [text[start:end] for start, end in attributed_spans(text, "en")] == passages


def test_a_language_without_verbs_has_quotations_only():
    text = "Ana said so. «Ce pont est fini», dit-elle."
    assert [text[s:e] for s, e in attributed_spans(text, "fr")] == ["«Ce pont est fini»"]
    assert [text[s:e] for s, e in attributed_spans(text, "en-GB")] == ["Ana said so.", "«Ce pont est fini»"]


def test_body_lines_follow_the_words_through_markdown():
    """A place in the reader's text is given the line of its word in the
    file, across emphasis, escapes, links and entities."""
    from generator.core.markup import MarkdownConverter
    from generator.stages.sourcelines import BodyLines

    body = "# Head\n\nA *bold*\n[link](https://example.com/very/long/address)\nand \\*stars\\* &amp; more.\n\nLast one."
    text = MarkdownConverter().parse(body).text
    lines = BodyLines(body, 10, text)
    assert [lines.line_of(text.index(word)) for word in ("Head", "bold", "link", "stars", "more", "Last")] == [
        10, 12, 13, 14, 14, 16,
    ]
    assert BodyLines("", 7, "").line_of(0) == 7
