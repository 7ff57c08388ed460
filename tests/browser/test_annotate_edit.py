"""Editing, removing, a phone-sized window, a right-to-left article and the passages check --coverage
lists as missing, in the annotation form of factcheck serve, in a real browser (issue 14)."""

from __future__ import annotations

import pytest

from sitekit import REPO

from browserkit import CHROMIUM  # noqa: E402
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

from generator.preview.serve import DevServer  # noqa: E402 (after the skip checks)

from annotatekit import (ARTICLE_FILE, MARK_OF, copy_site, digest_of, open_form_on_selection, open_page,  # noqa: E402
                         options, served, wait_for_new_digest)  # noqa: F401 (served: a fixture)

pytestmark = pytest.mark.browser


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
    assert dialog.locator("#fca-more").is_hidden()  # via and figures are not changed by an edit (requests.EDITABLE)
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
# Scrolled into view first: at 1280 x 900 the passage sits near the window's bottom edge.
MISSING_CENTRE = """() => { const range = [...CSS.highlights.get('fca-missing')][0];
  range.startContainer.parentElement.scrollIntoView({block: 'center'}); const r = range.getClientRects()[0];
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
        first = digest_of(page)
        dialog.locator("#fca-save").click()
        # The quick page (the highlight, no form) comes first, then the full rebuild's page: wait for
        # that one, which has the form and the coverage marks, or the second reload lands mid-check.
        wait_for_new_digest(page, first)
        assert page.evaluate("t => [...document.querySelectorAll('.article-body mark.hl-supports')]"
                             ".some(m => m.textContent === t)", UNANNOTATED)
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


def test_the_text_is_reached_with_tab_and_a_passage_selected_with_shift_and_the_arrows(browser, served):
    # Keyboard alone: no click places a caret, and Chromium draws none in text that cannot be edited.
    _, server = served
    page = open_page(browser, server.url + "articles/taliban-deny-ties-al-qaeda/")
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('article-body')"):
            break
    assert page.evaluate("document.activeElement.classList.contains('article-body')")
    assert page.locator("#factcheck-caret").is_visible()
    first = page.evaluate("""() => { const w = document.createTreeWalker(document.querySelector('.article-body'),
        NodeFilter.SHOW_TEXT, {acceptNode: n => n.data.trim() ? 1 : 3}); const t = w.nextNode().data;
        return t.slice(t.search(/\\S/)); }""")
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    for _ in range(5):
        page.keyboard.press("Shift+ArrowRight")
    assert page.evaluate("getSelection().toString()") == first[6:11]
    assert not page.locator("#factcheck-caret").is_visible()  # the selection shows itself
    page.keyboard.press("Control+Shift+ArrowRight")
    selected = page.evaluate("getSelection().toString()")
    assert selected.startswith(first[6:11]) and len(selected) > 5
    page.keyboard.press("a")
    dialog = page.locator("#factcheck-annotate-form")
    dialog.wait_for(state="visible", timeout=15000)
    assert dialog.locator("#fca-quote").inner_text() == selected.strip()
    assert page.errors == []
    page.close()
