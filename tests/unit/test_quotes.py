"""Quote anchoring: exactly whitespace, quotation marks and dashes are forgiven."""

from __future__ import annotations

import random
import re
import sys

import pytest

from generator.stages.quotes import (
    DASHES,
    DOUBLE_QUOTES,
    SINGLE_QUOTES,
    WHITESPACE,
    closest_passage,
    find_part,
    find_quote,
    normalise,
    quote_parts,
)


def found_text(quote: str, text: str) -> list[str]:
    """The passages of ``text`` a quote was anchored to (fails if not found once)."""
    anchor = find_quote(quote, text)
    assert anchor.found, anchor
    return [text[start:end] for start, end in anchor.spans]


# --- what is forgiven -------------------------------------------------------------


def test_exact_quote():
    assert found_text("finished the bridge", "We finished the bridge on time.") == ["finished the bridge"]


@pytest.mark.parametrize(
    "quote, text, passage",
    [
        ("the bridge is open", "Now the bridge\n  is   open.", "the bridge\n  is   open"),
        ("the  bridge\tis open", "Now the bridge is open.", "the bridge is open"),
        ("  the bridge is open ", "the bridge is open", "the bridge is open"),
        ("a b", "x a\u00a0b y", "a\u00a0b"),  # no-break space
    ],
)
def test_whitespace_differences_are_forgiven(quote, text, passage):
    assert found_text(quote, text) == [passage]


@pytest.mark.parametrize(
    "quote, text, passage",
    [
        ('"We finished on time," she said', "“We finished on time,” she said", "“We finished on time,” she said"),
        ("“We finished”", '"We finished"', '"We finished"'),
        ("the council's accounts", "the council’s accounts", "the council’s accounts"),
        ("the council’s accounts", "the council's accounts", "the council's accounts"),
        ("«non»", '"non"', '"non"'),
        ("‘maybe’", "'maybe'", "'maybe'"),
    ],
)
def test_quotation_mark_styles_are_forgiven(quote, text, passage):
    assert found_text(quote, text) == [passage]


@pytest.mark.parametrize(
    "quote, text, passage",
    [
        ("al-Qaeda - Taliban ties", "al-Qaeda – Taliban ties", "al-Qaeda – Taliban ties"),
        ("al-Qaeda - Taliban ties", "al-Qaeda—Taliban ties", "al-Qaeda—Taliban ties"),
        ("al-Qaeda—Taliban ties", "al-Qaeda - Taliban ties", "al-Qaeda - Taliban ties"),
        ("2019-2021", "2019–2021", "2019–2021"),
        ("on time -- mostly", "on time — mostly", "on time — mostly"),
        ("al‑Qaeda", "al-Qaeda", "al-Qaeda"),  # non-breaking hyphen
    ],
)
def test_dash_styles_are_forgiven(quote, text, passage):
    assert found_text(quote, text) == [passage]


def test_span_maps_back_onto_the_original_text():
    text = "He said:  “It   was — late.”  Then left."
    assert found_text('"It was - late."', text) == ["“It   was — late.”"]


# --- what is not forgiven ----------------------------------------------------------


@pytest.mark.parametrize(
    "quote, text",
    [
        ("the Bridge", "the bridge"),  # case
        ("the bridge opened", "the bridge, opened"),  # punctuation
        ("the bridge opened", "the bridge opens"),  # a different word
        ("colour", "color"),  # spelling
        ("the bridge", "the brídge"),  # accents
        ("12 million", "12,000,000"),  # numbers written differently
        ("the-bridge", "the bridge"),  # a dash is not a space
        ("the bridge", "thebridge"),
    ],
)
def test_nothing_else_is_forgiven(quote, text):
    anchor = find_quote(quote, text)
    assert not anchor.found
    assert anchor.count == 0
    assert anchor.spans == ()


# --- elisions -----------------------------------------------------------------------


@pytest.mark.parametrize("ellipsis", ["…", "...", " … ", " ... ", "…  "])
def test_elided_quote_has_one_span_per_part(ellipsis):
    text = "She added that the water is clean and that children can swim there again."
    assert found_text(f"the water is clean{ellipsis}swim there", text) == ["the water is clean", "swim there"]


def test_three_part_elision():
    text = "One, two, three, four, five."
    assert found_text("One … three … five", text) == ["One", "three", "five"]


def test_elided_parts_must_be_in_order():
    anchor = find_quote("swim … water", "the water is clean and you can swim")
    assert not anchor.found
    assert anchor.out_of_order
    assert anchor.missing_part == ""


