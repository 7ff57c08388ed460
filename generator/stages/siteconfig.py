"""site.yaml checked: the site's settings, the verdict scale, the publisher and the licence.

Every problem is reported at its line of site.yaml, as for content files
(``fields.FieldChecker``). Besides errors, two warnings protect readers:
a verdict colour that white labels cannot be read on, and a verdict label
that uses a stance's word (``wording.py``).
"""

from __future__ import annotations

from ..core.diagnostics import Diagnostics
from ..core.language import is_language_tag
from ..core.layout import CONFIG_FILE, DEFAULT_OUTPUT
from ..core.model import Publisher, SiteConfig, Verdict
from ..core.translations import Interface
from ..core.wording import STANCE_LABELS, stance_word_in, translated
from . import schema
from .contrast import AA_NORMAL_TEXT, WHITE, contrast_ratio
from .fields import FieldChecker, describe
from .load import YamlMap

DEFAULT_LANGUAGE = "en"  # of a site whose site.yaml names none


def site_language(config: YamlMap | None) -> str:
    """The language site.yaml names, read even when the rest of it has problems."""
    value = config.get("language") if config is not None else None
    return value.strip() if isinstance(value, str) and is_language_tag(value.strip()) else DEFAULT_LANGUAGE


def validate_config(config: YamlMap | None, checker: FieldChecker, words: Interface | None = None) -> SiteConfig | None:
    """``words``: the site's language, whose own stance words a verdict label should not use either."""
    if config is None:
        return None
    values = checker.check(config, schema.CONFIG, CONFIG_FILE, CONFIG_FILE)
    verdicts = []
    if "verdicts" in config:
        seen: dict[str, int] = {}
        items = checker.items(config["verdicts"], CONFIG_FILE, config.line_of("verdicts"), "verdicts")
        for rank, (item, line) in enumerate(items):
            fields = checker.check(item, schema.VERDICT, CONFIG_FILE, "a verdict")
            if len(fields) < len(schema.VERDICT):
                continue
            if fields["id"] in seen:
                checker.diagnostics.error(
                    CONFIG_FILE, item.line_of("id"),
                    f"duplicate verdict id '{fields['id']}' (first on line {seen[fields['id']]})",
                )
                continue
            seen[fields["id"]] = item.line_of("id")
            verdicts.append(Verdict(rank=len(verdicts), **fields))
            warn_about_low_contrast(fields["colour"], item.line_of("colour"), checker.diagnostics)
            warn_about_stance_words(fields["label"], item.line_of("label"), checker.diagnostics, words)
        if not items:
            checker.diagnostics.error(CONFIG_FILE, config.line_of("verdicts"), "'verdicts': the scale needs at least one verdict")
    publisher = validate_publisher(config, checker)  # checked even when the rest fails
    if "title" not in values or not verdicts:
        return None
    return SiteConfig(
        title=values["title"],
        description=values.get("description", ""),
        base_url=values.get("base_url", "/"),
        language=values.get("language", DEFAULT_LANGUAGE),
        verdicts=tuple(verdicts),
        output=values.get("output", DEFAULT_OUTPUT),
        publisher=publisher,
        licence=values.get("licence"),
    )


def validate_publisher(config: YamlMap, checker: FieldChecker) -> Publisher | None:
    """site.yaml's optional ``publisher: {name, url}``."""
    value = config.get("publisher")
    if value is None:
        return None
    if not isinstance(value, YamlMap):
        checker.diagnostics.error(
            CONFIG_FILE, config.line_of("publisher"),
            f"'publisher': expected a mapping with name and url, got {describe(value)}",
        )
        return None
    fields = checker.check(value, schema.PUBLISHER, CONFIG_FILE, "publisher")
    return Publisher(**fields) if "name" in fields else None


def warn_about_low_contrast(colour: str, line: int, diagnostics: Diagnostics) -> None:
    """Verdict badges are white text on the verdict's colour: below WCAG AA's
    4.5:1 some readers cannot read the label."""
    ratio = contrast_ratio(colour, WHITE)
    if ratio < AA_NORMAL_TEXT:
        diagnostics.warning(
            CONFIG_FILE, line,
            f"'colour': white text on {colour} has a contrast ratio of {ratio:.2f}:1, below the "
            f"{AA_NORMAL_TEXT}:1 WCAG AA asks for; verdict labels are white, so choose a darker colour",
        )


def warn_about_stance_words(label: str, line: int, diagnostics: Diagnostics, words: Interface | None = None) -> None:
    """A verdict labelled with a stance's word reads as one: "Claims they
    disputed: Disputed 2" mixes what speakers did with what the editors found;
    the words are the site's language's (``words``), as its pages show them."""
    word = stance_word_in(label, words)
    if word:
        labels = translated(STANCE_LABELS, words) if words is not None else STANCE_LABELS
        stances = ", ".join(f"“{label}”" for label in labels.values())
        diagnostics.warning(
            CONFIG_FILE, line,
            f"'label': '{label}' uses '{word}', a word pages use for what a speaker does with a claim "
            f"({stances}); readers would take the verdict for a stance: choose a word of its own",
        )
