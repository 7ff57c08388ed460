"""Stage 3, link: anchors, resolved references, deterministic order."""

from __future__ import annotations

import dataclasses
import re


from generator.core.model import Actor, Mention, Outlet
from generator.stages.link import anchors_of
from sitekit import RICH_SITE, graph_of, write_files


def mention(claim, start, line=1):
    return Mention(article_id="a", claim_id=claim, stance="supports", quote="q", line=line, spans=((start, start + 1),))


def anchors(mentions):
    return anchors_of(mentions)


# --- anchors ---------------------------------------------------------------------------


def test_anchor_ids_are_numbered_per_claim_in_reading_order():
    # YAML order: the quote at offset 50 is listed before the one at offset 10
    assert anchors([mention("cost", 50), mention("late", 30), mention("cost", 10), mention("cost", 70)]) == [
        "q-cost--2",
        "q-late",
        "q-cost",
        "q-cost--3",
    ]


def test_numbered_anchor_ids_cannot_collide_with_another_claims_id():
    # claim "foo" quoted twice and claim "foo-2" once in the same article
    ids = anchors([mention("foo", 10), mention("foo", 20), mention("foo-2", 30)])
    assert len(set(ids)) == 3, ids


def test_anchor_of_a_quote_does_not_change_when_other_claims_are_annotated():
    before = anchors([mention("cost", 10), mention("cost", 50)])
    after = anchors([mention("late", 0), mention("cost", 10), mention("other", 30), mention("cost", 50)])
    assert before == ["q-cost", "q-cost--2"]
    assert after[1] == "q-cost" and after[3] == "q-cost--2"


def test_anchor_of_a_quote_does_not_change_when_a_later_quote_is_added():
    assert anchors([mention("cost", 10)]) == ["q-cost"]
    assert anchors([mention("cost", 10), mention("cost", 90)])[0] == "q-cost"


def test_anchors_are_unique_valid_ids_in_every_article(rich):
    graph, _ = rich
    for article in graph.articles.values():
        ids = [q.anchor for q in graph.quotes_by_article.get(article.id, [])]
        assert len(ids) == len(article.mentions), article.id
        assert len(ids) == len(set(ids)), article.id
        assert all(re.fullmatch(r"q-[a-z0-9-]+", i) for i in ids)


def test_anchors_in_the_rich_site(rich):
    graph, _ = rich
    by_quote = {q.text: q.anchor for q in graph.quotes}
    assert by_quote["the bill came to 12 million euros"] == "q-c-cost"  # first in the text
    assert by_quote["twelve million was the final figure"] == "q-c-cost--2"  # listed first in YAML
    assert by_quote["She denied the bridge was late"] == "q-c-late"
    assert by_quote["the bridge came in late"] == "q-c-late"  # a3: first in the text
    assert by_quote["The mayor again denied any delay"] == "q-c-late--2"


# --- references ----------------------------------------------------------------------------


def test_quotes_resolve_to_objects(rich):
    graph, _ = rich
    quote = next(q for q in graph.quotes if q.text == "called the river fairly clean")
    assert quote.article is graph.articles["a2"]
    assert quote.claim is graph.claims["c-clean"]
    assert quote.outlet is graph.outlets["gazette"]
    assert quote.actor is graph.actors["ana"]
    assert isinstance(quote.via, Outlet) and quote.via is graph.outlets["daily"]
    assert quote.speaker_name == "Ana Mayor"
    assert quote.speaker_key == ("actor", "ana")


def test_outlet_voice_is_the_speaker_when_there_is_no_actor(rich):
    graph, _ = rich
    quote = next(q for q in graph.quotes if q.text == "the river is clean")
    assert quote.actor is None
    assert quote.speaker_name == "The Daily River"
    assert quote.speaker_key == ("outlet", "daily")