def test_elided_quote_names_the_missing_part():
    anchor = find_quote("the water … dive there", "the water is clean and you can swim there")
    assert not anchor.found
    assert anchor.missing_part == "dive there"
    assert anchor.closest == "swim there"


def test_elision_parts_are_normalised_too():
    assert quote_parts("“It was”  …  late — very") == ['"It was"', "late-very"]


@pytest.mark.parametrize("quote", ["…", "...", " … ... ", ""])
def test_quote_of_nothing_is_empty(quote):
    anchor = find_quote(quote, "some text")
    assert anchor.empty and not anchor.found


# --- ambiguity ----------------------------------------------------------------------------


def test_ambiguous_quotes_are_counted():
    text = "It was late. It was late. It was late, they said."
    anchor = find_quote("It was late", text)
    assert anchor.count == 3
    assert not anchor.found


def test_ambiguity_counts_normalised_matches():
    text = "It was “late”. It was \"late\"."
    assert find_quote('It was "late"', text).count == 2


def test_a_longer_quote_is_unambiguous():
    text = "It was late. It was late, they said."
    assert found_text("It was late,", text) == ["It was late,"]


def test_ambiguous_elided_quote():
    text = "A said yes. A said no. B said maybe."
    anchor = find_quote("A said … maybe", text)
    assert anchor.count == 2
    assert not anchor.found


# --- closest passage --------------------------------------------------------------------------


def test_closest_passage_points_at_the_similar_text():
    text = (
        "The new bridge opened on Monday.\n\n"
        "According to the council's accounts, the final bill came to 12 million euros, above the plan."
    )
    anchor = find_quote("the final bill came to 13 million euros", text)
    assert not anchor.found
    assert anchor.closest == "the final bill came to 12 million euros,"


def test_closest_passage_uses_original_characters_and_collapses_whitespace():
    text = "Intro.\n\nShe said “we   are\nready” today."
    anchor = find_quote('She said "we are steady"', text)
    assert anchor.closest == "She said “we are ready” today."


def test_closest_passage_is_shortened():
    text = " ".join(f"word{i}" for i in range(100))
    part = normalise(" ".join(f"word{i}" for i in range(60)) + " nope").text
    passage = closest_passage(part, text, normalise(text))
    assert len(passage) <= 160
    assert passage.endswith("…")
    assert passage.startswith("word0 word1")


def test_closest_passage_of_empty_text():
    assert find_quote("anything", "").closest == ""


# --- normalisation -------------------------------------------------------------------------------


def test_normalise_folds_and_keeps_origins():
    original = "a  “b” – c\n"
    normalised = normalise(original)
    assert normalised.text == 'a "b"-c'
    assert len(normalised.origin) == len(normalised.text)
    for index, char in enumerate(normalised.text):
        source = original[normalised.origin[index]]
        assert source == char or (char, source) in {('"', "“"), ('"', "”"), ("-", "–"), (" ", " ")}


# --- word boundaries, elision ambiguity, what is not forgiven (from review) ------------------


def test_a_quote_is_never_a_fragment_of_a_word():
    text = "Councillor Bo Critic said it was a month late."
    assert not find_quote("t was a month lat", text).found
    assert find_quote("it was a month late", text).found


def test_a_quote_may_start_or_end_with_punctuation():
    text = 'He said: "We finished on time." Then left.'
    assert find_quote('"We finished on time."', text).found


def test_an_elided_quote_with_two_possible_endings_is_ambiguous():
    text = "Alpha said one thing. Later, the end. Much later, the end."
    anchor = find_quote("Alpha said … the end", text)
    assert not anchor.found
    assert anchor.count == 2


def test_an_elided_quote_with_one_possible_chain_is_found_at_that_chain():
    text = "The end came first. Alpha said one thing. Later, the end."
    anchor = find_quote("Alpha said … the end", text)
    assert anchor.found
    start, end = anchor.spans[1]
    assert text[start:end] == "the end" and start > text.index("Alpha")


def test_backticks_and_primes_are_not_quotation_marks():
    assert not find_quote("`ten` feet", "'ten' feet").found
    assert not find_quote("6′ tall", "6' tall").found


# --- the fast normalisation and search against straightforward references ------------------


def reference_normalise(text: str) -> tuple[str, tuple[int, ...]]:
    """Normalisation one character at a time: the definition the fast version must meet."""
    fold = {**{c: "'" for c in SINGLE_QUOTES}, **{c: '"' for c in DOUBLE_QUOTES}}
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char.isspace():
            if out and out[-1] not in (" ", "-"):
                out.append(" ")
                origin.append(index)
            continue
        if char in DASHES:
            if out and out[-1] == " ":
                out.pop()
                origin.pop()
            if out and out[-1] == "-":
                continue
            out.append("-")
            origin.append(index)
            continue
        out.append(fold.get(char, char))
        origin.append(index)
    if out and out[-1] == " ":
        out.pop()
        origin.pop()
    return "".join(out), tuple(origin)


