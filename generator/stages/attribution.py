"""What makes a passage look like an attributed statement: the one list to extend.

``check --coverage`` (``coverage.py``) lists the passages of an article
that look like someone's statement and that no mention covers: text in
quotation marks (the marks of ``core/quotationmarks.py``, every language's),
and sentences with one of the reporting verbs below, in the article's
language (its ``language``, else the site's). A language without a list
here gets quotation marks only.

Add a form or a language here; nothing else needs to change. Entries are
matched as whole words, in any case; a space stands for any run of spaces.
"""

from __future__ import annotations

REPORTING_VERBS: dict[str, tuple[str, ...]] = {
    "en": (
        "said", "says", "saying",
        "told", "tells", "telling",
        "according to",
        "claimed", "claims", "claiming",
        "denied", "denies", "deny", "denying",
        "added", "adds", "adding",
        "stated", "states",
        "announced", "announces",
        "insisted", "insists",
        "warned", "warns",
        "confirmed", "confirms",
        "alleged", "alleges",
        "accused", "accuses",
        "rejected", "rejects",
        "decried", "decries",
        "reported", "reports",
        "citing",
    ),
}

# Fewer words than this between quotation marks are a word or a term put in
# quotes, not a statement: the example content's three such quotations are
# “international terrorists”, “most” and “courier”, each inside a sentence
# with a reporting verb anyway.
MIN_QUOTED_WORDS = 3
