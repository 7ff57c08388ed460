"""Stage 2, validate: every kind of content problem, with its file line.

Each test changes one file of the small valid site in ``sitekit.BASE_FILES``
and checks the exact diagnostics. The article used by most tests is::

    1 ---
    2 title: Bridge opens
    3 outlet: daily-river
    4 mentions:
    5   - claim: bridge-cost
    6     actor: ana-mayor
    7     stance: supports
    8     quote: the bill came to 12 million
    9 ---
   10 The mayor said the bill came to 12 million euros.
"""

from __future__ import annotations

import datetime

import pytest

from generator.core.model import PartialDate
from generator.engine.prepare import prepare_content
from generator.stages.catalogues import english_interface
from sitekit import check_lines, errors_of, make_site

ARTICLE = "content/articles/bridge-opens.md"
CLAIM = "content/claims/bridge-cost.md"
OUTLET = "content/outlets/daily-river.md"
ACTOR = "content/actors/ana-mayor.md"
# Files nothing refers to: a problem in them cannot affect other files.
OTHER_CLAIM = "content/claims/other.md"
OTHER_ACTOR = "content/actors/other.md"
OTHER_OUTLET = "content/outlets/other.md"


def article(
    title="Bridge opens",
    outlet="daily-river",
    extra_front="",
    mention="  - claim: bridge-cost\n    actor: ana-mayor\n    stance: supports\n    quote: the bill came to 12 million\n",
    body="The mayor said the bill came to 12 million euros.\n",
) -> str:
    return f"---\ntitle: {title}\noutlet: {outlet}\nmentions:\n{mention}{extra_front}---\n{body}"


def errors(tmp_path, changes):
    return errors_of(make_site(tmp_path, changes))


def run_validate(root):
    """Load and validate as every command does (``prepare.py``), without a cache."""
    prepared = prepare_content(root)
    return prepared.content, [d.format() for d in prepared.diagnostics]


def test_the_base_site_is_valid(tmp_path):
    content, problems = run_validate(make_site(tmp_path))
    assert problems == []
    assert sorted(content.claims) == ["bridge-cost"]
    assert sorted(content.actors) == ["ana-mayor", "river-council"]
    mention = content.articles["bridge-opens"].mentions[0]
    assert (mention.claim_id, mention.actor_id, mention.stance, mention.line) == ("bridge-cost", "ana-mayor", "supports", 8)


def test_article_helper_reproduces_the_base_article(tmp_path):
    # guards the line numbers used in this file
    from sitekit import BASE_FILES

    assert article() == BASE_FILES[ARTICLE]


# --- required keys and types --------------------------------------------------------


def test_missing_required_key_is_reported_at_the_mapping(tmp_path):
    result = errors(tmp_path, {"content/claims/no-statement.md": "---\nverdict: accurate\nunit: euros\n---\n"})
    assert result == ["content/claims/no-statement.md:2: error: missing required key 'statement' in the front matter"]


def test_required_key_without_value_is_reported_at_the_key(tmp_path):
    result = errors(tmp_path, {"content/claims/blank.md": "---\nverdict: accurate\nstatement:\n---\n"})
    assert result == ["content/claims/blank.md:3: error: missing required key 'statement' in the front matter"]


def test_empty_front_matter_misses_every_required_key(tmp_path):
    result = errors(tmp_path, {"content/actors/nobody.md": "---\n---\nText.\n"})
    assert result == [
        "content/actors/nobody.md:1: error: missing required key 'kind' in the front matter",
        "content/actors/nobody.md:1: error: missing required key 'name' in the front matter",
    ]


def test_missing_keys_of_a_mention(tmp_path):
    mention = "  - claim: bridge-cost\n    note: no stance, no quote\n"
    result = errors(tmp_path, {ARTICLE: article(mention=mention)})
    assert result == [
        f"{ARTICLE}:5: error: missing required key 'quote' in a mention",
        f"{ARTICLE}:5: error: missing required key 'stance' in a mention",
    ]


