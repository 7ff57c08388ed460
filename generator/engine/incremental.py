"""``serve``'s builder: the pipeline (``pipeline.py``) run again after each
edit, with the previous run's state and site kept in memory.

What is rebuilt is the pipeline's business, as for ``build``: an output is
rendered again when its key changed (its sources' digests, its templates,
site.yaml, the options, the generator's code), else kept; the search index
is refreshed shard by shard (``search_shards.refresh_index``). What is left
here is serve's own: the input files are hashed by an :class:`InputWatcher`
that re-reads only the files whose stat changed (``inputs.py``), and every run is
measured against the last one that succeeded, so after a broken edit and its
fix everything touched in between is rendered again. The site is kept in
memory (``memorysite.MemorySite``), replaced as a whole by each good run.

The outputs are keyed with a default build's options (the site's own
base_url, not the preview's address), so the first run starts from the last
build into the site's output folder (``lastbuild.py``): its files read into
memory and its page keys, rendering only what changed since. With nothing
changed, :meth:`IncrementalBuilder.warm_start` takes that site before the
first run, to be served at once (at 10,000 articles, the first page 1.6-3.5 s
after starting, on a shared 2-core machine, rather than 68 s).

With ``defer_search`` (as ``serve`` runs it) a run keeps the previous index
as it is, and :meth:`IncrementalBuilder.search_job` refreshes it after: the
pages first, the index follows. The quick path for an edited article's page
is the engine's fast path (``fastpath.py``).
"""

from __future__ import annotations

import functools
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, TypeVar

from ..core.diagnostics import Diagnostics
from ..core.failures import UsageError
from ..core.layout import DEFAULT_TEMPLATES
from ..core.model import Content, SiteConfig
from ..core.translations import Interface
from ..stages.validate import CheckedFile
from .build import resolve_out_dir
from .cache import BuildCache, build_fingerprint, digest
from .fastpath import edited_article_pages
from .inputs import Known, digests_of, scan_inputs, scan_paths
from .lastbuild import LastBuild, LastSite, build_options, read_last_site
from .memorysite import MemorySite
from .pipeline import INDEX, KEEP_INDEX, NO_INDEX, SEARCH_DIAGNOSTIC_PATH, Outcome, RunState, Settings, run
from .search import SearchError
from .search_shards import SearchState, is_search_file, refresh_index
from .collector import LongLivedCollector
from .write import Written


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


@dataclass(frozen=True)
class MadeIndex:
    """The search index a search job made last: its state and its files."""

    state: SearchState = field(default_factory=SearchState)
    files: Mapping[str, bytes] = field(default_factory=dict)
    entries: Mapping[str, Written] = field(default_factory=dict)


T = TypeVar("T")


def collected_after(method: Callable[..., T]) -> Callable[..., T]:
    """A method of :class:`IncrementalBuilder` run with the cycle collector
    paused, its garbage collected afterwards (``collector.LongLivedCollector``)."""
    @functools.wraps(method)
    def run(self: "IncrementalBuilder", *args: Any, **kwargs: Any) -> T:
        with self._collector.paused():
            return method(self, *args, **kwargs)
    return run


