"""A build after articles' text alone was edited: the outputs that show
those texts, rendered from the part of the model they are made of.

This is the build a pull request that fixes a sentence gets in CI, with the
cache kept. ``pipeline.run`` would load, link, analyse, plan and key the
whole site for it: at 10,000 articles, 4.2 s of which the whole model took
3 s, for the 2 outputs that show the text (the article's page and its text
file) and the annotations. Here, when the last build's record
(``textdeps.py``) says which outputs show those texts and what each is
made of (its ``sources``), and its output folder is still as it left it:

- only those files are loaded (from the cache; the edited ones checked),
  with the records they refer to, so that they validate and link;
- each edited article must say what it said (its records digest) and have
  the problems it had, and every file loaded the records recorded, else
  this is no text edit (``run`` does the build);
- the part is linked, analysed and planned like a whole site, and its
  outputs that show the texts are taken: each must be planned with the
  sources it had, and is then the page a full build makes, since a page's
  sources list every content file whose change can change it (the promise
  the keys stand on, ``keys.py``);
- annotations.jsonld, which shows every article's text, is the last build's
  with the edited articles' pieces made again (``pieces.PieceStore.recompose``);
- the outputs are keyed as ``run`` keys them, rendered, and every other
  output is kept as the last build left it; the search index is refreshed
  as always.

All that is worked out before the output folder is opened; anything not as
recorded and this returns None: nothing is published, and ``run`` builds.
(The pieces made again are stored on the way, under their keys: the next
build that joins the file checks that the stored pieces make the live one.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping

from ..core.diagnostics import Diagnostics
from ..core.model import Content, Graph
from ..core.progress import Progress
from ..outputs.base import EVERYTHING, Output
from ..outputs.render import Renderer, TemplateProblem
from ..stages.analyse import analyse
from ..stages.catalogues import site_interface
from ..stages.crossfile import REFERENCED_KINDS
from ..stages.link import link
from ..stages.load import file_id, is_read_as_content, kind_of_content, load_config, read_bytes
from ..stages.validate import CheckedFile, validate_checked
from .cache import BuildCache, checked_key_of, code_version, digest
from .keys import SourceKeys, page_keys
from .lastbuild import last_build_in_place
from .pieces import PieceStore, Recomposed, is_composed
from .pipeline import INDEX, SEARCH_DIAGNOSTIC_PATH, Outcome, RunState, Settings, Target, renderer_for, search_step
from .prepare import ContentFile, check_and_store, read_cached
from .rendering import Unplanned, render_into
from .search import SearchError
from .search_ahead import IndexAhead
from .textdeps import TextDeps, TextOutput, problems_digest
from .write import Sink


@dataclass(frozen=True)
class PartPlan:
    """What a build after a text edit renders, worked out from the part of the site."""

    content: Content
    graph: Graph
    renderer: Renderer
    templates_key: str
    pages: list[Output]  # to render: the outputs that show the texts, but the site-wide files
    keys: Mapping[str, str]  # their keys, and the site-wide files'
    recomposed: Mapping[str, Recomposed]  # the site-wide files made of pieces (annotations.jsonld)


def run_after_text_edits(root: Path, inputs: Mapping[str, str], settings: Settings, target: Target,
                         cache: BuildCache, progress: Progress | None = None) -> Outcome | None:
    """Build after an edit of articles' text alone, as the module says; None
    (nothing published) when this is not such a build."""
    deps = TextDeps.load(cache)
    if deps is None or deps.code != code_version() or dict(deps.options) != dict(settings.options):
        return None
    # Its output folder as it left it: not so in CI that keeps the cache and not the site.
    if last_build_in_place(cache) != deps.fingerprint:
        return None
    edited = deps.edited_texts(inputs)
    showing = deps.showing_text_of(edited) if edited else None
    if showing is None:
        return None
    # The search index of the pages that show the texts is begun now, from
    # the live pages, while the build plans and renders (search_ahead.py).
    with (IndexAhead.start(cache, [output.path for output in showing]) if settings.search == INDEX
          else IndexAhead()) as ahead:
        plan = plan_part(root, inputs, settings, deps, edited, showing, cache, ahead)
        if plan is None:
            return None
        with target.open(plan.content.config) as (sink, previous):
            try:
                outcome = render_part(plan, sink, previous, deps, inputs, settings, progress, ahead)
                if outcome is None or not outcome.ok:
                    sink.abandon()
                    return outcome
                target.publish(sink, outcome)
            except BaseException:
                sink.abandon()
                raise
    return outcome


def plan_part(root: Path, inputs: Mapping[str, str], settings: Settings, deps: TextDeps, edited: frozenset[str],
              showing: list[TextOutput], cache: BuildCache, ahead: IndexAhead) -> PartPlan | None:
    """The outputs ``showing`` the ``edited`` texts, planned and keyed from
    the part of the site they are made of; None if that part is not as recorded.
    The new pages are handed to the index begun ``ahead`` as soon as they are planned."""
    diagnostics = Diagnostics()
    config = load_config(root, diagnostics)
    interface = site_interface(root, config, diagnostics)
    needed = edited.union(*(output.sources for output in showing if output.sources != EVERYTHING))
    checked = load_part(root, needed, inputs, cache)
    if diagnostics.errors or checked is None or not as_recorded(deps, checked.values(), edited):
        return None
    content = validate_checked(config, in_site_order(checked.values()), root, Diagnostics(), interface)
    if content is None:
        return None
    content = content.with_base_url(settings.base_url) if settings.base_url else content
    graph = link(content, include_drafts=settings.drafts)
    renderer, templates_key = renderer_for(root, inputs, RunState(), interface)
    planned = {page.path: page for page in renderer.plan(graph, analyse(graph))}
    pages = [planned.get(output.path) for output in showing]
    if not all(page is not None and output.is_planned_as(page) for page, output in zip(pages, showing)):
        return None
    if ahead.wants_pages:
        ahead.hand_over(new_html_pages(renderer, graph, pages))

    def keys_with(inputs: Mapping[str, str]) -> Callable[[list], dict[str, str]]:
        source_keys = SourceKeys(inputs, EVERYTHING, deps.records)
        return lambda items: page_keys(items, renderer.templates_used, inputs, settings.options, EVERYTHING, source_keys)

    make_keys = keys_with(inputs)
    # A site-wide file made of pieces (annotations.jsonld) is the last build's
    # with the pieces that show the texts made again.
    whole = [page for page in pages if page.sources == EVERYTHING]
    if not all(map(is_composed, whole)):
        return None
    store = PieceStore(make_keys, {}, cache.dir)
    recomposed = {page.path: store.recompose(page, edited, keys_with(deps.inputs)) for page in whole}
    if not all(recomposed.values()):
        return None
    return PartPlan(content, graph, renderer, templates_key, [page for page in pages if page.sources != EVERYTHING],
                    make_keys(pages), recomposed)


def new_html_pages(renderer: Renderer, graph: Graph, pages: list[Output]) -> dict[str, bytes]:
    """The HTML pages among ``pages`` rendered (path → bytes), for the index
    begun ahead; none if a template fails (the render step reports it).
    They are rendered again into the site: 1-2 ms a page, against a second
    path for pages into the sink before it is open."""
    try:
        return {page.path: renderer.render(page, graph) for page in pages
                if page.path.endswith(".html") and page.sources != EVERYTHING}
    except TemplateProblem:
        return {}


def render_part(plan: PartPlan, sink: Sink, previous: RunState, deps: TextDeps, inputs: Mapping[str, str],
                settings: Settings, progress: Progress | None, ahead: IndexAhead | None = None) -> Outcome | None:
    """``plan``'s outputs rendered into ``sink``, every other one kept; the
    outcome to publish, or None if the folder is not the one recorded."""
    if previous.origin != deps.fingerprint:
        return None  # another build came in between
    for path, recomposed in plan.recomposed.items():
        live = sink.previous.get(path)
        if live is None or live.digest != recomposed.was:
            return None  # the stored pieces are not those of the live file
    stale = {page.path for page in plan.pages}
    kept = [Unplanned(path) for path in previous.page_keys
            if path not in stale and (path not in plan.recomposed or plan.recomposed[path].data is None)]
    rendered = render_into(sink, plan.renderer, plan.pages + kept, plan.graph, lambda page: page.path in stale,
                           Diagnostics(), progress, workers=False)
    if rendered is None or rendered.lost:
        return None
    for path, recomposed in plan.recomposed.items():
        if recomposed.data is not None:
            rendered.manifest[path], written = sink.put_stream(path, recomposed.data)
            rendered.rendered += 1
            rendered.written += written
    reported = Diagnostics(list(deps.diagnostics))
    try:
        index = search_step(settings.search, sink, rendered, plan.content.config.language, previous.search, ahead)
    except SearchError as problem:
        reported.error(SEARCH_DIAGNOSTIC_PATH, 0, str(problem))
        return Outcome(reported, {})
    manifest = {**rendered.manifest, **index.entries}
    keys = {**previous.page_keys, **plan.keys}
    return Outcome(
        reported, {}, state=RunState(keys, index.state, plan.templates_key), manifest=manifest,
        language=plan.content.config.language, counts=dict(deps.counts), html_pages=len(rendered.html_pages),
        planned=len(keys), rendered=rendered.rendered, written=rendered.written + index.written,
        removed=len(sink.previous.keys() - manifest.keys()), inputs=inputs, text_deps=lambda: deps.after_edit(inputs),
    )


def load_part(root: Path, paths: Iterable[str], inputs: Mapping[str, str],
              cache: BuildCache) -> dict[str, CheckedFile] | None:
    """The content files ``paths`` checked (from the cache, else now), with
    every file their records refer to, and those theirs: a part of the site
    that validates on its own. None if one is not a content file, cannot be
    read, is not the file its digest says (saved again since) or has
    problems that stop it (then the whole build says so)."""
    by_kind_id = {(kind_of_content(path), file_id(path)): path for path in inputs if is_read_as_content(path)}
    checked: dict[str, CheckedFile] = {}
    wanted = set(paths)
    while wanted:
        files = {}
        for path in sorted(wanted):
            if path not in inputs or not is_read_as_content(path):
                return None
            file = ContentFile(path, kind_of_content(path), file_id(path), None, key=checked_key_of(path, inputs[path]),
                               location=str(root / path))
            files[file.key] = file
        found = dict(read_cached(files, cache))
        missing = [file for key, file in files.items() if key not in found]
        for file in missing:
            file.data = read_bytes(Path(file.location), file.path, Diagnostics())  # None: the whole run says why
            if file.data is None or digest(file.data) != inputs[file.path]:
                return None
        found.update(zip((file.key for file in missing), check_and_store(missing, cache)))
        for item in found.values():
            if item.record is None:
                return None
            checked[item.path] = item
        wanted = {path for item in found.values() for path in referenced(item, by_kind_id)} - checked.keys()
    return checked


def referenced(item: CheckedFile, by_kind_id: Mapping[tuple[str, str], str]) -> Iterable[str]:
    """The content files ``item``'s records refer to (those that exist)."""
    for reference in item.references:
        for kind in REFERENCED_KINDS.get(reference.target, ()):
            path = by_kind_id.get((kind, reference.value))
            if path is not None:
                yield path


def as_recorded(deps: TextDeps, checked: Iterable[CheckedFile], edited: frozenset[str]) -> bool:
    """Whether each file loaded has the records the last build recorded, and
    each edited one the problems it had too."""
    return all(item.records_digest and item.records_digest == deps.records.get(item.path)
               and (item.path not in edited
                    or problems_digest(item.problems) == deps.problems.get(item.path, problems_digest([])))
               for item in checked)


def in_site_order(checked: Iterable[CheckedFile]) -> list[CheckedFile]:
    """In the order a full build reads them (``load.content_files``): as their paths compare, folder by folder."""
    return sorted(checked, key=lambda item: item.path.split("/"))