@pytest.mark.parametrize(
    "line, message",
    [
        ("statement: 42", "'statement': expected text, got the number 42"),
        ("statement: [a, b]", "'statement': expected text, got a list"),
        ("statement: {a: b}", "'statement': expected text, got a mapping"),
        ("statement: '   '", "'statement': must not be empty"),
    ],
)
def test_mistyped_text(tmp_path, line, message):
    result = errors(tmp_path, {OTHER_CLAIM: f"---\n{line}\nverdict: accurate\n---\n"})
    assert result == [f"{OTHER_CLAIM}:2: error: {message}"]


def test_mistyped_number_and_list(tmp_path):
    mention = "  - claim: bridge-cost\n    stance: supports\n    value: '12'\n    quote: the bill came to 12 million\n"
    assert errors(tmp_path, {ARTICLE: article(mention=mention)}) == [
        f"{ARTICLE}:7: error: 'value': expected a number, got '12'"
    ]


def test_aliases_must_be_a_list(tmp_path):
    result = errors(tmp_path, {ACTOR: "---\nname: Ana Mayor\nkind: person\naliases: A. Mayor\n---\n"})
    assert result == [f"{ACTOR}:4: error: 'aliases': expected a list, got 'A. Mayor'"]


@pytest.mark.parametrize(
    "value, message",
    [
        ("robot", "'kind': 'robot' is not one of person, organisation"),
        ("persn", "'kind': 'persn' is not one of person, organisation (did you mean 'person'?)"),
    ],
)
def test_choice_values(tmp_path, value, message):
    result = errors(tmp_path, {OTHER_ACTOR: f"---\nname: Someone\nkind: {value}\n---\n"})
    assert result == [f"{OTHER_ACTOR}:3: error: {message}"]


def test_stance_did_you_mean(tmp_path):
    mention = "  - claim: bridge-cost\n    stance: disputed\n    quote: the bill came to 12 million\n"
    assert errors(tmp_path, {ARTICLE: article(mention=mention)}) == [
        f"{ARTICLE}:6: error: 'stance': 'disputed' is not one of supports, disputes, neutral (did you mean 'disputes'?)"
    ]


def test_a_mention_with_several_problems_reports_every_one(tmp_path):
    """A bad stance used to hide the quote that is not found (issue 14): the
    mention was dropped at its first problem, before its quote was looked for."""
    mention = ("  - claim: bridge-cost\n    stance: disputed\n    quote: the bill came to 13 million\n"
               "    value_attributed_to: river-council\n")
    assert errors(tmp_path, {ARTICLE: article(mention=mention)}) == [
        f"{ARTICLE}:6: error: 'stance': 'disputed' is not one of supports, disputes, neutral (did you mean 'disputes'?)",
        f'{ARTICLE}:7: error: quote not found in the article body; closest passage: "the bill came to 12 million"',
        f"{ARTICLE}:8: error: 'value_attributed_to' says whose the figure in 'value' is, and there is no 'value': "
        "add it, or remove 'value_attributed_to'",
    ]


def test_a_unit_says_what_a_value_counts_and_needs_one(tmp_path):
    mention = "  - claim: bridge-cost\n    stance: supports\n    quote: the bill came to 12 million\n    unit: dollars\n"
    assert errors(tmp_path, {ARTICLE: article(mention=mention)}) == [
        f"{ARTICLE}:8: error: 'unit' says what the figure in 'value' counts, and there is no 'value': add it, "
        "or remove 'unit'"
    ]


def test_a_mention_missing_its_stance_still_has_its_quote_checked(tmp_path):
    mention = "  - claim: bridge-cost\n    quote: the bill came to 13 million\n"
    assert errors(tmp_path, {ARTICLE: article(mention=mention)}) == [
        f"{ARTICLE}:5: error: missing required key 'stance' in a mention",
        f'{ARTICLE}:6: error: quote not found in the article body; closest passage: "the bill came to 12 million"',
    ]


# --- YAML's yes/no values -------------------------------------------------------------

YES_NO = "(a yes/no value; put it in quotes to make it text)"


@pytest.mark.parametrize("word, shown", [("yes", "true"), ("No", "false"), ("on", "true"), ("off", "false")])
def test_yes_no_values_in_text_fields(tmp_path, word, shown):
    result = errors(tmp_path, {OTHER_OUTLET: f"---\nname: {word}\n---\n"})
    assert result == [f"{OTHER_OUTLET}:2: error: 'name': expected text, got '{shown}' {YES_NO}"]


