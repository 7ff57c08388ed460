"""End to end: build whole sites and inspect every file they produce."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.core.layout import CACHE_DIR

from sitekit import (
    REPO,
    VALID_SITE,
    all_files,
    html_files,
    is_external,
    make_site,
    parse_file,
    resolve_internal,
    run_cli,
    site_under_test,
)

SECTIONS = ("claims", "actors", "outlets", "articles")


def expected_pages(root: Path) -> set[str]:
    """Every page the site must have, derived from its content files."""
    content = root / "content"
    assert content.is_dir(), f"{root} has no content/ folder yet"
    pages = {"index.html", "compare/index.html", "compare/outlets/index.html", "assets/style.css", "assets/favicon.svg", ".factcheck-build"}
    # the search box, its search over the shards, and the worker it starts (one WebAssembly download for all)
    pages |= {"assets/search.js", "assets/search/pagefind.js", "assets/search/worker.js"}
    pages |= {"updates/index.html", "about/data/index.html"}
    pages |= {"feed.xml", "sitemap.xml", "robots.txt"}
    pages |= {f"data/{name}" for name in ("claims.json", "mentions.csv", "matrix.csv", "annotations.jsonld", "claimreview.json")}
    pages |= {f"{section}/index.html" for section in SECTIONS}
    for section in SECTIONS:
        for path in (content / section).rglob("*.md"):
            pages.add(f"{section}/{path.stem}/index.html")
    pages |= {f"actors/{path.stem}/feed.xml" for path in (content / "actors").rglob("*.md")}
    pages |= {f"data/articles/{path.stem}.txt" for path in (content / "articles").rglob("*.md")}
    pages |= {f"{path.stem}/index.html" for path in (content / "pages").glob("*.md")}  # the editors' own pages
    return pages


@pytest.fixture(params=["valid", "example"])
def site(request):
    """(site root, its built output) for the fixture and the project's example site."""
    return site_under_test(request)


# --- every page type ------------------------------------------------------------------------


def test_every_page_exists(site):
    root, out = site
    built = set(all_files(out))
    missing = expected_pages(root) - built
    assert not missing, f"pages missing: {sorted(missing)}"


def test_no_unexpected_files(site):
    root, out = site
    extra = set(all_files(out)) - expected_pages(root)
    # The search index: file names are content hashes; tests/test_search_index.py checks it.
    extra = {path for path in extra if not path.startswith("pagefind/")}
    assert not extra, f"unexpected files: {sorted(extra)}"


def test_the_example_site_has_every_kind_of_content(example_out):
    for section in SECTIONS:
        pages = list((example_out / section).glob("*/index.html"))
        assert pages, f"the example site has no {section} yet"


def test_valid_fixture_pages_are_exactly_these(valid_out):
    built = all_files(valid_out)
    assert any(path.startswith("pagefind/") for path in built)  # the search index: see test_search_index.py
    assert sorted(path for path in built if not path.startswith("pagefind/")) == [
        ".factcheck-build",
        "about/data/index.html",
        "about/index.html",
        "actors/ana-mayor/feed.xml",
        "actors/ana-mayor/index.html",
        "actors/bo-critic/feed.xml",
        "actors/bo-critic/index.html",
        "actors/index.html",
        "actors/river-council/feed.xml",
        "actors/river-council/index.html",
        "articles/bridge-late/index.html",
        "articles/bridge-opens/index.html",
        "articles/index.html",
        "assets/favicon.svg",
        "assets/search.js",
        "assets/search/pagefind.js",
        "assets/search/worker.js",
        "assets/style.css",
        "claims/bridge-cost/index.html",
        "claims/bridge-finished/index.html",
        "claims/index.html",
        "claims/river-clean/index.html",
        "compare/index.html",
        "compare/outlets/index.html",
        "data/annotations.jsonld",
        "data/articles/bridge-late.txt",
        "data/articles/bridge-opens.txt",
        "data/claimreview.json",
        "data/claims.json",
        "data/matrix.csv",
        "data/mentions.csv",
        "feed.xml",
        "index.html",
        "outlets/daily-river/index.html",
        "outlets/hill-gazette/index.html",
        "outlets/index.html",
        "robots.txt",
        "sitemap.xml",
        "updates/index.html",
    ]


# --- links -------------------------------------------------------------------------------------------


