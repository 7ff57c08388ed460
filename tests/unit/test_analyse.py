"""Stage 4, analyse: tallies, contested claims, figures, scorecards, the comparison.

The expectations are worked out by hand from ``sitekit.RICH_SITE``. Ana Mayor
is affiliated to the River Council, so both count under one independent
origin, the council; an outlet's own voice is the outlet.

claim      supports (statements/speakers/origins)    disputes                                  neutral
c-cost     ana×2 (a1), gazette (a3)   3/2/2          bo (a2)                 1/1/1             -
c-late     bo (a2), gazette (a3)      2/2/2          ana (a1, a3), council (a2) 3/2/1          -
c-clean    daily (a1), bo (a2)        2/2/2          -                                         ana (a2, via daily) 1/1/1
c-neutral  -                                         -                                         bo (a2)
c-lonely   -                                         -                                         -
"""

from __future__ import annotations

import pytest

from sitekit import RICH_SITE, graph_of, make_site, write_files


def counts(claim_analysis, kind):
    return tuple(getattr(claim_analysis, kind)[s] for s in ("supports", "disputes", "neutral"))


def replace_in(files, path, old, new):
    assert old in files[path], old
    return {**files, path: files[path].replace(old, new)}


# --- stance counts: statements, speakers, independent origins ---------------------------------------


@pytest.mark.parametrize(
    "claim, statements, speakers, origins, speaker_total, origin_total",
    [
        ("c-cost", (3, 1, 0), (2, 1, 0), (2, 1, 0), 3, 3),
        ("c-late", (2, 3, 0), (2, 2, 0), (2, 1, 0), 4, 3),
        ("c-clean", (2, 0, 1), (2, 0, 1), (2, 0, 1), 3, 3),
        ("c-neutral", (0, 0, 1), (0, 0, 1), (0, 0, 1), 1, 1),
        ("c-lonely", (0, 0, 0), (0, 0, 0), (0, 0, 0), 0, 0),
    ],
)
def test_statements_speakers_and_origins(analysis, claim, statements, speakers, origins, speaker_total, origin_total):
    item = analysis.claims[claim]
    assert counts(item, "statement_counts") == statements
    assert counts(item, "speaker_counts") == speakers
    assert counts(item, "origin_counts") == origins
    assert (item.speaker_total, item.origin_total) == (speaker_total, origin_total)


def test_a_party_and_its_member_are_one_origin(analysis):
    late = analysis.claims["c-late"]
    disputing = late.tallies["disputes"]
    assert {q.speaker.id for q in late.by_stance["disputes"]} == {"ana", "council"}
    assert (disputing.statements, disputing.speakers) == (3, 2)
    assert [(o.kind, o.id, o.name) for o in disputing.origins] == [("actor", "council", "River Council")]


def test_same_actor_in_two_outlets_is_one_speaker(analysis):
    late = analysis.claims["c-late"]
    disputing = late.by_stance["disputes"]
    assert sorted({q.outlet.id for q in disputing if q.actor and q.actor.id == "ana"}) == ["daily", "gazette"]
    assert late.speaker_counts["disputes"] == 2  # ana (twice) and the council


def test_a_relayed_statement_counts_under_its_speakers_origin(analysis):
    clean = analysis.claims["c-clean"]
    [relayed] = clean.by_stance["neutral"]
    assert relayed.via.id == "daily"
    assert [o.id for o in clean.tallies["neutral"].origins] == ["council"]  # ana's party, not the relay


def test_an_outlets_own_voice_is_an_origin_of_its_own(tmp_path):
    # a1 (The Daily River) also reports, in its own voice, that the bridge cost 12 million
    files = replace_in(RICH_SITE, "content/articles/a1.md",
                       "{claim: c-clean, stance: supports, quote: the river is clean}",
                       "{claim: c-clean, stance: supports, quote: the river is clean}\n"
                       "  - {claim: c-cost, stance: supports, value: 12, quote: The mayor said}")
    _, analysis = graph_of(write_files(tmp_path, files))
    cost = analysis.claims["c-cost"]
    assert cost.statement_counts["supports"] == 4
    assert cost.speaker_counts["supports"] == 3  # ana, the gazette's voice, the daily's voice
    assert [(o.kind, o.id) for o in cost.tallies["supports"].origins] == [
        ("outlet", "gazette"), ("actor", "council"), ("outlet", "daily"),  # by name: Hill Gazette, River Council, The Daily River
    ]


def test_by_stance_lists_every_stance(analysis):
    assert list(analysis.claims["c-lonely"].by_stance) == ["supports", "disputes", "neutral"]
    assert list(analysis.claims["c-lonely"].tallies) == ["supports", "disputes", "neutral"]


