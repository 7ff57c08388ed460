"""Stage 5, render: graph + analysis → finished pages, in memory.

Each page type has one function that builds its template context; the list
in :func:`plan_pages` is the whole site map. Templates get analysis objects
and a :class:`~generator.urls.Links` for the page, never the raw content.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any, Callable

import jinja2
from jinja2 import meta
from markupsafe import Markup

from . import paginate, pictures, stancebars, urls
from .analyse import ActorAnalysis, Analysis, ClaimAnalysis
from .diagnostics import Diagnostics
from .language import same_language, text_direction
from .link import article_order
from .markup import Document
from .model import STANCES, Article, Graph, PartialDate, Quote, Update, human_date
from .progress import Progress
from .quotemarks import display_quote
from .sitefiles import template_files
from .wording import STANCE_ADJECTIVES, STANCE_LABELS  # the display words; wording.py says why
from .workers import parallel_map
from .write import StagedSite, Written

STANCE_ICONS = {"supports": "✓", "disputes": "✗", "neutral": "○"}
# An origin's position on a claim (tallies.position_of): a stance, or both sides.
POSITION_LABELS = {**STANCE_LABELS, "both": f"{STANCE_LABELS['supports']} and {STANCE_LABELS['disputes'].lower()}"}


# The sources of a page that shows something from every content file.
EVERYTHING = frozenset({"*"})
STATIC_PREFIX = "static/"  # of a template name: a file copied as it is into assets/


@dataclass(frozen=True)
class Page:
    """One page of the site map: where it goes, how it looks, what it is made of.

    ``sources`` are the content files (paths relative to the site root) whose
    change can change this page: incremental rebuilds re-render exactly the
    pages whose sources changed. The context is built only when the page is
    rendered, so planning every page is cheap.
    """

    path: str  # output path, e.g. "claims/x/index.html"
    template: str
    section: str  # for the navigation's "current page" marker
    sources: frozenset[str]
    make_context: Callable[[], dict[str, Any]] = field(compare=False)


@dataclass(frozen=True)
class DataFile:
    """An output that is not an HTML page (a feed, JSON, CSV, the sitemap),
    made by a function instead of a template. Planned, tracked and rebuilt
    incrementally exactly like a Page."""

    path: str  # e.g. "data/claims.json"
    sources: frozenset[str]
    produce: Callable[[], bytes] = field(compare=False)
    template: str = ""  # none; templates never change a data file


Output = Page | DataFile


class TemplateProblem(Exception):
    """A template that cannot be loaded or rendered, located in its file."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(message)
        self.path, self.line, self.message = path, line, message

    def as_tuple(self) -> tuple[str, int, str]:
        return (self.path, self.line, self.message)


# The project's own templates: a site's templates/ folder overrides them file by
# file. An installed package carries them as generator/default_templates (see
# pyproject.toml); in a source checkout they are the top-level templates/.
_PACKAGED_TEMPLATES = Path(__file__).resolve().parent / "default_templates"
DEFAULT_TEMPLATES = (
    _PACKAGED_TEMPLATES if _PACKAGED_TEMPLATES.is_dir() else Path(__file__).resolve().parent.parent / "templates"
)


class Renderer:
    """Jinja2 templates and Markdown bodies → finished pages, one at a time."""

    def __init__(self, templates_dir: Path):
        self.site_root = templates_dir.resolve().parent
        # Each folder with the root of the site it belongs to, for the links in it.
        search_path = [(templates_dir, templates_dir.parent), (DEFAULT_TEMPLATES, DEFAULT_TEMPLATES)]
        self.templates = template_files([(d, root) for d, root in search_path if d.is_dir()])
        self.env = make_environment(self.templates)
        self._closures: dict[str, frozenset[str]] = {}

    def plan(self, graph: Graph, analysis: Analysis) -> list[Output]:
        return plan_pages(graph, analysis)

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
            raise TemplateProblem(f"templates/{page.template}", 0, f"template not found: {exc.name}") from exc
        except (jinja2.UndefinedError, TypeError, ValueError) as exc:
            name, line = template_location(exc, page.template)
            raise TemplateProblem(f"templates/{name}", line, f"template error: {exc}") from exc

    def template_path(self, filename: str | None, name: str) -> str:
        """Where a template lives: relative to the site root when it is the site's own."""
        if not filename:
            return f"templates/{name}"
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
                try:
                    source, _, _ = self.env.loader.get_source(self.env, name)
                    pending.extend(n for n in meta.find_referenced_templates(self.env.parse(source)) if n)
                except jinja2.TemplateError:
                    pass  # reported when the page is rendered
            self._closures[template] = frozenset(seen)
        return self._closures[template]

    def static_files(self) -> dict[str, bytes]:
        """Files under ``static/`` of each templates folder; the site's own win."""
        return {
            f"{urls.ASSETS_DIR}/{name[len(STATIC_PREFIX):]}": Path(path).read_bytes()
            for name, path in sorted(self.templates.items()) if name.startswith(STATIC_PREFIX)
        }


