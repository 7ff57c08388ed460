"""The quote to write for a selection on the page (generator/annotation/selection.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.annotation.selection import Selected, SelectionProblem, article_document, quote_for
from generator.stages.quotes import find_quote

BODY = (
    "---\ntitle: t\noutlet: o\n---\n"
    "The mayor said the bridge was *late* and over budget.\n\n"
    "“It was late,” the critic said. It was late, the mayor agreed, and it was late again in May.\n\n"
    "The council said nothing. The council said nothing.\n\n"
    "Costs rose... and rose.\n\n"
    "No comment.\n\nNo comment.\n"
)
TEXT = article_document("content/articles/a.md", BODY.encode()).text


def quote(text, before="", after=""):
    return quote_for(Selected(text, before, after), TEXT)


def test_the_quote_is_the_articles_text_not_the_browsers():
    # Emphasis is not in the text a reader sees; the browser's line breaks and spaces are forgiven.
    passage = quote("the bridge\n was  late and")
    assert passage.quote == "the bridge was late and"
    assert find_quote(passage.quote, TEXT).found and not passage.extended


def test_a_selection_inside_words_is_widened_to_whole_words():
    assert quote("ayor said the brid").quote == "mayor said the bridge"


def test_typographic_marks_and_dashes_are_matched_as_the_build_matches_them():
    assert quote('"It was late," the critic').quote == "“It was late,” the critic"


def test_the_surroundings_choose_between_occurrences_and_the_quote_is_extended_until_unique():
    passage = quote("It was late", before="the critic said. ", after=", the mayor agreed")
    assert passage.extended and find_quote(passage.quote, TEXT).found
    assert TEXT[passage.start:passage.end] == passage.quote
    chosen = TEXT.index("It was late, the")
    assert passage.start < chosen < passage.end and passage.quote == "said. It was late,"


def test_an_occurrence_the_surroundings_do_not_tell_apart_asks_for_more():
    with pytest.raises(SelectionProblem) as problem:
        quote("The council said")
    assert problem.value.code == "select-more"


def test_a_passage_repeated_as_a_whole_paragraph_asks_for_more():
    with pytest.raises(SelectionProblem) as problem:
        quote("No comment.", before="No comment. ")
    assert problem.value.code == "select-more"


def test_a_selection_across_two_paragraphs_is_refused():
    with pytest.raises(SelectionProblem) as problem:
        quote("over budget.\n\n“It was late,”")
    assert problem.value.code == "two-paragraphs"


@pytest.mark.parametrize("text, code", [("not in the article", "not-found"), (" ,. ", "empty"),
                                        ("Costs rose... and", "ellipsis")])
def test_other_selections_are_refused_with_a_reason(text, code):
    with pytest.raises(SelectionProblem) as problem:
        quote(text)
    assert problem.value.code == code


def test_a_right_to_left_selection_is_quoted_as_the_file_writes_it():
    path = Path(__file__).resolve().parent.parent / "fixtures/rtl-site/content/articles/ferry-starts-dari.md"
    text = article_document("content/articles/ferry-starts-dari.md", path.read_bytes()).text
    # A browser's selection of a Dari passage, with straight marks where the text has « » and a line break.
    passage = quote_for(Selected('گفت: "کشتی درست\nبه وقت معین آماده شد."'), text)
    assert passage.quote == "گفت: «کشتی درست به وقت معین آماده شد.»"
    assert find_quote(passage.quote, text).found


def test_only_problems_an_edit_adds_count_not_those_the_article_had():
    from generator.annotation.selection import problems_added

    rel = "content/articles/taliban-deny-ties-al-qaeda.md"
    text = (Path(__file__).resolve().parents[2] / rel).read_text(encoding="utf-8")
    # An article that already fails: a quote the text does not have (lines below it move with each edit).
    broken = text.replace("    stance: supports\n", "    stance: supports\n    quote: words the article never says\n", 1)
    broken = broken.replace("    quote: Taliban spokesperson", "    note: first\n    quote: Taliban spokesperson", 1)
    assert problems_added(rel, text.encode(), broken)  # what it had, added by this edit
    moved = broken.replace("mentions:\n", "mentions:\n  - claim: no-al-qaeda-in-taliban-ranks\n    stance: neutral\n"
                           "    quote: Taliban spokesperson Zabihullah Mujahid told Sputnik\n", 1)
    assert problems_added(rel, broken.encode(), moved) == []  # the old problem, on another line, is not new
    emptied = broken.replace("    note: first\n", "    note: '  '\n", 1)
    (added,) = problems_added(rel, broken.encode(), emptied)
    assert "note" in added.message