def test_every_internal_link_and_anchor_resolves(site):
    _, out = site
    parsed = {path: parse_file(path) for path in html_files(out)}
    problems = []
    checked = 0
    for page, html in parsed.items():
        for tag, attr, url in html.links:
            if is_external(url):
                continue
            checked += 1
            where = f"{page.relative_to(out)}: <{tag} {attr}={url!r}>"
            path_part = urlsplit(url).path
            # A link to a folder ("claims/x/") breaks when the site is opened from disk.
            if path_part and "." not in path_part.rsplit("/", 1)[-1]:
                problems.append(f"{where}: internal links must name a file (…/index.html)")
            target, fragment = resolve_internal(page, url)
            if not target.is_file():
                problems.append(f"{where}: no such file {target}")
                continue
            if out.resolve() not in target.resolve().parents:
                problems.append(f"{where}: leaves the site")
            if fragment:
                ids = parsed[target].ids if target in parsed else []
                if fragment not in ids:
                    problems.append(f"{where}: no element with id {fragment!r} in {target.relative_to(out)}")
    assert checked > 0
    assert not problems, "\n".join(problems)


def test_ids_are_unique_within_each_page(site):
    _, out = site
    problems = []
    for page in html_files(out):
        ids = parse_file(page).ids
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            problems.append(f"{page.relative_to(out)}: {duplicates}")
    assert not problems, "\n".join(problems)


def test_external_links_are_http_only(site):
    _, out = site
    problems = []
    for page in html_files(out):
        for tag, attr, url in parse_file(page).links:
            scheme = urlsplit(url).scheme.lower()
            if (scheme or url.startswith("//")) and scheme not in ("http", "https"):
                problems.append(f"{page.relative_to(out)}: <{tag} {attr}={url!r}>")
    assert not problems, "\n".join(problems)


# The only script that runs: the search box, a progressive enhancement
# (tests/test_search_index.py). Data blocks such as JSON-LD are not scripts that run.
SEARCH_SCRIPT = "assets/search.js"
EXECUTABLE_TYPES = ("", "text/javascript", "application/javascript", "module")


def test_no_script_anywhere_but_search(site):
    _, out = site
    problems = []
    for page in html_files(out):
        html = parse_file(page)
        scripts = [attrs for tag, attrs in html.tags if tag == "script"]
        running = [attrs.get("src") or "inline" for attrs in scripts
                   if (attrs.get("type") or "").strip().lower() in EXECUTABLE_TYPES]
        if len(running) > 1 or any(not src.endswith(SEARCH_SCRIPT) for src in running):
            problems.append(f"{page.relative_to(out)}: <script> elements {running}")
        handlers = [(tag, name) for tag, attrs in html.tags for name in attrs if name.lower().startswith("on")]
        if handlers:
            problems.append(f"{page.relative_to(out)}: event handler attributes {handlers}")
        if page.read_text(encoding="utf-8").lower().count("<script") != len(scripts):
            problems.append(f"{page.relative_to(out)}: raw '<script' in the source")
    assert not problems, "\n".join(problems)


def test_injected_script_in_the_fixture_is_shown_escaped(valid_out):
    page = valid_out / "articles" / "bridge-late" / "index.html"
    source = page.read_text(encoding="utf-8")
    assert '&lt;script&gt;alert("x")&lt;/script&gt;' in source
    html = parse_file(page)
    assert '<script>alert("x")</script>' in html.text  # what the reader sees
    assert not any("javascript:" in url.lower() for _, _, url in html.links)
    assert "a page" in html.text  # the javascript: link is kept as text


def test_every_quote_is_highlighted_in_its_article(valid_out):
    # Each quote's id is on an empty element at its start, inside its highlighted passage.
    anchors = parse_file(valid_out / "articles" / "bridge-opens" / "index.html").find("span", "hl-anchor")
    assert sorted(a["id"] for a in anchors) == ["q-bridge-cost", "q-bridge-finished", "q-river-clean"]
    late = parse_file(valid_out / "articles" / "bridge-late" / "index.html").find("span", "hl-anchor")
    assert sorted(a["id"] for a in late) == ["q-bridge-cost", "q-bridge-finished"]


def test_claim_pages_link_to_each_quote_in_context(valid_out):
    html = parse_file(valid_out / "claims" / "bridge-cost" / "index.html")
    in_context = sorted(a["href"] for a in html.find("a", cls="to-context"))
    assert in_context == [
        "../../articles/bridge-late/index.html#q-bridge-cost",
        "../../articles/bridge-opens/index.html#q-bridge-cost",
    ]
    originals = [a["href"] for a in html.find("a", cls="to-original")]
    assert originals == [
        "https://river.example.com/news/bridge-opens#:~:text=the%20final%20bill%20came%20to%2012%20million%20euros"
    ]


