"""Stage 5, render: a planned output → its bytes.

:class:`Renderer` holds the templates of a site (its own ``templates/``
over the package's, file by file) in the Jinja environment of
``environment.py``; it plans the site map (``siteplan.py``) and renders
each output of it on its own, reporting a broken template at its file
and line (:class:`TemplateProblem`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Collection, Iterable, Mapping

import jinja2

from ..core.layout import ASSETS_DIR, DEFAULT_TEMPLATES, STATIC_DIR, TEMPLATES_DIR
from ..core.model import Graph
from ..core.translations import Interface
from ..stages.analyse import Analysis
from ..stages.catalogues import english_interface
from ..stages.sitefiles import template_files
from . import urls
from .base import DataFile, Output
from .environment import make_environment
from .siteplan import plan_pages
from .textplan import replanned_after_text_edits

STATIC_PREFIX = f"{STATIC_DIR}/"  # of a template name: a file copied as it is into assets/


class TemplateProblem(Exception):
    """A template that cannot be loaded or rendered, located in its file."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(message)
        self.path, self.line, self.message = path, line, message

    def as_tuple(self) -> tuple[str, int, str]:
        return (self.path, self.line, self.message)


class Renderer:
    """Jinja2 templates and Markdown bodies → finished pages, one at a time."""

    def __init__(self, templates_dir: Path, interface: Interface | None = None):
        self.site_root = templates_dir.resolve().parent
        self.interface = interface or english_interface()
        # Each folder with the root of the site it belongs to, for the links in it.
        search_path = [(templates_dir, templates_dir.parent), (DEFAULT_TEMPLATES, DEFAULT_TEMPLATES)]
        self.templates = template_files([(d, root) for d, root in search_path if d.is_dir()])
        self.env = make_environment(self.templates, self.interface)
        self._closures: dict[str, frozenset[str]] = {}

    def plan(self, graph: Graph, analysis: Analysis) -> list[Output]:
        return plan_pages(graph, analysis, self.interface)

    def replan_after_text_edits(self, planned: Mapping[str, Output], graph: Graph,
                                edited: Collection[str]) -> list[Output] | None:
        """``planned`` (this renderer's last plan, path → output) with the outputs showing the
        ``edited`` articles' text planned again on ``graph`` (``textplan.py``)."""
        return replanned_after_text_edits(planned, graph, self.interface, edited)

    def render(self, page: Output, graph: Graph) -> bytes:
        """The page's bytes; raises TemplateProblem for a broken template."""
        if isinstance(page, DataFile):
            return page.produce()
        links = urls.Links(page.path, graph.config.base_url)
        context = {
            "site": graph.config, "links": links, "section": page.section,
            "site_pages": list(graph.pages.values()),  # the editors' pages, linked from every footer (sitepages.py)
            **page.make_context(),
        }
        try:
            return self.env.get_template(page.template).render(context).encode("utf-8")
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateProblem(
                self.template_path(exc.filename, exc.name or page.template), exc.lineno,
                f"template syntax error: {exc.message}",
            ) from exc
        except jinja2.TemplateNotFound as exc:
            raise TemplateProblem(f"{TEMPLATES_DIR}/{page.template}", 0, f"template not found: {exc.name}") from exc
        except (jinja2.UndefinedError, TypeError, ValueError) as exc:
            name, line = template_location(exc, page.template)
            raise TemplateProblem(f"{TEMPLATES_DIR}/{name}", line, f"template error: {exc}") from exc

    def template_path(self, filename: str | None, name: str) -> str:
        """Where a template lives: relative to the site root when it is the site's own."""
        if not filename:
            return f"{TEMPLATES_DIR}/{name}"
        path = Path(filename).resolve()
        if self.site_root in path.parents:
            return path.relative_to(self.site_root).as_posix()
        return path.as_posix()

    def templates_used(self, template: str) -> frozenset[str]:
        """The template and every template it extends, includes or imports."""
        if not template:
            return frozenset()
        if template not in self._closures:
            seen: set[str] = set()
            pending = [template]
            while pending:
                name = pending.pop()
                if name in seen:
                    continue
                seen.add(name)
                pending.extend(self._referenced(name))
            self._closures[template] = frozenset(seen)
        return self._closures[template]

    def _referenced(self, name: str) -> tuple[str, ...]:
        """The templates one template names, from its tree: parsed once, for
        its names and, if a page renders with it, its code; compiled only
        then (``FoundTemplatesLoader.referenced``)."""
        try:
            return self.env.loader.referenced(self.env, name)
        except jinja2.TemplateError:
            return ()  # reported when the page is rendered

    def compile(self, templates: Iterable[str]) -> None:
        """Compile ``templates`` and every template they use, now. Before
        the render workers fork: each compiled them all again for itself (0.4 s
        of the workers' time at 10,000 articles after one change; py-spy), and
        ``serve``, which keeps its renderer, in every rebuild. A template that
        does not compile is left to :meth:`render` to report where a page uses it."""
        for name in sorted({name for template in templates for name in self.templates_used(template)}):
            try:
                self.env.get_template(name)
            except jinja2.TemplateError:
                continue

    def static_files(self) -> dict[str, bytes]:
        """Files under ``static/`` of each templates folder; the site's own win."""
        return {
            f"{ASSETS_DIR}/{name[len(STATIC_PREFIX):]}": Path(path).read_bytes()
            for name, path in sorted(self.templates.items()) if name.startswith(STATIC_PREFIX)
        }


def template_location(exc: BaseException, default: str) -> tuple[str, int]:
    """The template and line an exception was raised in, from Jinja's rewritten traceback."""
    tb, location = exc.__traceback__, (default, 0)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".html"):
            location = (Path(filename).name, tb.tb_lineno)
        tb = tb.tb_next
    return location