def test_via_can_be_an_actor(tmp_path):
    files = dict(RICH_SITE)
    files["content/articles/a1.md"] = files["content/articles/a1.md"].replace(
        "{claim: c-clean, stance: supports,", "{claim: c-clean, via: council, stance: supports,"
    )
    graph, _ = graph_of(write_files(tmp_path, files))
    quote = next(q for q in graph.quotes if q.text == "the river is clean")
    assert isinstance(quote.via, Actor) and quote.via.id == "council"


# --- indexes and order ------------------------------------------------------------------------


def test_quotes_are_ordered_by_article_date_then_position(rich):
    graph, _ = rich
    assert [(q.article.id, q.text) for q in graph.quotes_by_claim["c-late"]] == [
        ("a1", "She denied the bridge was late"),
        ("a2", "He said the bridge was late"),
        ("a2", "the bridge was not on time"),
        ("a3", "the bridge came in late"),  # undated articles come last
        ("a3", "The mayor again denied any delay"),
    ]
    assert [q.article.id for q in graph.quotes] == ["a1"] * 4 + ["a2"] * 6 + ["a3"] * 3


def test_indexes(rich):
    graph, _ = rich
    assert [a.id for a in graph.articles_by_outlet["gazette"]] == ["a2", "a3"]
    assert "silent" not in graph.articles_by_outlet
    assert [a.id for a in graph.members_by_actor["council"]] == ["ana"]
    assert len(graph.quotes_by_actor["ana"]) == 5
    assert len(graph.quotes_by_article["a2"]) == 6
    assert "c-lonely" not in graph.quotes_by_claim
    assert list(graph.claims) == sorted(graph.claims)
    assert list(graph.actors) == sorted(graph.actors)


# --- the validated records stay as validation made them -----------------------------------


def test_linking_leaves_the_validated_records_as_they_were(tmp_path):
    """``serve`` keeps the validated records from one rebuild to the next:
    link (with and without drafts) and the base-URL override make records
    of their own instead of writing into them."""
    import dataclasses

    from generator.engine.build import load_content
    from generator.stages.link import link

    content, _ = load_content(write_files(tmp_path, RICH_SITE))
    before = {aid: [dict(vars(m)) for m in a.mentions] for aid, a in content.articles.items()}
    config = content.config
    for drafts in (False, True):
        link(content, include_drafts=drafts)
    moved = content.with_base_url("https://checks.example.org/sub")
    assert {aid: [dict(vars(m)) for m in a.mentions] for aid, a in content.articles.items()} == before
    assert content.config is config and moved.config.base_url == "https://checks.example.org/sub/"
    assert moved.articles is content.articles
    mention = next(m for a in content.articles.values() for m in a.mentions)
    for record, field in ((mention, "spans"), (content, "config"), (content.articles[mention.article_id], "mentions")):
        try:
            setattr(record, field, None)
        except dataclasses.FrozenInstanceError:
            continue
        raise AssertionError(f"{type(record).__name__}.{field} can be assigned")


def test_an_article_without_mentions_of_draft_claims_is_linked_as_validated(tmp_path):
    """Only the articles that mention a draft claim are copied without those
    mentions; the others are the validated records themselves (copying all
    10,000 articles of the benchmark cost link 0.22 s)."""
    from generator.engine.build import load_content
    from generator.stages.link import link

    content, _ = load_content(write_files(tmp_path, RICH_SITE))
    mentioned = [{m.claim_id for m in a.mentions} for a in content.articles.values()]
    claim_id = min(set().union(*mentioned), key=lambda cid: sum(cid in ids for ids in mentioned))
    drafted = content.claims[claim_id]
    content = dataclasses.replace(content, claims={**content.claims, claim_id: dataclasses.replace(drafted, draft=True)})
    graph = link(content)
    for article_id, article in graph.articles.items():
        validated = content.articles[article_id]
        assert article.mentions == [m for m in validated.mentions if m.claim_id != claim_id]
        assert (article is validated) == all(m.claim_id != claim_id for m in validated.mentions)
    assert {article is content.articles[aid] for aid, article in graph.articles.items()} == {True, False}
