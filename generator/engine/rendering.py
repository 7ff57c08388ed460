"""The planned outputs rendered into the staging folder: in parallel, and
only those whose inputs changed.

Workers (``workers.py``) render and write chunks of pages into the staged
site (``write.py``); only manifest entries travel back. A page the caller
says is unchanged is kept as the live file is, not rendered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..core.diagnostics import Diagnostics
from ..core.model import Graph
from ..core.progress import Progress
from ..outputs.base import EVERYTHING, Output
from ..outputs.render import Renderer, TemplateProblem
from .workers import parallel_map
from .write import StagedSite, Written


@dataclass
class StagedPages:
    """What :func:`render_into` did: the manifest of the staged files, and counts."""

    manifest: dict[str, Written]
    rendered: int = 0  # pages rendered
    written: int = 0  # files whose bytes changed (the rest were linked unchanged)
    html_pages: list[str] = field(default_factory=list)  # paths of the HTML pages, sorted
    search: dict = field(default_factory=dict)  # what the search index was made from (build.index_staged_pages)


def render_into(
    staged: StagedSite, renderer: Renderer, pages: list[Output], graph: Graph,
    is_unchanged: Callable[[Output], bool], diagnostics: Diagnostics, progress: Progress | None = None,
) -> StagedPages | None:
    """Render the site into a staging folder, in parallel; None after a template error.

    A page ``is_unchanged`` says was made of the same inputs as the live
    file is kept as it is, not rendered. Workers render and write chunks of
    pages (``workers.py``); only manifest entries travel back.
    """
    kept: dict[str, Written] = {}
    pending: list[Output] = []
    for page in pages:
        entry = staged.keep(page.path) if is_unchanged(page) else None
        if entry is None:
            pending.append(page)
        else:
            kept[page.path] = entry

    def render_chunk(chunk: list[Output]) -> list:
        results = []
        for page in chunk:
            try:
                results.append(staged.put(page.path, renderer.render(page, graph)))
            except TemplateProblem as problem:  # returned, not raised: it crosses a process boundary
                results.append(problem.as_tuple())
                break
        return results

    # Site-wide outputs first (the data files, the lists, /compare/): they are
    # the slowest to render, and started last they left one core working
    # alone at the end while the other waited.
    pending.sort(key=lambda page: page.sources != EVERYTHING)
    report = (lambda done, total: progress.update("Rendering pages", done, total)) if progress else None
    results = parallel_map(render_chunk, pending, report)
    problems = [r for r in results if isinstance(r[0], str)]
    if problems:
        diagnostics.error(*min(problems))
        return None
    result = StagedPages(kept, rendered=len(pending))
    for page, (entry, written) in zip(pending, results):
        result.manifest[page.path] = entry
        result.written += written
    for path, data in renderer.static_files().items():
        entry, written = staged.put(path, data)
        result.manifest[path] = entry
        result.written += written
    result.html_pages = sorted(path for path in result.manifest if path.endswith(".html"))
    return result