def test_origin_groups_of_a_stance(analysis):
    groups = analysis.claims["c-late"].origin_groups("disputes")
    assert [(g.origin.id, g.speakers, [q.text for q in g.quotes]) for g in groups] == [
        ("council", 2, ["She denied the bridge was late", "the bridge was not on time", "The mayor again denied any delay"]),
    ]
    [(speaker, between)] = groups[0].counted_under
    assert speaker.id == "ana" and between == ()  # ana → council directly: nothing in between


# --- contested and figures ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "claim, contested", [("c-cost", True), ("c-late", True), ("c-clean", False), ("c-neutral", False), ("c-lonely", False)]
)
def test_contested_needs_two_origins_on_opposite_sides(analysis, claim, contested):
    assert analysis.claims[claim].contested is contested


def test_one_party_disagreeing_with_itself_is_not_contested(tmp_path):
    # Ana Mayor asserts the ferry runs, the River Council (her party) disputes it:
    # two voices of one origin, so there is no contest between sources.
    files = replace_in(RICH_SITE, "content/articles/a2.md",
                       "  - {claim: c-neutral, actor: bo, stance: neutral, quote: He had no view on the ferry}\n",
                       "  - {claim: c-neutral, actor: bo, stance: neutral, quote: He had no view on the ferry}\n"
                       "  - {claim: c-neutral, actor: ana, stance: supports, quote: Bo Critic said people swim}\n"
                       "  - {claim: c-neutral, actor: council, stance: disputes, quote: The council agreed}\n")
    _, analysis = graph_of(write_files(tmp_path, files))
    ferry = analysis.claims["c-neutral"]
    assert ferry.statement_counts == {"supports": 1, "disputes": 1, "neutral": 1}
    assert not ferry.contested
    assert "c-neutral" not in [c.claim.id for c in analysis.most_contested]
    # Bo Critic, another origin, disputing too makes it a contest
    files = replace_in(files, "content/articles/a2.md", "actor: bo, stance: neutral, quote: He had no view",
                       "actor: bo, stance: disputes, quote: He had no view")
    _, analysis = graph_of(write_files(tmp_path, files))
    assert analysis.claims["c-neutral"].contested


def test_most_contested_order(analysis):
    # both 2 asserting origins against 1 disputing, both 3 origins; c-late has 4 speakers, c-cost 3
    assert [c.claim.id for c in analysis.most_contested] == ["c-late", "c-cost"]


def test_figures_differ(analysis):
    cost = analysis.claims["c-cost"]
    assert cost.figures_differ
    assert [f.value for f in cost.figures] == [12, 14]
    assert [q.text for q in cost.figures[0].quotes] == [
        "the bill came to 12 million euros",
        "twelve million was the final figure",
        "It cost 12 million in the end",
    ]
    assert [q.actor.id for q in cost.figures[1].quotes] == ["bo"]


def test_same_figure_from_several_sources_does_not_differ(tmp_path):
    files = dict(RICH_SITE)
    files["content/articles/a2.md"] = files["content/articles/a2.md"].replace("value: 14", "value: 12.0")
    _, analysis = graph_of(write_files(tmp_path, files))
    cost = analysis.claims["c-cost"]
    assert not cost.figures_differ
    assert len(cost.figures) == 1 and len(cost.figures[0].quotes) == 4
    assert cost.figures[0].attributed == ()


def test_a_figure_attributed_to_someone_else_says_whose_it_is(tmp_path):
    files = replace_in(RICH_SITE, "content/articles/a2.md", "value: 14,", "value: 14, value_attributed_to: daily,")
    graph, analysis = graph_of(write_files(tmp_path, files))
    cost = analysis.claims["c-cost"]
    fourteen = cost.figures[1]
    [quote] = fourteen.attributed
    assert fourteen.own == () and quote.value_attributed_to is graph.outlets["daily"]
    assert quote.speaker.id == "bo"  # still Bo Critic's statement; the figure is the Daily River's
    assert all(q.value_attributed_to is None for q in cost.figures[0].quotes)


def test_claims_without_values_have_no_figures(analysis):
    assert analysis.claims["c-late"].figures == []
    assert not analysis.claims["c-late"].figures_differ


def test_outlets_of_a_claim(analysis):
    assert [o.name for o in analysis.claims["c-cost"].outlets] == ["Hill Gazette", "The Daily River"]
    assert [o.id for o in analysis.claims["c-neutral"].outlets] == ["gazette"]


# --- actors and scorecards -----------------------------------------------------------------------


def scorecard(rows):
    return [(row.verdict.id if row.verdict else None, row.count) for row in rows]


