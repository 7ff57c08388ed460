"""Minimal-diff edits of an article's mentions (generator/annotation/frontmatter.py).

Each case edits a fixture of tests/fixtures/frontmatter-edit/ and compares
the diff of before/after with the stored one in expected/ (``\\r`` shown as
``\\r``): only the lines of the mention concerned may change. The result
must read back, with the site's own loader, as the front matter before
with the one change made.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from generator.annotation import EditError
from generator.annotation.frontmatter import add_mention, edit_mention, remove_mention
from generator.core.diagnostics import Diagnostics
from generator.core.markup import MarkdownConverter
from generator.stages.load import decode_text, load_source, split_front_matter
from generator.stages.validate import check_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "frontmatter-edit"
NEW = {"claim": "bridge-cost", "actor": "ana-mayor", "stance": "neutral", "quote": "cost 14 million euros",
       "note": "Said at the council: \"about\" # that"}

CASES = {
    "indented-add": ("indented.md", lambda t: add_mention(t, NEW)),
    "indented-edit": ("indented.md", lambda t: edit_mention(t, 1, {"stance": "disputes", "note": "Shorter.",
                                                                     "via": None, "value": None})),
    "indented-edit-first-line": ("indented.md", lambda t: edit_mention(t, 0, {"claim": "bridge-cost",
                                                                                "actor": "ana-mayor"})),
    "indented-remove": ("indented.md", lambda t: remove_mention(t, 0)),
    "flush-add": ("flush.md", lambda t: add_mention(t, NEW)),
    "flush-edit-add-keys": ("flush.md", lambda t: edit_mention(t, 1, {"actor": "bo-critic", "note": "n"})),
    "flush-remove-dash-key": ("flush.md", lambda t: edit_mention(t, 1, {"stance": None})),
    "flush-remove-last": ("flush.md", lambda t: remove_mention(t, 1)),
    "crlf-add": ("crlf.md", lambda t: add_mention(t, NEW)),
    "crlf-edit": ("crlf.md", lambda t: edit_mention(t, 0, {"note": "a note"})),
    "no-mentions-add": ("no-mentions.md", lambda t: add_mention(t, NEW)),
    "scaffolded-add": ("scaffolded.md", lambda t: add_mention(t, NEW)),
}


def read(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8")


def diff(before: str, after: str) -> str:
    lines = difflib.unified_diff(before.split("\n"), after.split("\n"), lineterm="", n=0)
    return "\n".join(line.replace("\r", "\\r") for line in list(lines)[2:]) + "\n"


def front(text: str) -> dict:
    diagnostics = Diagnostics()
    values, _, _ = split_front_matter(decode_text(text.encode("utf-8"), "a.md", diagnostics), "a.md", diagnostics)
    assert not diagnostics.errors, diagnostics.sorted()
    return plain(values)


def plain(value):
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_edit_changes_only_the_lines_of_its_mention(case):
    name, edit = CASES[case]
    before = read(name)
    after = edit(before)
    assert diff(before, after) == (FIXTURES / "expected" / f"{case}.diff").read_text(encoding="utf-8")


def test_an_added_mention_reads_back_with_the_rest_unchanged():
    before = read("indented.md")
    expected = front(before)
    expected["mentions"].append(NEW)
    assert front(add_mention(before, NEW)) == expected


def test_an_edit_reads_back_as_asked():
    before = read("indented.md")
    expected = front(before)
    expected["mentions"][1].update(stance="disputes", note="Shorter.")
    del expected["mentions"][1]["via"]
    after = edit_mention(before, 1, {"stance": "disputes", "note": "Shorter.", "via": None})
    assert front(after) == expected


def test_removing_the_only_mention_leaves_the_key_empty():
    before = read("crlf.md")
    after = remove_mention(before, 0)
    assert "mentions" in front(after) and front(after)["mentions"] is None
    assert after.count("\r\n") == after.count("\n")


def test_crlf_files_keep_crlf_on_every_line():
    after = add_mention(read("crlf.md"), NEW)
    assert after.count("\n") == after.count("\r\n")


def test_a_byte_order_mark_stays():
    after = add_mention("\ufeff" + read("no-mentions.md"), NEW)
    assert after.startswith("\ufeff---\n") and front(after.removeprefix("\ufeff"))["mentions"] == [NEW]


# A figure in another unit than its claim's, the unit in a form that must be quoted to read back.
FIGURE = {"claim": "bridge-cost", "actor": "bo-critic", "stance": "disputes", "quote": "cost 14 million euros",
          "value": 14, "unit": 'million "euros": all costs', "value_attributed_to": "hill-gazette"}


def test_a_unit_is_written_with_its_figure_and_reads_back_as_the_mentions_unit():
    before = read("indented.md")
    after = add_mention(before, FIGURE)
    # The keys in the last mention's order; the unit with its figure, between value and value_attributed_to.
    assert diff(before, after).splitlines()[1:] == [
        "+  - claim: bridge-cost", "+    actor: bo-critic", "+    stance: disputes", "+    value: 14",
        '+    unit: "million \\"euros\\": all costs"', "+    value_attributed_to: hill-gazette",
        "+    quote: cost 14 million euros"]
    assert front(after)["mentions"][-1] == FIGURE
    # As the build reads and checks a file (one with no problem of its own): the mention's own unit, no problem.
    after = add_mention("---\ntitle: Bridge\noutlet: hill-gazette\nmentions:\n  - claim: bridge-finished\n"
                        "    stance: disputes\n    quote: It was a month late\n---\n"
                        "It was a month late and cost 14 million euros.\n", FIGURE)
    source = load_source("content/articles/a.md", "article", "a", after.encode("utf-8"), Diagnostics())
    checked = check_file(source, MarkdownConverter())
    assert checked.problems == [] and checked.record.mentions[-1].unit == 'million "euros": all costs'


TRICKY = [
    "plain words", 'He said: "no"', "it's # not a comment", "#hash first", "- a leading dash", "-x", "'single'",
    '"double"', "key: value", "yes", "no", "null", "~", "12", "1e3", "2024-03-01", "[not a list]", "{nor: this}",
    "& anchor", "* alias", "! tag", "% directive", "@at", "`tick", "| bar", "> gt", "? question", "ends with colon:",
    "trailing space ", " leading space", "tab\tinside", "line\nbreak", "back\\slash", "Ünïcödé “curly” — dash…",
    "طالبان با القاعده رابطه دارند", "אמר כי \"לא\"", "mixed عربى and English", "\u200fRLM first", "nbsp\u00a0here",
    "emoji 🙂 astral", "…", "...", "", "a  double  space",
]


@pytest.mark.parametrize("text", TRICKY, ids=range(len(TRICKY)))
def test_any_text_is_written_so_that_it_reads_back_exactly(text):
    fields = {"claim": "c", "stance": "supports", "quote": text, "note": text}
    for base in ("indented.md", "crlf.md", "no-mentions.md"):
        after = add_mention(read(base), fields)
        assert front(after)["mentions"][-1] == fields
        assert front(edit_mention(after, len(front(after)["mentions"]) - 1, {"note": text + "!"}))[
            "mentions"][-1]["note"] == text + "!"


@pytest.mark.parametrize("text, problem", [
    ("---\nmentions: [{claim: a, stance: supports, quote: x}]\n---\n", "flow"),
    ("---\nmentions: some text\n---\n", "not a list"),
    ("---\ntitle: [unclosed\n---\n", "does not read without problems"),
    ("no front matter\n", "front matter"),
    ("---\ntitle: x\n", "not closed"),
])
def test_what_it_does_not_edit_is_refused_with_a_reason(text, problem):
    with pytest.raises(EditError, match=problem):
        add_mention(text, NEW)


def test_a_mention_that_is_not_there_is_refused():
    with pytest.raises(EditError, match="no mention 3"):
        edit_mention(read("crlf.md"), 2, {"note": "x"})
    with pytest.raises(EditError, match="no mention"):
        remove_mention(read("no-mentions.md"), 0)


@pytest.mark.parametrize("value", [1e-07, 1e+21, -2.5e-10, 1e16, 0.5, 22])
def test_a_figure_python_writes_with_an_exponent_reads_back_as_that_number(value):
    """repr(1e-07) is "1e-07", which YAML 1.1 reads as text."""
    from generator.annotation.yamlscalar import yaml_scalar
    from generator.stages.yamlnodes import parse_yaml
    from generator.core.diagnostics import Diagnostics
    text = yaml_scalar(value)
    diagnostics = Diagnostics()
    ok, parsed = parse_yaml(f"k: {text}\n", "value", 1, diagnostics)
    assert ok and not diagnostics.errors and parsed["k"] == value and type(parsed["k"]) is type(value), text
