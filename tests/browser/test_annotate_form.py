"""The minimal annotation form of factcheck serve in a real browser (issue 14): select a
passage, open the form with the A key, fill it with the keyboard, save; the file gets
exactly the expected lines and the page reloads with the new highlight."""

from __future__ import annotations

import re
import urllib.request

import pytest

from sitekit import REPO

from browserkit import CHROMIUM, LAUNCH_ARGS  # noqa: E402
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

from generator.preview.serve import DevServer  # noqa: E402 (after the skip checks)

pytestmark = pytest.mark.browser

from annotatekit import (ARTICLE_FILE, SELECT, copy_site, open_form_on_selection, open_page, options,  # noqa: E402
                         served)  # noqa: F401 (served: a fixture)


def test_a_passage_is_annotated_from_the_page_with_the_keyboard(tmp_path):
    site = copy_site(tmp_path)
    before = (site / ARTICLE_FILE).read_text(encoding="utf-8")
    server = DevServer(site, port=0, log=lambda line: None, search=False)
    server.start()
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            try:
                page = browser.new_page()
                errors = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(server.url + "articles/taliban-deny-ties-al-qaeda/")
                page.evaluate(SELECT)
                page.locator("#factcheck-annotate-open").wait_for(state="visible", timeout=15000)
                page.keyboard.press("a")
                dialog = page.locator("#factcheck-annotate-form")
                dialog.wait_for(state="visible", timeout=15000)
                assert dialog.locator("#fca-quote").inner_text() == "he comment comes a wee"
                page.keyboard.type("taliban-kept-ties-with-al-qaeda")
                page.keyboard.press("Tab")
                page.keyboard.press("Tab")
                page.keyboard.press("End")  # the stance list: its last choice, neutral
                page.keyboard.press("Tab")
                page.keyboard.type("Context only.")
                page.keyboard.press("Tab")  # "More" (via, a figure), folded away: passed by
                page.keyboard.press("Tab")
                page.keyboard.press("Enter")  # Save
                page.wait_for_function(
                    "[...document.querySelectorAll('.article-body mark.hl-neutral')]"
                    ".some(m => m.textContent === 'The comment comes a week')", timeout=60000)
                assert errors == []
            finally:
                browser.close()
    finally:
        server.stop()
    after = (site / ARTICLE_FILE).read_text(encoding="utf-8")
    assert after == before.replace("\n---\n", (
        "\n  - claim: taliban-kept-ties-with-al-qaeda\n    stance: neutral\n"
        "    quote: The comment comes a week\n    note: Context only.\n---\n"), 1)




def test_claims_and_actors_are_searched_by_words_and_aliases_and_picked_with_the_keyboard(browser, served):
    site, server = served
    page = open_page(browser, server.url + "articles/taliban-deny-ties-al-qaeda/")
    dialog = open_form_on_selection(page)
    page.keyboard.type("kept their ties")  # words of the statement, not of the id
    found = options(dialog, "fca-claim-list")
    assert found[0].startswith("The Taliban kept their ties with al-Qaeda") and "taliban-kept-ties-with-al-qaeda" in found[0]
    assert found[-1] == "Create a new claim: “kept their ties”"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert dialog.locator("#fca-claim").input_value() == "taliban-kept-ties-with-al-qaeda"
    assert dialog.locator("#fca-claim-list").is_hidden() and dialog.is_visible()
    page.keyboard.press("Tab")
    page.keyboard.type("mujahid")  # an alias
    found = options(dialog, "fca-actor-list")
    assert found[0].startswith("The outlet’s own voice") and any("zabihullah-mujahid" in o for o in found)
    page.keyboard.press("Escape")  # closes the listbox, not the form
    assert dialog.locator("#fca-actor-list").is_hidden() and dialog.is_visible()
    page.keyboard.press("ArrowDown")  # opens it again, on its first choice: the outlet's own voice
    page.keyboard.press("Enter")
    assert dialog.locator("#fca-actor").input_value() == ""
    assert page.errors == []
    page.close()


