"""``check --coverage``: every article's attributed-looking passages that no
mention covers, as notices (``stages/coverage.py`` finds them).

Each article's file is read again for its Markdown body: the records keep
only the text a reader sees, and the report names lines of the file
(``stages/sourcelines.py``). Only ``check --coverage`` does this, never a
build.
"""

from __future__ import annotations

from pathlib import Path

from ..core.diagnostics import Diagnostics
from ..core.model import Article
from ..stages.coverage import CoverageTotal, article_passages, report_coverage
from ..stages.load import load_config, read_text, split_front_matter
from ..stages.siteconfig import site_language
from ..stages.sourcelines import BodyLines
from .prepare import Prepared


def report_site_coverage(root: Path, prepared: Prepared, diagnostics: Diagnostics) -> CoverageTotal:
    """Coverage notices for every article that could be checked (those with
    problems of their own have no record, and are left out); the site's total."""
    language = site_language(load_config(root, Diagnostics()))
    articles = sorted(
        (checked.record for checked in prepared.checked.values() if checked.kind == "article" and checked.record),
        key=lambda article: article.path,
    )
    total = CoverageTotal()
    for article in articles:
        total += report_coverage(article, article_passages(article, language), body_lines(root, article), diagnostics)
    return total


def body_lines(root: Path, article: Article) -> BodyLines | None:
    """Lines of the article's file for places in its text; None when the file cannot be read now."""
    ignored = Diagnostics()  # the file was read and checked a moment ago: its problems are reported
    text = read_text(root / article.path, article.path, ignored)
    if text is None or article.document is None:
        return None
    _, body, body_line = split_front_matter(text, article.path, ignored)
    return BodyLines(body, body_line, article.document.text)
