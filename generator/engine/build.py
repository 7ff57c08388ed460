"""The pipeline in one readable function per command:
load → validate → link → analyse → render → write.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..core.diagnostics import Diagnostic, Diagnostics
from ..core.failures import UsageError
from ..core.layout import DEFAULT_TEMPLATES, MARKER, PROTECTED_FOLDERS, TEMPLATES_DIR
from ..core.model import Content
from ..core.progress import Progress
from ..outputs.base import EVERYTHING
from ..outputs.render import Renderer
from ..stages.analyse import analyse
from ..stages.history import warn_about_unexplained_verdict_changes
from ..stages.link import link
from .cache import LAST_BUILD, OUTPUTS, BuildCache, build_fingerprint, input_digests, page_keys
from .lock import output_lock
from .prepare import prepare_content
from .rendering import StagedPages, render_into
from .search import SearchError, marks_search_body
from .search_shards import SHARD_LIST, index_shards, plan_shards, shard_key, shard_list
from .workers import collector_paused
from .write import StagedSite, Written

SEARCH_DIAGNOSTIC_PATH = "search"  # where a failed search indexing is reported


@dataclass
class BuildResult:
    diagnostics: Diagnostics
    out_dir: Path | None = None
    pages: int = 0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    planned: int = 0  # outputs the site map has (pages and data files)
    rendered: int = 0  # outputs rendered; the rest were unchanged and kept
    written: int = 0  # output files whose bytes changed
    unchanged: bool = False  # no input changed since the last build: nothing was done

    @property
    def ok(self) -> bool:
        return not self.diagnostics.errors

    def summary(self) -> str:
        counts = ", ".join(f"{n} {kind}" for kind, n in self.counts.items())
        if self.unchanged:
            return (f"Built {self.pages} pages in {self.seconds:.2f} s: {counts} (into {self.out_dir}); "
                    "nothing changed since the last build")
        detail = ("" if self.rendered == self.planned
                  else f"; {self.rendered} of {self.planned} outputs rendered, {self.written} files changed")
        return f"Built {self.pages} pages in {self.seconds:.2f} s: {counts} (into {self.out_dir}){detail}"


@collector_paused()
def check(root: Path, strict: bool = False, since: str = "HEAD") -> BuildResult:
    """Load and validate only; also warn about verdicts changed since ``since``
    (a git revision) without an update note."""
    content, diagnostics = load_content(root, cache=BuildCache(root))
    if content is not None:
        warn_about_unexplained_verdict_changes(root, list(content.claims.values()), diagnostics, since)
    return BuildResult(diagnostics.strict() if strict else diagnostics)


def load_content(root: Path, strict: bool = False, cache: BuildCache | None = None) -> tuple[Content | None, Diagnostics]:
    """Stages load and validate: the content, or None and why not."""
    prepared = prepare_content(root, cache)
    diagnostics = prepared.diagnostics.strict() if strict else prepared.diagnostics
    return (None if diagnostics.errors else prepared.content), diagnostics


@collector_paused()
def build(
    root: Path,
    out: Path | None = None,
    base_url: str | None = None,
    drafts: bool = False,
    strict: bool = False,
    progress: Progress | None = None,
    search: bool = True,
    use_cache: bool = True,
    wait: bool = True,
    on_wait: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build the site; the output folder is only touched when everything succeeded.

    ``search=False`` leaves out the last step, the search index (``pagefind/``).
    With ``use_cache`` (the default) the build reads and updates the build
    cache (``cache.py``): files checked before are not checked again, pages
    whose inputs did not change are kept as they are, and a build with
    nothing changed at all stops after hashing its inputs.

    While another build writes into the same output folder, this one waits
    for it, saying so once through ``on_wait``; with ``wait=False`` it stops
    with a :class:`SystemFailure` instead.
    """
    started = time.perf_counter()
    cache = BuildCache(root) if use_cache else None
    inputs = input_digests(root, DEFAULT_TEMPLATES)
    options = {"out": str(out.resolve()) if out else None, "base_url": base_url, "drafts": drafts,
               "strict": strict, "search": search}
    fingerprint = build_fingerprint(inputs, options)
    if cache is not None and (unchanged := unchanged_build(cache, fingerprint)) is not None:
        unchanged.seconds = time.perf_counter() - started
        return unchanged
    content, diagnostics = load_content(root, strict, cache)
    if content is None:
        return BuildResult(diagnostics)
    if base_url:
        content = content.with_base_url(base_url)
    out_dir = resolve_out_dir(root, out, content.config.output)
    graph = link(content, include_drafts=drafts)
    analysis = analyse(graph)
    renderer = Renderer(root / TEMPLATES_DIR)
    pages = renderer.plan(graph, analysis)
    keys = page_keys(pages, renderer.templates_used, inputs, options, EVERYTHING)
    # One build at a time into a folder, from before its leftovers are removed
    # until the new site is in place and recorded (lock.py).
    with output_lock(out_dir, wait=wait, on_wait=on_wait):
        last = LastBuild.load(cache, out_dir)
        rendered = render_and_swap(
            StagedSite(out_dir, last.manifest), last, keys, renderer, pages, graph, diagnostics,
            progress, content.config.language if search else None, cache,
        )
        if rendered is None:
            return BuildResult(diagnostics)
        result = BuildResult(
            diagnostics,
            out_dir=out_dir,
            pages=len(rendered.html_pages),
            counts={
                "articles": len(graph.articles),
                "claims": len(graph.claims),
                "actors": len(graph.actors),
                "outlets": len(graph.outlets),
            },
            planned=len(pages),
            rendered=rendered.rendered,
            written=rendered.written,
        )
        result.seconds = time.perf_counter() - started
        if cache is not None:
            LastBuild(str(out_dir), fingerprint, rendered.manifest, keys, rendered.search).store(cache, result)
    return result


