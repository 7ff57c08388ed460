"""What the browser tests of the preview's annotation form share: a copy of a site served by
``factcheck serve``, a page, a selection, the form opened on it, the listbox's choices."""

from __future__ import annotations

import shutil
from contextlib import contextmanager

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

# The ``nth`` occurrence (from 0) of ``first`` in the article's text as the page shows it (the highlights'
# markers left out), or from there to the end of the next ``last``: across highlights and paragraphs,
# as a reader's mouse selects. Its argument: [first, last or null, nth].
SELECT_TEXT = """([first, last, nth]) => {
  const walker = document.createTreeWalker(document.querySelector('.article-body'), NodeFilter.SHOW_TEXT,
    {acceptNode: n => n.parentElement.closest('.hl-markers') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  const at = []; let text = '', node;
  while ((node = walker.nextNode())) for (let k = 0; k < node.data.length; k++) { text += node.data[k]; at.push([node, k]); }
  let start = -1;
  for (let i = 0; i <= nth; i++) if ((start = text.indexOf(first, start + 1)) < 0) throw new Error('not on the page: ' + first);
  const end = last === null ? start + first.length : text.indexOf(last, start) + last.length;
  if (last !== null && end < last.length + start) throw new Error('not on the page after the start: ' + last);
  const range = document.createRange();
  range.setStart(at[start][0], at[start][1]); range.setEnd(at[end - 1][0], at[end - 1][1] + 1);
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
    with serving(copy_site(tmp_path)) as served_site:
        yield served_site


@contextmanager
def serving(site):
    """The dev server on ``site`` (no search index) while the block runs: (site, server)."""
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


def open_form_on_selection(page, select=SELECT, arg=None):
    page.evaluate(select, arg)
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


def content_files(site):
    """Every file under the site's ``content/``, as bytes: to show nothing was written."""
    return {path.relative_to(site).as_posix(): path.read_bytes()
            for path in sorted((site / "content").rglob("*")) if path.is_file()}


def digest_of(page):
    return page.evaluate("JSON.parse(document.getElementById('factcheck-annotate').textContent).digest")

