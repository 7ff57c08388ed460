"""The planned outputs rendered into a sink: only those that are stale, in
parallel where the sink allows it.

A sink is where the next site is made: the staging folder of ``build``
(``write.StagedSite``), into which workers (``workers.py``) render and write
chunks of pages and send back only manifest entries; or the memory of
``serve`` (``memorysite.MemorySite``), rendered into in this process. A page
that is not stale is kept as the previous site has it, not rendered.
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
from .write import Sink, Written


@dataclass
class Rendered:
    """What :func:`render_into` did: the manifest of the sink's files, and counts."""

    manifest: dict[str, Written]
    rendered: int = 0  # pages rendered
    written: int = 0  # files whose bytes changed (the rest were kept as they were)
    html_pages: list[str] = field(default_factory=list)  # paths of the HTML pages, sorted


def render_into(
    sink: Sink, renderer: Renderer, pages: list[Output], graph: Graph,
    is_stale: Callable[[Output], bool], diagnostics: Diagnostics, progress: Progress | None = None,
) -> Rendered | None:
    """Render the stale pages into ``sink`` and keep the others; then the
    static files. None after a template error (reported in ``diagnostics``)."""
    kept: dict[str, Written] = {}
    pending: list[Output] = []
    for page in pages:
        entry = None if is_stale(page) else sink.keep(page.path)
        if entry is None:
            pending.append(page)
        else:
            kept[page.path] = entry

    def render_chunk(chunk: list[Output]) -> list:
        results = []
        for page in chunk:
            try:
                results.append(sink.put(page.path, renderer.render(page, graph)))
            except TemplateProblem as problem:  # returned, not raised: it crosses a process boundary
                results.append(problem.as_tuple())
                break
        return results

    # Site-wide outputs first (the data files, the home page, /compare/'s
    # first page): they are the slowest to render, and started last they left
    # one core working alone at the end while the other waited.
    pending.sort(key=lambda page: page.sources != EVERYTHING)
    report = (lambda done, total: progress.update("Rendering pages", done, total)) if progress else None
    if sink.parallel:
        results = parallel_map(render_chunk, pending, report)
    else:
        results = render_chunk(pending)
        if report:
            report(len(pending), len(pending))
    problems = [r for r in results if isinstance(r[0], str)]
    if problems:
        diagnostics.error(*min(problems))
        return None
    result = Rendered(kept, rendered=len(pending))
    for page, (entry, written) in zip(pending, results):
        result.manifest[page.path] = entry
        result.written += written
    for path, data in renderer.static_files().items():
        entry, written = sink.put(path, data)
        result.manifest[path] = entry
        result.written += written
    result.html_pages = sorted(path for path in result.manifest if path.endswith(".html"))
    return result
