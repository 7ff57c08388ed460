"""Accessibility of the built pages, in Chromium (Playwright), as a reader meets them.

- axe-core (``tests/js``, from the npm registry) on one page of every page type
  of the example site and the fixture sites, in the light and the dark colour
  scheme, at phone and desktop widths: no serious or critical violations, and
  the colour-contrast rule must have run;
- keyboard focus is visible on every stop a reader reaches with Tab;
- a stance is never told by colour alone (labels, icons, underline styles);
- the print stylesheet: no navigation, external addresses printed, highlights
  told apart without colour, quote cards kept whole;
- right-to-left articles (the Dari fixture) render right to left.

Screenshots of every page type (light/dark × 390/1280 px) go to ``tests/artifacts/``.
Run alone with ``pytest tests/browser/test_accessibility.py``.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest

from sitekit import FIXTURES, REPO, build_site

from browserkit import CHROMIUM, serve  # noqa: E402
AXE = REPO / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)
if not AXE.exists():
    pytest.skip(f"{AXE} is missing: run `npm ci` in tests/js (make test does)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

pytestmark = pytest.mark.browser

RTL_SITE = FIXTURES / "rtl-site"
ARTIFACTS = REPO / "tests" / "artifacts"
SCHEMES = ("light", "dark")
WIDTHS = {"phone": 390, "desktop": 1280}
BLOCKING_IMPACTS = {"serious", "critical"}
# Page types every build has; colleagues' new ones (/updates/, /about/data/, …) are found by page_types().
CORE_TYPES = {
    "home", "claims", "claims/*", "actors", "actors/*", "outlets", "outlets/*",
    "articles", "articles/*", "compare",
}
STANCE_WORDS = {"supports": "Asserts", "disputes": "Disputes", "neutral": "Neutral"}  # wording.STANCE_LABELS
STANCE_ICONS = {"supports": "✓", "disputes": "✗", "neutral": "○"}


# --- sites, server, browser --------------------------------------------------------------------


@pytest.fixture(scope="module")
def rtl_out(tmp_path_factory) -> Path:
    return build_site(RTL_SITE, tmp_path_factory.mktemp("rtl") / "public")


@contextlib.contextmanager
def open_page(browser, scheme: str = "light", width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    try:
        yield context.new_page()
    finally:
        context.close()


def page_types(out: Path) -> dict[str, str]:
    """One page of each type, name → path: pages are grouped by their first
    folder and depth ("claims/*" is every claim page), and the largest page of
    each group, the one with the most on it, stands for the group."""
    groups: dict[str, list[Path]] = {}
    for path in sorted(out.rglob("*.html")):
        folders = path.relative_to(out).parts[:-1]
        name = "home" if not folders else folders[0] + "/*" * (len(folders) - 1)
        groups.setdefault(name, []).append(path)
    return {
        name: max(paths, key=lambda p: (p.stat().st_size, p.as_posix())).relative_to(out).as_posix()
        for name, paths in sorted(groups.items())
    }


def slug(text: str) -> str:
    """A file name part: "claims/*" → "claims-item", "claims" → "claims"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("/*", "-item")).strip("-") or "home"


# --- axe-core ------------------------------------------------------------------------------------


def run_axe(page) -> dict:
    page.add_script_tag(path=str(AXE))
    return page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")


def describe_violation(violation: dict) -> str:
    nodes = "; ".join(
        f"{' '.join(node['target'])}: {node.get('failureSummary', '').splitlines()[-1].strip()}"
        for node in violation["nodes"][:3]
    )
    return f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])} elements) {nodes}"


# Every page type of each site in both colour schemes; the small fixture sites
# (laid out like the example) at desktop width only, to save time, but for the
# Persian one (fa_out) and the example site in Arabic (ar_out), whose interfaces are
# right to left: their mirrored layouts at both.
AXE_RUNS = [
    (name, scheme, width)
    for name in ("example", "valid", "rtl", "fa", "ar")
    for scheme in SCHEMES
    for width in (WIDTHS.values() if name in ("example", "fa", "ar") else [WIDTHS["desktop"]])
]


