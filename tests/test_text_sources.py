"""An output shows the body text of the files it says it shows, and of no
other (``base.Page.text_sources``): its key counts the other files by their
records only, so reading one's text would leave the output stale after an
edit of that text. Every planned output of the fixture and example sites is
made with each document, and each quote's place in its article's text
(``Mention.spans``, which the records count only by the quotes' order),
refusing to be read outside the output's ``text_sources``."""

from __future__ import annotations

import pytest

from generator.core import limits
from generator.core.layout import TEMPLATES_DIR
from generator.core.markup import Document
from generator.core.model import Mention
from generator.outputs.base import DataFile, Piece
from generator.outputs.render import Renderer
from generator.stages.catalogues import english_interface
from sitekit import REPO, VALID_SITE, graph_of


@pytest.mark.parametrize("root, small_pages", [(VALID_SITE, False), (REPO, False), (REPO, True)],
                         ids=["fixture", "example-site", "example-site-small-pages"])
def test_every_output_reads_only_the_text_it_declares(root, small_pages, monkeypatch):
    if small_pages:  # an outlet's and an actor's later pages show no body of theirs
        monkeypatch.setattr(limits, "OUTLET_CLAIMS", 1)
        monkeypatch.setattr(limits, "ACTOR_CLAIMS", 1)
        monkeypatch.setattr(limits, "OUTLET_ARTICLES", 1)
        monkeypatch.setattr(limits, "RELAYED_STATEMENTS", 1)
    graph, analysis = graph_of(root)
    owners = {id(record.document): record.path
              for records in (graph.articles, graph.claims, graph.actors, graph.outlets, graph.pages)
              for record in records.values() if record.document is not None}
    reading = {"output": "", "allowed": None}
    read: list[str] = []

    def guarded(name):
        original = getattr(Document, name)

        def check(document):
            path, allowed = owners.get(id(document)), reading["allowed"]
            if path is not None and allowed is not None and path not in allowed:
                raise AssertionError(f"{reading['output']} shows the text of {path}, not among its text_sources")
            read.append(path)
        if isinstance(original, property):
            return property(lambda document: (check(document), original.fget(document))[1])
        return lambda document, *args: (check(document), original(document, *args))[1]

    for name in ("text", "tree", "root", "to_html"):
        monkeypatch.setattr(Document, name, guarded(name))

    def spans(mention: Mention):
        path, allowed = graph.articles[mention.article_id].path, reading["allowed"]
        if allowed is not None and path not in allowed:
            raise AssertionError(f"{reading['output']} shows where quotes sit in {path}, not among its text_sources")
        return mention.__dict__["spans"]

    monkeypatch.setattr(Mention, "spans", property(spans), raising=False)
    renderer = Renderer(REPO / TEMPLATES_DIR, english_interface())
    outputs = renderer.plan(graph, analysis)

    def made_under(output, make):
        reading["output"], reading["allowed"] = output.path, output.text_sources
        return make()

    for output in outputs:
        if isinstance(output, DataFile) and output.parts is not None:
            for part in made_under(output, output.parts):
                if isinstance(part, Piece):
                    made_under(part, part.produce)
        else:
            made_under(output, lambda: renderer.render(output, graph))
    assert read  # the guard saw the documents read (the pages that show text)