def test_a_new_claim_and_a_new_actor_are_created_from_the_form(browser, served):
    site, server = served
    before = (site / ARTICLE_FILE).read_text(encoding="utf-8")
    page = open_page(browser, server.url + "articles/taliban-deny-ties-al-qaeda/")
    dialog = open_form_on_selection(page)
    page.keyboard.type("The comment followed the embassy's remark")
    assert options(dialog, "fca-claim-list")[-1].startswith("Create a new claim")
    page.keyboard.press("ArrowUp")  # the last choice
    page.keyboard.press("Enter")
    assert dialog.locator("#fca-claim-statement").evaluate("e => e === document.activeElement")
    assert dialog.locator("#fca-claim-statement").input_value() == "The comment followed the embassy's remark"
    assert dialog.locator("#fca-claim-id").input_value() == "the-comment-followed-the-embassy-s"
    dialog.locator("#fca-claim-id").fill("comment-followed-embassy")  # the proposed id is editable
    dialog.locator("#fca-actor").click()
    page.keyboard.type("Nasrin Ahmadi")
    assert options(dialog, "fca-actor-list")[-1] == "Create a new actor: “Nasrin Ahmadi”"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    assert dialog.locator("#fca-actor-id").input_value() == "nasrin-ahmadi"
    dialog.locator("#fca-actor-kind").select_option("person")
    dialog.locator("#fca-stance").select_option("neutral")
    dialog.locator("#fca-save").click()
    page.wait_for_function(
        "[...document.querySelectorAll('.article-body mark.hl-neutral')]"
        ".some(m => m.textContent === 'The comment comes a week')", timeout=60000)
    assert page.errors == []
    page.close()
    with urllib.request.urlopen(server.url + "claims/comment-followed-embassy/", timeout=30) as response:
        assert "The comment comes a week" in response.read().decode("utf-8")  # the claim page lists the mention
    claim = (site / "content/claims/comment-followed-embassy.md").read_text(encoding="utf-8")
    actor = (site / "content/actors/nasrin-ahmadi.md").read_text(encoding="utf-8")
    # The files are factcheck new's, filled in (its comments stay after the values).
    assert re.search(r"^statement: The comment followed the embassy's remark +#", claim, re.M)
    assert re.search(r"^name: Nasrin Ahmadi +#", actor, re.M) and re.search(r"^kind: person +#", actor, re.M)
    assert (site / ARTICLE_FILE).read_text(encoding="utf-8") == before.replace("\n---\n", (
        "\n  - claim: comment-followed-embassy\n    actor: nasrin-ahmadi\n    stance: neutral\n"
        "    quote: The comment comes a week\n---\n"), 1)


def test_a_refusal_is_shown_in_the_form_with_the_servers_message(browser, served):
    site, server = served
    before = (site / ARTICLE_FILE).read_bytes()
    page = open_page(browser, server.url + "articles/taliban-deny-ties-al-qaeda/")
    dialog = open_form_on_selection(page)
    page.keyboard.type("A claim already made")
    options(dialog, "fca-claim-list")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    dialog.locator("#fca-claim-id").fill("taliban-kept-ties-with-al-qaeda")  # taken
    dialog.locator("#fca-save").click()
    message = dialog.locator("#fca-message")
    page.wait_for_function("document.querySelector('#fca-message').textContent.includes('already the id')",
                           timeout=15000)
    assert "choose another" in message.inner_text() and dialog.is_visible()
    assert (site / ARTICLE_FILE).read_bytes() == before
    page.close()


AXE = REPO / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = """async context => (await axe.run(context)).violations
  .filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' '))"""


@pytest.mark.parametrize("width", [390, 1280])
def test_axe_finds_nothing_serious_in_the_open_form_and_the_editable_highlights(browser, served, width):
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: run `npm ci` in tests/js")
    site, server = served
    page = open_page(browser, server.url + "articles/taliban-deny-ties-al-qaeda/", width=width)
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(BLOCKING, ".article-body") == []  # highlights as buttons, faint marks
    dialog = open_form_on_selection(page)
    page.keyboard.type("ties")
    options(dialog, "fca-claim-list")
    page.keyboard.press("ArrowDown")  # the listbox open, an option active
    assert page.evaluate(BLOCKING, "#factcheck-annotate-form") == []
    page.close()