def test_yes_no_value_as_a_choice(tmp_path):
    mention = "  - claim: bridge-cost\n    stance: no\n    quote: the bill came to 12 million\n"
    assert errors(tmp_path, {ARTICLE: article(mention=mention)}) == [
        f"{ARTICLE}:6: error: 'stance': 'false' {YES_NO} is not one of supports, disputes, neutral"
    ]


def test_quoted_yes_is_text(tmp_path):
    assert errors(tmp_path, {OTHER_OUTLET: '---\nname: "yes"\n---\n'}) == []


# --- unknown keys ---------------------------------------------------------------------


def test_unknown_key_with_suggestion(tmp_path):
    result = errors(tmp_path, {CLAIM: "---\nstatement: S\nverdikt: accurate\n---\n"})
    assert result == [f"{CLAIM}:3: error: unknown key 'verdikt' in the front matter (did you mean 'verdict'?)"]


def test_unknown_key_without_suggestion(tmp_path):
    result = errors(tmp_path, {CLAIM: "---\nstatement: S\nflavour: sour\n---\n"})
    assert result == [f"{CLAIM}:3: error: unknown key 'flavour' in the front matter"]


def test_misspelt_key_in_a_mention(tmp_path):
    mention = "  - claim: bridge-cost\n    stnace: supports\n    quote: the bill came to 12 million\n"
    assert errors(tmp_path, {ARTICLE: article(mention=mention)}) == [
        f"{ARTICLE}:5: error: missing required key 'stance' in a mention",
        f"{ARTICLE}:6: error: unknown key 'stnace' in a mention (did you mean 'stance'?)",
    ]


def test_unknown_key_in_site_yaml(tmp_path):
    from sitekit import SITE_YAML

    result = errors(tmp_path, {"site.yaml": SITE_YAML.replace("title: Mini", "title: Mini\ntitel: Typo")})
    assert result == ["site.yaml:2: error: unknown key 'titel' in site.yaml (did you mean 'title'?)"]


# --- ids and file names -----------------------------------------------------------------


def test_reference_that_is_not_an_id(tmp_path):
    result = errors(tmp_path, {ARTICLE: article(outlet="Daily River")})
    assert result == [
        f"{ARTICLE}:3: error: 'outlet': 'Daily River' is not a valid id: use lowercase letters, digits and hyphens"
    ]


@pytest.mark.parametrize(
    "name, suggestion",
    [("Bridge_Cost 2", "bridge-cost-2"), ("bridge--cost", "bridge-cost"), ("-lead", "lead"), ("Mayor", "mayor")],
)
def test_bad_file_names(tmp_path, name, suggestion):
    result = errors(tmp_path, {f"content/outlets/{name}.md": "---\nname: X\n---\n"})
    assert result == [
        f"content/outlets/{name}.md: error: bad file name: '{name}' is not a valid id; rename the file to "
        f"'{suggestion}.md' (lowercase letters, digits and hyphens)"
    ]


def test_duplicate_ids_in_subfolders(tmp_path):
    result = errors(tmp_path, {"content/claims/a/bridge-cost.md": "---\nstatement: Again.\n---\n"})
    # files are read in sorted order: content/claims/a/… comes first
    assert result == [
        f"{CLAIM}: error: duplicate claim id 'bridge-cost' (also content/claims/a/bridge-cost.md)"
    ]


def test_actor_and_outlet_sharing_an_id(tmp_path):
    result = errors(tmp_path, {"content/actors/daily-river.md": "---\nname: Daily River staff\nkind: organisation\n---\n"})
    assert result == [
        f"{OUTLET}: error: id 'daily-river' is used by both an actor and an outlet; "
        "rename one so that 'via' references are unambiguous"
    ]


# --- references ---------------------------------------------------------------------------


def test_unknown_claim_with_suggestion(tmp_path):
    mention = "  - claim: bridge-cots\n    stance: supports\n    quote: the bill came to 12 million\n"
    result = errors(tmp_path, {ARTICLE: article(mention=mention)})
    assert result == [f"{ARTICLE}:5: error: 'claim': unknown claim 'bridge-cots' (did you mean 'bridge-cost'?)"]


