"""After an edit of articles' text alone: the last plan of the site, with
the outputs that show those texts planned again on the new model.

``serve`` keeps its last run's plan (``engine.pipeline.Built.pages``). An
edit of an article's text alone changes no output's sources, items or
totals (``engine/textedits.py`` says why): it changes only what the outputs
that show the text make of it, which ``base.shows_text_of`` names: the
article's page, its text file, annotations.jsonld and, when its example
quotes that article, /about/data/. Those are planned again here, on the new
graph (``link.with_texts``), by the functions the full plan uses; every
other output is the last plan's, whose key and bytes the edit does not
change. Planning all 24,689 outputs again took 0.33 s of serve's 1.1 s
rebuild after a sentence was added, at 10,000 articles.

Anything not as expected (an output showing the text that is not one of
those, or planned otherwise than before) gives None, and the whole site is
planned again.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Collection, Mapping

from ..core.model import Graph
from ..core.translations import Interface
from . import opendata, siteplan, urls, webannotations
from .base import EVERYTHING, Output, shows_text_of


def replanned_after_text_edits(planned: Mapping[str, Output], graph: Graph, words: Interface,
                               edited: Collection[str]) -> list[Output] | None:
    """``planned``, the last plan (path → output, in its order), with each
    output that shows the text of an ``edited`` article (content paths)
    planned again on ``graph``; None if one is not planned as it was."""
    edited = frozenset(edited)
    by_path = {article.path: article for article in graph.articles.values()}
    if not edited <= by_path.keys():
        return None
    # The editors' pages, which the full plan adds to every page's sources last
    # (sitepages.linked_from_every_page): the sources the data files' pieces take
    # are the pages' sources before that.
    footer = frozenset(page.path for page in graph.pages.values())
    fresh: dict[str, Output] = {}
    for path in sorted(edited):
        for output in (siteplan.article_page(graph, by_path[path], words), opendata.article_text_file(by_path[path])):
            fresh[output.path] = output
    about = opendata.about_page(graph, words)
    fresh[about.path] = about
    article_pages = [planned.get(urls.article_path(article)) for article in graph.articles.values()]
    if any(page is None for page in article_pages):
        return None
    article_sources = {page.path: page.sources - footer for page in article_pages}
    annotations = webannotations.annotations_file(graph, article_sources, words)
    fresh[annotations.path] = annotations
    replanned = []
    for output in planned.values():
        if not shows_text_of(output, edited):
            replanned.append(output)
            continue
        again = fresh.get(output.path)
        if again is None or not planned_alike(again, output, footer):
            return None
        replanned.append(replace(again, sources=output.sources))
    return replanned


def planned_alike(again: Output, before: Output, footer: frozenset[str]) -> bool:
    """Whether ``again`` is planned as ``before`` was (all but how it is made),
    ``before`` having had the editors' pages added to its sources."""
    if type(again) is not type(before) or replace(again, sources=before.sources) != before:
        return False
    return again.sources == before.sources or (again.sources != EVERYTHING and again.sources | footer == before.sources)
