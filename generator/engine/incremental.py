"""Incremental rebuilds for ``serve``: re-render only the pages an edit touches.

Correctness beats speed. Every rebuild re-reads and re-validates all content
(cheap next to rendering), so the graph is always whole; what is saved is
rendering. A page is re-rendered when

- it is new, or its template changed, or ``site.yaml`` changed;
- any of its sources changed, judged on the union of its sources before and
  after the edit (so a page that *stops* showing a file is refreshed too);
- it shows something of every file (home, indexes, /compare/) and any
  content changed;
- a template it extends, includes or imports changed.

Changes are found by hashing every input file, not by trusting file-system
events, and they are measured against the last build that succeeded: after
a broken edit and its fix, everything touched in between is re-rendered.

With ``search=True`` (as ``serve`` runs it) the search index is remade like
build's last step, in memory: the shards of the pages whose bytes changed.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from ..core.diagnostics import Diagnostics
from ..core.layout import CONFIG_FILE, DEFAULT_TEMPLATES, TEMPLATES_DIR, content_folder, is_content, is_static_file, template_name
from ..core.markup import MarkdownConverter
from ..core.model import Content, Graph
from ..outputs import urls
from ..outputs.base import EVERYTHING, Output
from ..outputs.render import Renderer, TemplateProblem
from ..outputs.siteplan import article_context
from ..stages.analyse import analyse
from ..stages.link import link, with_article
from ..stages.sitefiles import is_readable_input, walk_site
from ..stages.validate import CheckedFile, check_references
from .build import SEARCH_DIAGNOSTIC_PATH
from .cache import BuildCache, checked_key, digest, inputs_of
from .prepare import ContentFile, check_one, prepare_content
from .search import SearchError, marks_search_body
from .search_shards import SHARD_LIST, index_shards, plan_shards, shard_list
from .workers import collector_paused


@dataclass(frozen=True)
class PageRecord:
    """What a page was made from, the last time it was rendered."""

    template: str
    sources: frozenset[str]


@dataclass
class RebuildReport:
    ok: bool
    changed: list[str] = field(default_factory=list)  # input files, relative to the root
    rendered: int = 0  # pages rendered
    written: int = 0  # output files added or whose bytes changed
    removed: int = 0  # output files gone
    seconds: float = 0.0

    def line(self, fixed: bool = False) -> str:
        """One line for the terminal: what changed, what was done, how long it took;
        ``fixed``: this rebuild is the first good one after errors."""
        what = ", ".join(self.changed[:3]) + (f" and {len(self.changed) - 3} more" if len(self.changed) > 3 else "")
        if not self.ok:
            return f"{what or 'rebuild'}: errors, still serving the last good site ({self.seconds * 1000:.0f} ms)"
        done = (
            f"{self.rendered} pages re-rendered, {self.written} files changed, "
            f"{self.removed} removed in {self.seconds * 1000:.0f} ms"
        )
        if fixed:
            return f"{what}: errors fixed, {done}" if what else (
                f"errors fixed: back to the last good site ({self.seconds * 1000:.0f} ms)")
        return f"{what or 'first build'}: {done}"


class IncrementalBuilder:
    """Holds the last good site in memory and brings it up to date on demand."""

    def __init__(self, root: Path, drafts: bool = False, base_url: str | None = None, search: bool = False,
                 defer_search: bool = False):
        self.root = root
        # With defer_search, a rebuild keeps the previous index and update_search()
        # makes the new one: serve shows pages first, the index follows.
        self.defer_search = defer_search
        self.search_stale = False
        self._language = "en"  # of the pages a deferred index is for
        self._inputs = InputWatcher(root)
        self._checked: dict[str, CheckedFile] = {}  # every file checked on its own, by cache key
        self._cache = BuildCache(root)  # a first preview starts from what earlier builds checked
        self._last_good: LastGood | None = None
        self._renderer: Renderer | None = None
        self.drafts = drafts
        self.base_url = base_url
        self.search = search  # also make the search index, as the last step of ``build`` does
        self._marked = MarkedPages()
        self._shards: dict[str, tuple] = {}  # shard name → ((language, pages), files) of its index
        self._search_lock = threading.Lock()
        self._search_files: dict[str, bytes] = {}
        self.outputs: dict[str, bytes] = {}  # replaced as a whole, never mutated in place
        self.diagnostics = Diagnostics()  # of the latest attempt
        self._records: dict[str, PageRecord] = {}
        self._hashes: dict[str, str] | None = None  # input files of the last good build

    @collector_paused()
    def rebuild(self) -> RebuildReport:
        started = time.perf_counter()
        hashes = self._inputs.digests()
        changed = sorted(changed_files(self._hashes or {}, hashes)) if self._hashes is not None else []
        if self._hashes is not None and not changed and not self.diagnostics.errors:
            return RebuildReport(ok=True, seconds=time.perf_counter() - started)
        report = self._rebuild(changed, first=self._hashes is None)
        if report.ok:
            self._hashes = hashes
        report.seconds = time.perf_counter() - started
        return report

    def _rebuild(self, changed: list[str], first: bool) -> RebuildReport:
        prepared = prepare_content(self.root, self._cache if first else None, self._checked)
        self._checked = prepared.checked
        content, diagnostics = prepared.content, prepared.diagnostics
        self.diagnostics = diagnostics
        if diagnostics.errors:
            return RebuildReport(ok=False, changed=changed)
        if self.base_url:
            content = content.with_base_url(self.base_url)
        graph = link(content, include_drafts=self.drafts)
        renderer = self._renderer_for(changed, first)
        pages = renderer.plan(graph, analyse(graph))
        dirty = self._dirty_pages(pages, changed, renderer, everything=first or CONFIG_FILE in changed)
        try:
            rendered = {page.path: renderer.render(page, graph) for page in dirty}
        except TemplateProblem as problem:
            diagnostics.error(problem.path, problem.line, problem.message)
            return RebuildReport(ok=False, changed=changed)
        outputs = {page.path: rendered.get(page.path, self.outputs.get(page.path)) for page in pages}
        outputs.update(renderer.static_files())
        if self.search and self.defer_search:
            outputs.update(self._search_files)
            self.search_stale = True
            self._language = content.config.language
        elif self.search:
            try:
                outputs.update(self._search_index(outputs, content.config.language))
            except SearchError as problem:
                diagnostics.error(SEARCH_DIAGNOSTIC_PATH, 0, str(problem))
                return RebuildReport(ok=False, changed=changed)
        report = RebuildReport(
            ok=True,
            changed=changed,
            rendered=len(rendered),
            written=sum(1 for path, data in outputs.items() if self.outputs.get(path) != data),
            removed=len(self.outputs.keys() - outputs.keys()),
        )
        self.outputs = outputs
        self._records = {page.path: PageRecord(page.template, page.sources) for page in pages}
        self._last_good = LastGood(content, graph, {page.path: page for page in pages})
        return report

    def _renderer_for(self, changed: list[str], first: bool) -> Renderer:
        """The renderer, with its compiled templates, kept until a template changes."""
        if first or self._renderer is None or any(template_name(path) or is_static_file(path) for path in changed):
            self._renderer = Renderer(self.root / TEMPLATES_DIR)
        return self._renderer

    # --- the quick path: an edited article's own page first ---------------------------

    @collector_paused()  # with the last build's objects alive, each collection walks them all: seconds at 10,000 articles
    def quick_update(self, reported: set[str] | None = None) -> dict[str, bytes] | None:
        """The pages of edited articles, re-rendered at once; None when the
        change is anything else (then only :meth:`rebuild` brings the site up
        to date, which it must be called for in any case).

        Only an edit to existing, published articles qualifies, with no
        problem of its own, every id it names known, and the same claims
        mentioned as before: then the article's page depends on nothing the
        edit can have changed elsewhere, and is exactly what a full rebuild
        will render for it (tests hold the two to that).

        ``reported``: the files the watcher said changed, if it said; only
        they are looked at (listing every input costs 0.1 s at 10,000
        articles). Whatever it missed, the full rebuild finds.
        """
        last = self._last_good
        if last is None or self.diagnostics.errors:
            return None
        changed = self._inputs.peek_changed(reported)
        if not changed or not all(path.startswith(f"{content_folder('article')}/") for path in changed):
            return None
        pages: dict[str, bytes] = {}
        for path in changed:
            page = self._quick_article_page(path, last)
            if page is None:
                return None
            pages.update(page)
        return pages

    def _quick_article_page(self, path: str, last: "LastGood") -> dict[str, bytes] | None:
        if not is_readable_input(self.root, path):
            return None  # a link the full rebuild reports (or a file gone)
        try:
            data = (self.root / path).read_bytes()
        except OSError:
            return None
        key = checked_key(path, data)
        checked = self._checked.get(key) or check_one(
            ContentFile(path, "article", Path(path).stem, data, key), MarkdownConverter()
        )
        self._checked[key] = checked
        article, old = checked.record, last.content.articles.get(Path(path).stem)
        if article is None or old is None or old.path != path or checked.problems or (article.draft and not self.drafts):
            return None
        if {m.claim_id for m in article.mentions} != {m.claim_id for m in old.mentions}:
            return None  # which claims have mentions at all can change warnings elsewhere
        if not references_resolve(checked.references, last.content, self.root):
            return None
        graph = with_article(last.graph, article, last.content, self.drafts)
        page_path = urls.article_path(article)
        planned = last.pages.get(page_path)
        if planned is None or self._renderer is None:
            return None
        page = replace(planned, make_context=partial(article_context, graph, graph.articles[article.id]))
        try:
            return {page_path: self._renderer.render(page, graph)}
        except TemplateProblem:
            return None

    def update_search(self) -> bool:
        """Bring a deferred search index up to date; False if it could not be."""
        return self.search_job()()

    def search_job(self):
        """A callable that indexes the pages as they are now (it may run in
        another thread) and installs the index, unless a rebuild replaced
        the pages meanwhile; it returns whether the index was installed."""
        base, search_files, language = self.outputs, self._search_files, self._language

        def job() -> bool:
            if not self.search_stale:
                return True
            outputs = {path: data for path, data in base.items() if path not in search_files}
            try:
                files = self._search_index(outputs, language)
            except SearchError as problem:
                if self.outputs is base:
                    self.diagnostics.error(SEARCH_DIAGNOSTIC_PATH, 0, str(problem))
                return self.outputs is base
            if self.outputs is not base:
                return False  # a newer rebuild will index its own pages
            outputs.update(files)
            self.outputs = outputs
            self.search_stale = False
            return True

        return job

    def _search_index(self, outputs: dict[str, bytes], language: str) -> dict[str, bytes]:
        """The files of ``pagefind/``: a shard (``search_shards.py``) is re-indexed
        only when one of its pages or the language changed, else kept from memory.

        One call at a time: serve indexes in a thread per rebuild, and two
        at once would each run Pagefind on the same shards and could take
        each other's kept shards."""
        with self._search_lock:
            pages = self._marked.pages(outputs)
            shards = plan_shards({path: len(outputs[path]) for path in pages})
            made_from = {shard.name: (language, {path: outputs[path] for path in shard.pages}) for shard in shards}
            # The same bytes objects when a page was not re-rendered: comparing them is a pointer check.
            stale = [shard for shard in shards if self._shards.get(shard.name, (None,))[0] != made_from[shard.name]]
            fresh = index_shards(stale, outputs.__getitem__, language)
            self._shards = {shard.name: (made_from[shard.name], fresh.get(shard.name) or self._shards[shard.name][1])
                            for shard in shards}
            files = {SHARD_LIST: shard_list(shards)}
            for _, shard_files in self._shards.values():
                files.update(shard_files)
            self._search_files = files
            return files

    def _dirty_pages(
        self, pages: list[Output], changed: list[str], renderer: Renderer, everything: bool
    ) -> list[Output]:
        if everything:
            return pages
        changed_content = {path for path in changed if is_content(path)}
        changed_templates = {template_name(path) for path in changed if template_name(path)}
        dirty = []
        for page in pages:
            old = self._records.get(page.path)
            if (
                old is None
                or old.template != page.template
                or renderer.templates_used(page.template) & changed_templates
                or (changed_content and (page.sources == EVERYTHING or old.sources == EVERYTHING))
                or (old.sources | page.sources) & changed_content
            ):
                dirty.append(page)
        return dirty