def render_site(
    graph: Graph, analysis: Analysis, templates_dir: Path, diagnostics: Diagnostics,
    progress: Progress | None = None,
) -> dict[str, bytes] | None:
    """Every output file as ``{path: bytes}``, or None after a template error."""
    renderer = Renderer(templates_dir)
    pages = renderer.plan(graph, analysis)
    outputs: dict[str, bytes] = {}
    try:
        for done, page in enumerate(pages, start=1):
            outputs[page.path] = renderer.render(page, graph)
            if progress:
                progress.update("Rendering pages", done, len(pages))
    except TemplateProblem as problem:
        diagnostics.error(problem.path, problem.line, problem.message)
        return None
    outputs.update(renderer.static_files())
    return outputs


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


class FoundTemplatesLoader(jinja2.BaseLoader):
    """Loads the templates the walk of the templates folders found, and no
    other file: Jinja's FileSystemLoader would follow a link to a folder
    or to a file outside the site (see ``sitefiles.py``)."""

    def __init__(self, templates: dict[str, str]):
        self.templates = templates  # name → file

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = self.templates.get(template)
        if path is None:
            raise jinja2.TemplateNotFound(template)
        try:
            with open(path, encoding="utf-8") as file:
                source = file.read()
            mtime = os.path.getmtime(path)
        except OSError as exc:  # deleted since the walk: as Jinja's own loader says
            raise jinja2.TemplateNotFound(template) from exc

        def uptodate() -> bool:
            try:
                return os.path.getmtime(path) == mtime
            except OSError:
                return False

        return source, path, uptodate

    def list_templates(self) -> list[str]:
        return sorted(self.templates)


def make_environment(templates: dict[str, str]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=FoundTemplatesLoader(templates),
        autoescape=True,  # everything from content is untrusted
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["date"] = format_date
    env.filters["iso"] = iso_date
    env.filters["number"] = format_number
    env.filters["direction"] = text_direction  # "fa-AF" → "rtl"; see language.py
    env.filters["display_quote"] = display_quote  # the source's own marks at a quote's ends left out
    env.globals["lang_attrs"] = lang_attrs
    env.globals.update(
        STANCES=STANCES,
        STANCE_LABELS=STANCE_LABELS,
        STANCE_ADJECTIVES=STANCE_ADJECTIVES,
        STANCE_ICONS=STANCE_ICONS,
        POSITION_LABELS=POSITION_LABELS,
        text_fragment_url=urls.text_fragment_url,
        mention_anchor=urls.mention_anchor,
        origin_anchor=urls.origin_anchor,
    )
    env.globals.update(pictures.template_globals())  # chart geometry for _charts.html
    env.globals.update(stancebars.template_globals())  # stance bars on one scale per page
    from . import feeds  # here, not at the top: feeds builds on this module's DataFile
    env.globals.update(site_feed_path=feeds.SITE_FEED, actor_feed_path=feeds.actor_feed_path)
    return env


@jinja2.pass_context
def lang_attrs(context: jinja2.runtime.Context, language: str | None) -> Markup:
    """` lang="fa-AF" dir="rtl"` for text in another language than the site's
    (an article's ``language``, which its quotes inherit); nothing otherwise."""
    if not language or same_language(language, context["site"].language):
        return Markup("")
    return Markup(' lang="{}" dir="{}"').format(language, text_direction(language))


def template_location(exc: BaseException, default: str) -> tuple[str, int]:
    """The template and line an exception was raised in, from Jinja's rewritten traceback."""
    tb, location = exc.__traceback__, (default, 0)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".html"):
            location = (Path(filename).name, tb.tb_lineno)
        tb = tb.tb_next
    return location


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


def body_html(document: Document | None) -> Markup:
    """A claim's, actor's or outlet's Markdown body as safe HTML."""
    return Markup(document.to_html()) if document is not None else Markup("")


# --- the site map -------------------------------------------------------------


