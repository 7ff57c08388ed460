"""The annotation form's "More" fields (via, a figure and whose it is), and selections the server
extends or refuses (a passage that occurs twice, a selection across two paragraphs), in a real
browser (issue 14)."""

from __future__ import annotations

import urllib.request

import pytest

from browserkit import CHROMIUM  # noqa: E402
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


from annotatekit import (ARTICLE_FILE, SELECT_TEXT, content_files, copy_site, digest_of,  # noqa: E402
                         open_form_on_selection, open_page, options, served,  # noqa: F401 (served: a fixture)
                         serving, wait_for_new_digest)

pytestmark = pytest.mark.browser

ARTICLE_PAGE = "articles/taliban-deny-ties-al-qaeda/"


def test_via_and_a_figure_in_its_own_unit_attributed_to_another_actor_are_written_from_the_more_fields(
        browser, served):
    site, server = served
    before = (site / ARTICLE_FILE).read_text(encoding="utf-8")
    page = open_page(browser, server.url + ARTICLE_PAGE)
    first = digest_of(page)
    dialog = open_form_on_selection(page, SELECT_TEXT, ["decried the ministry's claim as propaganda", None, 0])
    assert dialog.locator("#fca-quote").inner_text() == "decried the ministry's claim as propaganda"
    more = dialog.locator("#fca-more")
    assert more.evaluate("d => !d.open") and dialog.locator("#fca-via").is_hidden()  # folded away at first
    page.keyboard.type("helmand-aqis-members-killed")
    page.keyboard.press("Tab")
    page.keyboard.type("taliban")
    page.keyboard.press("Tab")
    dialog.locator("#fca-stance").select_option("disputes")
    dialog.locator("#fca-more summary").click()
    via = dialog.locator("#fca-via")
    via.click()
    page.keyboard.type("urdupoint")  # outlets too: a statement may be relayed through one
    assert any("urdupoint-news · outlet" in o for o in options(dialog, "fca-via-list"))
    via.fill("")
    page.keyboard.type("sputnik")
    assert options(dialog, "fca-via-list")[0].startswith("Sputnik\nsputnik")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert via.input_value() == "sputnik"
    assert dialog.locator("#fca-whose").is_hidden()  # whose figure: asked once there is one
    assert dialog.locator("#fca-unit").is_hidden()  # and what it counts
    dialog.locator("#fca-value").fill("20")
    assert dialog.locator("#fca-unit-hint").inner_text() == (  # the claim's unit, named
        "Only when the figure counts something other than the claim’s unit, “AQIS members killed”; empty: that unit.")
    dialog.locator("#fca-unit").fill("al-Qaeda members killed")
    assert dialog.locator("#fca-whose-own").is_checked() and dialog.locator("#fca-attributed").is_hidden()
    dialog.locator("#fca-whose-own").focus()
    page.keyboard.press("ArrowDown")  # the radio group: "attributed to another actor or outlet"
    assert dialog.locator("#fca-whose-other").is_checked()
    dialog.locator("#fca-attributed").click()
    page.keyboard.type("ministry of defence")
    assert options(dialog, "fca-attributed-list")[0].startswith("Afghan Ministry of Defence\nafghan-ministry-of-defence")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert dialog.locator("#fca-attributed-hint").inner_text() == "Afghan Ministry of Defence"
    dialog.locator("#fca-save").click()
    wait_for_new_digest(page, first)  # saved, rebuilt, reloaded
    assert (site / ARTICLE_FILE).read_text(encoding="utf-8") == before.replace("\n---\n", (
        "\n  - claim: helmand-aqis-members-killed\n    actor: taliban\n    via: sputnik\n    stance: disputes\n"
        "    value: 20\n    unit: al-Qaeda members killed\n    value_attributed_to: afghan-ministry-of-defence\n"
        "    quote: decried the ministry's claim as propaganda\n---\n"), 1)
    assert page.errors == []
    page.close()
    with urllib.request.urlopen(server.url + "claims/helmand-aqis-members-killed/", timeout=30) as response:
        # The claim page lists the mention, the figure as the ministry's, not the Taliban's own.
        assert "Afghan Ministry of Defence</a> (not the speaker’s own count)" in response.read().decode("utf-8")


def test_a_figure_attributed_to_nobody_is_not_sent_and_the_more_fields_unfold_to_show_why(browser, served):
    site, server = served
    before = content_files(site)
    page = open_page(browser, server.url + ARTICLE_PAGE)
    dialog = open_form_on_selection(page, SELECT_TEXT, ["decried the ministry's claim", None, 0])
    page.keyboard.type("helmand-aqis-members-killed")
    page.keyboard.press("Tab")  # leaves the claim's listbox closed, so the layout below it stays put
    dialog.locator("#fca-more summary").click()
    dialog.locator("#fca-value").fill("22")
    dialog.locator("#fca-whose-other").check()
    dialog.locator("#fca-more summary").click()  # folded again, the "attributed to" field empty
    dialog.locator("#fca-save").click()
    assert more_is_open(dialog) and dialog.locator("#fca-attributed").evaluate("e => !e.validity.valid")
    assert dialog.is_visible() and dialog.locator("#fca-message").inner_text() == ""  # nothing sent
    assert content_files(site) == before
    page.close()


