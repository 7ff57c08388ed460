"""Independent origins, derived once in the link stage (link.py): whom each
statement is counted under when sources are compared.

A small conflict: Saraj speaks for the NDS, which belongs to the Afghan
government; the upper house of parliament (the Meshrano Jirga) belongs to
the government too but is marked ``party: true``; an analyst has no
affiliation; the Kabul Times reports in its own voice, and relays a Taliban
spokesman through Sputnik.
"""

from __future__ import annotations

import pytest

from generator.core.model import Voice
from generator.outputs.base import sources_of
from sitekit import graph_of, write_files

SITE = {
    "site.yaml": "title: Origins\nverdicts:\n  - {id: ok, label: OK, description: Yes., colour: '#1b6e3a'}\n",
    "content/claims/ties.md": "---\nstatement: The ties remain.\n---\n",
    "content/actors/government.md": "---\nname: Afghan government\nkind: organisation\n---\n",
    "content/actors/nds.md": "---\nname: NDS\nkind: organisation\naffiliation: government\n---\n",
    "content/actors/saraj.md": "---\nname: Saraj\nkind: person\naffiliation: nds\n---\n",
    "content/actors/jirga.md": "---\nname: Meshrano Jirga\nkind: organisation\naffiliation: government\nparty: true\n---\n",
    "content/actors/sediqi.md": "---\nname: Sediqi\nkind: person\naffiliation: jirga\n---\n",
    "content/actors/analyst.md": "---\nname: An analyst\nkind: person\n---\n",
    "content/actors/taliban.md": "---\nname: Taliban\nkind: organisation\n---\n",
    "content/actors/mujahid.md": "---\nname: Mujahid\nkind: person\naffiliation: taliban\n---\n",
    "content/outlets/kabul-times.md": "---\nname: The Kabul Times\n---\n",
    "content/outlets/sputnik.md": "---\nname: Sputnik\n---\n",
    "content/articles/report.md": (
        "---\n"
        "title: Report\n"
        "outlet: kabul-times\n"
        "mentions:\n"
        "  - {claim: ties, actor: saraj, stance: supports, quote: Saraj said the ties remain}\n"
        "  - {claim: ties, actor: sediqi, stance: supports, quote: Sediqi agreed}\n"
        "  - {claim: ties, actor: analyst, stance: supports, quote: an analyst thought so}\n"
        "  - {claim: ties, actor: mujahid, via: sputnik, stance: disputes, quote: Mujahid told Sputnik there are none}\n"
        "  - {claim: ties, stance: supports, quote: The paper found ties}\n"
        "---\n"
        "Saraj said the ties remain. Sediqi agreed. And an analyst thought so. Mujahid told Sputnik "
        "there are none. The paper found ties.\n"
    ),
}


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return graph_of(write_files(tmp_path_factory.mktemp("origins"), SITE))[0]


def quote_of(graph, speaker_id):
    return next(q for q in graph.quotes if q.speaker.id == speaker_id)


def test_a_chain_ends_at_its_top(graph):
    saraj = quote_of(graph, "saraj")
    assert saraj.speaker == Voice("actor", "saraj", "Saraj")
    assert saraj.origin == Voice("actor", "government", "Afghan government")
    assert saraj.origin.name == "Afghan government"
    assert [a.id for a in saraj.chain] == ["saraj", "nds", "government"]


def test_an_organisation_marked_party_stands_on_its_own(graph):
    sediqi = quote_of(graph, "sediqi")
    assert (sediqi.origin.kind, sediqi.origin.id) == ("actor", "jirga")
    assert [a.id for a in sediqi.chain] == ["sediqi", "jirga"]  # the chain stops at the party


def test_an_actor_without_affiliation_is_its_own_origin(graph):
    analyst = quote_of(graph, "analyst")
    assert analyst.origin == analyst.speaker == Voice("actor", "analyst", "An analyst")
    assert [a.id for a in analyst.chain] == ["analyst"]


def test_a_relayed_statement_keeps_its_speakers_origin(graph):
    mujahid = quote_of(graph, "mujahid")
    assert mujahid.via.id == "sputnik"
    assert mujahid.origin == Voice("actor", "taliban", "Taliban")  # never Sputnik, never the Kabul Times


def test_the_outlets_own_voice_is_the_outlet(graph):
    own = quote_of(graph, "kabul-times")
    assert own.actor is None and own.own_voice
    assert own.speaker == own.origin == Voice("outlet", "kabul-times", "The Kabul Times")
    assert own.chain == ()


def test_voices_compare_by_kind_and_id_not_name():
    assert Voice("actor", "x", "X") == Voice("actor", "x", "another spelling")
    assert Voice("actor", "x", "X") != Voice("outlet", "x", "X")
    assert Voice("outlet", "x", "X").key == ("outlet", "x")


def test_earlier_stages_records_are_left_alone(graph):
    # the origin lives on the Quote; the Mention and the Actor keep only what the content says
    mention = quote_of(graph, "saraj").mention
    assert not hasattr(mention, "origin")
    assert graph.actors["saraj"].affiliation_id == "nds"


def test_the_chain_is_among_a_pages_sources(graph):
    # renaming the government, or moving the NDS, changes what the claim page says of Saraj
    sources = sources_of([quote_of(graph, "saraj")])
    assert {"content/actors/saraj.md", "content/actors/nds.md", "content/actors/government.md"} <= sources


def test_the_owner_of_an_attributed_figure_is_among_a_pages_sources(tmp_path):
    files = {**SITE, "content/articles/report.md": SITE["content/articles/report.md"].replace(
        "{claim: ties, actor: mujahid, via: sputnik, stance: disputes,",
        "{claim: ties, actor: mujahid, via: sputnik, stance: disputes, value: 3, value_attributed_to: nds,")}
    graph, _ = graph_of(write_files(tmp_path, files))
    mujahid = quote_of(graph, "mujahid")
    assert mujahid.value_attributed_to is graph.actors["nds"]
    assert "content/actors/nds.md" in sources_of([mujahid])


def test_the_article_page_preview_derives_origins_as_the_full_link_does(tmp_path):
    from generator.engine.build import load_content
    from generator.stages.link import with_article

    root = write_files(tmp_path, SITE)
    graph, _ = graph_of(root)
    content, _ = load_content(root)
    article = content.articles["report"]
    previewed = with_article(graph, article, content).quotes_by_article["report"]
    assert [(q.speaker.key, q.origin.key) for q in previewed] == [
        (q.speaker.key, q.origin.key) for q in graph.quotes_by_article["report"]
    ]