def plan_pages(graph: Graph, analysis: Analysis) -> list[Output]:
    """The whole site map: every page, its template, its context and its sources.

    Pages of a feature that lives in its own module are planned there and
    added at the end (``pages += module.plan(graph, analysis)``)."""
    claims = analysis.claims_in_order()
    # Long lists continue on numbered pages (see paginate.py). The longer
    # lists are ordered once, when the first of their pages is rendered.
    articles = cache(lambda: sorted_articles(graph))
    actors = sorted_actors(analysis)
    updates = cache(lambda: all_updates(claims))
    pages: list[Output] = [Page("index.html", "home.html", "home", EVERYTHING, lambda: home_context(graph, analysis))]
    pages += list_pages("claims", "claims.html", len(claims), lambda p: {"claims": p.slice(claims)})
    pages += list_pages("actors", "actors.html", len(actors), lambda p: actors_context(p, actors))
    pages += list_pages("outlets", "outlets.html", len(analysis.outlets),
                        lambda p: {"outlets": p.slice(list(analysis.outlets.values()))})
    pages += list_pages("articles", "articles.html", len(graph.articles),
                        lambda p: {"articles": p.slice(articles()), "graph": graph})
    pages += list_pages("compare", "compare.html", len(claims), lambda p: compare_context(analysis, p))
    pages += list_pages("compare/outlets", "compare_outlets.html", len(claims),
                        lambda p: {"matrix": analysis.outlet_matrix, "rows": p.slice(analysis.outlet_matrix.rows)},
                        nav="compare")
    pages += list_pages("updates", "updates.html", sum(len(item.claim.updates) for item in claims),
                        lambda p: {"updates": p.slice(updates())})
    for item in claims:
        related = graph.related.get(item.claim.id, [])
        pages.append(Page(
            urls.claim_path(item.claim), "claim.html", "claims",
            sources_of(item.quotes, item.claim.path, *(r.claim.path for r in related)),
            partial(lambda item, related: {
                "item": item, "related": related, "analysis_html": body_html(item.claim.document),
                "claim_review": claim_review_json(item, graph),  # JSON-LD, None when unrated
            }, item, related),
        ))
    for item in analysis.actors.values():
        actor = item.actor
        related = [q for said in item.claims for q in said.quotes] + item.relayed
        others = [a.path for a in item.members] + ([item.affiliation.path] if item.affiliation else [])
        # what "Counted as" says: its own chain, and the chain of each actor counted under it
        others += [a.path for a in item.chain] + [a.path for m in item.counted_with for a in graph.chains[m.id]]
        # ... and the articles that make each of those actors one with statements:
        # deleting an actor's last statement takes it off the list
        others += [q.article.path for m in item.counted_with for q in graph.quotes_by_actor.get(m.id, [])]
        pages.append(Page(
            urls.actor_path(actor), "actor.html", "actors",
            sources_of(related, actor.path, *others),
            partial(lambda item: {"item": item, "bio_html": body_html(item.actor.document)}, item),
        ))
    for item in analysis.outlets.values():
        related = [q for said in item.claims for q in said.quotes] + item.relayed
        pages.append(Page(
            urls.outlet_path(item.outlet), "outlet.html", "outlets",
            sources_of(related, item.outlet.path, *(a.path for a in item.articles)),
            partial(lambda item: {"item": item, "context_html": body_html(item.outlet.document)}, item),
        ))
    for article in graph.articles.values():
        pages.append(Page(
            urls.article_path(article), "article.html", "articles",
            sources_of(graph.quotes_by_article.get(article.id, []), article.path, graph.outlets[article.outlet_id].path),
            partial(article_context, graph, article),
        ))
    from . import sitepages  # here, not at the top: sitepages builds on this module's Page
    pages += sitepages.plan(graph)  # the editors' own pages: /about/…
    from . import opendata  # here, not at the top: opendata builds on this module's Page and DataFile
    pages += opendata.plan(graph, analysis)  # /data/* and /about/data/
    from . import structured
    pages += structured.plan(graph, analysis)  # /data/claimreview.json
    from . import feeds
    # The sitemap reads this list when it is written: add later pages to it in place (+=).
    pages += feeds.plan(graph, analysis, pages)  # Atom feeds, sitemap.xml, robots.txt
    sitepages.linked_from_every_page(pages, graph)  # every footer links the editors' pages
    return pages


def claim_review_json(item: ClaimAnalysis, graph: Graph) -> Markup | None:
    """A claim page's schema.org ClaimReview, ready for its <script> element."""
    from . import structured  # here, not at the top: structured builds on this module's DataFile

    return structured.claim_review_script(item, graph)


def all_updates(claims: list[ClaimAnalysis]) -> list[tuple[Update, ClaimAnalysis]]:
    """Every correction and update on the site, newest first."""
    return sorted(
        ((update, item) for item in claims for update in item.claim.updates),
        key=lambda pair: (pair[0].date, pair[1].claim.id),
        reverse=True,
    )


