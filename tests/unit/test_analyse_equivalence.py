"""The analysis's faster computations give what the straightforward ones gave.

- ``agreement.pair_counts`` counts the pairs of each claim in C
  (``Counter``, ``itertools.combinations``): checked against a loop over
  every pair of actors, on random claims;
- ``agreement.actor_agreement`` against every pair of actors and their
  shared claims worked out by hand from the quotes, on random synthetic sites;
- the comparison's rows work out their cells when first read: checked
  against the cells worked out the way they were before, all at once;
- ``agreementchart.agreement_groups`` finds each group as one run of the
  pair list: checked against sorting every pair into its group;
- ``agreement_shown.agreement_shown`` (what /compare/ prints, worked out
  without listing every pair) and ``agreementchart.agreement_chart``: checked
  against the chart made from the list of every pair, on random small graphs
  (with shared names and small lists, where ties and the early stop matter)
  and on the synthetic sites.
"""

from __future__ import annotations

import random
from collections import defaultdict
from types import SimpleNamespace

import pytest
from sitekit import graph_of
from synthetic import make_site

from generator.core.model import DISPUTES, NEUTRAL, SUPPORTS
from generator.outputs import agreementchart
from generator.stages.agreement import OUTCOME_ORDER, actor_agreement, outcome_of, pair_counts
from generator.stages.agreement_shown import agreement_shown
from generator.stages.comparison import first_by_stance, origin_cell
from generator.stages.tallies import position_of, tallies_by_stance, voice_order


@pytest.fixture(scope="module", params=[(1, 30, 12, 10), (2, 60, 25, 18), (3, 45, 8, 30)],
                ids=["small", "more-claims", "more-actors"])
def site(request, tmp_path_factory):
    """(graph, analysis) of a random synthetic site: seed, articles, claims, actors."""
    seed, articles, claims, actors = request.param
    root = tmp_path_factory.mktemp(f"equivalence{seed}") / "site"
    make_site(root, articles, seed=seed, claims=claims, actors=actors)
    return graph_of(root)


# --- who agrees with whom -----------------------------------------------------------------------------


def reference_pair_counts(sides):
    """Every pair of actors on every claim, one at a time."""
    spoke, decided, same = defaultdict(int), defaultdict(int), defaultdict(int)
    for supporting, disputing, others in sides:
        side_of = {n: 0 for n in supporting} | {n: 1 for n in disputing} | {n: 2 for n in others}
        for first in side_of:
            for second in side_of:
                if first < second:
                    spoke[first, second] += 1
                    if side_of[first] < 2 and side_of[second] < 2:
                        decided[first, second] += 1
                        same[first, second] += side_of[first] == side_of[second]
    return dict(spoke), dict(decided), {pair: n for pair, n in same.items() if n}


@pytest.mark.parametrize("seed", range(40))
def test_pair_counts_match_a_loop_over_every_pair(seed):
    rng = random.Random(seed)
    actors = rng.randint(1, 12)
    sides = []
    for _ in range(rng.randint(0, 15)):
        lists = ([], [], [])
        for number in sorted(rng.sample(range(actors), rng.randint(0, actors))):
            lists[rng.randrange(3)].append(number)
        sides.append(lists)
    assert tuple(dict(c) for c in pair_counts(sides)) == reference_pair_counts(sides)


def reference_agreement(graph, analysis):
    """(first id, second id, agree, disagree, neither, shared claims) for every
    pair of actors who spoke on a claim in common, most disagreement first."""
    positions = {}
    for actor_id, quotes in graph.quotes_by_actor.items():
        by_claim = defaultdict(list)
        for quote in quotes:
            by_claim[quote.claim.id].append(quote.stance)
        positions[actor_id] = {claim: position_of(stances) for claim, stances in by_claim.items()}
    actors = sorted((graph.actors[a] for a in positions), key=lambda a: (a.name.casefold(), a.id))
    rows = []
    for i, first in enumerate(actors):
        for second in actors[i + 1:]:
            shared = sorted(set(positions[first.id]) & set(positions[second.id]))
            if not shared:
                continue
            outcomes = [outcome_of(positions[first.id][c], positions[second.id][c]) for c in shared]
            listed = sorted(((c, positions[first.id][c], positions[second.id][c], o) for c, o in zip(shared, outcomes)),
                            key=lambda s: (OUTCOME_ORDER[s[3]], analysis.claims[s[0]].claim.statement.casefold(), s[0]))
            rows.append((first, second, outcomes.count("agree"), outcomes.count("disagree"), outcomes.count("neither"),
                         listed))
    rows.sort(key=lambda r: (-r[3], -r[2], -len(r[5]), r[0].name.casefold(), r[1].name.casefold(), r[0].id, r[1].id))
    return [(first.id, second.id, agree, disagree, neither, listed)
            for first, second, agree, disagree, neither, listed in rows]


