"""factcheck serve in a real browser: an open page reloads itself after a save,
shows the error overlay after a broken save, and clears it after the fix."""

from __future__ import annotations

import shutil

import pytest

from sitekit import REPO, VALID_SITE

from browserkit import CHROMIUM, LAUNCH_ARGS  # noqa: E402
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

from generator.preview.serve import DevServer  # noqa: E402 (after the skip checks)

pytestmark = pytest.mark.browser


def test_an_open_page_follows_saves_and_shows_errors(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(VALID_SITE, site)
    shutil.copytree(REPO / "templates", site / "templates")
    claim = site / "content" / "claims" / "bridge-cost.md"
    original = claim.read_text(encoding="utf-8")
    server = DevServer(site, port=0, log=lambda line: None)
    server.start()
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            try:
                page = browser.new_page()
                errors = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(server.url + "claims/bridge-cost/")
                assert page.locator("h1").inner_text() == "The bridge cost more than planned."

                claim.write_text(original.replace("cost more than planned", "cost twice the plan"), encoding="utf-8")
                # "?.": a page between two loads has no h1 yet, which is "not yet", not an error.
                page.wait_for_function(
                    "document.querySelector('h1')?.textContent.includes('twice the plan')", timeout=15000
                )

                claim.write_text(original.replace("verdict: accurate", "verdict: acurate"), encoding="utf-8")
                overlay = page.locator("#factcheck-errors")
                overlay.wait_for(state="visible", timeout=15000)
                assert "unknown verdict 'acurate'" in overlay.inner_text()
                assert "twice the plan" in page.locator("h1").inner_text()  # last good version

                claim.write_text(original, encoding="utf-8")
                page.wait_for_function(
                    "!document.querySelector('#factcheck-errors') && "
                    "document.querySelector('h1')?.textContent.includes('more than planned')",
                    timeout=15000,
                )
                assert errors == []
            finally:
                browser.close()
    finally:
        server.stop()
