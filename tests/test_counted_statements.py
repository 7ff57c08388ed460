"""An organisation's page lists the statements /compare/ counts under it that
others made (stages/counted.py, templates/actor.html).

A small conflict: the Afghan government says nothing itself, but its
minister speaks, and Saraj speaks for the NDS, which belongs to it; the
Taliban speak themselves and through Mujahid; the Meshrano Jirga belongs to
the government but stands on its own (``party: true``), so Sediqi's
statement counts under it, not under the government; an analyst belongs to
no one.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.engine.build import build
from generator.engine.incremental import IncrementalBuilder
from sitekit import REPO, build_site, graph_of, parse_html, squeeze, write_files

SITE = {
    "site.yaml": "title: Counted\nverdicts:\n  - {id: ok, label: Confirmed, description: Yes., colour: '#1b6e3a'}\n",
    "content/claims/ties.md": "---\nstatement: The ties remain.\nverdict: ok\n---\n",
    "content/claims/base.md": "---\nstatement: A base was found.\n---\n",
    "content/actors/government.md": "---\nname: Afghan government\nkind: organisation\n---\n",
    "content/actors/nds.md": "---\nname: NDS\nkind: organisation\naffiliation: government\n---\n",
    "content/actors/saraj.md": "---\nname: Saraj\nkind: person\nrole: NDS officer\naffiliation: nds\n---\n",
    "content/actors/minister.md": "---\nname: A minister\nkind: person\naffiliation: government\n---\n",
    "content/actors/jirga.md": "---\nname: Meshrano Jirga\nkind: organisation\naffiliation: government\nparty: true\n---\n",
    "content/actors/sediqi.md": "---\nname: Sediqi\nkind: person\naffiliation: jirga\n---\n",
    "content/actors/analyst.md": "---\nname: An analyst\nkind: person\n---\n",
    "content/actors/taliban.md": "---\nname: Taliban\nkind: organisation\n---\n",
    "content/actors/mujahid.md": "---\nname: Mujahid\nkind: person\naffiliation: taliban\n---\n",
    "content/outlets/kabul-times.md": "---\nname: The Kabul Times\n---\n",
    "content/articles/report.md": (
        "---\n"
        "title: Report\n"
        "outlet: kabul-times\n"
        "mentions:\n"
        "  - {claim: ties, actor: saraj, stance: supports, quote: Saraj said the ties remain}\n"
        "  - {claim: ties, actor: minister, stance: neutral, quote: the minister would not say}\n"
        "  - {claim: base, actor: minister, stance: supports, quote: the minister saw a base}\n"
        "  - {claim: ties, actor: sediqi, stance: supports, quote: Sediqi agreed}\n"
        "  - {claim: ties, actor: analyst, stance: supports, quote: an analyst thought so}\n"
        "  - {claim: ties, actor: taliban, stance: disputes, quote: the Taliban denied it}\n"
        "  - {claim: ties, actor: mujahid, stance: disputes, quote: Mujahid said there are none}\n"
        "---\n"
        "Saraj said the ties remain, but the minister would not say. Later the minister saw a base. "
        "Sediqi agreed. And an analyst thought so. In a statement the Taliban denied it; Mujahid said "
        "there are none.\n"
    ),
}

GOVERNMENT = "actors/government/index.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return write_files(tmp_path_factory.mktemp("counted"), SITE)


@pytest.fixture(scope="module")
def out(site, tmp_path_factory) -> Path:
    return build_site(site, tmp_path_factory.mktemp("counted-out") / "public")


def counted_section(html: str) -> str:
    """The "Statements counted under …" section's HTML ('' if there is none)."""
    found = re.search(r'<section aria-labelledby="counted-heading".*?</section>\s*</section>\s*(?=<|$)', html, re.S)
    return found.group(0) if found else ""


def text_of(html: str) -> str:
    return squeeze(parse_html(html).text)


def page(out: Path, path: str) -> str:
    return (out / path).read_text(encoding="utf-8")


# --- the page ------------------------------------------------------------------------------------


def test_an_organisation_silent_itself_lists_the_statements_counted_under_it(out):
    html = page(out, GOVERNMENT)
    section = counted_section(html)
    assert section, "no 'Statements counted under' section"
    text = text_of(section)
    assert text.startswith("Statements counted under Afghan government")
    # claim by claim (by statement), speakers by name, each with how many statements take each stance;
    # the quotes themselves are a click away, on the speaker's page at that claim
    assert text.index("A base was found.") < text.index("The ties remain.")
    assert text.index("A minister") < text.index("Saraj, NDS officer")
    assert "A minister · ✓ Asserts 1 statement" in text
    assert "Saraj, NDS officer · ✓ Asserts 1 statement" in text
    assert "A minister · ○ Neutral 1 statement" in text
    assert "Verdict: Confirmed" in text
    parsed = parse_html(section)
    links = {a.get("href") for a in parsed.find("a")}
    assert {"../../claims/ties/index.html", "../../claims/base/index.html",
            "../../actors/saraj/index.html#claim-ties", "../../actors/minister/index.html#claim-base",
            "../../actors/minister/index.html#claim-ties"} <= links
    assert parsed.find("a", "to-context") == []  # no quote cards: the speaker's page has them
    # Sediqi counts under the Meshrano Jirga (party: true), the analyst and the Taliban under no one here.
    for other in ("Sediqi", "analyst", "Mujahid", "Taliban denied"):
        assert other not in text
    # Others' words: the search index keeps them to their speakers' pages.
    assert 'aria-labelledby="counted-heading" data-pagefind-ignore' in section


