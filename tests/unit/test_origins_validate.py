"""Validation of what the comparison by independent origin rests on (issue 12):
affiliation chains without cycles, ``party: true`` where it means something,
and figures that say whose they are."""

from __future__ import annotations

from generator.engine.build import load_content
from generator.stages.affiliation import party_of
from sitekit import check_lines, make_site

ARTICLE = "content/articles/bridge-opens.md"


def actor(name, kind="organisation", extra=""):
    return f"---\nname: {name}\nkind: {kind}\n{extra}---\n"


def test_an_affiliation_cycle_is_an_error_on_each_actor_in_it(tmp_path):
    root = make_site(tmp_path, {
        "content/actors/river-council.md": actor("River Council", extra="affiliation: river-state\n"),
        "content/actors/river-state.md": actor("River State", extra="affiliation: river-council\n"),
    })
    cycle = "'affiliation' goes round in a circle ({}): an affiliation chain must end at an organisation " \
            "that belongs to no other; remove one of these affiliations"
    assert [line for line in check_lines(root) if "circle" in line] == [
        "content/actors/river-council.md:4: error: " + cycle.format("river-council → river-state → river-council"),
        "content/actors/river-state.md:4: error: " + cycle.format("river-council → river-state → river-council"),
    ]


def test_an_actor_affiliated_to_itself_is_a_cycle(tmp_path):
    root = make_site(tmp_path, {"content/actors/river-council.md": actor("River Council", extra="affiliation: river-council\n")})
    assert any("content/actors/river-council.md:4: error: 'affiliation' goes round in a circle "
               "(river-council → river-council)" in line for line in check_lines(root))


def test_party_is_for_organisations_with_an_affiliation(tmp_path):
    root = make_site(tmp_path, {
        "content/actors/ana-mayor.md": actor("Ana Mayor", kind="person", extra="affiliation: river-council\nparty: true\n"),
        "content/actors/river-council.md": actor("River Council", extra="party: true\n"),
    })
    lines = check_lines(root)
    assert ("content/actors/ana-mayor.md:5: error: 'party': only an organisation can stand as a party of its own; "
            "a person counts with the organisation they belong to (remove 'party', or the 'affiliation' if they "
            "speak for no one)") in lines
    assert ("content/actors/river-council.md:4: warning: 'party: true' changes nothing here: an organisation "
            "with no affiliation is its own party already") in lines


def test_the_party_is_the_top_of_the_chain_or_an_organisation_that_stands_alone(tmp_path):
    root = make_site(tmp_path, {
        "content/actors/river-council.md": actor("River Council", extra="affiliation: river-state\n"),
        "content/actors/river-state.md": actor("River State"),
    })
    content, _ = load_content(root)
    assert party_of(content.actors["ana-mayor"], content.actors).id == "river-state"
    root = make_site(tmp_path, {
        "content/actors/river-council.md": actor("River Council", extra="affiliation: river-state\nparty: true\n"),
    })
    content, _ = load_content(root)
    assert party_of(content.actors["ana-mayor"], content.actors).id == "river-council"
    assert party_of(content.actors["river-state"], content.actors).id == "river-state"


def mention(extra):
    return f"  - claim: bridge-cost\n    actor: ana-mayor\n    stance: {extra}    quote: the bill came to 12 million\n"


def article_with(mention_text):
    return (f"---\ntitle: Bridge opens\noutlet: daily-river\nmentions:\n{mention_text}---\n"
            "The mayor said the bill came to 12 million euros.\n")


def test_a_disputed_figure_asks_whose_it_is(tmp_path):
    root = make_site(tmp_path, {ARTICLE: article_with(mention("disputes\n    value: 12\n"))})
    assert check_lines(root) == [
        f"{ARTICLE}:8: warning: a 'value' is the speaker's own figure, and this speaker disputes the claim; if they "
        "cite someone else's figure to reject it, say whose with 'value_attributed_to: <actor or outlet id>'",
    ]
    root = make_site(tmp_path, {ARTICLE: article_with(mention("disputes\n    value: 12\n    value_attributed_to: daily-river\n"))})
    assert check_lines(root) == []
    content, _ = load_content(root)
    [quote_mention] = content.articles["bridge-opens"].mentions
    assert (quote_mention.value, quote_mention.value_attributed_to) == (12, "daily-river")


def test_an_attribution_needs_a_figure_and_a_known_source(tmp_path):
    root = make_site(tmp_path, {ARTICLE: article_with(mention("supports\n    value_attributed_to: daily-river\n"))})
    assert check_lines(root) == [
        f"{ARTICLE}:8: error: 'value_attributed_to' says whose the figure in 'value' is, and there is no 'value': "
        "add it, or remove 'value_attributed_to'",
    ]
    root = make_site(tmp_path, {ARTICLE: article_with(mention("supports\n    value: 12\n    value_attributed_to: daily-rivr\n"))})
    assert check_lines(root) == [
        f"{ARTICLE}:9: error: 'value_attributed_to': unknown actor or outlet 'daily-rivr' (did you mean 'daily-river'?)",
    ]
