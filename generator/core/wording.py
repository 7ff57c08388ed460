"""The words a reader meets for stances, and the rule that verdicts never use them.

A stance is what a speaker does with a claim; a verdict is what the editors
conclude about it. When both were "supported" a reader met "Claims they
supported: Supported 3", which reads as one fact and is two. So stances
have words of their own, which no verdict label may share: a speaker
*asserts* a claim, *disputes* it, or is *neutral* on it; a claim is
"asserted by" or "disputed by" someone. The data files keep the content
model's ids (``supports``, ``disputes``, ``neutral``): only display words
live here.

``check`` warns about a verdict label in site.yaml that shares a stem with
these words ("Asserted", "Disputed", "Neutral"), or, on a site in another
language, with their translations ("Contesté" in French), see
:func:`stance_word_in`.

The words are English msgids (marked with ``N_``): pages show them in the
site's language, each translated where it is used (``translated``; the
Jinja environment offers the translated tables to the templates).
"""

from __future__ import annotations

import re
import unicodedata

from .model import BOTH, DISPUTES, NEUTRAL, SUPPORTS, Article
from .translations import N_, Interface, N_plural

# Labels: headings, badges, legends ("✓ Asserts").
STANCE_LABELS = {SUPPORTS: N_("Asserts"), DISPUTES: N_("Disputes"), NEUTRAL: N_("Neutral")}
# Before a noun: "3 asserting, 1 disputing, 0 neutral mentions".
STANCE_ADJECTIVES = {SUPPORTS: N_("asserting"), DISPUTES: N_("disputing"), NEUTRAL: N_("neutral")}
# In a sentence about a claim: "<speaker> asserts the claim: …".
STANCE_VERBS = {SUPPORTS: N_("asserts"), DISPUTES: N_("disputes"), NEUTRAL: N_("is neutral on")}
# A stance's count of independent origins, singular and plural: "Asserted by 2
# independent origins" (stancebars.py); one message per stance, so that each
# language can word it whole.
STANCE_COUNT_HEADS = {
    SUPPORTS: N_plural("Asserted by %(num)s independent origin", "Asserted by %(num)s independent origins"),
    DISPUTES: N_plural("Disputed by %(num)s independent origin", "Disputed by %(num)s independent origins"),
    NEUTRAL: N_plural("Neutral: %(num)s independent origin", "Neutral: %(num)s independent origins"),
}
# The sign beside a stance's label ("✓ Asserts"), hidden from screen readers.
STANCE_ICONS = {SUPPORTS: "✓", DISPUTES: "✗", NEUTRAL: "○"}
# An origin's position on a claim (tallies.position_of): a stance, or both sides.
POSITION_LABELS = {**STANCE_LABELS, BOTH: N_("Asserts and disputes")}
# An actor's position in a pair of actors compared ("Ana asserts; Bo is neutral."): "asserts", "said both".
POSITION_VERBS = {SUPPORTS: N_("asserts"), DISPUTES: N_("disputes"), NEUTRAL: N_("is neutral"), BOTH: N_("said both")}


# After an article's title where a page or text cites it, when the editors wrote it (the source gives none).
TITLE_BY_EDITORS = N_("(title by the editors)")


def cited_title(article: Article, words: Interface) -> str:
    """An article's title where a text cites it, saying so when the editors
    wrote it, as the pages do beside it (``environment.title_note``)."""
    if article.title_by_editors:
        return f"{article.title} {words.gettext(TITLE_BY_EDITORS)}"
    return article.title


def translated(table: dict[str, str], words: Interface) -> dict[str, str]:
    """A table of the words above in the site's language."""
    return {key: words.gettext(message) for key, message in table.items()}

# The stems every form of the stance words above shares: "assert" (asserts,
# asserted, asserting), "disput" (dispute, disputes, disputed, disputing), "neutral".
STANCE_STEMS = ("assert", "disput", "neutral")
# A word, with the combining marks \w leaves out (accents, Arabic's short vowels: "مؤكِّدة") and the
# zero-width non-joiner inside Persian words ("بی‌طرف" is one word).
WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|[\u0300-\u036f\u064b-\u065f\u0670\u200c])*")
# A translated stance word shorter than this says too little to be looked for ("qui", "رد").
SHORTEST_OWN_WORD = 4


def stem(word: str) -> str:
    """A word without the endings English adds to these verbs: "Disputed" → "disput"."""
    word = word.casefold()
    for ending in ("ing", "ed", "es", "s", "e"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def stance_word_in(label: str, words: Interface | None = None) -> str | None:
    """The word of ``label`` that readers would take for a stance, if any:
    "Widely disputed" → "disputed"; "Supported" → None. With ``words``, the
    site's language: also a word sharing a stem with its own stance words
    ("Contesté" beside the French "Conteste"; "تأییدشده" beside the Dari "تأیید")."""
    found = next((word for word in WORD.findall(label) if stem(word) in STANCE_STEMS), None)
    if found is not None or words is None:
        return found
    own = own_stance_words(words)
    return next((word for word in WORD.findall(label) if any(shares_stem(folded(word), mine) for mine in own)), None)


def own_stance_words(words: Interface) -> set[str]:
    """The words of the stances' labels and adjectives in the site's language,
    folded; a word two stances share ("می‌کند", "does") names neither."""
    by_stance = [{folded(word) for table in (STANCE_LABELS, STANCE_ADJECTIVES)
                  for word in WORD.findall(words.gettext(table[stance])) if len(folded(word)) >= SHORTEST_OWN_WORD}
                 for stance in (SUPPORTS, DISPUTES, NEUTRAL)]
    shared = {word for one in by_stance for other in by_stance if other is not one for word in one & other}
    return set().union(*by_stance) - shared


def shares_stem(word: str, stance_word: str) -> bool:
    """Languages inflect at the end: "contestée", "conteste"; "refutado", "refuta". Without a
    stemmer for each, two words that differ only in their last two letters or what follows share one."""
    common = 0
    for mine, theirs in zip(word, stance_word):
        if mine != theirs:
            break
        common += 1
    return common >= max(SHORTEST_OWN_WORD, min(len(word), len(stance_word)) - 2)


def folded(word: str) -> str:
    """Without case or accents (nor Arabic's short vowels): "Contesté" → "conteste"."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).casefold()