@pytest.mark.parametrize("name,scheme,width", AXE_RUNS, ids=["-".join(map(str, run)) for run in AXE_RUNS])
def test_axe_finds_no_serious_violations(request, browser, name, scheme, width):
    out = request.getfixturevalue(f"{name}_out")
    types = page_types(out)
    assert CORE_TYPES <= types.keys(), f"page types missing from {name}: {CORE_TYPES - types.keys()}"
    ARTIFACTS.mkdir(exist_ok=True)
    problems = []
    with serve(out) as base, open_page(browser, scheme, width) as page:
        for kind, path in types.items():
            page.goto(base + path)
            if name != "valid":  # screenshots to look at: the example site and the RTL fixture
                page.screenshot(path=str(ARTIFACTS / f"a11y-{name}-{slug(kind)}-{scheme}-{width}.png"), full_page=True)
            results = run_axe(page)
            ran = {rule["id"] for group in ("passes", "violations", "incomplete") for rule in results[group]}
            assert "color-contrast" in ran, f"axe did not check colour contrast on {path}"
            problems += [
                f"{path}: {describe_violation(v)}" for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS
            ]
    assert problems == [], f"{len(problems)} serious or critical axe violations ({scheme}, {width}px):\n" + "\n".join(problems)


def test_axe_would_report_a_contrast_failure(browser):
    """The check above can fail: axe flags pale grey text on white."""
    with open_page(browser) as page:
        page.set_content('<html lang="en"><title>t</title><main><p style="color:#bbb;background:#fff">pale</p></main></html>')
        results = run_axe(page)
    assert "color-contrast" in {v["id"] for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS}


# --- colour schemes ------------------------------------------------------------------------------


def colours_of(page) -> dict[str, str]:
    return page.evaluate(
        """() => {
            const badge = document.querySelector('.verdict[style]');
            return {
                body: getComputedStyle(document.body).backgroundColor,
                ink: getComputedStyle(document.body).color,
                verdictBg: badge ? getComputedStyle(badge).backgroundColor : '',
            };
        }"""
    )


def luminance(rgb: str) -> float:
    """WCAG relative luminance of a computed colour, "rgb(29, 35, 42)"."""
    from generator.stages.contrast import relative_luminance

    return relative_luminance("#" + "".join(f"{int(v):02x}" for v in re.findall(r"\d+", rgb)[:3]))


def test_dark_scheme_is_dark_and_keeps_verdict_colours(example_out, browser):
    """The dark palette applies (so the dark axe runs above test it), and
    verdict badges keep their site.yaml colours in both schemes."""
    with serve(example_out) as base:
        seen = {}
        for scheme in SCHEMES:
            with open_page(browser, scheme) as page:
                page.goto(base + "index.html")
                seen[scheme] = colours_of(page)
    assert luminance(seen["light"]["body"]) > 0.8, seen["light"]
    assert luminance(seen["dark"]["body"]) < 0.1, seen["dark"]
    assert luminance(seen["dark"]["ink"]) > 0.6, seen["dark"]
    assert seen["light"]["verdictBg"] == seen["dark"]["verdictBg"] != ""


# --- keyboard focus --------------------------------------------------------------------------------