# Only the verdicts the actor's claims have: no rows of 0 (issue 12).
@pytest.mark.parametrize(
    "actor, supported, disputed",
    [
        # ana asserted c-cost (accurate), disputed c-late (wrong), was neutral on c-clean
        ("ana", [("accurate", 1)], [("wrong", 1)]),
        # bo asserted c-late (wrong) and c-clean (not yet rated), disputed c-cost (accurate)
        ("bo", [("wrong", 1), (None, 1)], [("accurate", 1)]),
        ("council", [], [("wrong", 1)]),
    ],
)
def test_scorecards(analysis, actor, supported, disputed):
    item = analysis.actors[actor]
    assert scorecard(item.supported_scorecard) == supported
    assert scorecard(item.disputed_scorecard) == disputed


def test_a_claim_counts_once_per_scorecard_however_often_it_is_said(analysis):
    # ana supported c-cost twice: one claim
    assert sum(row.count for row in analysis.actors["ana"].supported_scorecard) == 1


def test_actor_analysis(analysis):
    ana = analysis.actors["ana"]
    assert [c.claim.claim.id for c in ana.claims] == ["c-cost", "c-late", "c-clean"]  # by statement
    assert [c.stances for c in ana.claims] == [["supports"], ["disputes"], ["neutral"]]
    assert ana.quote_count == 5
    assert ana.affiliation.id == "council"
    assert [m.id for m in analysis.actors["council"].members] == ["ana"]
    assert ana.relayed == []


def test_relayed_statements(analysis):
    daily = analysis.outlets["daily"]
    assert [q.text for q in daily.relayed] == ["called the river fairly clean"]


def test_outlet_analysis(analysis):
    gazette = analysis.outlets["gazette"]
    assert [a.id for a in gazette.articles] == ["a2", "a3"]
    assert [c.claim.claim.id for c in gazette.claims] == ["c-neutral", "c-cost", "c-late", "c-clean"]
    assert analysis.outlets["silent"].articles == [] and analysis.outlets["silent"].claims == []


# --- the comparison: claims × independent origins ------------------------------------------------


def test_origin_columns_speak_on_two_claims_or_more_most_first(analysis):
    matrix = analysis.origin_matrix
    # bo: 4 claims, the council (ana and itself): 3, the gazette's own voice: 2; the daily's voice: 1
    assert [(c.origin.kind, c.origin.id, c.claims) for c in matrix.columns] == [
        ("actor", "bo", 4), ("actor", "council", 3), ("outlet", "gazette", 2),
    ]
    assert matrix.folded == 1
    assert matrix.folded_on_one_claim == 1 and matrix.folded_mostly_on_one_claim  # the daily's voice


def test_origin_columns_are_limited(analysis):
    from generator.stages.comparison import build_origin_matrix

    matrix = build_origin_matrix(analysis.claims_in_order(), limit=1)
    assert [c.origin.id for c in matrix.columns] == ["bo"] and matrix.folded == 3
    # Folded by the limit: the council (3 claims) and the gazette (2); only the daily's voice speaks on one.
    assert matrix.folded_on_one_claim == 1 and not matrix.folded_mostly_on_one_claim
    late = next(r for r in matrix.rows if r.claim.claim.id == "c-late")
    assert [cell.origin.id for cell in late.others] == ["gazette", "council"]  # Hill Gazette, River Council


def origin_row(analysis, claim):
    """origin id → (position, speakers, statements) for columns and others alike."""
    row = next(r for r in analysis.origin_matrix.rows if r.claim.claim.id == claim)
    cells = [c for c in row.cells if c] + list(row.others)
    return {c.origin.id: (c.position, c.speakers, c.statements) for c in cells}


def test_origin_cells(analysis):
    assert analysis.claims_in_order()[0].claim.id == "c-late"
    assert origin_row(analysis, "c-late") == {
        "bo": ("supports", 1, 1), "council": ("disputes", 2, 3), "gazette": ("supports", 1, 1),
    }
    # ana's neutral statement relayed by the Daily River is the council's, the Daily River's own voice its own
    assert origin_row(analysis, "c-clean") == {
        "bo": ("supports", 1, 1), "council": ("neutral", 1, 1), "daily": ("supports", 1, 1),
    }
    row = next(r for r in analysis.origin_matrix.rows if r.claim.claim.id == "c-clean")
    assert [c.origin.id if c else None for c in row.cells] == ["bo", "council", None]
    assert [c.origin.id for c in row.others] == ["daily"]


