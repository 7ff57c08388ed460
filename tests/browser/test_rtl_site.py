"""A site whose interface is written right to left, in Chromium (issue 15).

The Persian fixture (``tests/fixtures/fa-site``, ``language: fa-AF``) holds a
Persian article and an English one whose quotes carry Persian translations:

- the page is mirrored: ``direction: rtl`` on the html, the navigation starts
  at the right, quote cards and the verdict box have their rule on the right,
  stance bars, the pairs' bars and the timeline draw from the right, and the
  timeline's texts stay readable beside their marks;
- a translated quote shows the translation (the site's language and
  direction) beside the original (its own ``lang`` and ``dir``);
- "Read in context" and "Find in the original" from a translated quote land
  on the ORIGINAL words in the article;
- the English article inside keeps its own direction.

Screenshots at 390 and 1280 px of the home page, a claim page, both article
pages and /compare/ go to ``tests/artifacts/rtl-fa-*.png``, to look at.
The axe and Nu checks of this site's pages run with the others
(``test_accessibility.py``, ``tests/test_html_validity.py``).
"""

from __future__ import annotations

import urllib.parse

import pytest

from sitekit import REPO

from browserkit import CHROMIUM, serve  # noqa: E402
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "tests" / "artifacts"
CLAIM = "claims/ferry-on-time/index.html"
ENGLISH_ARTICLE = "articles/ferry-late/index.html"
ORIGINAL = "the ferry was ready a week late"
TRANSLATION = "کشتی یک هفته دیرتر آماده شد"
ORIGINAL_ADDRESS = "https://courier.example.com/news/ferry-late"  # the English article's url:
SHOTS = {
    "home": "index.html", "claim": CLAIM, "article-en": ENGLISH_ARTICLE,
    "article-fa": "articles/ferry-starts/index.html", "compare": "compare/index.html",
}


