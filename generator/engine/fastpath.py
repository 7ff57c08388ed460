"""The preview's fast path: an edited article's own page, re-rendered at once.

``serve`` shows the page of an article being edited within ~150 ms of the
save, before the full run of the pipeline (``pipeline.py``) that follows and
brings everything else up to date. It renders with the same renderer as
that run, from the last good run's model with just the edited article
replaced (``link.with_article``); tests hold the page to be exactly what the
full run then renders for it.

Only an edit to existing, published articles qualifies, with no problem of
its own, every id it names known, and the same claims mentioned as before:
then the article's page depends on nothing the edit can have changed
elsewhere. Anything else is left to the full run.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Iterable, MutableMapping

from ..core.diagnostics import Diagnostics
from ..core.layout import content_folder
from ..core.markup import MarkdownConverter
from ..core.model import Content
from ..outputs import urls
from ..outputs.render import Renderer, TemplateProblem
from ..outputs.siteplan import article_context
from ..stages.link import with_article
from ..stages.sitefiles import is_readable_input
from ..stages.crossfile import check_references
from ..stages.validate import CheckedFile
from .cache import checked_key
from .pipeline import Built
from .prepare import ContentFile, check_one


def edited_article_pages(root: Path, changed: Iterable[str], built: Built, renderer: Renderer,
                         remembered: MutableMapping[str, CheckedFile], drafts: bool) -> dict[str, bytes] | None:
    """The pages of the edited articles (``changed``: input paths), or None
    when the change is anything else. The files checked here are added to
    ``remembered`` (by cache key), for the full run that follows."""
    changed = list(changed)
    if not changed or not all(path.startswith(f"{content_folder('article')}/") for path in changed):
        return None
    pages: dict[str, bytes] = {}
    for path in changed:
        page = article_page(root, path, built, renderer, remembered, drafts)
        if page is None:
            return None
        pages.update(page)
    return pages


def article_page(root: Path, path: str, built: Built, renderer: Renderer,
                 remembered: MutableMapping[str, CheckedFile], drafts: bool) -> dict[str, bytes] | None:
    if not is_readable_input(root, path):
        return None  # a link the full run reports (or a file gone)
    try:
        data = (root / path).read_bytes()
    except OSError:
        return None
    key = checked_key(path, data)
    checked = remembered.get(key) or check_one(
        ContentFile(path, "article", Path(path).stem, data, key), MarkdownConverter()
    )
    remembered[key] = checked
    article, old = checked.record, built.content.articles.get(Path(path).stem)
    if article is None or old is None or old.path != path or checked.problems or (article.draft and not drafts):
        return None
    if {m.claim_id for m in article.mentions} != {m.claim_id for m in old.mentions}:
        return None  # which claims have mentions at all can change warnings elsewhere
    if not references_resolve(checked.references, built.content, root):
        return None
    graph = with_article(built.graph, article, built.content)
    page_path = urls.article_path(article)
    planned = built.pages.get(page_path)
    if planned is None:
        return None
    page = replace(planned, make_context=partial(article_context, graph, graph.articles[article.id], renderer.interface))
    try:
        return {page_path: renderer.render(page, graph)}
    except TemplateProblem:
        return None


def references_resolve(references: list, content: Content, root: Path) -> bool:
    """True when every id an edited file names resolves in the last good content,
    by the same check the full validation makes."""
    records = {"article": content.articles, "claim": content.claims, "actor": content.actors, "outlet": content.outlets,
               "page": content.pages}
    declared = {kind: set(found) for kind, found in records.items()}
    verdicts = {verdict.id for verdict in content.config.verdicts}
    problems = Diagnostics()
    check_references(references, records, declared, verdicts, root, problems)
    return not problems.items