def test_its_no_statement_line_says_the_counted_ones_are_below(out):
    text = text_of(page(out, GOVERNMENT))
    assert ("No statement in the name of Afghan government itself has been annotated; "
            "the statements counted under it are listed below.") in text
    assert "No statement by Afghan government has been annotated." not in text


def test_an_organisation_that_speaks_keeps_its_own_statements_and_lists_the_others(out):
    html = page(out, "actors/taliban/index.html")
    own = text_of(html.split('aria-labelledby="counted-heading"')[0])
    assert "What they said" in own and "the Taliban denied it" in own and "Mujahid said" not in own
    assert "No statement in the name of" not in own
    counted = text_of(counted_section(html))
    assert "Mujahid · ✗ Disputes 1 statement" in counted and "said there are none" not in counted
    assert "the Taliban denied it" not in counted


def test_a_speaker_under_no_one_has_no_such_section(out):
    for path in ("actors/saraj/index.html", "actors/analyst/index.html", "actors/nds/index.html"):
        assert not counted_section(page(out, path)), path
    # an organisation between a speaker and its party counts nothing under it: its line is as it was
    assert "No statement by NDS has been annotated." in text_of(page(out, "actors/nds/index.html"))


# --- the same set as /compare/ --------------------------------------------------------------------


def compare_counts(analysis, actor_id) -> set[int]:
    """The statements /compare/ counts under an actor's column that the actor did not make."""
    return {id(q) for item in analysis.claims.values() for q in item.by_origin.get(("actor", actor_id), [])
            if q.speaker.key != ("actor", actor_id)}


@pytest.mark.parametrize("root", ["fixture", "example"])
def test_the_statements_listed_are_those_compare_counts_under_the_origin(root, site):
    graph, analysis = graph_of(site if root == "fixture" else REPO)
    parties_with_counted = 0
    for actor_id, item in analysis.actors.items():
        listed = [q for counted in item.counted for q in counted.quotes]
        assert len(listed) == len({id(q) for q in listed})  # each once
        assert {id(q) for q in item.counted_quotes} == {id(q) for q in listed}  # the page's sources: the same
        assert {id(q) for q in listed} == compare_counts(analysis, actor_id), actor_id
        # "Counted as …, which also counts the statements of …" names exactly their speakers
        assert [a.id for a in item.counted_with] == sorted(
            {q.actor.id for q in listed}, key=lambda i: (graph.actors[i].name.casefold(), i))
        parties_with_counted += bool(listed)
    assert parties_with_counted >= 2


def test_the_example_sites_organisations_show_what_compare_counts_under_them(tmp_path):
    out = tmp_path / "public"
    assert build(REPO, out, search=False).ok
    nato = text_of(page(out, "actors/nato/index.html"))
    assert "No statement by NATO has been annotated." not in nato
    assert "No statement in the name of NATO itself has been annotated" in nato
    assert "Statements counted under NATO" in nato and "Jens Stoltenberg, NATO Secretary-General · ✓ Asserts" in nato
    assert "Statements counted under UN panel monitoring the Taliban" in text_of(
        page(out, "actors/un-monitoring-team/index.html"))


# --- re-rendered when what it shows changes ---------------------------------------------------------


@pytest.mark.parametrize("path, old, new", [
    # a member's statement, in an article's front matter: its stance
    ("content/articles/report.md", "actor: minister, stance: supports", "actor: minister, stance: disputes"),
    # the claim it is on: its statement
    ("content/claims/base.md", "A base was found.", "A camp was found."),
    # the speaker: its role
    ("content/actors/saraj.md", "role: NDS officer", "role: NDS spokesman"),
])
def test_an_edit_of_what_the_section_shows_re_renders_the_organisations_page(tmp_path, path, old, new):
    root = write_files(tmp_path / "site", SITE)
    builder = IncrementalBuilder(root)
    assert builder.rebuild().ok
    before = builder.outputs[GOVERNMENT]
    edited = root / path
    text = edited.read_text(encoding="utf-8")
    assert old in text
    edited.write_text(text.replace(old, new), encoding="utf-8")
    assert builder.rebuild().ok
    assert builder.outputs[GOVERNMENT] != before
    assert build(root, tmp_path / "clean", search=False).ok
    assert (tmp_path / "clean" / GOVERNMENT).read_bytes() == builder.outputs[GOVERNMENT]
    shutil.rmtree(tmp_path / "clean")