FOCUS_STYLE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {
        tag: el.tagName, text: (el.textContent || '').trim().slice(0, 40),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        shadow: style.boxShadow !== 'none',
        onScreen: box.right > 0 && box.bottom > 0 && box.width > 0 && box.height > 0,
    };
}"""


@pytest.mark.parametrize("scheme", SCHEMES)
def test_keyboard_focus_is_visible(example_out, browser, scheme):
    """Tab through the first stops of pages with many kinds of links: each
    focused element is on screen and drawn with an outline or a ring."""
    with serve(example_out) as base, open_page(browser, scheme) as page:
        types = page_types(example_out)
        for kind in ("home", "articles/*", "compare"):
            page.goto(base + types[kind])
            stops = []
            for _ in range(25):
                page.keyboard.press("Tab")
                stops.append(page.evaluate(FOCUS_STYLE))
            reached = [s for s in stops if s]
            assert len(reached) >= 10, f"{kind}: Tab reached only {reached}"
            assert reached[0]["text"] == "Skip to content", f"{kind}: the first stop is {reached[0]}"
            hidden = [s for s in reached if not ((s["outline"] or s["shadow"]) and s["onScreen"])]
            assert hidden == [], f"{kind}: focus not visible on {hidden}"


def test_focus_check_can_fail(browser):
    """A page whose stylesheet removes the outline is caught by the same probe."""
    with open_page(browser) as page:
        page.set_content('<style>a:focus{outline:none}</style><a href="#x">one</a>')
        page.keyboard.press("Tab")
        style = page.evaluate(FOCUS_STYLE)
    assert style and not style["outline"] and not style["shadow"]


# --- stance is not told by colour alone --------------------------------------------------------------

STANCE_CUES = """() => {
    const stanceOf = el => [...el.classList].map(c => c.match(/^(?:stance|hl|hl-marker|count|quote)-(supports|disputes|neutral|mixed)$/)).filter(Boolean).map(m => m[1])[0] || null;
    const visibleText = el => el.innerText.replace(/\\s+/g, ' ').trim();
    return {
        labels: [...document.querySelectorAll('.stance')].map(el => ({stance: stanceOf(el), text: visibleText(el)})),
        counts: [...document.querySelectorAll('.count[class*="count-"]')].map(el => ({stance: stanceOf(el), text: visibleText(el)})),
        marks: [...document.querySelectorAll('mark.hl')].map(el => ({
            stance: stanceOf(el), quotes: el.querySelectorAll('.hl-anchor[id]').length,
            underline: getComputedStyle(el).borderBottomStyle, inLegend: !!el.closest('.legend'), text: visibleText(el),
        })),
        tags: [...document.querySelectorAll('.hl-marker')].map(el => ({stance: stanceOf(el), text: el.textContent.replace(/\\s+/g, ' ').trim()})),
        cards: [...document.querySelectorAll('.quote-card')].map(el => ({stance: stanceOf(el), border: getComputedStyle(el).borderLeftStyle})),
    };
}"""


def stance_problems(cues: dict) -> list[str]:
    """Every place a stance is shown also shows it in words, an icon or a line style."""
    problems = []
    for label in cues["labels"] + cues["counts"]:
        if label["stance"] and STANCE_ICONS[label["stance"]] not in label["text"]:
            problems.append(f"no icon in {label}")
    for label in cues["labels"]:
        if label["stance"] and STANCE_WORDS[label["stance"]].lower() not in label["text"].lower():
            problems.append(f"no stance word in {label}")
    for mark in cues["marks"]:
        if mark["inLegend"] and mark["stance"] not in ("supports", "disputes", "neutral", "mixed"):
            problems.append(f"legend mark without a stance: {mark}")
    for tag in cues["tags"]:
        words = STANCE_WORDS[tag["stance"]].lower()
        if STANCE_ICONS[tag["stance"]] not in tag["text"] or words not in tag["text"].lower():
            problems.append(f"highlight label without icon and words: {tag}")
    for kind, style_key in (("marks", "underline"), ("cards", "border")):
        styles: dict[str, set[str]] = {}
        for item in cues[kind]:
            styles.setdefault(item["stance"], set()).add(item[style_key])
        if any(len(s) != 1 for s in styles.values()) or len({min(s) for s in styles.values()}) != len(styles):
            problems.append(f"{kind}: line styles do not tell stances apart: {styles}")
    # A passage quoted several times holds an anchor per quote, and is followed by a marker per quote.
    quotes = sum(m["quotes"] for m in cues["marks"])
    if quotes and len(cues["tags"]) != quotes:
        problems.append(f"{quotes} highlighted quotes but {len(cues['tags'])} stance markers")
    return problems


def test_stance_is_never_told_by_colour_alone(example_out, browser):
    types = page_types(example_out)
    with serve(example_out) as base, open_page(browser) as page:
        checked = {"labels": 0, "marks": 0, "tags": 0, "cards": 0}
        problems = []
        for kind in ("home", "claims/*", "articles/*", "actors/*", "outlets/*", "compare"):
            page.goto(base + types[kind])
            cues = page.evaluate(STANCE_CUES)
            problems += [f"{types[kind]}: {p}" for p in stance_problems(cues)]
            for key in checked:
                checked[key] += len(cues[key])
    assert problems == []
    assert all(checked.values()), f"nothing to check for some cues: {checked}"


def test_stance_check_can_fail():
    cues = {
        "labels": [{"stance": "supports", "text": "Asserts"}],  # no icon
        "counts": [],
        "marks": [
            {"stance": "supports", "quotes": 1, "underline": "solid", "inLegend": False, "text": "a"},
            {"stance": "disputes", "quotes": 1, "underline": "solid", "inLegend": False, "text": "b"},  # same line
        ],
        "tags": [{"stance": "supports", "text": "Annotation 1 ✓ Asserts: a claim"}],  # one marker for two quotes
        "cards": [],
    }
    assert len(stance_problems(cues)) == 3


# --- print ---------------------------------------------------------------------------------------


PRINT_PROBE = """() => {
    const shown = sel => [...document.querySelectorAll(sel)].filter(el => getComputedStyle(el).display !== 'none').length;
    const after = el => getComputedStyle(el, '::after').content;
    const external = [...document.querySelectorAll('main a[href^="http"]')];
    return {
        nav: shown('.site-nav'), skip: shown('.skip-link'),
        external: external.map(a => ({href: a.href, raw: a.getAttribute('href'), after: after(a), isUrl: a.classList.contains('url')})),
        ink: getComputedStyle(document.body).color, paper: getComputedStyle(document.body).backgroundColor,
        soft: getComputedStyle(document.querySelector('.kicker')).color,
        marks: [...document.querySelectorAll('mark.hl:not(.legend mark)')].map(m => ({
            cls: m.className, bg: getComputedStyle(m).backgroundColor, underline: getComputedStyle(m).borderBottomStyle,
            colour: getComputedStyle(m).borderBottomColor,
        })),
        cards: [...document.querySelectorAll('.quote-card')].map(c => getComputedStyle(c).breakInside),
    };
}"""


def printed(browser, out: Path, path: str, scheme: str = "light") -> dict:
    with serve(out) as base, open_page(browser, scheme) as page:
        page.emulate_media(media="print")
        page.goto(base + path)
        ARTIFACTS.mkdir(exist_ok=True)
        page.pdf(path=str(ARTIFACTS / f"a11y-print-{slug(path.removesuffix('/index.html'))}.pdf"))  # to look at
        return page.evaluate(PRINT_PROBE)


def test_print_stylesheet(example_out, rtl_out, browser):
    # The example's richest article (every stance highlighted); the RTL fixture's claim, whose
    # analysis links out, and its Dari article, whose original's address is its link text.
    article = printed(browser, example_out, page_types(example_out)["articles/*"])
    claim = printed(browser, rtl_out, "claims/ferry-on-time/index.html")
    original = printed(browser, rtl_out, "articles/ferry-starts-dari/index.html")
    for probe in (article, claim, original):
        assert probe["nav"] == 0 and probe["skip"] == 0
    # External links print their address (a link whose text is the address prints it once).
    external = article["external"] + claim["external"] + original["external"]
    assert {link["isUrl"] for link in external} == {True, False}, external
    for link in external:
        expected = "none" if link["isUrl"] else f'" <{link["raw"]}>"'
        assert link["after"] == expected, link
    # Highlights: no background, black underlines, one line style per stance.
    assert article["marks"]
    styles = {}
    for mark in article["marks"]:
        assert mark["bg"] in ("rgba(0, 0, 0, 0)", "transparent"), mark
        assert mark["colour"] == "rgb(0, 0, 0)", mark
        stance = re.search(r"hl-(supports|disputes|neutral|mixed)", mark["cls"]).group(1)
        styles.setdefault(stance, set()).add(mark["underline"])
    assert all(len(s) == 1 for s in styles.values()) and len({min(s) for s in styles.values()}) == len(styles), styles
    assert claim["cards"] and set(claim["cards"]) == {"avoid"}


def test_print_is_dark_on_white_in_either_scheme(example_out, browser):
    """A reader in dark mode prints black text on white paper, not the dark palette's pale text."""
    for scheme in SCHEMES:
        probe = printed(browser, example_out, page_types(example_out)["claims/*"], scheme)
        assert (probe["ink"], probe["paper"]) == ("rgb(0, 0, 0)", "rgb(255, 255, 255)"), scheme
        assert luminance(probe["soft"]) < 0.05, (scheme, probe["soft"])  # at least 7:1 on white