def render_and_swap(
    staged: StagedSite, last: "LastBuild", keys: dict[str, str], renderer: Renderer, pages: list,
    graph, diagnostics: Diagnostics, progress: Progress | None, search_language: str | None,
    cache: BuildCache | None,
) -> StagedPages | None:
    """Render the pages (and the search index, in ``search_language``, unless
    None) into ``staged`` and swap it into place; None after an error, with
    nothing written. Whatever fails, the staging folder is removed."""
    try:
        rendered = render_into(
            staged, renderer, pages, graph, lambda page: last.page_keys.get(page.path) == keys[page.path],
            diagnostics, progress,
        )
        if rendered is None:
            staged.abandon()
            return None
        if search_language is not None:
            try:  # the last step: the index is written and swapped in with the pages
                index_staged_pages(staged, rendered, search_language, last)
            except SearchError as problem:
                diagnostics.error(SEARCH_DIAGNOSTIC_PATH, 0, str(problem))
                staged.abandon()
                return None
        if cache is not None:  # until the new site is in place, the old record is wrong
            cache.forget(LAST_BUILD)
            cache.forget(OUTPUTS)
        staged.commit()
    except BaseException:
        staged.abandon()
        raise
    return rendered


@dataclass
class LastBuild:
    """What the build cache remembers of the last successful build into a folder."""

    out_dir: str
    fingerprint: str = ""
    manifest: dict[str, Written] = field(default_factory=dict)
    page_keys: dict[str, str] = field(default_factory=dict)
    search: dict = field(default_factory=dict)  # the search index's shard keys and marked pages (index_staged_pages)
    result: dict = field(default_factory=dict)

    @classmethod
    def load(cls, cache: BuildCache | None, out_dir: Path) -> "LastBuild":
        """The record of the last build into ``out_dir``; an empty one if there is none."""
        record = cache.load_json(LAST_BUILD) if cache is not None else None
        outputs = cache.load_json(OUTPUTS) if cache is not None else None
        if not isinstance(record, dict) or not isinstance(outputs, dict) or record.get("out_dir") != str(out_dir):
            return cls(str(out_dir))
        try:
            return cls(
                out_dir=record["out_dir"], fingerprint=record["fingerprint"],
                manifest={path: Written.from_json(entry) for path, entry in outputs["manifest"].items()},
                page_keys=dict(outputs["page_keys"]), search=dict(outputs["search"]), result=record["result"],
            )
        except (KeyError, TypeError, ValueError, IndexError):
            return cls(str(out_dir))

    def store(self, cache: BuildCache, result: BuildResult) -> None:
        cache.store_json(OUTPUTS, {
            "manifest": {path: entry.to_json() for path, entry in sorted(self.manifest.items())},
            "page_keys": self.page_keys, "search": self.search,
        })
        marker = Path(self.out_dir) / MARKER
        stat = marker.stat()
        cache.store_json(LAST_BUILD, {
            "out_dir": self.out_dir, "fingerprint": self.fingerprint,
            "marker": [stat.st_ino, stat.st_mtime_ns],
            "result": {
                "pages": result.pages, "counts": list(result.counts.items()),  # a list keeps the order
                "diagnostics": [[d.path, d.line, d.message, d.severity] for d in result.diagnostics],
            },
        })


