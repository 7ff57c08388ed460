"""Stage 5, render: graph + analysis → finished pages, in memory.

Each page type has one function that builds its template context; the list
in :func:`plan_pages` is the whole site map. Templates get analysis objects
and a :class:`~generator.urls.Links` for the page, never the raw content.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import jinja2
from markupsafe import Markup

from . import urls
from .analyse import Analysis
from .diagnostics import Diagnostics
from .markup import Highlight, MarkdownConverter
from .link import article_order
from .model import STANCES, Article, Graph, PartialDate, Quote, human_date

STANCE_LABELS = {"supports": "Supports", "disputes": "Disputes", "neutral": "Neutral"}
STANCE_ICONS = {"supports": "✓", "disputes": "✗", "neutral": "○"}


@dataclass(frozen=True)
class Page:
    path: str  # output path, e.g. "claims/x/index.html"
    template: str
    context: dict[str, Any]
    section: str  # for the navigation's "current page" marker


class TemplateProblem(Exception):
    """A template that cannot be loaded or rendered, located in its file."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(message)
        self.path, self.line, self.message = path, line, message


# The project's own templates: a site's templates/ folder overrides them file by file.
DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def render_site(
    graph: Graph, analysis: Analysis, templates_dir: Path, converter: MarkdownConverter,
    diagnostics: Diagnostics,
) -> dict[str, bytes] | None:
    """Every output file as ``{path: bytes}``, or None after a template error."""
    search_path = [d for d in (templates_dir, DEFAULT_TEMPLATES) if d.is_dir()]
    env = make_environment(search_path)
    bodies = BodyRenderer(converter)
    outputs: dict[str, bytes] = {}
    try:
        for page in plan_pages(graph, analysis, bodies):
            outputs[page.path] = render_page(env, page, graph).encode("utf-8")
    except TemplateProblem as problem:
        diagnostics.error(problem.path, problem.line, problem.message)
        return None
    outputs.update(static_files(search_path))
    return outputs


def static_files(search_path: list[Path]) -> dict[str, bytes]:
    """Files under ``static/`` of each templates folder, the site's own first."""
    files: dict[str, bytes] = {}
    for templates_dir in reversed(search_path):  # later (site) folders override
        static = templates_dir / "static"
        if static.is_dir():
            for path in sorted(p for p in static.rglob("*") if p.is_file()):
                files[f"{urls.ASSETS_DIR}/{path.relative_to(static).as_posix()}"] = path.read_bytes()
    return files


def make_environment(search_path: list[Path]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in search_path]),
        autoescape=True,  # everything from content is untrusted
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["date"] = format_date
    env.filters["iso"] = iso_date
    env.filters["number"] = format_number
    env.globals.update(
        STANCES=STANCES,
        STANCE_LABELS=STANCE_LABELS,
        STANCE_ICONS=STANCE_ICONS,
        text_fragment_url=urls.text_fragment_url,
        mention_anchor=urls.mention_anchor,
    )
    return env


def render_page(env: jinja2.Environment, page: Page, graph: Graph) -> str:
    links = urls.Links(page.path, graph.config.base_url)
    context = {"site": graph.config, "links": links, "section": page.section, **page.context}
    try:
        return env.get_template(page.template).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"templates/{exc.name or page.template}", exc.lineno, f"template syntax error: {exc.message}") from exc
    except jinja2.TemplateNotFound as exc:
        raise TemplateProblem(f"templates/{page.template}", 0, f"template not found: {exc.name}") from exc
    except jinja2.UndefinedError as exc:
        raise TemplateProblem(f"templates/{page.template}", template_line(exc), f"template error: {exc.message}") from exc


def template_line(exc: BaseException) -> int:
    """The template line an exception was raised on, from Jinja's rewritten traceback."""
    tb, line = exc.__traceback__, 0
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".html"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def format_date(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, PartialDate):
        return value.human()
    return human_date(value)