def test_unknown_claim_without_suggestion(tmp_path):
    mention = "  - claim: moon-landing\n    stance: supports\n    quote: the bill came to 12 million\n"
    result = errors(tmp_path, {ARTICLE: article(mention=mention)})
    assert result == [f"{ARTICLE}:5: error: 'claim': unknown claim 'moon-landing'"]


def test_unknown_actor(tmp_path):
    mention = "  - claim: bridge-cost\n    actor: ana-mayr\n    stance: supports\n    quote: the bill came to 12 million\n"
    result = errors(tmp_path, {ARTICLE: article(mention=mention)})
    assert result == [f"{ARTICLE}:6: error: 'actor': unknown actor 'ana-mayr' (did you mean 'ana-mayor'?)"]


def test_unknown_outlet(tmp_path):
    """With the outlets there are and how to add one (issue 14): the id
    given when it is not a near miss of one of them."""
    result = errors(tmp_path, {ARTICLE: article(outlet="daily-rivr")})
    assert result == [
        f"{ARTICLE}:3: error: 'outlet': unknown outlet 'daily-rivr' (did you mean 'daily-river'?); "
        "existing outlets: daily-river; to create one, run 'factcheck new outlet ID'"
    ]
    result = errors(tmp_path / "other", {ARTICLE: article(outlet="hill-gazette")})
    assert result == [
        f"{ARTICLE}:3: error: 'outlet': unknown outlet 'hill-gazette'; "
        "existing outlets: daily-river; to create one, run 'factcheck new outlet hill-gazette'"
    ]


def test_missing_outlet_lists_the_outlets(tmp_path):
    text = article().replace("outlet: daily-river\n", "")
    assert errors(tmp_path, {ARTICLE: text}) == [
        f"{ARTICLE}:2: error: missing required key 'outlet' in the front matter; "
        "existing outlets: daily-river; to create one, run 'factcheck new outlet ID'"
    ]


def test_many_outlets_are_counted_rather_than_listed(tmp_path):
    outlets = {f"content/outlets/paper-{n:02d}.md": f"---\nname: Paper {n}\n---\n" for n in range(10)}
    result = errors(tmp_path, {**outlets, ARTICLE: article(outlet="")})
    assert result == [
        f"{ARTICLE}:3: error: missing required key 'outlet' in the front matter; "
        "11 outlets exist in content/outlets/; to create one, run 'factcheck new outlet ID'"
    ]


def test_no_outlet_yet(tmp_path):
    result = errors(tmp_path, {OUTLET: None, ARTICLE: article(outlet="daily-river")})
    assert result == [
        f"{ARTICLE}:3: error: 'outlet': unknown outlet 'daily-river'; "
        "there is no outlet yet: to create one, run 'factcheck new outlet daily-river'"
    ]


def test_unknown_via(tmp_path):
    mention = (
        "  - claim: bridge-cost\n    stance: supports\n    quote: the bill came to 12 million\n"
        "    via: daly-river\n"
    )
    result = errors(tmp_path, {ARTICLE: article(mention=mention)})
    assert result == [f"{ARTICLE}:8: error: 'via': unknown actor or outlet 'daly-river' (did you mean 'daily-river'?)"]


def test_via_may_name_an_actor_or_an_outlet(tmp_path):
    mention = (
        "  - claim: bridge-cost\n    stance: supports\n    quote: the bill came to 12 million\n"
        "    via: daily-river\n"
        "  - claim: bridge-cost\n    stance: supports\n    quote: The mayor said\n"
        "    via: river-council\n"
    )
    assert errors(tmp_path, {ARTICLE: article(mention=mention)}) == []


def test_unknown_verdict(tmp_path):
    result = errors(tmp_path, {CLAIM: "---\nstatement: S\nverdict: acurate\n---\n"})
    assert result == [f"{CLAIM}:3: error: 'verdict': unknown verdict 'acurate' in site.yaml (did you mean 'accurate'?)"]


def test_unknown_seed(tmp_path):
    result = errors(tmp_path, {ARTICLE: article(extra_front="seed: rivr.txt\n")})
    assert result == [f"{ARTICLE}:9: error: 'seed': unknown seed file 'rivr.txt' in seeds/ (did you mean 'river.txt'?)"]


