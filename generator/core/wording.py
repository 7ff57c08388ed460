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
these words ("Asserted", "Disputed", "Neutral"), see
:func:`stance_word_in`.
"""

from __future__ import annotations

import re

from .model import BOTH, DISPUTES, NEUTRAL, SUPPORTS

# Labels: headings, badges, legends ("✓ Asserts").
STANCE_LABELS = {SUPPORTS: "Asserts", DISPUTES: "Disputes", NEUTRAL: "Neutral"}
# Before a noun: "3 asserting, 1 disputing, 0 neutral mentions".
STANCE_ADJECTIVES = {SUPPORTS: "asserting", DISPUTES: "disputing", NEUTRAL: "neutral"}
# In a sentence about a claim: "<speaker> asserts the claim: …".
STANCE_VERBS = {SUPPORTS: "asserts", DISPUTES: "disputes", NEUTRAL: "is neutral on"}
# At the head of a stance's count: "Asserted by 2 independent origins" (stancebars.py).
STANCE_COUNT_HEADS = {SUPPORTS: "Asserted by", DISPUTES: "Disputed by", NEUTRAL: "Neutral:"}
# The sign beside a stance's label ("✓ Asserts"), hidden from screen readers.
STANCE_ICONS = {SUPPORTS: "✓", DISPUTES: "✗", NEUTRAL: "○"}
# An origin's position on a claim (tallies.position_of): a stance, or both sides.
POSITION_LABELS = {**STANCE_LABELS, BOTH: f"{STANCE_LABELS[SUPPORTS]} and {STANCE_LABELS[DISPUTES].lower()}"}
# An actor's position in a pair of actors compared ("both assert it"): "asserts", "said both".
POSITION_VERBS = {SUPPORTS: "asserts", DISPUTES: "disputes", NEUTRAL: "neutral", BOTH: "said both"}

# The stems every form of the stance words above shares: "assert" (asserts,
# asserted, asserting), "disput" (dispute, disputes, disputed, disputing), "neutral".
STANCE_STEMS = ("assert", "disput", "neutral")
WORD = re.compile(r"[^\W\d_]+")


def stem(word: str) -> str:
    """A word without the endings English adds to these verbs: "Disputed" → "disput"."""
    word = word.casefold()
    for ending in ("ing", "ed", "es", "s", "e"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def stance_word_in(label: str) -> str | None:
    """The word of ``label`` that readers would take for a stance, if any:
    "Widely disputed" → "disputed"; "Supported" → None."""
    return next((word for word in WORD.findall(label) if stem(word) in STANCE_STEMS), None)
