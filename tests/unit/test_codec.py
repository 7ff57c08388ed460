"""Checked files as JSON (``codec.py``) and trees as JSON (``treejson.py``):
what is written reads back equal, and anything else is refused, never run
and never a crash."""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as etree
from pathlib import Path

import pytest

from generator import codec, treejson
from generator.diagnostics import Diagnostics
from generator.markup import Document, MarkdownConverter
from generator.prepare import check_one, read_content_files
from sitekit import INVALID_SITE, REPO, VALID_SITE, broken_copies


def checked_files(root: Path):
    converter = MarkdownConverter()
    return [check_one(file, converter) for file in read_content_files(root, Diagnostics())]


@pytest.fixture(scope="module")
def examples():
    """Every file of the example site and of both fixtures, checked."""
    return [checked for root in (REPO, VALID_SITE, INVALID_SITE) for checked in checked_files(root)]


def test_every_layout_names_every_field_of_its_record_in_order():
    layouts = [*codec.RECORDS.values(), codec.MENTION, codec.RELATION, codec.UPDATE, codec.DIAGNOSTIC, codec.REFERENCE]
    for layout in layouts:
        assert [name for name, _, _ in layout.fields] == [f.name for f in dataclasses.fields(layout.type)]


def test_what_is_written_reads_back_equal(examples):
    assert {c.kind for c in examples} == set(codec.RECORDS) and any(c.record is None for c in examples)
    for checked in examples:
        text = codec.encode(checked)
        again = codec.decode(text)
        assert again == checked
        assert codec.encode(again) == text
        document = getattr(checked.record, "document", None)
        if document is not None:
            assert (again.record.document.text, again.record.document.tree) == (document.text, document.tree)


def shortest_full_entries(examples):
    """Of each kind, the shortest entry whose record has every list filled (else the shortest)."""
    by_kind = {}
    for checked in sorted(examples, key=lambda c: len(codec.encode(c))):
        if checked.record is None or checked.problems:
            continue
        filled = all(value for value in vars(checked.record).values() if isinstance(value, (list, tuple)))
        if checked.kind not in by_kind or (filled and not by_kind[checked.kind][1]):
            by_kind[checked.kind] = (checked, filled)
    return [checked for checked, _ in by_kind.values()]


def test_an_entry_broken_anywhere_is_refused_or_read_never_a_crash(examples):
    """Every place of an article's, a claim's, an actor's and an outlet's entry
    replaced by each kind of JSON value, and every list made longer and
    shorter: decode() raises Unreadable or gives a CheckedFile, nothing else."""
    refused = 0
    for checked in shortest_full_entries(examples):
        for broken in broken_copies(codec.encode(checked)):
            try:
                decoded = codec.decode(broken)
            except codec.Unreadable:
                refused += 1
            else:
                assert isinstance(decoded, type(checked))
    assert refused > 1000


@pytest.mark.parametrize("text", [
    "", "[", "null", "{}", "[1,2,3,4,5,6]", '["a","article","a",null,[],[]' + "]" * 2,
    "[" * 100_000 + "]" * 100_000,  # deeper than the JSON reader goes
    '["content/articles/a.md","article","a",null,[["x",NaN,"m","error"]],[]]',
    '["content/articles/a.md","article","a",null,[["x",1,"\\ud800","error"]],[]]',
], ids=["empty", "cut", "null", "object", "numbers", "trailing", "deep", "NaN", "lone surrogate"])
def test_what_is_not_an_entry_is_unreadable(text):
    with pytest.raises(codec.Unreadable):
        codec.decode(text)


# --- trees ------------------------------------------------------------------------------------

BODIES = [
    "",
    "Plain text.",
    "# Title\n\nA [link](https://example.org \"t\") and ![alt](https://example.org/i.png), *em* **strong**.\n\n"
    "- one\n- two\n\n> quoted\n\n    code <b>\n\n3. three\n4. four\n",
    "A [bad](javascript:alert(1)) link &amp; &#8212; entities",
    "> " * 250 + "nested deeper than pickle went\n",
]


@pytest.mark.parametrize("body", BODIES)
def test_a_tree_reads_back_as_it_was(body):
    document = MarkdownConverter().parse(body)
    tree = document.tree.decode("utf-8")
    treejson.check(tree)
    assert etree.tostring(treejson.loads(tree)) == etree.tostring(document.root)
    again = Document.stored(document.text, tree)
    assert (again.text, again.tree, again.to_html()) == (document.text, document.tree, document.to_html())


@pytest.mark.parametrize("columns", [
    [["div"], [], [""], [""]],  # four columns
    [[], [], [], [], []],  # no root
    [["div", "p"], [], ["", ""], ["", ""], []],  # a node without a parent
    [["div", "p"], [1], ["", ""], ["", ""], []],  # its own parent
    [["div", "p"], [-1], ["", ""], ["", ""], []],
    [["div", "p"], [True], ["", ""], ["", ""], []],
    [["div", "p"], [0.0], ["", ""], ["", ""], []],
    [["div", "p p"], [0], ["", ""], ["", ""], []],
    [["div", ""], [0], ["", ""], ["", ""], []],
    [["div", None], [0], ["", ""], ["", ""], []],
    [["div"], [], [1], [""], []],
    [["div"], [], [""], [None], []],
    [["div"], [], [""], [""], [0, "href"]],
    [["div"], [], [""], [""], [1, "href", "x"]],
    [["div"], [], [""], [""], [0, "on click", "x"]],
    [["div"], [], [""], [""], [0, "href", 5]],
    [["div"], [], [""], [""], [False, "href", "x"]],
    {"tags": ["div"]},
], ids=lambda columns: json.dumps(columns)[:40])
def test_what_is_not_a_tree_is_refused(columns):
    with pytest.raises(treejson.MalformedTree):
        treejson.check(json.dumps(columns))


def test_a_tree_is_refused_unless_it_is_text():
    for value in (None, b"[]", ["div"], '[["div"],[],["\\ud800"],[""],[]]'):
        with pytest.raises(treejson.MalformedTree):
            treejson.check(value)
    treejson.check('[["div"],[],["\\\\ud800"],[""],[]]')  # an escaped backslash, then text
