"""The minimal annotation form of factcheck serve in a real browser (issue 14): select a
passage, open the form with the A key, fill it with the keyboard, save; the file gets
exactly the expected lines and the page reloads with the new highlight."""

from __future__ import annotations

import re
import shutil
import urllib.request

import pytest

from sitekit import REPO

from browserkit import CHROMIUM, LAUNCH_ARGS  # noqa: E402
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

from generator.preview.serve import DevServer  # noqa: E402 (after the skip checks)

pytestmark = pytest.mark.browser

ARTICLE_FILE = "content/articles/taliban-deny-ties-al-qaeda.md"
SELECT = """() => {
  const p = [...document.querySelectorAll('.article-body p')].find(p => p.textContent.startsWith('The comment comes'));
  const node = p.firstChild, range = document.createRange();
  range.setStart(node, 1); range.setEnd(node, 'The comment comes a wee'.length);
  getSelection().removeAllRanges(); getSelection().addRange(range);
}"""


def test_a_passage_is_annotated_from_the_page_with_the_keyboard(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    for name in ("site.yaml", "content", "seeds"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy2)(REPO / name, site / name)
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


# --- the completed form: search, create, edit, remove, phone, right to left ---------------------------


def copy_site(tmp_path, source=REPO, names=("site.yaml", "content", "seeds")):
    site = tmp_path / "site"
    site.mkdir()
    for name in names:
        if (source / name).exists():
            (shutil.copytree if (source / name).is_dir() else shutil.copy2)(source / name, site / name)
    return site


@pytest.fixture
def served(tmp_path):
    site = copy_site(tmp_path)
    server = DevServer(site, port=0, log=lambda line: None, search=False)
    server.start()
    try:
        yield site, server
    finally:
        server.stop()


def open_page(browser, url, width=1280, height=900):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url)
    return page


def open_form_on_selection(page, select=SELECT):
    page.evaluate(select)
    page.locator("#factcheck-annotate-open").wait_for(state="visible", timeout=15000)
    page.keyboard.press("a")
    dialog = page.locator("#factcheck-annotate-form")
    dialog.wait_for(state="visible", timeout=15000)
    return dialog


def options(dialog, listbox):
    dialog.locator(f"#{listbox} [role=option]").first.wait_for(timeout=15000)
    return [o.inner_text() for o in dialog.locator(f"#{listbox} [role=option]").all()]


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
    page.keyboard.press("ArrowDown")  # the outlet's own voice
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


MARK_OF = """n => document.getElementById(JSON.parse(document.getElementById('factcheck-annotate').textContent)
  .mentions[n].anchor).closest('mark')"""


def wait_for_new_digest(page, old):
    """Saved, rebuilt and reloaded: the page offers to annotate again, from the new file."""
    page.wait_for_function("old => { const s = document.getElementById('factcheck-annotate');"
                           " return s && JSON.parse(s.textContent).digest !== old; }", arg=old, timeout=60000)


def digest_of(page):
    return page.evaluate("JSON.parse(document.getElementById('factcheck-annotate').textContent).digest")


