"""How quotes are shown (quotemarks.display_quote): the source's own marks at
a quote's ends left out, once, since every page puts its own around it; in
English, a quotation inside the quote in single marks."""

from __future__ import annotations

import pytest

from generator.outputs.quotemarks import display_quote


@pytest.mark.parametrize("stored, shown", [
    # a pair around the whole quote, in the styles of several languages
    ('"We have sufficient evidence…,"', "We have sufficient evidence…,"),
    ("“There is still clearly a close relationship,”", "There is still clearly a close relationship,"),
    ("‘foreign guests’", "foreign guests"),
    ("'foreign guests'", "foreign guests"),
    ("„Wir haben Beweise“", "Wir haben Beweise"),
    ("„Mamy dowody”", "Mamy dowody"),
    ("«کشتی درست به وقت معین آماده شد»", "کشتی درست به وقت معین آماده شد"),
    ("»Ja, wir haben«", "Ja, wir haben"),
    ("”Ja, vi har”", "Ja, vi har"),
    ("「証拠がある」", "証拠がある"),
    ("  “spaced”  ", "spaced"),
    # only once: marks nested inside stay
    ("“‘foreign guests’ staying here”", "‘foreign guests’ staying here"),
    ('"He said “no” today"', "He said “no” today"),
    # a mark at one end only: the quotation goes on beyond the excerpt
    ("“It was quite before the Doha accord that we had drafted rules for the all ‘foreign guests’ staying.",
     "It was quite before the Doha accord that we had drafted rules for the all ‘foreign guests’ staying."),
    ('"Taliban created a joint group', "Taliban created a joint group"),
    ("There is no al-Qaeda in Helmand and no one has been harmed,”", "There is no al-Qaeda in Helmand and no one has been harmed,"),
    ("«کشتی درست", "کشتی درست"),
    ("and they left.’", "and they left."),
])
def test_the_sources_marks_at_the_ends_are_left_out(stored, shown):
    assert display_quote(stored) == shown


@pytest.mark.parametrize("stored", [
    "plain words, no marks",
    # marks that pair up inside the quote
    "“None of them can operate separately,” he added.",
    'the mayor said "no" and left',
    # the first mark closes before the end: not one pair around the whole
    '"A" and "B"',
    "“A” and “B”",
    # apostrophes are not quotation marks
    "the Taliban’s ranks",
    "the students’",
    "'80s were different",
    "’tis done",
    # a ’ after a word inside ‘…’ could close it or be a possessive: left as it is
    "‘the students’ books’",
])
def test_other_quotes_are_shown_as_stored(stored):
    assert display_quote(stored) == stored


def test_display_is_idempotent_on_what_it_shows():
    once = display_quote("“It was quite before the accord,”")
    assert display_quote(once) == once


# --- a quotation inside an English quote ---------------------------------------------------------


@pytest.mark.parametrize("stored, shown", [
    # from the example: the source's quotation opens the quote and closes inside it
    ('"We have sufficient evidence that the relationship is still robust," Saraj added, citing the recent deaths.',
     "‘We have sufficient evidence that the relationship is still robust,’ Saraj added, citing the recent deaths."),
    ("“None of them can operate separately,” he added.", "‘None of them can operate separately,’ he added."),
    ("where Omar and other AQIS members “had been embedded”", "where Omar and other AQIS members ‘had been embedded’"),
    ('Omar’s "courier" to al-Qaeda, and "most" of whom', "Omar’s ‘courier’ to al-Qaeda, and ‘most’ of whom"),
    # a pair around the whole quote goes first; the one inside it is then nested in ours
    ('"He said “no” today"', "He said ‘no’ today"),
    ('("so-called" Brotherhood)', "(‘so-called’ Brotherhood)"),
])
def test_in_english_a_quotation_inside_takes_single_marks(stored, shown):
    assert display_quote(stored, "en") == shown
    assert display_quote(stored, "en-GB") == shown


@pytest.mark.parametrize("stored", [
    "“He said ‘no’ today,” she added",  # singles inside: it would not nest clearly
    'a 5" screen and a 7" one',  # inches: a mark that neither opens nor closes
    '"A" and "B',  # unpaired
    "plain words, the students’ books",
])
def test_double_marks_that_cannot_be_paired_stay(stored):
    assert display_quote(stored, "en") == stored


def test_other_languages_keep_the_sources_marks_inside():
    """German nests „…‚…‘…“ and French «…“…”…»: only the ends are left out."""
    stored = "„Er sagte “nein” heute“, fügte sie hinzu"
    assert display_quote(stored, "de") == stored
    assert display_quote("“None of them,” he added.", "fr") == "“None of them,” he added."
    assert display_quote("“None of them,” he added.") == "“None of them,” he added."  # no language: as stored