def reference_find_part(part: str, text: str) -> list[tuple[int, int]]:
    """Every occurrence on word boundaries, by one overlapping regular-expression search."""
    pattern = (
        (r"(?<!\w)" if re.match(r"\w", part) else "")
        + re.escape(part)
        + (r"(?!\w)" if re.search(r"\w$", part) else "")
    )
    return [(m.start(), m.start() + len(part)) for m in re.finditer(f"(?=({pattern}))", text)]


TRICKY_TEXTS = [
    "",
    " ",
    "\n\t \u00a0",
    "-",
    "—",
    " - ",
    "- x",
    "  -- x",
    "x -",
    "x - ",
    "x \n",
    " x",
    "\tx",
    "–x–",
    "a - b",
    "a -\n- b",
    "a \u2003— \t–\n b",
    "a  b\t\tc\n\nd",
    "a \u00a0\u2009b",
    "al-Qaeda – Taliban",
    "al-Qaeda–Taliban",
    "2019 – 2021 —",
    "“It   was — late.”  ",
    "‘x’ ‚y‛ ‹z› «w» „v‟ \"u\" 'q'",
    "He said:  “It   was — late.”  Then left.",
    "x\u2028y\u2029z\x85w\x1cv\x0bu\x0cw\r",
    "- - - a - - -",
    " \u3000-\u3000 ",
    "a-\u2010\u2011\u2012\u2013\u2014\u2015\u2212b",
    "a−b − c",  # minus sign
]


@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_normalise_equals_the_reference_on_tricky_text(text):
    normalised = normalise(text)
    assert (normalised.text, normalised.origin) == reference_normalise(text)


def test_normalise_equals_the_reference_on_random_text():
    alphabet = ["a", "b", "é", "_", "1", " ", "  ", "\n", "\t", "\u00a0", "\u2003", "-", "–", "—", "−", "'", "’", '"', "“", "«", ".", "…", ","]
    rng = random.Random(5)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
        normalised = normalise(text)
        assert (normalised.text, normalised.origin) == reference_normalise(text), repr(text)


def test_whitespace_is_every_character_python_calls_space():
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert set(WHITESPACE) == set(re.findall(r"\s", every))
    assert set(WHITESPACE) == {char for char in every if char.isspace()}


def test_origin_of_each_character_and_spans():
    text = "  a \n b – c”"
    normalised = normalise(text)
    assert normalised.text == 'a b-c"'
    assert [normalised.origin_of(i) for i in range(len(normalised.text))] == [2, 3, 6, 8, 10, 11]
    assert normalised.span(0, len(normalised.text)) == (2, 12)
    assert normalised.span(2, 5) == (6, 11)  # "b-c" maps onto "b – c"


@pytest.mark.parametrize(
    "part, text",
    [
        ("aa", "aaaa"),  # overlapping occurrences all count
        ("a a", "a a a a"),
        ("late", "late, lately, too late"),
        ("late", "chocolate late_ late1 late"),  # "_" and digits are word characters
        ("café", "cafés café écafé"),
        ("1", "1 21 1.5 x1"),
        (".", "a. b . c"),  # no word characters: no boundary rule
        ('"we', 'said "we" "west'),
        ("we ", "we we wee"),
        ("x", ""),
        ("", "ab"),
    ],
)
def test_find_part_equals_the_reference(part, text):
    assert find_part(part, text) == reference_find_part(part, text)


def test_find_part_equals_the_reference_on_random_text():
    rng = random.Random(7)
    letters = ["a", "b", "é", "_", "1", " ", "-", ".", '"']
    for _ in range(3000):
        text = "".join(rng.choice(letters) for _ in range(rng.randint(0, 30)))
        part = "".join(rng.choice(letters) for _ in range(rng.randint(1, 4)))
        assert find_part(part, text) == reference_find_part(part, text), (part, text)


def test_fold_maps_each_character_as_the_table_does_in_ascii_and_beyond():
    from generator.stages.quotes import _FOLDING, fold
    every = "".join(map(chr, range(0x3100)))
    assert fold(every) == every.translate(_FOLDING)
    ascii_only = "".join(map(chr, range(128))) * 2
    assert fold(ascii_only) == ascii_only.translate(_FOLDING)
    assert fold("l’été – “ici”\n") == "l'été - \"ici\" "
