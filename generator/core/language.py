"""Language tags and writing direction.

The site has one language (``language`` in site.yaml) for its own words, the
"chrome"; an article may name another (``language`` in its front matter), and
its title, text and quotes are then marked up with that ``lang`` and the
``dir`` it is written in, so that right-to-left sources (Dari, Pashto, …)
render correctly inside an English page.
"""

from __future__ import annotations

import re

# A BCP 47 tag, as far as a content file needs: a primary language (2-3
# letters), then an optional script (4 letters), region (2 letters or 3
# digits) and variants. Extensions and private-use tags are not accepted.
LANGUAGE_TAG = re.compile(
    r"[A-Za-z]{2,3}"
    r"(?:-[A-Za-z]{4})?"
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
)

# Scripts written right to left (ISO 15924 codes, as the script subtag of a
# tag: "ku-Arab", "az-Arab", "pa-Arab").
RTL_SCRIPTS = frozenset({"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg", "mand", "samr"})
# Languages whose usual script is right to left, when the tag names no script:
# Arabic, Aramaic, Sorani Kurdish, Divehi, Persian, Dari, Gilaki, Hebrew,
# Kashmiri, Mazandarani, N'Ko, Western Punjabi, Pashto, Sindhi, Syriac,
# Uyghur, Urdu, Yiddish. A language usually written left to right in another
# script ("ku", "az", "pa") is right to left only with its script subtag.
RTL_LANGUAGES = frozenset({
    "ar", "arc", "ckb", "dv", "fa", "glk", "he", "ks", "mzn", "nqo",
    "pnb", "prs", "ps", "sd", "syr", "ug", "ur", "yi",
})


def is_language_tag(tag: str) -> bool:
    return bool(LANGUAGE_TAG.fullmatch(tag))


def text_direction(tag: str | None) -> str:
    """"rtl" or "ltr" for a language tag: the script subtag decides when there
    is one ("ku-Arab" → rtl, "fa-Latn" → ltr), else the language."""
    if not tag:
        return "ltr"
    subtags = tag.lower().split("-")
    script = next((s for s in subtags[1:] if len(s) == 4 and s.isalpha()), None)
    if script is not None:
        return "rtl" if script in RTL_SCRIPTS else "ltr"
    return "rtl" if subtags[0] in RTL_LANGUAGES else "ltr"


def same_language(tag: str | None, other: str | None) -> bool:
    return (tag or "").lower() == (other or "").lower()