def test_content_is_not_a_template(tmp_path):
    root = make_site(
        tmp_path,
        {"content/claims/bridge-cost.md": "---\nstatement: \"{{ 7*7 }} {% if true %}x{% endif %}\"\n---\n{{ site.title }}\n"},
    )
    out = tmp_path / "out"
    result = run_cli("build", "--root", str(root), "--out", str(out))
    assert result.returncode == 0, result.stderr
    text = parse_file(out / "claims" / "bridge-cost" / "index.html").text
    assert "{{ 7*7 }} {% if true %}x{% endif %}" in text
    assert "{{ site.title }}" in text


# --- determinism -------------------------------------------------------------------------------------


def test_builds_are_byte_identical(tmp_path, valid_out):
    from generator.engine.build import build

    again = tmp_path / "elsewhere" / "site"
    assert build(VALID_SITE, again).ok
    assert all_files(again) == all_files(valid_out)


def test_example_builds_are_byte_identical(tmp_path, example_out):
    from generator.engine.build import build

    again = tmp_path / "second"
    assert build(REPO, again).ok
    first, second = all_files(example_out), all_files(again)
    assert sorted(first) == sorted(second)
    differing = [path for path in first if first[path] != second[path]]
    assert not differing, differing


def test_cli_builds_are_byte_identical(tmp_path):
    outs = [tmp_path / "a", tmp_path / "b" / "c"]
    for out in outs:
        result = run_cli("build", "--root", str(VALID_SITE), "--out", str(out))
        assert result.returncode == 0, result.stderr
    assert all_files(outs[0]) == all_files(outs[1])


# --- failing builds leave the previous output alone ------------------------------------------------------


@pytest.fixture
def site_copy(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(VALID_SITE, root)
    return root


def test_failing_build_leaves_the_previous_output(site_copy):
    first = run_cli("build", "--root", str(site_copy))  # into 'public', as site.yaml says
    assert first.returncode == 0, first.stderr
    out = site_copy / "public"
    before = all_files(out)
    assert "index.html" in before

    claim = site_copy / "content" / "claims" / "bridge-cost.md"
    claim.write_text(claim.read_text().replace("verdict: accurate", "verdict: nope"))
    second = run_cli("build", "--root", str(site_copy))
    assert second.returncode == 1
    assert "content/claims/bridge-cost.md:3: error: 'verdict': unknown verdict 'nope' in site.yaml" in second.stderr.splitlines()
    assert "Traceback" not in second.stderr
    assert all_files(out) == before
    # No staging or retired folder is left behind; the build cache, the lock file and
    # the first build's spare (links to its files, for the next build) are meant to stay.
    assert sorted(p.name for p in site_copy.iterdir() if p.name.startswith(".")) == [
        CACHE_DIR, ".factcheck-lock-public", ".spare-public"]


def test_failing_template_leaves_the_previous_output(site_copy):
    out = site_copy.parent / "out"
    assert run_cli("build", "--root", str(site_copy), "--out", str(out)).returncode == 0
    before = all_files(out)
    (site_copy / "templates").mkdir()
    (site_copy / "templates" / "claim.html").write_text('{% extends "base.html" %}\n{% block content %}{% if %}{% endblock %}\n')
    result = run_cli("build", "--root", str(site_copy), "--out", str(out))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("templates/claim.html:2: error: template syntax error:")
    assert all_files(out) == before


def test_site_templates_override_the_defaults(site_copy):
    out = site_copy.parent / "out"
    (site_copy / "templates").mkdir()
    (site_copy / "templates" / "home.html").write_text('{% extends "base.html" %}\n{% block content %}<p id="custom">Custom home</p>{% endblock %}\n')
    assert run_cli("build", "--root", str(site_copy), "--out", str(out)).returncode == 0
    assert "custom" in parse_file(out / "index.html").ids
    assert "custom" not in parse_file(out / "claims" / "index.html").ids


# --- the command line ---------------------------------------------------------------------------------


def test_build_exit_0_and_summary(tmp_path):
    result = run_cli("build", "--root", str(VALID_SITE), "--out", str(tmp_path / "out"))
    assert result.returncode == 0
    assert result.stderr == ""
    assert result.stdout.startswith("Built 20 pages in ")  # 16 for the content, the editors' /about/, /compare/outlets/, /updates/ and /about/data/
    assert ": 2 articles, 3 claims, 3 actors, 2 outlets (into " in result.stdout


def test_check_exit_0_writes_nothing(site_copy):
    before = all_files(site_copy.parent)
    result = run_cli("check", "--root", str(site_copy))
    assert result.returncode == 0
    assert result.stdout.strip() == "Content is valid (0 warning(s))."
    assert result.stderr == ""
    assert all_files(site_copy.parent) == before


def test_check_exit_1_writes_nothing(tmp_path):
    root = make_site(tmp_path / "site", {"content/claims/bridge-cost.md": "---\nstatement: S\nverdict: nope\n---\n"})
    result = run_cli("check", "--root", str(root))
    assert result.returncode == 1
    build = run_cli("build", "--root", str(root))
    assert build.returncode == 1
    assert build.stderr.splitlines()[-1] == "1 error(s), 0 warning(s); nothing was written."
    # No output folder; only the build cache, which remembers the files already checked.
    assert sorted(p.name for p in root.iterdir()) == [CACHE_DIR, "content", "seeds", "site.yaml"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["build", "--bogus"], "unrecognized arguments: --bogus"),
        (["check", "--out", "x"], "unrecognized arguments: --out"),
        (["publish"], "invalid choice: 'publish'"),
        ([], "the following arguments are required: COMMAND"),
        (["build", "--base-url", "ftp://example.org/"], "--base-url must be an http(s) URL, got 'ftp://example.org/'"),
    ],
)
def test_usage_errors_exit_2(args, message):
    result = run_cli(*args, "--root", str(VALID_SITE)) if args else run_cli()
    assert result.returncode == 2, result
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["build", "check"])
def test_missing_site_yaml_exits_2(tmp_path, command):
    result = run_cli(command, "--root", str(tmp_path))
    assert result.returncode == 2
    assert f"no site.yaml in {tmp_path.resolve()}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("where", [".", "content", "content/claims", "templates", "seeds", ".."])