def test_affiliation_pointing_at_a_person(tmp_path):
    result = errors(
        tmp_path,
        {
            "content/actors/bo-critic.md": "---\nname: Bo Critic\nkind: person\n---\n",
            ACTOR: "---\nname: Ana Mayor\nkind: person\naffiliation: bo-critic\n---\n",
        },
    )
    assert result == [
        f"{ACTOR}:4: error: 'affiliation': 'bo-critic' is a person; affiliation must name an organisation actor"
    ]


def test_unknown_affiliation(tmp_path):
    result = errors(tmp_path, {ACTOR: "---\nname: Ana Mayor\nkind: person\naffiliation: river-councl\n---\n"})
    assert result == [
        f"{ACTOR}:4: error: 'affiliation': unknown organisation 'river-councl' (did you mean 'river-council'?)"
    ]


def test_verdicts_are_not_checked_when_site_yaml_is_broken(tmp_path):
    # the claim's verdict cannot be judged without a scale: only site.yaml is reported
    result = errors(tmp_path, {"site.yaml": "title: Mini\nverdicts: [\n"})
    assert len(result) == 1 and result[0].startswith("site.yaml:")
    assert "YAML syntax error" in result[0]


def test_a_file_with_a_problem_still_exists_for_references(tmp_path):
    """A claim file with an invalid key is still a claim: articles naming it
    must not get a second, misleading 'unknown claim' error."""
    result = errors(tmp_path, {CLAIM: "---\nstatement: 42\n---\n"})
    assert result == [f"{CLAIM}:2: error: 'statement': expected text, got the number 42"]


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, message",
    [
        ("2021-02-30", "'reviewed': '2021-02-30' is not a real date"),
        ("2023-02-29", "'reviewed': '2023-02-29' is not a real date"),
        ("2024-03", "'reviewed': expected a date as YYYY-MM-DD, got '2024-03'"),
        ("2024", "'reviewed': expected a date as YYYY-MM-DD, got the number 2024"),
        ("yesterday", "'reviewed': expected a date as YYYY-MM-DD, got 'yesterday'"),
    ],
)
def test_bad_review_dates(tmp_path, value, message):
    result = errors(tmp_path, {CLAIM: f"---\nstatement: S\nverdict: accurate\nreviewed: {value}\n---\n"})
    assert result == [f"{CLAIM}:4: error: {message}"]


def test_leap_day_is_a_real_date(tmp_path):
    content, problems = run_validate(make_site(tmp_path, {CLAIM: "---\nstatement: S\nreviewed: 2024-02-29\n---\n"}))
    assert problems == []
    assert content.claims["bridge-cost"].reviewed == datetime.date(2024, 2, 29)


@pytest.mark.parametrize(
    "value, message",
    [
        ("2021-02-30", "'published': '2021-02-30' is not a real date"),
        ("2024-13", "'published': '2024-13' has no month 13"),
        ("2024-00", "'published': '2024-00' has no month 00"),
        ("March 2024", "'published': expected a date as YYYY-MM-DD, YYYY-MM or YYYY, got 'March 2024'"),
        ("24", "'published': expected a date as YYYY-MM-DD, YYYY-MM or YYYY, got the number 24"),
        ("yes", f"'published': expected a date as YYYY-MM-DD, YYYY-MM or YYYY, got 'true' {YES_NO}"),
    ],
)
def test_bad_publication_dates(tmp_path, value, message):
    result = errors(tmp_path, {ARTICLE: article(extra_front=f"published: {value}\n")})
    assert result == [f"{ARTICLE}:9: error: {message}"]


@pytest.mark.parametrize(
    "value, expected, iso, human",
    [
        ("2024-02-28", PartialDate(2024, 2, 28), "2024-02-28", "28 February 2024"),
        ("2024-03", PartialDate(2024, 3), "2024-03", "March 2024"),
        ('"2024-03"', PartialDate(2024, 3), "2024-03", "March 2024"),
        ("2024", PartialDate(2024), "2024", "2024"),
    ],
)
def test_partial_publication_dates(tmp_path, value, expected, iso, human):
    content, problems = run_validate(make_site(tmp_path, {ARTICLE: article(extra_front=f"published: {value}\n")}))
    assert problems == []
    published = content.articles["bridge-opens"].published
    assert published == expected
    assert published.iso() == iso
    assert english_interface().format_date(published) == human  # as pages write it (core/translations.py)