def format_number(value: float | int) -> str:
    """12000 → "12,000"; 2.5 → "2.5"."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,g}"
    return f"{int(value):,}"


def iso_date(value: Any) -> str:
    if value is None:
        return ""
    return value.iso() if isinstance(value, PartialDate) else value.isoformat()


class BodyRenderer:
    """Markdown bodies → safe HTML, each converted once per build."""

    def __init__(self, converter: MarkdownConverter):
        self.converter = converter

    def plain(self, source: str) -> Markup:
        return Markup(self.converter.to_html(source)) if source.strip() else Markup("")

    def article(self, article: Article, quotes: list[Quote], numbers: dict[int, int]) -> Markup:
        """The article text with every annotated quote highlighted and labelled."""
        links = urls.Links(urls.article_path(article), base_url="/")
        highlights = []
        for quote in quotes:
            number = numbers[id(quote)]
            for index, (start, end) in enumerate(quote.mention.spans):
                is_last = index == len(quote.mention.spans) - 1
                highlights.append(
                    Highlight(
                        start=start,
                        end=end,
                        attrs={"class": f"hl hl-{quote.stance}"},
                        first_attrs={"id": quote.mention.anchor} if index == 0 else {},
                        after=highlight_label(quote, number, links.mention(quote)) if is_last else None,
                    )
                )
        return Markup(article.document.to_html(highlights))


def highlight_label(quote: Quote, number: int, href: str) -> etree.Element:
    """The small "✓ 3" after a highlight, linking to the quote's claim page.

    Stance is given by icon and hidden text as well as colour.
    """
    label = etree.Element("a", {
        "class": f"hl-tag hl-tag-{quote.stance}",
        "href": href,
        "title": f"{STANCE_LABELS[quote.stance]}: {quote.claim.statement}",
    })
    icon = etree.SubElement(label, "span", {"aria-hidden": "true"})
    icon.text = STANCE_ICONS[quote.stance]
    icon.tail = f" {number}"
    hidden = etree.SubElement(label, "span", {"class": "visually-hidden"})
    hidden.text = f" ({STANCE_LABELS[quote.stance].lower()}, annotation {number})"
    return label


# --- the site map -------------------------------------------------------------


def plan_pages(graph: Graph, analysis: Analysis, bodies: BodyRenderer) -> list[Page]:
    claims = analysis.claims_in_order()
    pages = [
        Page("index.html", "home.html", home_context(graph, analysis), "home"),
        Page(urls.page_path("claims"), "claims.html", {"claims": claims}, "claims"),
        Page(urls.page_path("actors"), "actors.html", actors_context(analysis), "actors"),
        Page(urls.page_path("outlets"), "outlets.html", {"outlets": list(analysis.outlets.values())}, "outlets"),
        Page(urls.page_path("articles"), "articles.html", {"articles": sorted_articles(graph), "graph": graph}, "articles"),
        Page(urls.page_path("compare"), "compare.html", {"matrix": analysis.matrix, "most_contested": analysis.most_contested}, "compare"),
    ]
    for claim in claims:
        pages.append(Page(urls.claim_path(claim.claim), "claim.html", {"item": claim, "analysis_html": bodies.plain(claim.claim.body)}, "claims"))
    for actor in analysis.actors.values():
        pages.append(Page(urls.actor_path(actor.actor), "actor.html", {"item": actor, "bio_html": bodies.plain(actor.actor.body)}, "actors"))
    for outlet in analysis.outlets.values():
        pages.append(Page(urls.outlet_path(outlet.outlet), "outlet.html", {"item": outlet, "context_html": bodies.plain(outlet.outlet.body)}, "outlets"))
    for article in graph.articles.values():
        pages.append(Page(urls.article_path(article), "article.html", article_context(graph, article, bodies), "articles"))
    return pages


def home_context(graph: Graph, analysis: Analysis) -> dict[str, Any]:
    return {
        "claims": analysis.claims_in_order(),
        "most_contested": analysis.most_contested,
        "counts": {
            "claims": len(graph.claims),
            "articles": len(graph.articles),
            "actors": len(graph.actors),
            "outlets": len(graph.outlets),
            "quotes": len(graph.quotes),
        },
    }


def actors_context(analysis: Analysis) -> dict[str, Any]:
    actors = sorted(analysis.actors.values(), key=lambda a: (a.actor.name.casefold(), a.actor.id))
    return {
        "people": [a for a in actors if a.actor.kind == "person"],
        "organisations": [a for a in actors if a.actor.kind == "organisation"],
    }


def sorted_articles(graph: Graph) -> list[Article]:
    return sorted(graph.articles.values(), key=article_order)


def article_context(graph: Graph, article: Article, bodies: BodyRenderer) -> dict[str, Any]:
    quotes = graph.quotes_by_article.get(article.id, [])
    numbers = {id(q): n for n, q in enumerate(quotes, start=1)}
    return {
        "article": article,
        "outlet": graph.outlets[article.outlet_id],
        "stance_totals": {s: sum(1 for q in quotes if q.stance == s) for s in STANCES},
        "quotes": quotes,
        "numbered": [(numbers[id(q)], q) for q in quotes],
        "body_html": bodies.article(article, quotes, numbers),
    }
