"""The minimal annotation form of factcheck serve in a real browser (issue 14): select a
passage, open the form with the A key, fill it with the keyboard, save; the file gets
exactly the expected lines and the page reloads with the new highlight."""

from __future__ import annotations

import shutil

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