def sources_of(quotes: list[Quote], *paths: str) -> frozenset[str]:
    """The files a list of quotes shows something of, plus ``paths``: among
    them every actor on the speaker's affiliation chain, since each can
    change the origin the quote is counted under."""
    sources = set(paths)
    for quote in quotes:
        sources.update((quote.article.path, quote.claim.path, quote.outlet.path))
        sources.update(actor.path for actor in quote.chain)
        if quote.via:
            sources.add(quote.via.path)
        if quote.value_attributed_to:
            sources.add(quote.value_attributed_to.path)
    return frozenset(sources)


def list_pages(section: str, template: str, total: int,
               make_context: Callable[[paginate.Pagination], dict[str, Any]], nav: str | None = None) -> list[Page]:
    """A list of ``total`` items as pages of ``paginate.PAGE_SIZES[section]``:
    ``section/index.html``, then ``section/page/2/index.html``… Every page shows
    a slice of something site-wide, so its sources are EVERYTHING. ``nav``: the
    navigation's section, when not ``section`` itself."""
    return [
        Page(pagination.path, template, nav or section, EVERYTHING,
             partial(lambda pagination: {**make_context(pagination), "pagination": pagination}, pagination))
        for pagination in paginate.paginations(section, total)
    ]


def compare_context(analysis: Analysis, pagination: paginate.Pagination) -> dict[str, Any]:
    """One page of the claims × independent origins matrix. "Most contested"
    and the actor agreement are shown on the first page only (the template decides)."""
    return {
        "matrix": analysis.origin_matrix,
        "rows": pagination.slice(analysis.origin_matrix.rows),
        "most_contested": analysis.most_contested,
        "agreement": analysis.agreement,
    }


def home_claims(claims: list[ClaimAnalysis], shown_above: list[ClaimAnalysis] = ()) -> tuple[list[ClaimAnalysis], str]:
    """The claims the home page lists under the most contested (``shown_above``,
    never listed twice), and their heading: every other claim while there are
    at most ``paginate.HOME_CLAIMS``; beyond, that many of the most recently
    reviewed or updated (the /claims/ pages list them all)."""
    limit = paginate.HOME_CLAIMS
    above = {item.claim.id for item in shown_above}
    claims = [item for item in claims if item.claim.id not in above]
    if len(claims) <= limit:
        return claims, "Other claims" if above else "All claims"
    from .feeds import latest_date  # here, not at the top: feeds builds on this module

    dated = [item for item in claims if latest_date(item)]
    if not dated:  # no editorial dates at all: the widest-reported, as /claims/ begins
        return claims[:limit], "Most widely reported"
    dated.sort(key=lambda item: (-latest_date(item).toordinal(), item.claim.id))
    return dated[:limit], "Recently reviewed"


def home_context(graph: Graph, analysis: Analysis) -> dict[str, Any]:
    claims, heading = home_claims(analysis.claims_in_order(), analysis.most_contested)
    return {
        "claims": claims,
        "claims_heading": heading,
        "most_contested": analysis.most_contested,
        "counts": {
            "claims": len(graph.claims),
            "articles": len(graph.articles),
            "actors": len(graph.actors),
            "outlets": len(graph.outlets),
            "quotes": len(graph.quotes),
        },
    }


def sorted_actors(analysis: Analysis) -> list[ActorAnalysis]:
    """The actors list's order: people, then organisations, each by name."""
    actors = sorted(analysis.actors.values(), key=lambda a: (a.actor.name.casefold(), a.actor.id))
    return [a for a in actors if a.actor.kind == "person"] + [a for a in actors if a.actor.kind == "organisation"]


def actors_context(pagination: paginate.Pagination, actors: list[ActorAnalysis]) -> dict[str, Any]:
    shown = pagination.slice(actors)
    return {
        "people": [a for a in shown if a.actor.kind == "person"],
        "organisations": [a for a in shown if a.actor.kind == "organisation"],
        "counts": {kind: sum(1 for a in actors if a.actor.kind == kind) for kind in ("person", "organisation")},
    }


def sorted_articles(graph: Graph) -> list[Article]:
    return sorted(graph.articles.values(), key=article_order)


def article_context(graph: Graph, article: Article) -> dict[str, Any]:
    from . import annotate  # here, not at the top: annotate builds on this module's stance labels

    quotes = graph.quotes_by_article.get(article.id, [])
    numbers = {id(q): n for n, q in enumerate(quotes, start=1)}
    return {
        "article": article,
        "outlet": graph.outlets[article.outlet_id],
        "claims_in_article": annotate.claims_in_article(quotes),
        "quotes": quotes,
        "numbered": [(numbers[id(q)], q) for q in quotes],
        "numbers": {q.mention.anchor: numbers[id(q)] for q in quotes},
        "body_html": annotate.article_html(article, quotes, numbers, graph.config.language),
    }
