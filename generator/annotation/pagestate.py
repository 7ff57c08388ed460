"""What an article page served by the preview tells its annotation form:
the digest of the file the page was made from, and the file's mentions.

The mentions are read from the file itself, checked as the build checks it
(``validate.check_file``), and only when the file is still the one the
served page was made from; otherwise (a rebuild is on its way, after which
the page reloads) there is nothing to tell. Each mention has its number in
the file (what ``edit`` and ``remove`` name) and the id of its highlight on
the page (``link.anchors_of``: the empty ``span.hl-anchor`` at the start of
its quote), so the form can find the mention of a highlight.

And the passages ``check --coverage`` would list as missing (attributed-looking,
no mention covers them, none skipped), as the text a reader sees, so the page
can mark them and start an annotation on one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.diagnostics import Diagnostics
from ..core.layout import content_file
from ..core.markup import MarkdownConverter
from ..core.model import Article
from ..engine.cache import digest
from ..stages.coverage import MISSING, article_passages
from ..stages.link import anchors_of
from ..stages.load import load_config, load_source
from ..stages.siteconfig import site_language
from ..stages.validate import check_file


def page_state(root: Path, article_id: str, served_digest: str | None) -> dict[str, Any] | None:
    rel = content_file("article", article_id)
    try:
        data = (root / rel).read_bytes()
    except OSError:
        return None
    if served_digest is None or digest(data) != served_digest:
        return None
    source = load_source(rel, "article", article_id, data, Diagnostics())
    article = check_file(source, MarkdownConverter()).record if source is not None else None
    if not isinstance(article, Article):
        return None
    return {"digest": served_digest, "mentions": [
        {"mention": index, "anchor": anchor, "claim": m.claim_id, "actor": m.actor_id, "via": m.via_id,
         "stance": m.stance, "quote": m.quote, "value": m.value, "unit": m.unit,
         "value_attributed_to": m.value_attributed_to, "note": m.note}
        for index, (m, anchor) in enumerate(zip(article.mentions, anchors_of(article.mentions)))
    ], "missing": missing_passages(root, article)}


def missing_passages(root: Path, article: Article) -> list[str]:
    """The text of each passage ``check --coverage`` lists as missing for the article."""
    text = article.document.text if article.document is not None else ""
    language = site_language(load_config(root, Diagnostics()))
    return [text[p.start:p.end] for p in article_passages(article, language) if p.status == MISSING]