def test_actor_agreement_matches_every_pair_worked_out_by_hand(site):
    graph, analysis = site
    expected = reference_agreement(graph, analysis)
    found = [(p.first.id, p.second.id, p.agree, p.disagree, p.neither,
              [(s.claim.claim.id, s.first, s.second, s.outcome) for s in p.shared]) for p in analysis.agreement]
    assert found == expected
    assert {row[2] > 0 for row in expected} == {True, False} and any(row[3] for row in expected), \
        "the site must have pairs that agree, that do not, and that disagree"
    assert [p.total for p in analysis.agreement] == [len(row[5]) for row in expected]


def test_agreement_groups_match_sorting_every_pair_into_its_group(site):
    _, analysis = site
    summaries = agreementchart.pair_summaries(analysis.agreement)
    as_list = [agreementchart.PairSummary(n, p) for n, p in enumerate(analysis.agreement, start=1)]
    assert list(summaries) == as_list and len(summaries) == len(as_list)
    assert summaries[-1] == as_list[-1] and summaries[1:4] == as_list[1:4]
    for sizes in ({"disagree": 2, "agree": 3, "neither": 1}, {"disagree": 1000, "agree": 1000, "neither": 1000},
                  {"disagree": 0, "agree": 1, "neither": 0}):
        members = {key: [] for key in ("disagree", "agree", "neither")}
        for summary in as_list:
            members[summary.group].append(summary)
        expected = [(key, len(group), group[:sizes[key]]) for key, group in members.items()]
        groups = agreementchart.agreement_groups(summaries, sizes)
        assert [(g.key, g.total, g.shown) for g in groups] == expected
        assert agreementchart.agreement_groups(as_list, sizes) == groups
    assert agreementchart.agreement_matrix(summaries) == agreementchart.agreement_matrix(as_list)


SHOWN_SIZES = ({"disagree": 25, "agree": 75, "neither": 40}, {"disagree": 2, "agree": 3, "neither": 1},
               {"disagree": 1, "agree": 1, "neither": 1}, {"disagree": 0, "agree": 1, "neither": 0})


def chart_fields(chart_grid, groups):
    """What the page prints of a grid and groups: actors, cells (a pair's
    number only where the list shows it), groups' sizes and listed pairs."""
    listed = agreementchart.listed_pairs(groups)
    cells = [[None if c.summary is None else
              (c.summary.pair.first.id, c.summary.pair.second.id, c.summary.pair.agree, c.summary.pair.disagree,
               c.summary.pair.neither, c.summary.number if c.summary.number in listed else 0)
              for c in row] for row in chart_grid.rows]
    shown = [(g.key, g.total, [(s.number, s.pair.first.id, s.pair.second.id, s.pair.agree, s.pair.disagree,
                                 s.pair.neither) for s in g.shown]) for g in groups]
    return [a.id for a in chart_grid.actors], cells, chart_grid.left_out, shown, sorted(listed)


def assert_shown_matches_every_pair(graph, claims):
    every = actor_agreement(graph, claims)
    summaries = agreementchart.pair_summaries(every)
    for sizes in SHOWN_SIZES:
        for limit in (12, 3, 1):
            shown = agreement_shown(graph, claims, sizes, limit)
            chart = agreementchart.agreement_chart(shown)
            expected = chart_fields(agreementchart.agreement_matrix(summaries, limit),
                                    agreementchart.agreement_groups(summaries, sizes))
            assert chart_fields(chart.grid, chart.groups) == expected, (sizes, limit)
            assert chart.pairs == len(every) and chart.listed == frozenset(expected[4])
            for group in chart.groups:  # the listed pairs' claims, as the page lists them
                for summary in group.shown:
                    assert summary.shown_claims == every[summary.number - 1].shared[:len(summary.shown_claims)]