def test_refuses_to_build_over_the_sources(site_copy, where):
    (site_copy / "templates").mkdir()
    out = (site_copy / where).resolve()
    before = all_files(site_copy.parent)
    result = run_cli("build", "--root", str(site_copy), "--out", str(out))
    assert result.returncode == 2, result.stderr
    assert "refusing to build into" in result.stderr
    assert "Traceback" not in result.stderr
    assert all_files(site_copy.parent) == before


def test_out_pointing_at_a_file_is_a_usage_error(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("my notes")
    result = run_cli("build", "--root", str(VALID_SITE), "--out", str(target))
    assert "Traceback" not in result.stderr
    assert result.returncode == 2, result.stderr
    assert target.read_text() == "my notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_output_folder_from_site_yaml_is_relative_to_the_root(site_copy, tmp_path):
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    result = run_cli("build", "--root", str(site_copy), cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert (site_copy / "public" / "index.html").is_file()
    assert list(elsewhere.iterdir()) == []


# --- canonical links and --base-url ---------------------------------------------------------------------


def canonicals(out: Path) -> dict[str, str]:
    found = {}
    for page in html_files(out):
        links = parse_file(page).find("link", rel="canonical")
        assert len(links) == 1, page
        found[page.relative_to(out).as_posix()] = links[0]["href"]
    return found


def test_canonical_links_use_site_yaml_base_url(valid_out):
    for path, href in canonicals(valid_out).items():
        assert href == "https://checks.example.org/sub/" + path[: -len("index.html")]


@pytest.mark.parametrize("base", ["https://mirror.example.net/fact/", "https://mirror.example.net/fact"])
def test_base_url_option_is_used_in_canonical_links(tmp_path, base):
    out = tmp_path / "out"
    result = run_cli("build", "--root", str(VALID_SITE), "--out", str(out), "--base-url", base)
    assert result.returncode == 0, result.stderr
    found = canonicals(out)
    assert found["index.html"] == "https://mirror.example.net/fact/"
    assert found["claims/bridge-cost/index.html"] == "https://mirror.example.net/fact/claims/bridge-cost/"
    for path, href in found.items():
        assert href == "https://mirror.example.net/fact/" + path[: -len("index.html")]
    # every other link stays relative whatever the base URL
    for page in html_files(out):
        html = parse_file(page)
        others = [url for tag, _, url in html.links if tag != "link" or url != found[page.relative_to(out).as_posix()]]
        assert not [url for url in others if "mirror.example.net" in url]