class MarkedPages:
    """Which HTML pages mark a search body, looked for again only in pages
    whose bytes changed (at 10,000 articles the pages weigh 370 MB)."""

    def __init__(self):
        self._seen: dict[str, tuple[bytes, bool]] = {}  # path → (the page, whether it marks one)

    def pages(self, outputs: dict[str, bytes]) -> list[str]:
        """The pages Pagefind indexes, sorted: those marked, or all if none is."""
        html = sorted(path for path in outputs if path.endswith(".html"))
        seen = {}
        for path in html:
            page, known = outputs[path], self._seen.get(path)
            seen[path] = known if known is not None and known[0] is page else (page, marks_search_body(page))
        self._seen = seen
        return [path for path in html if seen[path][1]] or html


@dataclass
class LastGood:
    """The last build that succeeded: its content, graph and page plan."""

    content: Content
    graph: Graph
    pages: dict[str, Output]


class InputWatcher:
    """Digests of every input file, re-reading only files whose size or
    modification time changed: at archive scale, reading every file on
    every save would cost more than the rebuild it starts."""

    def __init__(self, root: Path):
        self.root = root
        self._known: dict[str, tuple[int, int, str]] = {}  # path → (size, mtime_ns, digest)
        self._last: dict[str, str] = {}  # what digests() last returned

    def _scan(self, only: set[str] | None = None) -> dict[str, tuple[int, int, str]]:
        """Size, time and digest of every input (or of the inputs among ``only``)."""
        scanned = {}
        if only is None:
            found = walk_site(self.root, DEFAULT_TEMPLATES)
            paths = inputs_of(self.root, found)
            # The links not followed count as inputs, as they do for build (cache.input_digests).
            scanned.update((rel, (-1, -1, note)) for rel, note in found.link_notes().items())
        else:
            paths = {rel: str(self.root / rel) for rel in only
                     if rel == CONFIG_FILE or is_readable_input(self.root, rel)}
        for rel, path in paths.items():
            try:
                stat = os.stat(path)
                known = self._known.get(rel)
                if known and known[:2] == (stat.st_size, stat.st_mtime_ns):
                    scanned[rel] = known
                else:
                    with open(path, "rb") as file:
                        scanned[rel] = (stat.st_size, stat.st_mtime_ns, digest(file.read()))
            except OSError:
                continue  # vanished between listing and reading: the next event catches it
        return scanned

    def digests(self) -> dict[str, str]:
        self._known = self._scan()
        self._last = {rel: entry[2] for rel, entry in self._known.items()}
        return self._last

    def peek_changed(self, only: set[str] | None = None) -> list[str]:
        """Files changed since :meth:`digests` was last called (which is not
        updated); with ``only``, just those of these paths that changed."""
        scanned = self._scan(only)
        self._known.update(scanned)  # remember the digests read, not the verdict
        now = {rel: entry[2] for rel, entry in scanned.items()}
        if only is not None:
            return sorted(rel for rel in only if self._last.get(rel) != now.get(rel))
        return sorted(changed_files(self._last, now))


def references_resolve(references: list, content: Content, root: Path) -> bool:
    """True when every id an edited file names resolves in the last good content,
    by the same check the full validation makes."""
    records = {"article": content.articles, "claim": content.claims, "actor": content.actors, "outlet": content.outlets,
               "page": content.pages}
    declared = {kind: set(found) for kind, found in records.items()}
    verdicts = {verdict.id for verdict in content.config.verdicts}
    problems = Diagnostics()
    check_references(references, records, declared, verdicts, root, problems)
    return not problems.items


def changed_files(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