def random_graph(seed):
    """A small random graph of quotes: some actors share names (ties in the
    list order), some claims draw many actors and some none."""
    rng = random.Random(seed)
    names = ["Ana", "Bo", "Cy", "Di", "Ed", "Fa", "Gu"][:rng.randint(1, 7)]
    actors = {f"a{n}": SimpleNamespace(id=f"a{n}", name=rng.choice(names)) for n in range(rng.randint(0, 25))}
    claims = {f"c{n}": SimpleNamespace(claim=SimpleNamespace(id=f"c{n}", statement=rng.choice("xyz")))
              for n in range(rng.randint(1, 12))}
    quotes = defaultdict(list)
    for actor_id in actors:
        for _ in range(rng.randint(0, 8)):
            claim = rng.choice(list(claims))
            stance = rng.choice((SUPPORTS, SUPPORTS, DISPUTES, DISPUTES, NEUTRAL))
            quotes[actor_id].append(SimpleNamespace(claim=claims[claim].claim, mention=SimpleNamespace(stance=stance)))
    return SimpleNamespace(actors=actors, quotes_by_actor=dict(quotes)), claims


@pytest.mark.parametrize("seed", range(60))
def test_agreement_shown_matches_the_chart_of_every_pair_on_random_graphs(seed):
    assert_shown_matches_every_pair(*random_graph(seed))


def test_agreement_shown_matches_the_chart_of_every_pair_on_synthetic_sites(site):
    graph, analysis = site
    assert_shown_matches_every_pair(graph, analysis.claims)
    assert analysis.agreement_shown.pairs == len(analysis.agreement)


# --- the comparison's rows ---------------------------------------------------------------------------


def test_origin_rows_match_their_cells_worked_out_at_once(site):
    _, analysis = site
    matrix = analysis.origin_matrix
    in_columns = {column.origin.key for column in matrix.columns}
    assert matrix.columns and matrix.folded, "the site must have origins in columns and folded ones"
    for row in matrix.rows:
        by_origin = row.claim.by_origin
        cells = tuple(origin_cell(c.origin, by_origin[c.origin.key]) if c.origin.key in by_origin else None
                      for c in matrix.columns)
        others = tuple(origin_cell(quotes[0].origin, quotes)
                       for key, quotes in sorted(by_origin.items(), key=lambda kv: voice_order(kv[1][0].origin))
                       if key not in in_columns)
        assert [cell_fields(c) for c in row.cells] == [cell_fields(c) for c in cells]
        assert [cell_fields(c) for c in row.others] == [cell_fields(c) for c in others]
        assert row.cells is row.cells  # worked out once


def cell_fields(cell):
    return None if cell is None else (cell.origin.key, cell.quotes, cell.tallies, cell.position)


def test_outlet_rows_match_their_reports_worked_out_at_once(site):
    graph, analysis = site
    matrix = analysis.outlet_matrix
    assert matrix.outlets
    for row in matrix.rows:
        for outlet, report in zip(matrix.outlets, row.cells, strict=True):
            quotes = [q for q in row.claim.quotes if q.outlet.id == outlet.id]
            own = tuple(q for q in quotes if q.actor is None)
            quoted = tuple(q for q in quotes if q.actor is not None)
            assert (report.outlet, report.own, report.quoted) == (outlet, own, quoted)
            assert report.quoted_tallies == tallies_by_stance(quoted)
            assert (report.own_evidence, report.quoted_evidence) == (first_by_stance(own), first_by_stance(quoted))


def test_scorecards_count_the_claims_the_actor_took_each_side_on(site):
    graph, analysis = site
    for item in analysis.actors.values():
        for side, rows in ((SUPPORTS, item.supported_scorecard), (DISPUTES, item.disputed_scorecard)):
            took = [said for said in item.claims if any(q.stance == side for q in said.quotes)]
            assert sum(row.count for row in rows) == len(took)
            assert all(row.count for row in rows)