def test_a_mention_is_edited_from_its_highlight_with_the_keyboard_and_removed_with_a_click(browser, served):
    site, server = served
    before = (site / ARTICLE_FILE).read_text(encoding="utf-8")
    page = open_page(browser, server.url + "articles/taliban-deny-ties-al-qaeda/")
    first = digest_of(page)
    page.evaluate_handle(MARK_OF, 2).as_element().focus()  # Tab reaches it; focus it directly here
    page.keyboard.press("Enter")
    dialog = page.locator("#factcheck-annotate-form")
    dialog.wait_for(state="visible", timeout=15000)
    assert dialog.locator("#fca-title").inner_text() == "Edit the mention"
    assert dialog.locator("#fca-claim").input_value() == "taliban-kept-ties-with-al-qaeda"
    assert dialog.locator("#fca-actor").input_value() == "unnamed-acting-head-us-embassy-kabul"
    assert dialog.locator("#fca-stance").input_value() == "supports"
    assert dialog.locator("#fca-note").input_value().startswith("Hedged")
    page.wait_for_function("document.getElementById('fca-claim-hint').textContent.includes('The Taliban kept')",
                           timeout=15000)  # what the ids stand for
    assert dialog.locator("#fca-remove").is_visible() and dialog.locator("#fca-save").inner_text() == "Save changes"
    dialog.locator("#fca-stance").focus()
    page.keyboard.press("End")  # neutral
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")  # no note
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Save changes
    wait_for_new_digest(page, first)  # saved, rebuilt, reloaded
    edited = (site / ARTICLE_FILE).read_text(encoding="utf-8")
    assert edited == before.replace(
        "    stance: supports\n    quote: the acting head of the US embassy in Kabul said that the Taliban may have not"
        " entirely cut ties with the banned terrorist organization\n    note: Hedged (“may have not entirely”) and"
        " reported second-hand.\n",
        "    stance: neutral\n    quote: the acting head of the US embassy in Kabul said that the Taliban may have not"
        " entirely cut ties with the banned terrorist organization\n", 1)
    assert edited != before
    second = digest_of(page)
    page.evaluate_handle(MARK_OF, 3).as_element().click()
    dialog.wait_for(state="visible", timeout=15000)
    assert dialog.locator("#fca-actor").input_value() == "afghan-government"
    dialog.locator("#fca-remove").click()
    wait_for_new_digest(page, second)
    assert (site / ARTICLE_FILE).read_text(encoding="utf-8") == edited.replace(
        "  - claim: taliban-kept-ties-with-al-qaeda\n    actor: afghan-government\n    stance: supports\n"
        "    quote: The Afghan government, too, claims that the groups are still linked.\n", "", 1)
    assert page.errors == []
    page.close()


RTL_SITE = REPO / "tests/fixtures/rtl-site"
RTL_FILE = "content/articles/ferry-starts-dari.md"
RTL_SELECT = """() => {
  const p = [...document.querySelectorAll('.article-body p')].find(p => p.textContent.includes('این خبر ساختگی'));
  const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
  let node; while ((node = walker.nextNode()) && !node.data.includes('این خبر ساختگی')) {}
  const start = node.data.indexOf('این خبر ساختگی'), range = document.createRange();
  range.setStart(node, start); range.setEnd(node, start + 'این خبر ساختگی است'.length);
  getSelection().removeAllRanges(); getSelection().addRange(range);
}"""
INSIDE = """() => {
  const d = document.getElementById('factcheck-annotate-form').getBoundingClientRect();
  const outside = [...document.querySelectorAll('#factcheck-annotate-form input, #factcheck-annotate-form select,'
    + ' #factcheck-annotate-form textarea, #factcheck-annotate-form button')]
    .filter(e => e.offsetParent !== null).map(e => [e.id, e.getBoundingClientRect()])
    .filter(([id, r]) => r.left < d.left || r.right > d.right).map(([id]) => id);
  return {left: d.left, right: d.right, width: innerWidth, outside: outside};
}"""


def test_the_form_fits_a_phone_and_annotates_a_right_to_left_article(browser, tmp_path):
    site = copy_site(tmp_path, RTL_SITE, ("site.yaml", "content"))
    before = (site / RTL_FILE).read_text(encoding="utf-8")
    server = DevServer(site, port=0, log=lambda line: None, search=False)
    server.start()
    try:
        page = open_page(browser, server.url + "articles/ferry-starts-dari/", width=390, height=844)
        dialog = open_form_on_selection(page, RTL_SELECT)
        assert dialog.locator("#fca-quote").inner_text() == "این خبر ساختگی است"
        box = page.evaluate(INSIDE)
        assert 0 <= box["left"] and box["right"] <= box["width"] == 390 and box["outside"] == [], box
        page.keyboard.type("cost more")
        assert options(dialog, "fca-claim-list")[0].startswith("The ferry cost more than planned.")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        page.keyboard.type("councillor")
        found = options(dialog, "fca-actor-list")
        assert any("omid-councillor" in o for o in found), found
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        assert dialog.locator("#fca-actor").input_value() == "omid-councillor"
        assert page.evaluate(INSIDE)["outside"] == []
        page.keyboard.press("Tab")
        page.keyboard.press("ArrowDown")  # disputes
        dialog.locator("#fca-save").click()
        page.wait_for_function(
            "[...document.querySelectorAll('.article-body mark.hl-disputes')]"
            ".some(m => m.textContent.startsWith('این خبر ساختگی است'))", timeout=60000)
        assert page.errors == []
        page.close()
    finally:
        server.stop()
    assert (site / RTL_FILE).read_text(encoding="utf-8") == before.replace("\n---\n", (
        "\n  - claim: ferry-cost\n    actor: omid-councillor\n    stance: disputes\n"
        "    quote: این خبر ساختگی است\n---\n"), 1)


