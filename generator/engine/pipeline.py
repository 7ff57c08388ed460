"""The build pipeline, once, for ``build`` and ``serve``: :func:`run`.

Both commands run the same sequence; they differ only in where the previous
run's state comes from and where the new site goes (the ``target``):

- ``build`` (``build.py``) loads the previous state from the build cache on
  disk and makes the site in a staging folder beside the output folder
  (``write.StagedSite``), swapped into place under the build lock;
- ``serve`` (``incremental.py``) keeps the previous state in memory and
  makes the site in memory (``memorysite.MemorySite``).

One staleness rule: every planned output gets a key (``keys.page_keys``), a
digest of its sources' digests, its templates, site.yaml, the options and the
generator's code. An output whose key is the one it had in the previous run
is kept as the previous site has it; the others are rendered. The source set
is part of the key, so a page that stops (or starts) showing a file is
rendered again too. A source counts by its bytes if the output shows its
body text, else by what its record says (``outputs/base.Page.text_sources``),
so an edit of an article's text re-renders only what shows that text. The
site-wide data files are made of pieces keyed by the same rule, and only the
pieces whose key changed are made again (``pieces.py``). One way to refresh the search index:
``search_shards.refresh_index`` re-indexes only the shards whose pages changed.

A build after an edit of articles' text alone takes a shorter way to the
same site (``partialrun.py``): the last build's record of which outputs
show each article's text, and what each is made of (``textdeps.py``), says
what to render, and only that part of the site is loaded, linked and
planned; the rest is kept, keyed, indexed and published as here.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Callable, Mapping, Protocol

from ..core.diagnostics import Diagnostics
from ..core.layout import TEMPLATES_DIR, is_static_file, template_name
from ..core.model import Content, Graph, SiteConfig
from ..core.progress import Progress
from ..core.translations import Interface
from ..outputs.base import EVERYTHING, Output
from ..outputs.render import Renderer
from ..stages.analyse import Analysis, analyse
from ..stages.link import link, with_texts
from ..stages.validate import CheckedFile
from .cache import BuildCache, digest
from .keys import SourceKeys, page_keys
from .pieces import Pieces, PieceStore
from .prepare import prepare_content
from .rendering import Rendered, render_into
from .search import SearchError
from .search_shards import Ahead, RefreshedIndex, SearchState, is_search_file, refresh_index
from .textdeps import TextDeps
from .textedits import keys_after_text_edits, text_edited
from .write import Sink, Written

SEARCH_DIAGNOSTIC_PATH = "search"  # where a failed search indexing is reported

# What the pipeline does about the search index (Settings.search):
INDEX = "index"  # refresh it: build, and serve without deferring it
KEEP_INDEX = "keep"  # keep the previous run's files as they are: serve, which refreshes it afterwards
NO_INDEX = "none"  # no index: build --no-search


@dataclass(frozen=True)
class Settings:
    """How to build: the options of the command."""

    base_url: str | None = None  # instead of site.yaml's
    drafts: bool = False
    strict: bool = False  # warnings count as errors
    search: str = INDEX
    options: Mapping[str, Any] = field(default_factory=dict)  # whatever else every output's key depends on


@dataclass(frozen=True)
class RunState:
    """What the next run needs to know of this one."""

    page_keys: Mapping[str, str] = field(default_factory=dict)  # output path → key (keys.page_keys)
    search: SearchState = field(default_factory=SearchState)
    # The compiled templates, with a digest of the template and static files
    # they were read from; kept in memory only (serve), never stored.
    templates_key: str = ""
    renderer: Renderer | None = None
    # The pieces of the data files made of pieces (pieces.py), kept in memory
    # only (serve); build keeps them in the build cache.
    pieces: Pieces = field(default_factory=dict)
    # The model it made, kept in memory only (serve): a run after articles'
    # text alone changed brings it up to date (textedits.py).
    built: "Built | None" = None
    # The fingerprint of the build it is the state of (build only: cache.build_fingerprint).
    origin: str = ""


@dataclass(frozen=True)
class Built:
    """The model of the site just built (for ``serve``'s fast path and its next run)."""

    content: Content
    graph: Graph
    analysis: Analysis
    pages: Mapping[str, Output]
    inputs: Mapping[str, str]  # every input's digest
    records: Mapping[str, str]  # every content file's records digest (validate.CheckedFile.records_digest)
    # The articles (paths) whose text edits had the outputs showing their text
    # planned again since the whole site last was (textplan.py). Each text edit
    # plans theirs again too: a page planned on an older graph would keep that
    # graph alive, one more for every article edited in a long preview session.
    replanned: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Outcome:
    """What a run did. ``state`` is None when it failed (nothing was published)."""

    diagnostics: Diagnostics
    checked: Mapping[str, CheckedFile]  # every content file checked on its own, by cache key
    state: RunState | None = None
    built: Built | None = None
    manifest: Mapping[str, Written] = field(default_factory=dict)  # every file of the new site
    language: str = "en"
    counts: Mapping[str, int] = field(default_factory=dict)  # records of each kind
    html_pages: int = 0
    planned: int = 0  # outputs the site map has (pages and data files)
    rendered: int = 0  # outputs rendered; the others were kept
    written: int = 0  # files whose bytes changed, or new
    removed: int = 0  # files of the previous site that are gone
    inputs: Mapping[str, str] = field(default_factory=dict)  # the digest of every input, as the run read it
    # What the next build needs to know to rebuild after an edit of articles' text alone (partialrun.py).
    text_deps: "Callable[[], TextDeps] | None" = None

    @property
    def ok(self) -> bool:
        return self.state is not None


class Target(Protocol):
    """Where a run's site goes, and where the previous run's state comes from."""

    def open(self, config: SiteConfig) -> AbstractContextManager[tuple[Sink, RunState]]:
        """The sink for the next site, and the previous run's state."""

    def publish(self, sink: Sink, outcome: Outcome) -> None:
        """Make the new site the one served (commit the sink) and remember the outcome."""


def run(root: Path, inputs: Mapping[str, str], settings: Settings, target: Target,
        remembered: Mapping[str, CheckedFile] | None = None, cache: BuildCache | None = None,
        progress: Progress | None = None) -> Outcome:
    """Build the site under ``root`` into ``target``.

    ``inputs``: the digest of every input file (``inputs.input_digests``);
    ``remembered``: files checked by an earlier run of this process, by cache
    key; ``cache``: the build cache, for the files checked by earlier builds
    and the pieces of the data files they made.
    Nothing is published unless everything succeeded.
    """
    # Prepare the content: load and validate every file (cached, in parallel).
    prepared = prepare_content(root, cache, remembered, inputs)
    # A file saved again since its digest was taken is built as it was read,
    # and counted so (keys, the build's fingerprint), or the next build would
    # take the site for that of the digest taken and keep it.
    inputs = {**inputs, **prepared.read_digests} if prepared.read_digests else inputs
    diagnostics = prepared.diagnostics.strict() if settings.strict else prepared.diagnostics
    if diagnostics.errors:
        return Outcome(diagnostics, prepared.checked)
    content = prepared.content.with_base_url(settings.base_url) if settings.base_url else prepared.content
    records = {checked.path: checked.records_digest for checked in prepared.checked.values()}
    with target.open(content.config) as (sink, previous):
        try:
            # Link the records, analyse them (or bring the last run's model up to date), plan every output.
            edited = text_edits_of(previous.built, content, inputs, records)
            graph = with_texts(previous.built.graph, content, edited.values()) if edited else None
            if graph is not None:
                analysis = previous.built.analysis
            else:
                edited = None
                graph = link(content, include_drafts=settings.drafts)
                analysis = analyse(graph)
            renderer, templates_key = renderer_for(root, inputs, previous, prepared.interface)
            # After a text edit, the last plan with only the outputs that show the text planned again.
            replanned = previous.built.replanned | frozenset(edited) if edited is not None else frozenset()
            pages = (renderer.replan_after_text_edits(previous.built.pages, graph, replanned)
                     if edited is not None and renderer is previous.renderer else None)
            if pages is None:
                pages, replanned = renderer.plan(graph, analysis), frozenset()
            # What is stale: an output whose key is not the one it had in the previous run.
            # A file's records count for the outputs that show none of its text (base.Page.text_sources).
            source_keys = SourceKeys(inputs, EVERYTHING, records)

            def make_keys(items: list) -> dict[str, str]:
                return page_keys(items, renderer.templates_used, inputs, settings.options, EVERYTHING, source_keys)

            keys = make_keys(pages) if edited is None else keys_after_text_edits(
                pages, frozenset(edited), previous.page_keys, make_keys)
            # The data files' pieces are keyed by the same rule, when their files are
            # composed; serve (a sink rendered in this process) keeps them for its next run.
            pieces = PieceStore(make_keys, previous.pieces, cache.dir if cache is not None else None,
                                keep_bytes=not sink.parallel)
            # Render the stale outputs into the sink, keep the others; then the static files.
            rendered = render_into(sink, renderer, pages, graph,
                                   lambda page: previous.page_keys.get(page.path) != keys[page.path],
                                   diagnostics, progress, pieces)
            if rendered is None:
                sink.abandon()
                return Outcome(diagnostics, prepared.checked)
            # The search index, last: it is made from the finished pages.
            try:
                index = search_step(settings.search, sink, rendered, content.config.language, previous.search)
            except SearchError as problem:
                diagnostics.error(SEARCH_DIAGNOSTIC_PATH, 0, str(problem))
                sink.abandon()
                return Outcome(diagnostics, prepared.checked)
            manifest = {**rendered.manifest, **index.entries}
            built = Built(content, graph, analysis, {page.path: page for page in pages}, inputs, records, replanned)
            counts = {"articles": len(graph.articles), "claims": len(graph.claims),
                      "actors": len(graph.actors), "outlets": len(graph.outlets)}
            outcome = Outcome(
                diagnostics, prepared.checked,
                # A sink rendered in this process is serve's, whose next run takes these pieces.
                state=RunState(keys, index.state, templates_key, renderer, pieces.state(pages, not sink.parallel),
                               built),
                built=built,
                manifest=manifest, language=content.config.language,
                counts=counts,
                html_pages=len(rendered.html_pages), planned=len(pages), rendered=rendered.rendered,
                written=rendered.written + index.written, removed=len(sink.previous.keys() - manifest.keys()),
                inputs=inputs, text_deps=partial(TextDeps.of_run, built.pages, inputs, records,
                                  {checked.path: checked.problems for checked in prepared.checked.values()},
                                  diagnostics, counts, settings.options),
            )
            target.publish(sink, outcome)
        except BaseException:
            sink.abandon()
            raise
    return outcome


def text_edits_of(previous: Built | None, content: Content, inputs: Mapping[str, str],
                  records: Mapping[str, str]) -> dict[str, str] | None:
    """The articles (path → id) whose text alone changed since the run that
    made ``previous``, when that is all that changed (``textedits.py``); else None."""
    if previous is None:
        return None
    return text_edited(content, inputs, records, previous.inputs, previous.records)


def renderer_for(root: Path, inputs: Mapping[str, str], previous: RunState,
                 interface: Interface | None) -> tuple[Renderer, str]:
    """The templates compiled with the site's interface installed, and the
    digest of the files they were read from and of the catalogues: the
    previous run's, if none of those changed."""
    key = digest("\n".join([f"{path} {value}" for path, value in sorted(inputs.items())
                            if template_name(path) or is_static_file(path)]
                           + [f"interface {interface.key if interface else ''}"]).encode())
    if previous.renderer is not None and previous.templates_key == key:
        return previous.renderer, key
    return Renderer(root / TEMPLATES_DIR, interface), key


def search_step(mode: str, sink: Sink, rendered: Rendered, language: str, previous: SearchState,
                ahead: Ahead | None = None) -> RefreshedIndex:
    """The search index's files in the sink: refreshed (:data:`INDEX`), kept
    as the previous site has them (:data:`KEEP_INDEX`), or none."""
    if mode == INDEX:
        pages = {path: rendered.manifest[path] for path in rendered.html_pages}
        return refresh_index(sink, pages, language, previous, ahead)
    if mode == KEEP_INDEX:
        kept = {path: sink.keep(path) for path in sink.previous if is_search_file(path)}
        return RefreshedIndex({path: entry for path, entry in kept.items() if entry is not None}, 0, previous)
    return RefreshedIndex({}, 0, SearchState())
