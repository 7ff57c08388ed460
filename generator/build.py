"""The pipeline in one readable function per command:
load → validate → link → analyse → render → write.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from .analyse import analyse
from .diagnostics import Diagnostics
from .history import warn_about_unexplained_verdict_changes
from .link import link
from .load import load_site
from .markup import MarkdownConverter
from .model import Content, SiteConfig
from .progress import Progress
from .render import render_site
from .search import SearchError, index_pages
from .urls import with_trailing_slash
from .validate import validate
from .write import MARKER, write_site

TEMPLATES_DIR = "templates"
SEARCH_DIAGNOSTIC_PATH = "search"  # where a failed search indexing is reported
PROTECTED_FOLDERS = ("content", "templates", "seeds", "generator", "tests")


class UsageError(Exception):
    """A problem with how the command was called, not with the content."""


@dataclass
class BuildResult:
    diagnostics: Diagnostics
    out_dir: Path | None = None
    pages: int = 0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.diagnostics.errors

    def summary(self) -> str:
        counts = ", ".join(f"{n} {kind}" for kind, n in self.counts.items())
        return f"Built {self.pages} pages in {self.seconds:.2f} s: {counts} (into {self.out_dir})"


def check(root: Path, strict: bool = False, since: str = "HEAD") -> BuildResult:
    """Load and validate only; also warn about verdicts changed since ``since``
    (a git revision) without an update note."""
    content, diagnostics = load_content(root)
    if content is not None:
        warn_about_unexplained_verdict_changes(root, list(content.claims.values()), diagnostics, since)
    return BuildResult(diagnostics.strict() if strict else diagnostics)


def load_content(root: Path, strict: bool = False) -> tuple[Content | None, Diagnostics]:
    """Stages load and validate: the content, or None and why not."""
    diagnostics = Diagnostics()
    content = validate(load_site(root, diagnostics), diagnostics, MarkdownConverter())
    if strict:
        diagnostics = diagnostics.strict()
    return (None if diagnostics.errors else content), diagnostics


def build(
    root: Path,
    out: Path | None = None,
    base_url: str | None = None,
    drafts: bool = False,
    strict: bool = False,
    progress: Progress | None = None,
    search: bool = True,
) -> BuildResult:
    """Build the site; the output folder is only touched when everything succeeded.

    ``search=False`` leaves out the last step, the search index (``pagefind/``).
    """
    started = time.perf_counter()
    content, diagnostics = load_content(root, strict)
    if content is None:
        return BuildResult(diagnostics)
    if base_url:
        content.config = override_base_url(content.config, base_url)
    out_dir = resolve_out_dir(root, out, content.config.output)
    graph = link(content, include_drafts=drafts)
    analysis = analyse(graph)
    outputs = render_site(graph, analysis, root / TEMPLATES_DIR, diagnostics, progress)
    if outputs is None:
        return BuildResult(diagnostics)
    if search:
        try:  # the last step: the index is written and swapped in with the pages
            outputs.update(index_pages(outputs, content.config.language))
        except SearchError as problem:
            diagnostics.error(SEARCH_DIAGNOSTIC_PATH, 0, str(problem))
            return BuildResult(diagnostics)
    write_site(outputs, out_dir)
    return BuildResult(
        diagnostics,
        out_dir=out_dir,
        pages=sum(1 for path in outputs if path.endswith(".html")),
        seconds=time.perf_counter() - started,
        counts={
            "articles": len(graph.articles),
            "claims": len(graph.claims),
            "actors": len(graph.actors),
            "outlets": len(graph.outlets),
        },
    )


def override_base_url(config: SiteConfig, base_url: str) -> SiteConfig:
    return replace(config, base_url=with_trailing_slash(base_url))


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