class IncrementalBuilder:
    """Holds the last good site in memory and brings it up to date on demand.

    It is the pipeline's target for ``serve``: :meth:`open` hands the pipeline
    the previous site and state, :meth:`publish` takes the new ones.
    """

    def __init__(self, root: Path, drafts: bool = False, base_url: str | None = None, search: bool = False,
                 defer_search: bool = False):
        self.root = root
        self._collector = LongLivedCollector()
        self.search_stale = False
        self._language = "en"  # of the pages a deferred index is for
        self._inputs = InputWatcher(root)
        self._checked: dict[str, CheckedFile] = {}  # every file checked on its own, by cache key
        self._cache: BuildCache | None = BuildCache(root)  # a first preview starts from what earlier builds checked and wrote
        # With defer_search, a rebuild keeps the previous index and update_search()
        # makes the new one: serve shows pages first, the index follows.
        # The options are a default build's (same drafts and search), so every
        # output has the key it has in that build, and the first run starts from
        # the last build's site (warm_start, open).
        self._settings = Settings(
            base_url, drafts, search=(KEEP_INDEX if defer_search else INDEX) if search else NO_INDEX,
            options=build_options(None, base_url, drafts, False, search),
        )
        self._search_lock = threading.Lock()
        # The served site (outputs, _manifest, search_stale) is replaced under this
        # lock, by a run's publish or a search job's install, and read under it as a
        # pair: a job that checked the pages were still its own, then installed its
        # index over a rebuild published meanwhile, put the older pages back.
        self._site_lock = threading.Lock()
        self._jobs = 0  # search jobs made so far: one made ahead gives way to any made after it
        self._made_index = MadeIndex()
        self.outputs: dict[str, bytes] = {}  # replaced as a whole, never mutated in place
        self._manifest: dict[str, Written] = {}  # of the outputs
        self._state: RunState | None = None  # of the last good run
        self._last_good: Outcome | None = None
        self.diagnostics = Diagnostics()  # of the latest attempt
        self._hashes: dict[str, str] | None = None  # input files of the last good build
        # The digests of the input files the served site was made from (for the
        # preview's annotation requests, which must edit the file a page shows).
        self.served_digests: Mapping[str, str] = {}

    @collected_after
    def rebuild(self) -> RebuildReport:
        started = time.perf_counter()
        hashes = self._inputs.digests()
        changed = sorted(changed_files(self._hashes or {}, hashes)) if self._hashes is not None else []
        if self._hashes is not None and not changed and not self.diagnostics.errors:
            return RebuildReport(ok=True, seconds=time.perf_counter() - started)
        first = self._last_good is None
        outcome = run(self.root, hashes, self._settings, self, remembered=self._checked,
                      cache=self._cache if first else None)
        self._checked = dict(outcome.checked)
        self.diagnostics = outcome.diagnostics
        report = RebuildReport(ok=outcome.ok, changed=changed)
        if outcome.ok:
            self._hashes = self.served_digests = hashes
            report.rendered, report.written, report.removed = outcome.rendered, outcome.written, outcome.removed
        report.seconds = time.perf_counter() - started
        return report

    def forget_cache(self) -> None:
        """Stop using the build cache, and what was read from it: after a run
        stopped by what it read there (``markup.StoredDocumentUnreadable``),
        the next one checks every file again, as a build with no cache does."""
        self._cache = None
        self._checked = {}

    # --- the pipeline's target: the site in memory ----------------------------------------

    @contextmanager
    def open(self, config: SiteConfig) -> Iterator[tuple[MemorySite, RunState]]:
        if self._state is None:  # the first run: from the last build into the site's output folder, if any
            out_dir = default_out_dir(self.root, config)
            last = self._last_site(LastBuild.load(self._cache, out_dir)) if out_dir is not None else None
            if last is not None:
                yield MemorySite(last.files, last.manifest), last.build.state()
                return
        with self._site_lock:
            outputs, manifest = self.outputs, self._manifest
        yield MemorySite(outputs, manifest), self._state or RunState()

    def publish(self, site: MemorySite, outcome: Outcome) -> None:
        site.commit()
        manifest = dict(outcome.manifest)
        with self._site_lock:
            # A run that changed no file leaves the served site as it was (the same
            # object): nothing to reload, and a search job started for it still counts.
            if outcome.written or outcome.removed or site.outputs.keys() != self.outputs.keys():
                self.outputs = site.outputs
            self._manifest = manifest
            self._state, self._last_good = outcome.state, outcome
            if self._settings.search == KEEP_INDEX:
                self.search_stale = True
                self._language = outcome.language

    # --- the start: from the last build ------------------------------------------------

    @collected_after
    def warm_start(self) -> bool:
        """Before the first run: when nothing the last build into the site's
        output folder depends on changed since (the fingerprint ``build``
        compares) and its files are still those it wrote, take them as the
        site, served at once, with its state; True if so.

        The first run then renders nothing unless something changed; it is
        needed all the same, for the model of the site the quick path and
        later runs start from. Otherwise the first run starts from whatever
        of the last build is still current (:meth:`open`).
        """
        last = LastBuild.load(self._cache)
        digests = self._inputs.digests()
        if not last.fingerprint or last.fingerprint != build_fingerprint(digests, self._settings.options):
            return False
        site = self._last_site(last)
        if site is None or not site.complete:
            return False
        self.outputs, self._manifest, self._state = site.files, site.manifest, site.build.state()
        self.diagnostics = site.build.diagnostics()
        self.served_digests = digests
        return True

    def _last_site(self, last: LastBuild) -> LastSite | None:
        """``last``'s files read into memory, and its search index as the one the
        search jobs start from; None if there is no such build or it was replaced."""
        site = read_last_site(last) if last.fingerprint else None
        if site is not None:
            index = {path: entry for path, entry in site.manifest.items() if is_search_file(path)}
            self._made_index = MadeIndex(SearchState.from_json(last.search),
                                         {path: site.files[path] for path in index}, index)
        return site

    # --- the quick path: an edited article's own page first ---------------------------

    @collected_after  # with the last build's objects alive, each collection walks them all: seconds at 10,000 articles
    def quick_update(self, reported: set[str] | None = None) -> dict[str, bytes] | None:
        """The pages of edited articles, re-rendered at once (``fastpath.py``);
        None when the change is anything else (then only :meth:`rebuild`
        brings the site up to date, which it must be called for in any case).

        ``reported``: the files the watcher said changed, if it said; only
        they are looked at (listing every input costs 0.1 s at 10,000
        articles). Whatever it missed, the full rebuild finds.
        """
        last = self._last_good
        if last is None or self.diagnostics.errors or last.state.renderer is None:
            return None
        changed = self._inputs.peek_changed(reported)
        return edited_article_pages(self.root, changed, last.built, last.state.renderer, self._checked, self._settings.drafts)

    @property
    def content(self) -> Content | None:
        """The content of the last good run (None before one)."""
        return self._last_good.built.content if self._last_good and self._last_good.built else None

    @property
    def interface(self) -> Interface | None:
        """The words, dates and numbers of the last good run's pages (None before one)."""
        renderer = self._last_good.state.renderer if self._last_good and self._last_good.state else None
        return renderer.interface if renderer is not None else None

    # --- the search index, after the pages ---------------------------------------------

    @property
    def defers_search(self) -> bool:
        """Whether a rebuild leaves the search index to :meth:`search_job` (serve's way)."""
        return self._settings.search == KEEP_INDEX

    def update_search(self) -> bool:
        """Bring a deferred search index up to date; False if it could not be."""
        return self.search_job()()

    def search_job(self, ahead: Mapping[str, bytes] | None = None):
        """A callable that indexes the pages as they are now (it may run in
        another thread) and installs the index, unless a rebuild replaced
        the pages meanwhile; it returns whether the index was installed.

        One job at a time: serve starts one per rebuild, and two at once
        would each run Pagefind on the same shards. A job starts from the
        index the last one made, installed or not.

        ``ahead``: pages that the rebuild under way is expected to make (the
        quick path's, ``quick_update``), over the pages as they are now. That
        job installs nothing; it indexes ahead, while the rebuild runs on the
        other core, and the job after the rebuild finds its shards made if
        the rebuild made those very pages (or remakes those it did not). At
        10,000 articles, after a sentence was added to an article, Pagefind
        re-indexes its shard (625 pages) in ~1.5 s; the rebuild takes ~1 s.
        It gives way (does nothing) to any job made after it, to a rebuild
        published before it starts, and when no index was made yet (it would
        make all of it, which the job after the rebuild does)."""
        with self._site_lock:
            served, manifest, language = self.outputs, self._manifest, self._language
            self._jobs += 1
            number = self._jobs
        base = {**served, **ahead} if ahead else served
        if ahead:
            manifest = {**manifest, **{path: Written(digest(data), len(data), 0) for path, data in ahead.items()}}

        def job() -> bool:
            if not self.search_stale and not ahead:
                return True
            pages = {path: entry for path, entry in manifest.items() if not is_search_file(path)}
            with self._search_lock:
                if self.outputs is not served or (ahead and (number != self._jobs or not self._made_index.state.keys)):
                    return False  # a newer rebuild or job will index its own pages
                made = self._made_index
                site = MemorySite({**base, **made.files}, {**pages, **made.entries})
                for path in pages:
                    site.keep(path)
                html = {path: entry for path, entry in pages.items() if path.endswith(".html")}
                try:
                    index = refresh_index(site, html, language, made.state)
                except SearchError as problem:
                    if self.outputs is base:
                        self.diagnostics.error(SEARCH_DIAGNOSTIC_PATH, 0, str(problem))
                    return self.outputs is base
                site.commit()
                self._made_index = MadeIndex(index.state, {path: site.outputs[path] for path in index.entries},
                                             index.entries)
            installed = {**pages, **index.entries}
            with self._site_lock:
                if self.outputs is not base:
                    return False  # a newer rebuild will index its own pages
                self.outputs, self._manifest = site.outputs, installed
                self.search_stale = False
            return True

        return job


