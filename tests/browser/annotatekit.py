"""What the browser tests of the preview's annotation form share: a copy of a site served by
``factcheck serve``, a page, a selection, the form opened on it, the listbox's choices."""

from __future__ import annotations

import shutil

import pytest

from sitekit import REPO

from generator.preview.serve import DevServer

ARTICLE_FILE = "content/articles/taliban-deny-ties-al-qaeda.md"
SELECT = """() => {
  const p = [...document.querySelectorAll('.article-body p')].find(p => p.textContent.startsWith('The comment comes'));
  const node = p.firstChild, range = document.createRange();
  range.setStart(node, 1); range.setEnd(node, 'The comment comes a wee'.length);
  getSelection().removeAllRanges(); getSelection().addRange(range);
}"""

MARK_OF = """n => document.getElementById(JSON.parse(document.getElementById('factcheck-annotate').textContent)
  .mentions[n].anchor).closest('mark')"""

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



def wait_for_new_digest(page, old):
    """Saved, rebuilt and reloaded: the page offers to annotate again, from the new file."""
    page.wait_for_function("old => { const s = document.getElementById('factcheck-annotate');"
                           " return s && JSON.parse(s.textContent).digest !== old; }", arg=old, timeout=60000)


def digest_of(page):
    return page.evaluate("JSON.parse(document.getElementById('factcheck-annotate').textContent).digest")

