"""Stage 4, analyse: tallies, contested claims, figures, scorecards, the matrix.

The expectations are worked out by hand from ``sitekit.RICH_SITE``:

claim      supports (mentions/sources)          disputes                        neutral
c-cost     ana×2 (a1), gazette (a3)  3/2        bo (a2)  1/1                    -
c-late     bo (a2), gazette (a3)     2/2        ana (a1, a3), council (a2) 3/2  -
c-clean    daily (a1), bo (a2)       2/2        -                               ana (a2, via daily)
c-neutral  -                                    -                               bo (a2)
c-lonely   -                                    -                               -
"""

from __future__ import annotations

import pytest

from sitekit import RICH_SITE, graph_of, make_site, write_files


def counts(claim_analysis, kind):
    return tuple(getattr(claim_analysis, kind)[s] for s in ("supports", "disputes", "neutral"))


# --- stance counts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "claim, mentions, sources, total",
    [
        ("c-cost", (3, 1, 0), (2, 1, 0), 3),
        ("c-late", (2, 3, 0), (2, 2, 0), 4),
        ("c-clean", (2, 0, 1), (2, 0, 1), 3),
        ("c-neutral", (0, 0, 1), (0, 0, 1), 1),
        ("c-lonely", (0, 0, 0), (0, 0, 0), 0),
    ],
)
def test_mention_and_distinct_source_counts(analysis, claim, mentions, sources, total):
    item = analysis.claims[claim]
    assert counts(item, "mention_counts") == mentions
    assert counts(item, "source_counts") == sources
    assert item.source_total == total


def test_same_actor_in_two_outlets_is_one_source(analysis):
    late = analysis.claims["c-late"]
    disputing = late.by_stance["disputes"]
    assert sorted({q.outlet.id for q in disputing if q.actor and q.actor.id == "ana"}) == ["daily", "gazette"]
    assert late.source_counts["disputes"] == 2  # ana (twice) and the council


def test_an_outlets_own_voice_is_a_source_of_its_own(tmp_path):
    files = dict(RICH_SITE)
    # a1 (The Daily River) also reports, in its own voice, that the bridge cost 12 million
    files["content/articles/a1.md"] = files["content/articles/a1.md"].replace(
        "{claim: c-clean, stance: supports, quote: the river is clean}",
        "{claim: c-clean, stance: supports, quote: the river is clean}\n"
        "  - {claim: c-cost, stance: supports, value: 12, quote: The mayor said}",
    )
    _, analysis = graph_of(write_files(tmp_path, files))
    cost = analysis.claims["c-cost"]
    assert cost.mention_counts["supports"] == 4
    assert cost.source_counts["supports"] == 3  # ana, the gazette's voice, the daily's voice


def test_by_stance_lists_every_stance(analysis):
    assert list(analysis.claims["c-lonely"].by_stance) == ["supports", "disputes", "neutral"]


# --- contested and figures ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "claim, contested", [("c-cost", True), ("c-late", True), ("c-clean", False), ("c-neutral", False), ("c-lonely", False)]
)
def test_contested_needs_support_and_dispute(analysis, claim, contested):
    assert analysis.claims[claim].contested is contested


def test_most_contested_order(analysis):
    # c-late: 2 supporting vs 2 disputing sources; c-cost: 2 vs 1
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


# --- the comparison matrix -------------------------------------------------------------------------


def test_matrix_columns_are_outlets_with_articles(analysis):
    assert [o.id for o in analysis.matrix.outlets] == ["gazette", "daily"]  # Hill Gazette, The Daily River


def test_matrix_rows_widest_reported_first(analysis):
    assert [row.claim.claim.id for row in analysis.matrix.rows] == ["c-late", "c-cost", "c-clean", "c-neutral", "c-lonely"]
    assert [c.claim.id for c in analysis.claims_in_order()] == ["c-late", "c-cost", "c-clean", "c-neutral", "c-lonely"]


def cells(analysis, claim):
    """outlet → (counts by stance, the quote each stance's count links to)."""
    row = next(r for r in analysis.matrix.rows if r.claim.claim.id == claim)
    return {
        cell.outlet.id: (counts(cell, "counts"), {stance: q.text for stance, q in cell.evidence.items()})
        for cell in row.cells
    }


def test_matrix_cells(analysis):
    # Gazette: a2 (dated) comes before a3 (undated); within an article, reading order.
    assert cells(analysis, "c-late") == {
        "gazette": ((2, 2, 0), {"supports": "He said the bridge was late", "disputes": "the bridge was not on time"}),
        "daily": ((0, 1, 0), {"disputes": "She denied the bridge was late"}),
    }
    assert cells(analysis, "c-cost") == {
        "gazette": ((1, 1, 0), {"supports": "It cost 12 million in the end", "disputes": "the cost was 14 million"}),
        "daily": ((2, 0, 0), {"supports": "the bill came to 12 million euros"}),
    }
    assert cells(analysis, "c-neutral") == {
        "gazette": ((0, 0, 1), {"neutral": "He had no view on the ferry"}),
        "daily": ((0, 0, 0), {}),
    }
    assert cells(analysis, "c-lonely") == {"gazette": ((0, 0, 0), {}), "daily": ((0, 0, 0), {})}


def test_empty_cells(analysis):
    row = next(r for r in analysis.matrix.rows if r.claim.claim.id == "c-neutral")
    assert [cell.empty for cell in row.cells] == [False, True]


def test_site_without_mentions_has_no_contested_claims(tmp_path):
    root = make_site(tmp_path, {"content/articles/bridge-opens.md": "---\ntitle: T\noutlet: daily-river\n---\nText.\n"})
    _, analysis = graph_of(root)
    assert analysis.most_contested == []
    assert [len(row.cells) for row in analysis.matrix.rows] == [1]
    assert analysis.matrix.rows[0].cells[0].empty
