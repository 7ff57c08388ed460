"""The cross-file half of validation: what no file can tell on its own.

Each file was checked alone (``records.py``), collecting the ids it refers
to; here, once every file is known, the ids are resolved (with a
suggestion for a near miss), an affiliation must name an organisation, and
a claim that no article mentions is worth a warning.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.diagnostics import Diagnostic, Diagnostics, did_you_mean
from ..core.layout import CONFIG_FILE, SEEDS_DIR, content_folder
from ..core.language import same_language
from ..core.model import Actor, Article
from .fields import ID_PATTERN, Reference, missing_key
from .load import YamlList, YamlMap
from .sitefiles import seed_names


def declared_verdicts(config: YamlMap | None) -> set[str] | None:
    """Ids of the verdicts site.yaml lists, even those with other problems;
    None when the scale itself is missing or broken (nothing to check against)."""
    if config is None or not isinstance(config.get("verdicts"), YamlList):
        return None
    ids = {item["id"] for item in config["verdicts"] if isinstance(item, YamlMap) and isinstance(item.get("id"), str)}
    return ids or None


# What an id written in a file names (``fields.Reference.target``), by the
# kinds of record it may be; the other targets (verdict, seed) name no record.
REFERENCED_KINDS = {"claim": ("claim",), "actor": ("actor",), "outlet": ("outlet",),
                    "source": ("actor", "outlet"), "organisation": ("actor",)}


def check_references(
    references: list[Reference],
    records: dict[str, dict[str, Any]],
    declared: dict[str, set[str]],
    verdicts: set[str] | None,
    root: Path,
    diagnostics: Diagnostics,
) -> None:
    seeds = seed_names(root)
    known = {target: set().union(*(declared[kind] for kind in kinds)) for target, kinds in REFERENCED_KINDS.items()}
    known.update({"verdict": verdicts, "seed": seeds})
    names = {"source": "actor or outlet", "organisation": "organisation", "seed": "seed file"}
    for ref in references:
        candidates = known[ref.target]
        if candidates is None:  # site.yaml's scale is broken: verdicts can't be checked
            continue
        if ref.value not in candidates:
            what = names.get(ref.target, ref.target)
            where = f" in {SEEDS_DIR}/" if ref.target == "seed" else (f" in {CONFIG_FILE}" if ref.target == "verdict" else "")
            suggestion = did_you_mean(ref.value, candidates)
            hint = outlets_hint(candidates, ref.value if not suggestion else None) if ref.target == "outlet" else ""
            diagnostics.error(
                ref.path, ref.line,
                f"'{ref.key}': unknown {what} '{ref.value}'{where}{suggestion}{hint}",
            )
        elif ref.target == "organisation" and is_person(records["actor"].get(ref.value)):
            diagnostics.error(
                ref.path, ref.line,
                f"'{ref.key}': '{ref.value}' is a person; affiliation must name an organisation actor",
            )


# An article's outlet that is missing or unknown is reported with the outlets
# there are, when there are no more than this; else with how many.
LISTED_OUTLETS_MAX = 10
MISSING_OUTLET = missing_key("outlet", "the front matter")  # only an article has an 'outlet'


def outlets_hint(outlets: set[str], new_id: str | None = None) -> str:
    """What an article's 'outlet' may name: the outlets there are, and how
    to create one (``factcheck new outlet``, with ``new_id`` when it is one)."""
    create = f"'factcheck new outlet {new_id if new_id and ID_PATTERN.fullmatch(new_id) else 'ID'}'"
    if not outlets:
        return f"; there is no outlet yet: to create one, run {create}"
    if len(outlets) <= LISTED_OUTLETS_MAX:
        known = f"existing outlets: {', '.join(sorted(outlets))}"
    else:
        known = f"{len(outlets)} outlets exist in {content_folder('outlet')}/"
    return f"; {known}; to create one, run {create}"


def with_outlets_hint(diagnostics: Diagnostics, outlets: set[str]) -> None:
    """Add :func:`outlets_hint` to each article's missing 'outlet': a file
    checked on its own (and cached so) cannot know the outlets there are."""
    diagnostics.items[:] = [
        Diagnostic(d.path, d.line, d.message + outlets_hint(outlets), d.severity) if d.message == MISSING_OUTLET else d
        for d in diagnostics.items
    ]


def affiliation_lines(references: list[Reference]) -> dict[str, int]:
    """The line of each actor file's 'affiliation' key, by actor id."""
    return {Path(ref.path).stem: ref.line for ref in references if ref.target == "organisation"}


def is_person(actor: Actor | None) -> bool:
    return actor is not None and actor.kind == "person"


def warn_about_empty_claims(records: dict[str, dict[str, Any]], diagnostics: Diagnostics) -> None:
    mentioned = {m.claim_id for a in records["article"].values() for m in a.mentions}
    for claim in records["claim"].values():
        if claim.id not in mentioned:
            diagnostics.warning(claim.path, 1, f"claim '{claim.id}' has no mentions in any article")


def check_translations(articles: dict[str, Article], site_language: str, diagnostics: Diagnostics) -> None:
    """A quote's ``translation`` is for an article in another language than
    the site's. Given for one in the site's own language, it is an error
    rather than a warning: the article's ``language`` is missing or wrong
    (pages would set its text in the site's language and direction), or the
    editor meant another field; either way the page would show the quote
    twice in one language."""
    for article in articles.values():
        if not same_language(article.language or site_language, site_language):
            continue
        for mention in article.mentions:
            if mention.translation is not None:
                diagnostics.error(
                    article.path, mention.line,
                    f"this quote has a 'translation', and the article is in the site's language "
                    f"({site_language}): give the article's 'language' if it is written in another, "
                    f"else remove 'translation'",
                )
