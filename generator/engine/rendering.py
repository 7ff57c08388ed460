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
from .pieces import PieceStore, is_composed
from .workers import parallel_map
from .write import Sink, Written

KEPT = None  # in place of "written" in a page's result: kept as the previous site has it, not rendered
KEEP_BATCH = 200  # pages to keep in one task: a stale page is one task, as slow as a batch or far slower


@dataclass
class Rendered:
    """What :func:`render_into` did: the manifest of the sink's files, and counts."""

    manifest: dict[str, Written]
    rendered: int = 0  # pages rendered
    written: int = 0  # files whose bytes changed (the rest were kept as they were)
    html_pages: list[str] = field(default_factory=list)  # paths of the HTML pages, sorted
    lost: list[str] = field(default_factory=list)  # Unplanned outputs that could not be kept


@dataclass(frozen=True)
class Unplanned:
    """An output of the previous site to keep as it is, not planned again
    (``partialrun.py``); one that cannot be kept (its file changed or is
    gone since) is lost, not rendered."""

    path: str
    sources: frozenset[str] = frozenset()
    template: str = ""


def render_into(
    sink: Sink, renderer: Renderer, pages: list[Output | Unplanned], graph: Graph,
    is_stale: Callable[[Output], bool], diagnostics: Diagnostics, progress: Progress | None = None,
    pieces: PieceStore | None = None, workers: bool = True,
) -> Rendered | None:
    """Render the stale pages into ``sink`` and keep the others; then the
    static files. None after a template error (reported in ``diagnostics``).
    A data file made of pieces is composed by ``pieces``, which makes only
    the pieces whose key changed.

    The workers keep pages too, not only render them: keeping is a stat and
    a hard link per file, and at 10,000 articles the 24,400 pages kept after
    one change took 0.8 s in this process alone (py-spy). A page that cannot
    be kept (its file changed or gone since) is rendered where it was found.
    The work is handed out as tasks, each one stale page or a batch of
    pages to keep, so that the chunks of work the workers take stay even.
    Without ``workers`` it is all done here: for a few stale pages (the
    build after a text edit, ``partialrun.py``). At 10,000 articles,
    keeping the 24,700 others took 0.1 s here when the staging folder is
    the spare (a stat each) and 0.75 s when it is new (a link each), against
    0.2 s and 1.7 s with the workers.
    """

    def do_task(task: tuple[bool, list[Output]]) -> list:
        keep, task_pages = task
        results = []
        for page in task_pages:
            entry = sink.keep(page.path) if keep else None
            if entry is not None:
                results.append((entry, KEPT))
                continue
            if isinstance(page, Unplanned):
                results.append((None, False))  # lost: no entry
                continue
            try:
                if pieces is not None and is_composed(page):
                    results.append(compose(page))
                else:
                    results.append(sink.put(page.path, renderer.render(page, graph)))
            except TemplateProblem as problem:  # returned, not raised: it crosses a process boundary
                results.append(problem.as_tuple())
                break
        return results

    def compose(page: Output) -> tuple[Written, bool]:
        """A data file made of pieces, put into the sink; or the previous
        site's file kept, if its pieces' signature says it is the same."""
        previous = sink.previous.get(page.path)
        composition = pieces.compose(page, previous.digest if previous is not None else None)
        if composition is None:
            entry = sink.keep(page.path)
            if entry is not None:  # stale, made again the same: counted as rendered, not written
                return entry, False
            composition = pieces.compose(page)  # the file changed or is gone since
        # Written as it is made, and hashed once: at 100,000 articles annotations.jsonld is 680 MB.
        return sink.put_stream(page.path, composition)

    def do_tasks(tasks: list[tuple[bool, list[Output]]]) -> list:
        return [do_task(task) for task in tasks]

    # Site-wide outputs first (the data files, the home page, /compare/'s
    # first page): they are the slowest to render, and started last they left
    # one core working alone at the end while the other waited.
    stale: list[Output] = []
    kept: list[Output] = []
    for page in pages:
        (stale if is_stale(page) else kept).append(page)
    stale.sort(key=lambda page: page.sources != EVERYTHING)
    tasks = [(False, [page]) for page in stale]
    tasks += [(True, kept[start:start + KEEP_BATCH]) for start in range(0, len(kept), KEEP_BATCH)]
    report = (lambda done, total: progress.update("Rendering pages", done, total)) if progress else None
    if sink.parallel and workers:
        # Compiled here, before the workers fork, rather than again in each of them.
        renderer.compile({page.template for page in stale})
        # Each site-wide page a chunk of its own: in chunks of ten, the five
        # data files and /compare/'s first page went to one worker, busy for
        # 3.4 s after one change at 10,000 articles while the other was done in 1.3 s.
        site_wide = sum(1 for page in stale if page.sources == EVERYTHING)
        in_tasks = parallel_map(do_tasks, tasks, report, alone=site_wide)  # progress in tasks
    else:
        in_tasks = do_tasks(tasks)
        if report:
            report(len(tasks), len(tasks))
    results = [result for task in in_tasks for result in task]
    problems = [r for r in results if isinstance(r[0], str)]
    if problems:
        diagnostics.error(*min(problems))
        return None
    result = Rendered({})
    for page, (entry, written) in zip(stale + kept, results):
        if entry is None:
            result.lost.append(page.path)
            continue
        result.manifest[page.path] = entry
        if written is not KEPT:
            result.rendered += 1
            result.written += written
    for path, data in renderer.static_files().items():
        entry, written = sink.put(path, data)
        result.manifest[path] = entry
        result.written += written
    result.html_pages = sorted(path for path in result.manifest if path.endswith(".html"))
    return result

