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
build's last step, in memory, whenever a page's bytes changed.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from .analyse import analyse
from .build import SEARCH_DIAGNOSTIC_PATH, TEMPLATES_DIR, load_content, override_base_url
from .diagnostics import Diagnostics
from .link import link
from .load import CONFIG_FILE
from .render import DEFAULT_TEMPLATES, EVERYTHING, Output, Renderer, TemplateProblem
from .search import SearchError, index_pages

WATCHED_FOLDERS = ("content", "templates", "seeds")


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

    def line(self) -> str:
        """One line for the terminal: what changed, what was done, how long it took."""
        what = ", ".join(self.changed[:3]) + (f" and {len(self.changed) - 3} more" if len(self.changed) > 3 else "")
        if not self.ok:
            return f"{what or 'rebuild'}: errors, still serving the last good site ({self.seconds * 1000:.0f} ms)"
        return (
            f"{what or 'first build'}: {self.rendered} pages re-rendered, {self.written} files changed, "
            f"{self.removed} removed in {self.seconds * 1000:.0f} ms"
        )


class IncrementalBuilder:
    """Holds the last good site in memory and brings it up to date on demand."""

    def __init__(self, root: Path, drafts: bool = False, base_url: str | None = None, search: bool = False):
        self.root = root
        self.drafts = drafts
        self.base_url = base_url
        self.search = search  # also make the search index, as the last step of ``build`` does
        self._indexed: tuple[dict[str, bytes], str] | None = None  # pages and language of the index
        self._search_files: dict[str, bytes] = {}
        self.outputs: dict[str, bytes] = {}  # replaced as a whole, never mutated in place
        self.diagnostics = Diagnostics()  # of the latest attempt
        self._records: dict[str, PageRecord] = {}
        self._hashes: dict[str, str] | None = None  # input files of the last good build

    def rebuild(self) -> RebuildReport:
        started = time.perf_counter()
        hashes = hash_inputs(self.root)
        changed = sorted(changed_files(self._hashes or {}, hashes)) if self._hashes is not None else []
        if self._hashes is not None and not changed and not self.diagnostics.errors:
            return RebuildReport(ok=True, seconds=time.perf_counter() - started)
        report = self._rebuild(changed, first=self._hashes is None)
        if report.ok:
            self._hashes = hashes
        report.seconds = time.perf_counter() - started
        return report

    def _rebuild(self, changed: list[str], first: bool) -> RebuildReport:
        content, diagnostics = load_content(self.root)
        self.diagnostics = diagnostics
        if content is None:
            return RebuildReport(ok=False, changed=changed)
        if self.base_url:
            content.config = override_base_url(content.config, self.base_url)
        graph = link(content, include_drafts=self.drafts)
        renderer = Renderer(self.root / TEMPLATES_DIR)
        pages = renderer.plan(graph, analyse(graph))
        dirty = self._dirty_pages(pages, changed, renderer, everything=first or CONFIG_FILE in changed)
        try:
            rendered = {page.path: renderer.render(page, graph) for page in dirty}
        except TemplateProblem as problem:
            diagnostics.error(problem.path, problem.line, problem.message)
            return RebuildReport(ok=False, changed=changed)
        outputs = {page.path: rendered.get(page.path, self.outputs.get(page.path)) for page in pages}
        outputs.update(renderer.static_files())
        if self.search:
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
        return report

    def _search_index(self, outputs: dict[str, bytes], language: str) -> dict[str, bytes]:
        """The files of ``pagefind/``, re-indexed only when a page or the language changed."""
        pages = {path: data for path, data in outputs.items() if path.endswith(".html")}
        if self._indexed != (pages, language):
            self._search_files = index_pages(pages, language)
            self._indexed = (pages, language)
        return self._search_files

    def _dirty_pages(
        self, pages: list[Output], changed: list[str], renderer: Renderer, everything: bool
    ) -> list[Output]:
        if everything:
            return pages
        changed_content = {path for path in changed if path.startswith("content/")}
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


def template_name(path: str) -> str | None:
    """"templates/base.html" → "base.html"; None for anything that is no template."""
    prefix = f"{TEMPLATES_DIR}/"
    if path.startswith(prefix) and not path.startswith(f"{prefix}static/"):
        return path[len(prefix):]
    if path.startswith("default-templates/") and not path.startswith("default-templates/static/"):
        return path[len("default-templates/"):]
    return None


def hash_inputs(root: Path) -> dict[str, str]:
    """A digest of every file a build reads, keyed by path relative to the root.

    When the site has no templates/ of its own, the project's default
    templates are read instead, so they are hashed as "default-templates/…".
    """
    files = {CONFIG_FILE: root / CONFIG_FILE}
    for folder in WATCHED_FOLDERS:
        base = root / folder
        if base.is_dir():
            files.update((p.relative_to(root).as_posix(), p) for p in base.rglob("*") if p.is_file())
    if DEFAULT_TEMPLATES.is_dir() and DEFAULT_TEMPLATES.resolve() != (root / TEMPLATES_DIR).resolve():
        files.update(
            (f"default-templates/{p.relative_to(DEFAULT_TEMPLATES).as_posix()}", p)
            for p in DEFAULT_TEMPLATES.rglob("*") if p.is_file()
        )
    hashes = {}
    for rel, path in files.items():
        try:
            hashes[rel] = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
        except OSError:
            continue  # vanished or unreadable between listing and reading: the next event catches it
    return hashes


def changed_files(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
