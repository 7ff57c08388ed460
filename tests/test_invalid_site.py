"""The invalid fixture site: every kind of content problem, reported exactly.

``tests/fixtures/invalid-site/expected-errors.txt`` was written by hand from
the fixture's files (line numbers counted in the files, messages from the
rules in ``validate.py``), one line per problem in the CLI's sorted order.
"""

from __future__ import annotations

import contextlib
import io

import pytest

from generator.cli import main
from sitekit import BASE_FILES, INVALID_SITE, SITE_YAML, make_site, run_cli

EXPECTED = (INVALID_SITE / "expected-errors.txt").read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def checked():
    return run_cli("check", "--root", str(INVALID_SITE))


def test_check_reports_exactly_the_expected_lines(checked):
    lines = checked.stderr.splitlines()
    assert lines[:-1] == EXPECTED


def test_summary_line_counts_errors_and_warnings(checked):
    errors = sum(": error: " in line for line in EXPECTED)
    warnings = sum(": warning: " in line for line in EXPECTED)
    assert (errors, warnings) == (43, 3)
    assert checked.stderr.splitlines()[-1] == f"{errors} error(s), {warnings} warning(s)."


def test_check_exits_1_without_a_traceback(checked):
    assert checked.returncode == 1
    assert "Traceback" not in checked.stderr
    assert checked.stdout == ""


def test_expected_lines_are_sorted_like_the_cli(checked):
    def key(line):
        location = line.split(": ", 1)[0]
        path, _, number = location.partition(":")
        return (path, int(number or 0))

    assert EXPECTED == sorted(EXPECTED, key=key)
    assert len(set(EXPECTED)) == len(EXPECTED)


def test_build_reports_the_same_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", "--root", str(INVALID_SITE), "--out", str(out))
    assert result.returncode == 1
    assert result.stderr.splitlines()[:-1] == EXPECTED
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


# --- no traceback, whatever the input ------------------------------------------------------------

ARTICLE = "content/articles/bridge-opens.md"


def article(front_extra="", body="The mayor said the bill came to 12 million euros.\n"):
    return BASE_FILES[ARTICLE].replace("outlet: daily-river\n", "outlet: daily-river\n" + front_extra).replace(
        "The mayor said the bill came to 12 million euros.\n", body
    )


NASTY = {
    "empty site.yaml": {"site.yaml": ""},
    "site.yaml is a list": {"site.yaml": "- a\n- b\n"},
    "verdicts is a mapping": {"site.yaml": "title: T\nverdicts: {a: b}\n"},
    "verdict is a string": {"site.yaml": "title: T\nverdicts:\n  - accurate\n"},
    "verdict id is a list": {"site.yaml": "title: T\nverdicts:\n  - {id: [a], label: L, description: D, colour: '#fff'}\n"},
    "only an opening fence": {ARTICLE: "---\n"},
    "empty file": {ARTICLE: ""},
    "byte order mark only": {ARTICLE: "\ufeff"},
    "number key": {ARTICLE: article("1: x\n")},
    "complex key": {ARTICLE: article("? [a, b]\n: c\n")},
    "null key": {ARTICLE: article("~: x\n")},
    "alias and anchor": {ARTICLE: article("author: &x Me\nnote: *x\n")},
    "undefined alias": {ARTICLE: article("author: *x\n")},
    "merge key": {ARTICLE: "---\nbase: &b {title: T}\n<<: *b\noutlet: daily-river\n---\nx\n"},
    "python tag": {ARTICLE: article("author: !!python/object/apply:os.system [echo hi]\n")},
    "binary tag": {ARTICLE: article("author: !!binary aGVsbG8=\n")},
    "set": {ARTICLE: article("author: !!set {a, b}\n")},
    "mention claim is a number": {ARTICLE: article().replace("claim: bridge-cost", "claim: 5")},
    "stance is a mapping": {ARTICLE: article().replace("stance: supports", "stance: {a: b}")},
    "quote is a number": {ARTICLE: article().replace("quote: the bill came to 12 million", "quote: 12")},
    "value is not a number": {ARTICLE: article().replace("stance: supports", "stance: supports\n    value: .nan")},
    "empty mention": {ARTICLE: "---\ntitle: T\noutlet: daily-river\nmentions:\n  -\n---\nx\n"},
    "control character": {ARTICLE: article("author: A\x07\n")},
    "nul byte in the body": {ARTICLE: article(body="body \x00 text\n")},
    "deeply nested YAML": {ARTICLE: article("author: " + "[" * 1000 + "]" * 1000 + "\n")},
    "deeply nested Markdown": {ARTICLE: article(body="> " * 1000 + "deep\n")},
    "published in year 0": {ARTICLE: article("published: 0000-05\n")},
    "published datetime": {ARTICLE: article("published: 2024-02-28 10:00:00\n")},
    "a folder named like a file": {"content/claims/folder.md/x.txt": "x"},
    "aliases with mappings": {"content/actors/ana-mayor.md": "---\nname: Ana\nkind: person\naliases: [[a], {b: c}]\n---\n"},
    "colour is a number": {"site.yaml": SITE_YAML.replace('"#1b6e3a"', "123")},
    "output is a list": {"site.yaml": SITE_YAML + "output: [a]\n"},
}


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("case", list(NASTY), ids=list(NASTY))
def test_no_traceback_on_invalid_input(tmp_path, case, command):
    root = make_site(tmp_path / "site", NASTY[case])
    args = [command, "--root", str(root)] + (["--out", str(tmp_path / "out")] if command == "build" else [])
    stderr, stdout = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(stdout):
        try:
            code = main(args)
        except SystemExit as exit:  # argparse's usage errors
            code = exit.code
    assert code in (0, 1), stderr.getvalue()
    for line in stderr.getvalue().splitlines()[:-1]:
        # every problem is one line, located in a file
        assert ": error: " in line or ": warning: " in line, line


def test_control_character_is_reported_on_its_line(tmp_path):
    text = "---\ntitle: T\noutlet: daily-river\nauthor: Bell \x07 here\n---\nBody\n"
    root = make_site(tmp_path, {ARTICLE: text})
    result = run_cli("check", "--root", str(root))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1
    assert errors[0].startswith(f"{ARTICLE}:4: error: YAML syntax error: ")
    assert "<unicode string>" not in result.stderr