def test_an_origin_on_both_sides(tmp_path):
    files = replace_in(RICH_SITE, "content/articles/a2.md",
                       "{claim: c-clean, actor: ana, via: daily, stance: neutral,",
                       "{claim: c-clean, actor: ana, via: daily, stance: disputes,")
    files = replace_in(files, "content/articles/a1.md", "{claim: c-clean, stance: supports, quote: the river is clean}",
                       "{claim: c-clean, actor: council, stance: supports, quote: the river is clean}")
    _, analysis = graph_of(write_files(tmp_path, files))
    row = next(r for r in analysis.origin_matrix.rows if r.claim.claim.id == "c-clean")
    council = next(c for c in list(row.cells) + list(row.others) if c and c.origin.id == "council")
    assert council.position == "both" and council.stances == ["supports", "disputes"]
    assert (council.tallies["supports"].speakers, council.tallies["disputes"].speakers) == (1, 1)


# --- the comparison: claims × outlets ---------------------------------------------------------------


def test_outlet_columns_are_outlets_with_articles(analysis):
    assert [o.id for o in analysis.outlet_matrix.outlets] == ["gazette", "daily"]  # Hill Gazette, The Daily River


def test_rows_widest_reported_first(analysis):
    order = ["c-late", "c-cost", "c-clean", "c-neutral", "c-lonely"]
    assert [row.claim.claim.id for row in analysis.outlet_matrix.rows] == order
    assert [row.claim.claim.id for row in analysis.origin_matrix.rows] == order
    assert [c.claim.id for c in analysis.claims_in_order()] == order


def reports(analysis, claim):
    """outlet → (own stances and their evidence, quoted speakers by stance and their evidence)."""
    row = next(r for r in analysis.outlet_matrix.rows if r.claim.claim.id == claim)
    return {
        cell.outlet.id: (
            {stance: q.text for stance, q in cell.own_evidence.items()},
            {stance: (cell.quoted_tallies[stance].speakers, q.text) for stance, q in cell.quoted_evidence.items()},
        )
        for cell in row.cells
    }


def test_outlet_cells_keep_its_own_voice_apart_from_whom_it_quotes(analysis):
    # Gazette: a2 (dated) comes before a3 (undated); within an article, reading order.
    assert reports(analysis, "c-late") == {
        "gazette": ({"supports": "the bridge came in late"},
                    {"supports": (1, "He said the bridge was late"), "disputes": (2, "the bridge was not on time")}),
        "daily": ({}, {"disputes": (1, "She denied the bridge was late")}),
    }
    assert reports(analysis, "c-cost") == {
        "gazette": ({"supports": "It cost 12 million in the end"}, {"disputes": (1, "the cost was 14 million")}),
        "daily": ({}, {"supports": (1, "the bill came to 12 million euros")}),
    }
    assert reports(analysis, "c-neutral") == {"gazette": ({}, {"neutral": (1, "He had no view on the ferry")}),
                                              "daily": ({}, {})}
    assert reports(analysis, "c-lonely") == {"gazette": ({}, {}), "daily": ({}, {})}


def test_an_outlet_that_only_quotes_takes_no_position(analysis):
    row = next(r for r in analysis.outlet_matrix.rows if r.claim.claim.id == "c-cost")
    daily = next(c for c in row.cells if c.outlet.id == "daily")
    assert daily.own == () and daily.own_position is None and daily.quoted_speakers == 1
    gazette = next(c for c in row.cells if c.outlet.id == "gazette")
    assert gazette.own_position == "supports"


def test_empty_cells(analysis):
    row = next(r for r in analysis.outlet_matrix.rows if r.claim.claim.id == "c-neutral")
    assert [cell.empty for cell in row.cells] == [False, True]


def test_site_without_mentions_has_no_contested_claims(tmp_path):
    root = make_site(tmp_path, {"content/articles/bridge-opens.md": "---\ntitle: T\noutlet: daily-river\n---\nText.\n"})
    _, analysis = graph_of(root)
    assert analysis.most_contested == []
    assert [len(row.cells) for row in analysis.outlet_matrix.rows] == [1]
    assert analysis.outlet_matrix.rows[0].cells[0].empty
    assert analysis.origin_matrix.columns == () and analysis.origin_matrix.rows[0].others == ()


def test_the_same_number_in_another_unit_is_another_figure(tmp_path):
    """12 million dollars is not 12 million euros: two figures, which differ."""
    files = replace_in(RICH_SITE, "content/articles/a2.md", "value: 14,", "value: 12, unit: million dollars,")
    _, analysis = graph_of(write_files(tmp_path, files))
    cost = analysis.claims["c-cost"]
    assert [(f.value, f.unit) for f in cost.figures] == [(12, "million euros"), (12, "million dollars")]
    assert cost.figures_differ