@pytest.fixture
def open_page(browser):
    contexts = []

    def opener(width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        return context.new_page()

    yield opener
    for context in contexts:
        context.close()


# --- the page is mirrored ---------------------------------------------------------------------------

MIRRORING = """() => {
    const box = el => el.getBoundingClientRect();
    const style = el => getComputedStyle(el);
    const links = [...document.querySelectorAll('.site-nav a')].map(box);
    const header = box(document.querySelector('.header-inner'));
    const title = box(document.querySelector('.site-title'));
    const bars = [...document.querySelectorAll('svg.tally-bar')].map(svg => {
        const track = box(svg), fill = box(svg.querySelector('.tally-fill'));
        return {fromRight: track.right - fill.right, fromLeft: fill.left - track.left};
    });
    const cards = [...document.querySelectorAll('.quote-card')].map(c => [style(c).borderRightWidth, style(c).borderLeftWidth]);
    const verdict = document.querySelector('.verdict-box');
    return {
        direction: style(document.documentElement).direction, lang: document.documentElement.lang,
        navRights: links.map(l => l.right), titleGap: header.right - parseFloat(style(document.querySelector('.header-inner')).paddingRight) - title.right,
        titleRight: title.right, navRight: Math.max(...links.map(l => l.right)),
        bars, cards, verdictRule: verdict ? [style(verdict).borderRightWidth, style(verdict).borderLeftWidth] : null,
    };
}"""

TIMELINE = """() => {
    const box = el => el.getBoundingClientRect();
    const months = [...document.querySelectorAll('.tl-month text')].map(t => box(t).left);
    const points = [...document.querySelectorAll('.timeline-chart .tl-point')].map(box);
    const labels = [...document.querySelectorAll('.tl-label text')].map(box);
    const numbers = [...document.querySelectorAll('.tl-number text')].map(box);
    const chart = box(document.querySelector('.timeline-chart'));
    return {
        months, chartLeft: chart.left, chartRight: chart.right,
        pairs: points.map((p, i) => ({pointLeft: p.left, pointRight: p.right, labelLeft: labels[i].left, labelRight: labels[i].right})),
        numbersRight: numbers.map(n => n.right),
    };
}"""


def test_the_persian_site_is_mirrored(fa_out, open_page):
    page = open_page()
    with serve(fa_out) as base:
        page.goto(base + "index.html")
        home = page.evaluate(MIRRORING)
        page.goto(base + CLAIM)
        claim = page.evaluate(MIRRORING)
    assert (home["direction"], home["lang"]) == ("rtl", "fa-AF")
    # The navigation starts at the right: the site's title at the right edge, then the links leftwards.
    assert abs(home["titleGap"]) < 2, home
    assert home["navRight"] < home["titleRight"]
    assert home["navRights"] == sorted(home["navRights"], reverse=True), home["navRights"]
    # Stance bars are drawn from the right: each fill ends at its track's right end; a shorter one
    # (1 origin of the page's largest 2) leaves its track's left half empty.
    assert home["bars"] and all(abs(bar["fromRight"]) < 1 for bar in home["bars"]), home["bars"]
    assert any(bar["fromLeft"] > 20 for bar in home["bars"]), home["bars"]
    # Quote cards and the verdict box have their rule at the start of the line: the right.
    assert claim["cards"] and all(right != "0px" and left == "0px" for right, left in claim["cards"]), claim["cards"]
    assert claim["verdictRule"] == ["6px", "0px"]


def test_the_timeline_runs_from_the_right_and_its_labels_stay_beside_their_marks(fa_out, open_page):
    page = open_page()
    with serve(fa_out) as base:
        page.goto(base + CLAIM)
        timeline = page.evaluate(TIMELINE)
    # Months in time order, from right to left.
    assert len(timeline["months"]) > 2 and timeline["months"] == sorted(timeline["months"], reverse=True)
    # Each date's label sits left of its point (the mirror of a left-to-right page), not on it.
    assert timeline["pairs"]
    for pair in timeline["pairs"]:
        assert pair["labelRight"] <= pair["pointLeft"], pair
        assert pair["labelLeft"] >= timeline["chartLeft"], pair
    # The numbers of the marks stand in the gutter at the right.
    assert all(timeline["chartRight"] - right < 40 for right in timeline["numbersRight"]), timeline


def test_the_comparison_is_mirrored(fa_out, open_page):
    page = open_page()
    with serve(fa_out) as base:
        page.goto(base + "compare/index.html")
        compare = page.evaluate("""() => {
            const box = el => el.getBoundingClientRect();
            const heads = [...document.querySelectorAll('.matrix thead th')].map(th => box(th).right);
            const svg = document.querySelector('.pair-bar svg.bar');
            const first = svg.querySelector('rect.bar-seg');
            return {heads, barRight: box(svg).right, firstRight: box(first).right, firstLeft: box(first).left,
                    barLeft: box(svg).left, gridRows: [...document.querySelectorAll('.agreement-grid tbody th')].map(th => box(th).right),
                    gridCells: [...document.querySelectorAll('.agreement-grid tbody tr:first-child td')].map(td => box(td).right)};
        }""")
    # The claims' column comes first, at the right; the origins' columns follow leftwards.
    assert compare["heads"] == sorted(compare["heads"], reverse=True), compare["heads"]
    # The pair's bar starts at the right: its first segment ends at the bar's right end.
    assert abs(compare["barRight"] - compare["firstRight"]) < 1 and compare["firstLeft"] > compare["barLeft"] + 5, compare
    # The grid's row names stand at the right of its cells.
    assert min(compare["gridRows"]) > max(compare["gridCells"]), compare


# --- a quote with its translation --------------------------------------------------------------------

VERSIONS = """() => {
    const card = [...document.querySelectorAll('.quote-card')].find(c => c.querySelector('.quote-translated') && c.textContent.includes(%r));
    const describe = el => {
        const lang = el.closest('[lang]');
        const r = el.getBoundingClientRect();
        return {text: el.innerText.trim(), lang: lang.getAttribute('lang'), dir: getComputedStyle(el).direction,
                left: r.left, right: r.right, top: r.top, bottom: r.bottom};
    };
    return {
        translation: describe(card.querySelector('.quote-translation')),
        original: describe(card.querySelector('.quote-original')),
        labels: [...card.querySelectorAll('.quote-version-label')].map(l => l.textContent),
        context: card.querySelector('a.to-context').getAttribute('href'),
        original_link: card.querySelector('a.to-original').getAttribute('href'),
    };
}""" % ORIGINAL


@pytest.mark.parametrize("width", [1280, 390])
def test_the_translation_is_shown_beside_the_original(fa_out, open_page, width):
    page = open_page(width)
    with serve(fa_out) as base:
        page.goto(base + CLAIM)
        shown = page.evaluate(VERSIONS)
    translation, original = shown["translation"], shown["original"]
    assert (translation["text"], translation["lang"], translation["dir"]) == (TRANSLATION, "fa-AF", "rtl")
    assert (original["text"], original["lang"], original["dir"]) == (ORIGINAL, "en", "ltr")
    assert shown["labels"] == ["ترجمه", "متن اصلی"]  # "Translation", "Original", from the Persian catalogue
    if width == 1280:  # side by side, the translation first: at the right
        assert translation["left"] >= original["right"], shown
    else:  # one above the other on a phone
        assert translation["bottom"] <= original["top"], shown
    # The links go to the original: the text fragment is made of the original's words.
    assert urllib.parse.unquote(shown["original_link"]) == f"{ORIGINAL_ADDRESS}#:~:text={ORIGINAL}"


def test_read_in_context_from_a_translated_quote_lands_on_the_original(fa_out, open_page):
    page = open_page(390, 640)  # small, so that the passage must be scrolled to
    with serve(fa_out) as base:
        page.goto(base + CLAIM)
        card = page.locator(".quote-card", has=page.locator(".quote-translated"), has_text=ORIGINAL)
        card.locator("a.to-context").click()
        page.wait_for_url(f"**/{ENGLISH_ARTICLE}#*")
        fragment = page.url.split("#", 1)[1]
        landed = page.evaluate("""() => {
            const target = document.querySelector(':target');
            const mark = target && target.closest('mark.hl');
            const body = target && target.closest('.article-body');
            return mark && {mark: mark.textContent, body: body.getAttribute('lang') + '/' + getComputedStyle(body).direction};
        }""")
        sync_api.expect(page.locator(f"mark.hl:has(#{fragment})")).to_be_in_viewport()
    assert landed == {"mark": ORIGINAL, "body": "en/ltr"}


def test_find_in_the_original_lands_on_the_original_words(fa_out, open_page):
    """The original article's address is served by the test (it is made up): the English
    article's page stands in for it. Chromium follows the link's text fragment there and
    scrolls the original's words into view; the translation is nowhere in it to be found."""
    page = open_page(390, 500)
    english = (fa_out / ENGLISH_ARTICLE).read_text(encoding="utf-8")
    assert TRANSLATION not in english.split('class="article-body', 1)[1].split("</section>", 1)[0]

    def original_site(route):
        if route.request.url == ORIGINAL_ADDRESS:
            route.fulfill(status=200, content_type="text/html", body=english)
        else:  # its stylesheet and script, which it would find at its own address
            route.fulfill(status=404, body="")

    page.route("https://courier.example.com/**", original_site)
    with serve(fa_out) as base:
        page.goto(base + CLAIM)
        card = page.locator(".quote-card", has=page.locator(".quote-translated"), has_text=ORIGINAL)
        card.locator("a.to-original").click()
        page.wait_for_url(lambda url: url.startswith(ORIGINAL_ADDRESS))
        # Chromium scrolls to the first match of the fragment's text, once the page has loaded.
        page.wait_for_function("() => window.scrollY > 0", timeout=15_000)
        seen = page.evaluate("""(quote) => {
            const mark = [...document.querySelectorAll('.article-body mark.hl')].find(m => m.textContent === quote);
            const r = mark && mark.getBoundingClientRect();
            return mark && {top: r.top, bottom: r.bottom, height: innerHeight, text: mark.textContent};
        }""", ORIGINAL)
    assert seen is not None and seen["text"] == ORIGINAL, seen
    assert 0 <= seen["top"] and seen["bottom"] <= seen["height"], seen


# --- screenshots, to look at ------------------------------------------------------------------------


def test_screenshots_of_the_persian_site(fa_out, open_page):
    ARTIFACTS.mkdir(exist_ok=True)
    with serve(fa_out) as base:
        for width in (390, 1280):
            page = open_page(width)
            for name, path in SHOTS.items():
                page.goto(base + path)
                page.screenshot(path=str(ARTIFACTS / f"rtl-fa-{name}-{width}.png"), full_page=True)
                overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
                assert overflow <= 0, f"{path} at {width}px scrolls sideways by {overflow}px"


def test_the_search_box_is_mirrored(fa_out, open_page):
    """Pagefind's box places its icon and clear button with left and right: the site swaps them."""
    if not (fa_out / "pagefind").is_dir():
        pytest.skip("the build made no search index (pagefind is not installed)")
    page = open_page()
    with serve(fa_out) as base:
        page.goto(base + "index.html")
        page.wait_for_selector(".pagefind-ui__search-input", timeout=15_000)
        search = page.evaluate("""() => {
            const input = document.querySelector('.pagefind-ui__search-input');
            const icon = getComputedStyle(document.querySelector('.pagefind-ui__form'), '::before');
            const box = document.querySelector('#site-search').getBoundingClientRect();
            const nav = [...document.querySelectorAll('.site-nav a')].map(a => a.getBoundingClientRect().left);
            return {inputDir: getComputedStyle(input).direction, iconRight: icon.right, iconLeft: icon.left,
                    paddingRight: parseFloat(getComputedStyle(input).paddingRight),
                    paddingLeft: parseFloat(getComputedStyle(input).paddingLeft),
                    boxRight: box.right, navLeft: Math.min(...nav)};
        }""")
    assert search["boxRight"] < search["navLeft"], search  # at the end of the header: the left
    assert (search["inputDir"], search["iconRight"]) == ("rtl", "15px"), search  # 20px at the UI's scale of 0.75
    assert search["paddingRight"] < search["paddingLeft"], search  # room for the icon at the right, the clear button at the left