# --- right-to-left ----------------------------------------------------------------------------------

DIRECTIONS = """() => {
    const dir = sel => { const el = document.querySelector(sel); return el && getComputedStyle(el).direction; };
    const body = document.querySelector('.article-body p');
    let firstCharRight = null, bodyBox = null;
    if (body) {
        const range = document.createRange();
        const text = [...body.childNodes].find(n => n.nodeType === 3 && n.textContent.trim());
        range.setStart(text, 0); range.setEnd(text, 1);
        firstCharRight = range.getBoundingClientRect().right;
        bodyBox = body.getBoundingClientRect();
    }
    return {
        html: dir('html'), lang: document.documentElement.lang, h1: dir('h1'), body: dir('.article-body'),
        nav: dir('.site-nav'), annotations: dir('.annotations'),
        firstCharRight, bodyLeft: bodyBox && bodyBox.left, bodyRight: bodyBox && bodyBox.right,
        rtlQuotes: [...document.querySelectorAll('.quote-text')].map(q => [getComputedStyle(q).direction, q.lang]),
    };
}"""


def test_rtl_article_renders_right_to_left(rtl_out, browser):
    with serve(rtl_out) as base, open_page(browser, width=390) as page:
        page.goto(base + "articles/ferry-starts-dari/index.html")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "a11y-rtl-article-390.png"), full_page=True)
        article = page.evaluate(DIRECTIONS)
        page.goto(base + "claims/ferry-on-time/index.html")
        claim = page.evaluate(DIRECTIONS)
    # The page chrome stays English, left to right; the article's title and text are Dari, right to left.
    assert (article["html"], article["lang"], article["nav"], article["annotations"]) == ("ltr", "en", "ltr", "ltr")
    assert (article["h1"], article["body"]) == ("rtl", "rtl")
    # The text starts at the right edge of its column.
    assert article["bodyRight"] - article["firstCharRight"] < 2, article
    assert article["firstCharRight"] - article["bodyLeft"] > 100, article
    # On the claim page, the Dari quote is right to left and the English one left to right.
    assert sorted(claim["rtlQuotes"]) == [["ltr", ""], ["rtl", "fa-AF"]]


