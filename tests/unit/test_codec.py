"""Checked files as JSON (``codec.py``) and trees as JSON (``treejson.py``):
what is written reads back equal, and anything else is refused, never run
and never a crash."""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as etree
from pathlib import Path

import pytest

from generator.core import treejson

from generator.core.diagnostics import Diagnostics
from generator.core.markup import Document, MarkdownConverter
from generator.core.failures import SystemFailure
from generator.engine import codec
from generator.engine.columns import document_digest
from generator.engine.prepare import check_one, read_content_files
from sitekit import INVALID_SITE, REPO, VALID_SITE, broken_entries


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
        entry = codec.encode(checked)
        again = codec.decode(entry)
        assert again == checked
        assert codec.encode(again) == entry
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
        for broken in broken_entries(codec.encode(checked)):
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
        codec.decode(text.encode("utf-8"))


def article_entry(examples) -> tuple[bytes, bytes]:
    """An article's entry: its JSON, and its document's stored form."""
    checked = next(c for c in examples if c.kind == "article" and c.record is not None)
    head, _, form = codec.encode(checked).partition(b"\n")
    return head, form


def test_an_entry_whose_document_is_not_the_one_its_record_names_is_unreadable(examples):
    head, form = article_entry(examples)
    assert codec.decode(head + b"\n" + form).record.document.text  # as written, it reads
    for entry in [
        head,  # the form left out
        head + b"\n",  # an empty form
        head + b"\n" + form[:-1],  # cut short
        head + b"\n" + form.replace(b"[", b"[ ", 1),  # the same document, other bytes: not the form named
        head.decode("utf-8"),  # text rather than bytes
        head + b"\n" + form + b"\n" + form,  # two
    ]:
        with pytest.raises(codec.Unreadable):
            codec.decode(entry)


@pytest.mark.parametrize("change", [
    lambda text, tree: [text + "x", tree],  # a text longer than the record says
    lambda text, tree: [text, tree.replace('"p"', '"p onclick=alert(1)"', 1)],  # markup for a tag
    lambda text, tree: [text, tree[:-1]],  # a tree that is not JSON
    lambda text, tree: [text, json.loads(tree)],  # lists rather than JSON text
    lambda text, tree: [text],
], ids=["longer text", "markup tag", "tree not JSON", "tree as lists", "no tree"])
def test_a_form_written_whole_that_is_not_a_document_stops_the_build_when_read(examples, change):
    """An entry whose form its record names by the right digest, but which is
    not a document (only something other than this version could write it):
    it reads, and reading its document stops the build with one line, a
    SystemFailure, rather than publish what it says."""
    head, form = article_entry(examples)
    text, tree = json.loads(form)
    assert '"p"' in tree
    changed = json.dumps(change(text, tree), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    value = json.loads(head)
    document = value[3][codec.DOCUMENT_FIELD["article"]]
    document[1] = document_digest(document[0], changed)
    checked = codec.decode(json.dumps(value, ensure_ascii=False).encode("utf-8") + b"\n" + changed)
    with pytest.raises(SystemFailure, match=r"the build cache \(\.factcheck-cache/\) holds a document that is not one"):
        checked.record.document.text


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
    converter = MarkdownConverter()
    document = converter.parse(body)
    live = converter._md.captured_tree if body else etree.Element("div")  # the tree before it was stored
    assert etree.tostring(document.root) == etree.tostring(live)
    tree = document.tree.decode("utf-8")
    treejson.check([treejson.parse(tree)], [len(document.text)])
    again = Document.from_stored(document.length, document.stored_form())
    assert (again.text, again.tree, again.to_html()) == (document.text, document.tree, document.to_html())


GOOD_TREE = [["div", "p"], [0], ["", ""], ["", "\n"], [1, "title", "t"], [2, 0, 10]]


def tree_with(column: int, value) -> list:
    tree = json.loads(json.dumps(GOOD_TREE))
    tree[column] = value
    return tree


@pytest.mark.parametrize("tree", [
    GOOD_TREE[:5],  # five columns
    [[], [], [], [], [], []],  # no root
    tree_with(1, []),  # a node without a parent
    tree_with(1, [1]),  # its own parent
    tree_with(1, [-1]),
    tree_with(1, [True]),
    tree_with(1, [0.0]),
    tree_with(0, ["div", "p p"]),
    tree_with(0, ["div", ""]),
    tree_with(0, ["div", None]),
    tree_with(2, ["", 1]),
    tree_with(3, ["", None]),
    tree_with(3, [""]),
    tree_with(4, [0, "href"]),
    tree_with(4, [2, "href", "x"]),
    tree_with(4, [0, "on click", "x"]),
    tree_with(4, [0, "href", 5]),
    tree_with(4, [False, "href", "x"]),
    tree_with(5, [2, 0, 11]),  # beyond the text (of 10 characters)
    tree_with(5, [2, -1, 2]),
    tree_with(5, [2, 5, 2]),
    tree_with(5, [4, 0, 2]),  # the place of no node
    tree_with(5, [-1, 0, 2]),
    tree_with(5, [2, 0]),
    tree_with(5, [2, 0, 2.0]),
    tree_with(5, [True, 0, 2]),
    tree_with(5, [[2, 0, 2]]),
    {"tags": ["div"]},
    None,
    json.dumps(GOOD_TREE),
], ids=lambda tree: json.dumps(tree)[:50])
def test_what_is_not_a_tree_is_refused(tree):
    treejson.check([GOOD_TREE], [10])
    for trees in ([tree], [GOOD_TREE, tree], [tree, GOOD_TREE]):  # alone, or among good ones
        with pytest.raises(treejson.MalformedTree):
            treejson.check(trees, [10] * len(trees))


def test_trees_are_checked_against_their_own_text_and_nodes():
    short = [["div"], [], [""], [""], [], [0, 0, 3]]
    treejson.check([short, GOOD_TREE], [3, 10])
    with pytest.raises(treejson.MalformedTree):
        treejson.check([short, GOOD_TREE], [10, 3])
    with pytest.raises(treejson.MalformedTree):  # a place of the second tree's second node, in the first
        treejson.check([[["div"], [], [""], [""], [], [3, 0, 1]], GOOD_TREE],
                       [10, 10])


@pytest.mark.parametrize("text", [None, b"[]", ["div"], "[", '[["div"],[],["\\ud800"],[""],[],[]]'])
def test_tree_text_that_is_not_json_of_text_is_refused(text):
    with pytest.raises(treejson.MalformedTree):
        treejson.parse(text)


def test_a_surrogate_escape_is_found_and_an_escaped_backslash_is_not_one():
    assert treejson.has_surrogate_escape('["\\ud800"]') and treejson.has_surrogate_escape('["\\\\\\udfff"]')
    assert not treejson.has_surrogate_escape('["\\\\ud800"]')  # a backslash, then "ud800"
    assert not treejson.has_surrogate_escape('["\\u00e9"]')
