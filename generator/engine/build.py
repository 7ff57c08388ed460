"""``factcheck build`` and ``check``.

``build`` runs the pipeline (``pipeline.run``) into the output folder: the
previous run's state is the build cache's record of the last build into that
folder, and the site is made in a staging folder swapped into place under
the build lock. A build with nothing changed since stops after hashing its
inputs (:func:`unchanged_build`).
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from ..core.diagnostics import Diagnostic, Diagnostics
from ..core.failures import UsageError
from ..core.layout import DEFAULT_OUTPUT, DEFAULT_TEMPLATES, MARKER, PROTECTED_FOLDERS
from ..core.model import Content, SiteConfig
from ..core.progress import Progress
from ..stages.history import warn_about_unexplained_verdict_changes
from ..stages.load import load_config
from .cache import INPUTS, LAST_BUILD, OUTPUTS, BuildCache, build_fingerprint
from .inputs import digests_of, from_json, scan_inputs, to_json
from .coverage import CoverageTotal, report_site_coverage
from .lastbuild import LastBuild, build_options
from .lock import output_lock
from .manifest import Spare, differences
from .partialrun import run_after_text_edits
from .pipeline import INDEX, NO_INDEX, SEARCH_DIAGNOSTIC_PATH, Outcome, RunState, Settings, run
from .prepare import prepare_content
from .textdeps import TEXT_DEPS_INPUTS
from .collector import collector_paused
from .workers import Background
from .spare import link_spare
from .write import StagedSite, discard_previous

__all__ = ["SEARCH_DIAGNOSTIC_PATH", "BuildResult", "build", "check", "load_content"]


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
    coverage: CoverageTotal | None = None  # check --coverage: the site's total

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
def check(root: Path, strict: bool = False, since: str = "HEAD", coverage: bool = False) -> BuildResult:
    """Load and validate only; also warn about verdicts changed since ``since``
    (a git revision) without an update note. With ``coverage``, notices of
    the attributed passages no mention covers (``coverage.py``): information,
    which neither fails the check nor is promoted by ``strict``."""
    prepared = prepare_content(root, BuildCache(root))
    diagnostics = prepared.diagnostics
    if not diagnostics.errors:
        warn_about_unexplained_verdict_changes(root, list(prepared.content.claims.values()), diagnostics, since)
    total = report_site_coverage(root, prepared, diagnostics) if coverage else None
    return BuildResult(diagnostics.strict() if strict else diagnostics, coverage=total)


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
    inputs = InputsRead(root, cache)
    options = build_options(out, base_url, drafts, strict, search)
    fingerprint = build_fingerprint(inputs.digests, options)
    if cache is not None and (unchanged := unchanged_build(cache, fingerprint)) is not None:
        inputs.keep()
        unchanged.seconds = time.perf_counter() - started
        return unchanged
    settings = Settings(base_url, drafts, strict, INDEX if search else NO_INDEX, options)
    folder = OutputFolder(root, out, cache, options, started, wait, on_wait)
    # Failed or interrupted, the build does not wait for the removal of the
    # previous site: that process dies with this one (workers.Background), and
    # the next build removes what it left.
    # After an edit of articles' text alone, only what shows it is made again (partialrun.py).
    outcome = (run_after_text_edits(root, inputs.digests, settings, folder, cache, progress) if cache is not None
               else None) or run(root, inputs.digests, settings, folder, cache=cache, progress=progress)
    folder.close()
    if not outcome.ok:
        return BuildResult(outcome.diagnostics)
    inputs.keep()
    return folder.result


class InputsRead:
    """The digest of every input file: the cache's for a file whose stat is
    the one it had when last hashed (``inputs.py``), the others read now.
    What was seen is kept in the cache (:meth:`keep`) only by a build that
    succeeded: one that failed or was refused leaves the cache as it was."""

    def __init__(self, root: Path, cache: BuildCache | None):
        self.cache = cache
        self.stored = cache.load_json(INPUTS) if cache is not None else None
        self.scanned = scan_inputs(root, DEFAULT_TEMPLATES, from_json(self.stored))
        self.digests = digests_of(self.scanned)

    def keep(self) -> None:
        kept = to_json(self.scanned)
        if self.cache is not None and kept != self.stored:
            self.cache.store_json(INPUTS, kept)


class OutputFolder:
    """The pipeline's target for ``build``: the output folder, made anew in a
    staging folder beside it and swapped into place, and the build cache's
    record of the last build into it (the previous run's state).

    The site the last build replaced is removed in the background from the
    start, while the content is loaded (``write.discard_previous``); the
    output folder is known only once site.yaml is checked, so that starts
    from where site.yaml says it is, and again once it is known, should that
    differ. :meth:`close` waits for it: no process outlives the build."""

    def __init__(self, root: Path, out: Path | None, cache: BuildCache | None, options: dict[str, Any],
                 started: float, wait: bool, on_wait: Callable[[str], None] | None):
        self.root, self.out, self.cache, self.options = root, out, cache, options
        self.started, self.wait, self.on_wait = started, wait, on_wait
        self.out_dir: Path | None = None
        self.last: LastBuild | None = None
        self.result: BuildResult | None = None
        self.expected_out_dir = expected_out_dir(root, out)
        self.discarding: list[Background] = [discard_previous(self.expected_out_dir)]

    def close(self) -> None:
        for job in self.discarding:
            job.wait()

    @contextmanager
    def open(self, config: SiteConfig) -> Iterator[tuple[StagedSite, RunState]]:
        """The staging folder, under the build lock: one build at a time into
        a folder, from before its leftovers are removed until the new site is
        in place and recorded (lock.py)."""
        self.out_dir = resolve_out_dir(self.root, self.out, config.output)
        if self.out_dir != self.expected_out_dir:
            self.discarding.append(discard_previous(self.out_dir))
        with output_lock(self.out_dir, wait=self.wait, on_wait=self.on_wait):
            self.last = last = LastBuild.load(self.cache, self.out_dir)
            # The site this build replaces is kept as the spare only if the
            # cache can say what it holds: it is the one the last build recorded.
            keep_spare = self.cache is not None and bool(last.stamp) and last.marker_intact()
            yield StagedSite(self.out_dir, last.manifest, last.spare, keep_spare), last.state()

    def publish(self, staged: StagedSite, outcome: Outcome) -> None:
        if self.cache is not None:  # until the new site is in place, the old record is wrong
            for record in (LAST_BUILD, OUTPUTS, TEXT_DEPS_INPUTS):  # without it, no text-deps.json holds
                self.cache.forget(record)
        self.close()  # the sites set aside before are gone before this one's predecessor joins them
        staged.commit(outcome.manifest.keys())
        self.result = BuildResult(
            outcome.diagnostics, out_dir=self.out_dir, pages=outcome.html_pages, counts=dict(outcome.counts),
            planned=outcome.planned, rendered=outcome.rendered, written=outcome.written,
        )
        self.result.seconds = time.perf_counter() - self.started
        if self.cache is not None:
            spare = (Spare(self.last.marker, self.last.stamp, differences(staged.previous, outcome.manifest))
                     if staged.spare_kept and self.last is not None else link_spare(self.out_dir, outcome.manifest))
            # Of the inputs as the run read them: a file saved again meanwhile is counted as it was built.
            fingerprint = build_fingerprint(dict(outcome.inputs), self.options)
            LastBuild(str(self.out_dir), fingerprint, dict(outcome.manifest), dict(outcome.state.page_keys),
                      outcome.state.search.to_json(), spare=spare).store(self.cache, self.result.pages, self.result.counts,
                                                            self.result.diagnostics)
            if outcome.text_deps is not None:
                outcome.text_deps().store(self.cache, fingerprint)


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
    """Every file under ``folder`` but the build marker, relative, with forward slashes.

    Spelled with strings, not a ``Path`` per file: at 10,000 articles (24,693
    files without the search index) the walk took 0.38-0.43 s of CPU time
    that way and takes 0.28-0.32 s so, of a build with nothing changed."""
    found = set()
    top = os.fspath(folder)
    for directory, _, names in os.walk(top):
        base = os.path.relpath(directory, top).replace(os.sep, "/")
        found.update(names if base == "." else (f"{base}/{name}" for name in names))
    found.discard(MARKER)
    return found


def expected_out_dir(root: Path, out: Path | None) -> Path:
    """Where the output folder will be, before site.yaml is checked: ``out``,
    or site.yaml's ``output`` (as :func:`resolve_out_dir` resolves it)."""
    if out is not None:
        return out_dir_path(root, out, DEFAULT_OUTPUT)
    config = load_config(root, Diagnostics())  # its problems are reported when it is checked
    configured = config.get("output") if config is not None else None
    return out_dir_path(root, None, configured if isinstance(configured, str) else DEFAULT_OUTPUT)


def out_dir_path(root: Path, out: Path | None, configured: str) -> Path:
    """The output folder's absolute path: ``out``, or site.yaml's ``output`` under ``root``."""
    return (out if out is not None else root / configured).resolve()


def resolve_out_dir(root: Path, out: Path | None, configured: str) -> Path:
    """The output folder, refusing any that a build's replace-the-folder would harm."""
    out_dir = out_dir_path(root, out, configured)
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
