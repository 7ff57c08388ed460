"""A page's sources as part of its key (``keys.SourceKeys``): a function of
the set and its files' digests, worked out once per set in a run."""

from __future__ import annotations

from generator.engine.keys import SourceKeys

INPUTS = {"content/articles/a.md": "1", "content/claims/c.md": "2", "content/actors/x.md": "3", "site.yaml": "4"}
EVERYTHING = frozenset({"*"})


def test_a_set_of_sources_has_one_key_whatever_its_order_or_object():
    keys = SourceKeys(INPUTS, EVERYTHING)
    one = keys.of(frozenset(["content/articles/a.md", "content/claims/c.md"]))
    assert one == keys.of(frozenset(["content/claims/c.md", "content/articles/a.md"]))
    assert one != keys.of(frozenset(["content/articles/a.md"]))
    assert one != SourceKeys({**INPUTS, "content/claims/c.md": "5"}, EVERYTHING).of(
        frozenset(["content/articles/a.md", "content/claims/c.md"]))  # a source's file changed
    assert keys.of(frozenset(["content/articles/gone.md"])) != keys.of(frozenset())  # a deleted source counts


def test_everything_is_keyed_by_all_content_and_each_set_is_worked_out_once(monkeypatch):
    keys = SourceKeys(INPUTS, EVERYTHING)
    assert keys.of(EVERYTHING) == keys.all_content.encode()
    assert keys.all_content != SourceKeys({**INPUTS, "content/actors/x.md": "6"}, EVERYTHING).all_content
    assert keys.all_content == SourceKeys({**INPUTS, "site.yaml": "7"}, EVERYTHING).all_content  # content only
    sources = frozenset(["content/actors/x.md"])
    first = keys.of(sources)
    looked_up = []
    monkeypatch.setattr(keys, "tokens", type("Counting", (dict,), {
        "__getitem__": lambda self, path: looked_up.append(path) or b"x" * 16})())
    assert keys.of(sources) == first and looked_up == []  # a piece sharing its page's set: no second look-up