def unchanged_build(cache: BuildCache, fingerprint: str) -> BuildResult | None:
    """The last build's result again, if nothing it depends on changed and its
    output is still in place (its marker file is the one it wrote); else None."""
    record = cache.load_json(LAST_BUILD)
    if not isinstance(record, dict) or record.get("fingerprint") != fingerprint:
        return None
    try:
        out_dir = Path(record["out_dir"])
        stat = (out_dir / MARKER).stat()
        if [stat.st_ino, stat.st_mtime_ns] != record["marker"]:
            return None
        outputs = cache.load_json(OUTPUTS)
        if set(outputs["manifest"]) != files_in(out_dir):
            return None  # a file was added to or removed from the output by hand
        summary = record["result"]
        diagnostics = Diagnostics([Diagnostic(*item) for item in summary["diagnostics"]])
        return BuildResult(diagnostics, out_dir=out_dir, pages=summary["pages"], counts=dict(summary["counts"]),
                           unchanged=True)
    except (OSError, KeyError, TypeError, ValueError):
        return None


def files_in(folder: Path) -> set[str]:
    """Every file under ``folder`` but the build marker, relative, with forward slashes."""
    found = set()
    for directory, _, names in os.walk(folder):
        base = Path(directory).relative_to(folder)
        found.update((base / name).as_posix() for name in names)
    found.discard(MARKER)
    return found


def index_staged_pages(staged: StagedSite, rendered: StagedPages, language: str, last: LastBuild) -> None:
    """Add the search index to the staged site, shard by shard (``search_shards.py``):
    a shard whose pages are those of the last build, byte for byte, is kept
    from the live site; the others are made anew by Pagefind from the staged pages."""
    marked = marked_pages(staged, rendered, last)
    pages = marked or rendered.html_pages  # no page marks a search body: Pagefind indexes them all
    shards = plan_shards({path: rendered.manifest[path].size for path in pages})
    digests = {path: rendered.manifest[path].digest for path in pages}
    keys = {shard.name: shard_key(shard, digests, language) for shard in shards}
    last_keys = last.search.get("keys", {})
    stale = []
    for shard in shards:
        kept = keys[shard.name] == last_keys.get(shard.name) and keep_folder(staged, last.manifest, shard.folder)
        if kept:
            rendered.manifest.update(kept)
        else:
            stale.append(shard)
    files = {SHARD_LIST: shard_list(shards)}
    for shard_files in index_shards(stale, staged.read, language).values():
        files.update(shard_files)
    for path, data in sorted(files.items()):
        entry, written = staged.put(path, data)
        rendered.manifest[path] = entry
        rendered.written += written
    rendered.search = {"keys": keys, "marked": marked}


def marked_pages(staged: StagedSite, rendered: StagedPages, last: LastBuild) -> list[str]:
    """The HTML pages that mark a search body, sorted. A page with the bytes it
    had in the last build is not read again: the last build's answer stands."""
    before = set(last.search["marked"]) if "marked" in last.search else None
    marked = []
    for path in rendered.html_pages:
        old = last.manifest.get(path)
        if before is not None and old is not None and old.digest == rendered.manifest[path].digest:
            found = path in before
        else:
            found = marks_search_body(staged.read(path))
        if found:
            marked.append(path)
    return marked


def keep_folder(staged: StagedSite, manifest: dict[str, Written], folder: str) -> dict[str, Written] | None:
    """Every file the last build wrote under ``folder``, kept as it is; None
    if there was none or one of them is no longer what was written."""
    kept = {path: staged.keep(path) for path in manifest if path.startswith(folder)}
    return kept if kept and all(kept.values()) else None


def resolve_out_dir(root: Path, out: Path | None, configured: str) -> Path:
    """The output folder, refusing any that a build's replace-the-folder would harm."""
    out_dir = (out if out is not None else root / configured).resolve()
    root = root.resolve()
    if out_dir == root or out_dir in root.parents:
        raise UsageError(f"refusing to build into {out_dir}: it contains the site's sources")
    for name in PROTECTED_FOLDERS:
        protected = root / name
        if out_dir == protected or protected in out_dir.parents:
            raise UsageError(f"refusing to build into {out_dir}: it is inside {name}/")
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"refusing to build into {out_dir}: it is a file, not a folder")
    if out_dir.is_dir() and not looks_like_a_build(out_dir):
        raise UsageError(
            f"refusing to replace {out_dir}: it holds files and no {MARKER} mark of an earlier "
            "build, and a build replaces the whole folder; choose an empty or new folder, or "
            "delete this one if it is an old build"
        )
    return out_dir


def looks_like_a_build(folder: Path) -> bool:
    """A folder a build may replace: empty, or an earlier build's output.

    A build swaps in a complete new folder, so anything else in it would be
    lost. Every build leaves a marker file; a folder without one (a checkout,
    someone's documents) is never replaced.
    """
    return (folder / MARKER).is_file() or not any(folder.iterdir())