UNANNOTATED = "The Afghan government, too, claims that the groups are still linked."
ITS_MENTION = ("  - claim: taliban-kept-ties-with-al-qaeda\n    actor: afghan-government\n    stance: supports\n"
               f"    quote: {UNANNOTATED}\n")
MISSING_COUNT = "CSS.highlights.has('fca-missing') ? CSS.highlights.get('fca-missing').size : 0"
MISSING_CENTRE = """() => { const r = [...CSS.highlights.get('fca-missing')][0].getClientRects()[0];
  return [r.left + r.width / 2, r.top + r.height / 2]; }"""


def test_a_passage_check_coverage_lists_is_marked_and_one_click_annotates_it(browser, tmp_path):
    site = copy_site(tmp_path)
    original = (site / ARTICLE_FILE).read_text(encoding="utf-8")
    assert ITS_MENTION in original
    (site / ARTICLE_FILE).write_text(original.replace(ITS_MENTION, ""), encoding="utf-8")  # now unannotated
    before = (site / ARTICLE_FILE).read_text(encoding="utf-8")
    server = DevServer(site, port=0, log=lambda line: None, search=False)
    server.start()
    try:
        page = open_page(browser, server.url + "articles/taliban-deny-ties-al-qaeda/")
        assert page.evaluate(MISSING_COUNT) == 1
        assert not page.evaluate("t => [...document.querySelectorAll('.article-body mark.hl')]"
                                 ".some(m => m.textContent.includes(t))", UNANNOTATED)  # not a highlight
        x, y = page.evaluate(MISSING_CENTRE)
        page.mouse.click(x, y)
        dialog = page.locator("#factcheck-annotate-form")
        dialog.wait_for(state="visible", timeout=15000)
        assert dialog.locator("#fca-quote").inner_text() == UNANNOTATED
        page.keyboard.type("kept their ties")
        options(dialog, "fca-claim-list")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        page.keyboard.type("afghan government")
        assert "afghan-government" in options(dialog, "fca-actor-list")[1]
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        dialog.locator("#fca-save").click()
        page.wait_for_function(
            "[...document.querySelectorAll('.article-body mark.hl-supports')]"
            f".some(m => m.textContent === {UNANNOTATED!r})", timeout=60000)
        assert page.evaluate(MISSING_COUNT) == 0  # annotated now: no longer marked
        assert page.errors == []
        page.close()
    finally:
        server.stop()
    assert (site / ARTICLE_FILE).read_text(encoding="utf-8") == before.replace("\n---\n", "\n" + ITS_MENTION + "---\n", 1)


def test_the_n_key_selects_the_next_missing_passage(browser, tmp_path):
    site = copy_site(tmp_path)
    (site / ARTICLE_FILE).write_text((site / ARTICLE_FILE).read_text(encoding="utf-8").replace(ITS_MENTION, ""),
                                     encoding="utf-8")
    server = DevServer(site, port=0, log=lambda line: None, search=False)
    server.start()
    try:
        page = open_page(browser, server.url + "articles/taliban-deny-ties-al-qaeda/")
        page.keyboard.press("n")
        page.keyboard.press("a")
        dialog = page.locator("#factcheck-annotate-form")
        dialog.wait_for(state="visible", timeout=15000)
        assert dialog.locator("#fca-quote").inner_text() == UNANNOTATED
        page.close()
    finally:
        server.stop()


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