# --- URLs ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,hi",
        "ftp://river.example.com/",
        "www.river.example.com",
        "//river.example.com/",
        "http://",
        "/relative/path",
    ],
)
def test_non_web_urls_are_rejected(tmp_path, url):
    result = errors(tmp_path, {OUTLET: f"---\nname: The Daily River\nurl: '{url}'\n---\n"})
    assert result == [f"{OUTLET}:3: error: 'url': '{url}' is not an http(s) URL"]


@pytest.mark.parametrize("url", ["http://river.example.com", "https://river.example.com/a?b=c#d"])
def test_web_urls_are_accepted(tmp_path, url):
    assert errors(tmp_path, {OUTLET: f"---\nname: The Daily River\nurl: '{url}'\n---\n"}) == []


def test_article_url_is_checked_too(tmp_path):
    result = errors(tmp_path, {ARTICLE: article(extra_front="url: javascript:alert(1)\n")})
    assert result == [f"{ARTICLE}:9: error: 'url': 'javascript:alert(1)' is not an http(s) URL"]


# --- lists of mappings -----------------------------------------------------------------------------


def test_mentions_must_be_a_list(tmp_path):
    text = "---\ntitle: Bridge opens\noutlet: daily-river\nmentions: lots\n---\nBody\n"
    assert errors(tmp_path, {ARTICLE: text}) == [f"{ARTICLE}:4: error: 'mentions': expected a list, got 'lots'"]


def test_each_mention_must_be_a_mapping(tmp_path):
    mention = "  - just a quote\n"
    assert errors(tmp_path, {ARTICLE: article(mention=mention)}) == [
        f"{ARTICLE}:5: error: 'mentions': each item must be a mapping of keys, got 'just a quote'"
    ]


# --- site.yaml ---------------------------------------------------------------------------------------


def test_site_yaml_problems(tmp_path):
    site = (
        "description: no title\n"  # 1
        "base_url: ftp://example.org/\n"  # 2
        "verdicts:\n"  # 3
        "  - id: accurate\n"  # 4
        "    label: Accurate\n"  # 5
        "    description: Yes.\n"  # 6
        "    colour: green\n"  # 7
        "  - id: accurate\n"  # 8
        "    label: Again\n"  # 9
        "    description: Twice.\n"  # 10
        "    colour: '#abc'\n"  # 11
        "  - id: wrong\n"  # 12
        "    label: Wrong\n"  # 13
        "    description: No.\n"  # 14
        "    colour: '#a32020'\n"  # 15
        "    extra: 1\n"  # 16
    )
    result = errors(tmp_path, {"site.yaml": site})
    assert result == [
        "site.yaml:1: error: missing required key 'title' in site.yaml",
        "site.yaml:2: error: 'base_url': 'ftp://example.org/' is not an http(s) URL",
        "site.yaml:7: error: 'colour': expected a colour as #rrggbb, got 'green'",
        "site.yaml:16: error: unknown key 'extra' in a verdict",
    ]


def test_duplicate_verdict_id(tmp_path):
    from sitekit import SITE_YAML

    site = SITE_YAML + "  - id: wrong\n    label: Again\n    description: Twice.\n    colour: '#000'\n"
    assert errors(tmp_path, {"site.yaml": site}) == [
        "site.yaml:11: error: duplicate verdict id 'wrong' (first on line 7)"
    ]


def test_empty_verdict_scale(tmp_path):
    assert errors(tmp_path, {"site.yaml": "title: T\nverdicts: []\n", CLAIM: "---\nstatement: S\n---\n"}) == [
        "site.yaml:2: error: 'verdicts': the scale needs at least one verdict"
    ]


# --- quotes ------------------------------------------------------------------------------------------


def quote_errors(tmp_path, quote, body="The mayor said the bill came to 12 million euros.\n"):
    mention = f"  - claim: bridge-cost\n    stance: supports\n    quote: {quote}\n"
    return errors(tmp_path, {ARTICLE: article(mention=mention, body=body)})