def more_is_open(dialog):
    return dialog.locator("#fca-more").evaluate("d => d.open")


@pytest.mark.parametrize("nth, written", [(0, "told Sputnik that"), (1, "told Sputnik.")])
def test_a_passage_that_occurs_twice_is_extended_to_a_unique_quote_at_the_occurrence_selected(
        browser, served, nth, written):
    site, server = served
    before = (site / ARTICLE_FILE).read_text(encoding="utf-8")
    page = open_page(browser, server.url + ARTICLE_PAGE)
    first = digest_of(page)
    dialog = open_form_on_selection(page, SELECT_TEXT, ["told Sputnik", None, nth])
    assert dialog.locator("#fca-quote").inner_text() == "told Sputnik"
    page.keyboard.type("no-al-qaeda-in-taliban-ranks")
    page.keyboard.press("Tab")  # the listbox closed before a click below it
    dialog.locator("#fca-stance").select_option("neutral")
    dialog.locator("#fca-save").click()
    wait_for_new_digest(page, first)
    assert (site / ARTICLE_FILE).read_text(encoding="utf-8") == before.replace("\n---\n", (
        f"\n  - claim: no-al-qaeda-in-taliban-ranks\n    stance: neutral\n    quote: {written}\n---\n"), 1)
    assert page.errors == []
    page.close()


# One long paragraph twice: a short passage of it has the same 60 characters around it in both.
TWICE_FILE = "content/articles/bridge-said-twice.md"
TWICE_PARAGRAPH = ("The council's engineers told the assembly on Monday evening that the new bridge over the river is"
                   " finished and safe to cross, whatever its critics in the newspapers may say about it this week.")
TWICE = (f"---\ntitle: The bridge, said twice\noutlet: urdupoint-news\npublished: 2021-05-06\n---\n\n"
         f"{TWICE_PARAGRAPH}\n\nResidents were not so sure.\n\n{TWICE_PARAGRAPH}\n")


@pytest.fixture
def served_twice(tmp_path):
    site = copy_site(tmp_path)
    (site / TWICE_FILE).write_text(TWICE, encoding="utf-8")
    with serving(site) as served_site:
        yield served_site


def test_a_passage_that_cannot_be_told_apart_asks_to_select_more_and_writes_nothing(browser, served_twice):
    site, server = served_twice
    before = content_files(site)
    page = open_page(browser, server.url + "articles/bridge-said-twice/")
    dialog = open_form_on_selection(page, SELECT_TEXT, ["finished", None, 1])
    page.keyboard.type("helmand-aqis-members-killed")  # any claim: the selection is refused first
    page.keyboard.press("Tab")  # the listbox closed before a click below it
    dialog.locator("#fca-save").click()
    page.wait_for_function("document.getElementById('fca-message').textContent.includes('select a longer passage')",
                           timeout=15000)
    assert dialog.locator("#fca-message").inner_text() == (
        "the selected text occurs more than once and the page did not say which: select a longer passage")
    assert content_files(site) == before
    dialog.locator("#fca-cancel").click()
    dialog = open_form_on_selection(page, SELECT_TEXT, [TWICE_PARAGRAPH, None, 1])  # more: the whole paragraph
    page.keyboard.type("helmand-aqis-members-killed")
    page.keyboard.press("Tab")
    dialog.locator("#fca-save").click()
    page.wait_for_function("document.getElementById('fca-message').textContent.includes('even as a whole paragraph')",
                           timeout=15000)
    assert dialog.is_visible() and content_files(site) == before
    assert page.errors == []
    page.close()


def test_a_selection_across_two_paragraphs_is_refused_in_the_form_and_nothing_is_written(browser, served):
    site, server = served
    before = content_files(site)
    page = open_page(browser, server.url + ARTICLE_PAGE)
    dialog = open_form_on_selection(page, SELECT_TEXT, ["claims that the groups are still linked", "a joint group", 0])
    assert dialog.locator("#fca-quote").inner_text().startswith("claims that the groups are still linked.")
    page.keyboard.type("taliban-kept-ties-with-al-qaeda")
    page.keyboard.press("Tab")  # the listbox closed before a click below it
    dialog.locator("#fca-save").click()
    page.wait_for_function("document.getElementById('fca-message').textContent.includes('two paragraphs')",
                           timeout=15000)
    assert dialog.locator("#fca-message").inner_text() == (
        "the selection runs across two paragraphs: select within one paragraph (annotate each part as a mention of"
        " its own)")
    assert dialog.is_visible() and content_files(site) == before
    assert page.errors == []
    page.close()