def test_ltr_article_text_starts_at_the_left(rtl_out, browser):
    """The same measurement on the English article: it can tell the directions apart."""
    with serve(rtl_out) as base, open_page(browser, width=390) as page:
        page.goto(base + "articles/ferry-late/index.html")
        article = page.evaluate(DIRECTIONS)
    assert article["body"] == "ltr"
    assert article["bodyRight"] - article["firstCharRight"] > 100, article


CODE_ENDS = """() => {
  const code = document.querySelector(".data-files dt code");
  const node = code.firstChild, at = (i) => {
    const range = document.createRange(); range.setStart(node, i); range.setEnd(node, i + 1);
    return range.getBoundingClientRect().left;
  };
  return {text: node.data, dir: document.documentElement.dir, first: at(0), last: at(node.data.length - 1)};
}"""


def test_code_reads_left_to_right_in_an_rtl_interface(ar_out, browser):
    """A file path in the Arabic /about/data/ keeps its order: "/data/claims.json" starts
    at the left with its slash (an RTL paragraph showed it as "data/claims.json/")."""
    with serve(ar_out) as base, open_page(browser) as page:
        page.goto(base + "about/data/index.html")
        ends = page.evaluate(CODE_ENDS)
    assert (ends["dir"], ends["text"]) == ("rtl", "/data/claims.json")
    assert ends["first"] < ends["last"], ends