def test_quote_not_found_shows_the_closest_passage(tmp_path):
    assert quote_errors(tmp_path, "the bill came to 13 million") == [
        f'{ARTICLE}:7: error: quote not found in the article body; closest passage: "the bill came to 12 million"'
    ]


def test_quote_found_twice(tmp_path):
    body = "First the bill came to 12 million. Later the bill came to 12 million again.\n"
    assert quote_errors(tmp_path, "the bill came to 12 million", body) == [
        f"{ARTICLE}:7: error: quote occurs 2 times in the article body; "
        "quote a longer passage so it points at one place"
    ]


def test_empty_quote(tmp_path):
    assert quote_errors(tmp_path, "'…'") == [f"{ARTICLE}:7: error: quote is empty"]


def test_elided_quote_out_of_order(tmp_path):
    assert quote_errors(tmp_path, "12 million … The mayor") == [
        f"{ARTICLE}:7: error: quote not found in the article body: its parts occur, but not in this order"
    ]


def test_elided_quote_with_a_missing_part(tmp_path):
    assert quote_errors(tmp_path, "The mayor said … 14 million euros") == [
        f'{ARTICLE}:7: error: quote not found in the article body: the part "14 million euros" '
        f'does not occur; closest passage: "12 million euros."'
    ]


def test_quotes_match_the_text_a_reader_sees(tmp_path):
    body = "The *mayor* said [the bill](https://example.com) came to **12 million** euros.\n"
    assert quote_errors(tmp_path, "The mayor said the bill came to 12 million euros", body) == []


@pytest.mark.parametrize(
    "body, quote",
    [
        ("The rule `x < 10 && y > 2` applies.\n", "The rule x < 10 && y > 2 applies"),
        ("Tom &amp; Jerry met.\n", "Tom & Jerry met"),
    ],
)
def test_quotes_match_code_and_entities_as_the_reader_sees_them(tmp_path, body, quote):
    assert quote_errors(tmp_path, f"'{quote}'", body) == []


def test_quote_in_an_article_with_an_empty_body_is_not_found(tmp_path):
    """An empty article must not borrow the text of the article read before it."""
    empty = "content/articles/zz-empty.md"  # read after bridge-opens.md
    text = "---\ntitle: Empty\noutlet: daily-river\nmentions:\n  - claim: bridge-cost\n    stance: disputes\n    quote: The mayor said\n---\n"
    result = errors(tmp_path, {empty: text})
    assert len(result) == 1, result
    assert result[0].startswith(f"{empty}:7: error: quote not found in the article body")


# --- warnings -------------------------------------------------------------------------------------------


def test_claim_without_mentions_is_a_warning_not_an_error(tmp_path):
    root = make_site(tmp_path, {"content/claims/lonely.md": "---\nstatement: Nobody says this.\n---\n"})
    assert check_lines(root) == ["content/claims/lonely.md:1: warning: claim 'lonely' has no mentions in any article"]
    content, _ = run_validate(root)
    assert content is not None and "lonely" in content.claims


def test_errors_mean_no_content(tmp_path):
    content, problems = run_validate(make_site(tmp_path, {CLAIM: "---\nstatement: S\nverdict: nope\n---\n"}))
    assert content is None
    assert problems == [f"{CLAIM}:3: error: 'verdict': unknown verdict 'nope' in site.yaml"]


@pytest.mark.parametrize("text", ["٢٠٢١-٠٢-٠١", "٢٠٢١-٠٢", "٢٠٢١", "２０２１"])
def test_dates_are_written_in_ascii_digits_whole_or_partial_alike(text):
    """A regular expression's \\d takes every script's digits; fromisoformat only ASCII ones,
    so "٢٠٢١-٠٢-٠١" was "no real date" while "٢٠٢١-٠٢" was taken."""
    from generator.stages.fields import Invalid, as_date, as_partial_date
    with pytest.raises(Invalid, match="expected a date as YYYY-MM-DD"):
        as_partial_date(text)
    if text.count("-") == 2:
        with pytest.raises(Invalid, match="expected a date"):
            as_date(text)