class InputWatcher:
    """Digests of every input file, re-reading only files whose stat
    changed (``inputs.py``): at archive scale, reading every file on every
    save would cost more than the rebuild it starts."""

    def __init__(self, root: Path):
        self.root = root
        self._known: Known = {}  # path → (stamp, digest)
        self._last: dict[str, str] = {}  # what digests() last returned

    def _scan(self, only: set[str] | None = None) -> Known:
        """Stamp and digest of every input (or of the inputs among ``only``)."""
        if only is None:
            return scan_inputs(self.root, DEFAULT_TEMPLATES, self._known)
        return scan_paths(self.root, only, self._known)

    def digests(self) -> dict[str, str]:
        self._known = self._scan()
        self._last = digests_of(self._known)
        return self._last

    def peek_changed(self, only: set[str] | None = None) -> list[str]:
        """Files changed since :meth:`digests` was last called (which is not
        updated); with ``only``, just those of these paths that changed."""
        scanned = self._scan(only)
        self._known.update(scanned)  # remember the digests read, not the verdict
        now = digests_of(scanned)
        if only is not None:
            return sorted(rel for rel in only if self._last.get(rel) != now.get(rel))
        return sorted(changed_files(self._last, now))


def changed_files(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def default_out_dir(root: Path, config: SiteConfig) -> Path | None:
    """Where a default ``build`` of the site writes (site.yaml's output); None
    if a build would refuse that folder (then there is no last build to start from)."""
    try:
        return resolve_out_dir(root, None, config.output)
    except UsageError:
        return None
