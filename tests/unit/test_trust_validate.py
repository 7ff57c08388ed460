"""Validation of what issue 12's "Trust and clarity" adds to the content model:
the editors' own pages (content/pages/), site.yaml's ``licence``, a claim's
``not_rated``, an article's ``title_by_editors``, and the warning for a
verdict label that uses a stance's word (English's, and the site's language's)."""

from __future__ import annotations

import pytest

from generator.core.diagnostics import Diagnostics
from generator.core.wording import STANCE_ADJECTIVES, STANCE_LABELS, STANCE_VERBS, stance_word_in
from generator.engine.build import load_content
from generator.stages.catalogues import load_interface
from generator.stages.licences import KNOWN_LICENCES, parse_licence
from sitekit import REPO, SITE_YAML, check_lines, errors_of, make_site

ABOUT = "content/pages/about.md"
CLAIM = "content/claims/bridge-cost.md"
ARTICLE = "content/articles/bridge-opens.md"


# --- the editors' pages ---------------------------------------------------------------------------


def test_a_page_is_read_with_its_title_description_and_body(tmp_path):
    root = make_site(tmp_path, {ABOUT: "---\ntitle: About us\ndescription: Who we are.\nverdict_scale: true\n---\n"
                                       "## Who publishes it\n\nNot stated.\n"})
    content, diagnostics = load_content(root)
    assert not diagnostics.errors
    page = content.pages["about"]
    assert (page.title, page.description, page.verdict_scale, page.path) == ("About us", "Who we are.", True, ABOUT)
    assert "<h2>Who publishes it</h2>" in page.document.to_html()


def test_page_keys_are_checked_like_any_other_file(tmp_path):
    root = make_site(tmp_path, {ABOUT: "---\ntitel: About us\nverdict_scale: yes please\n---\nText.\n"})
    assert errors_of(root) == [
        f"{ABOUT}:2: error: missing required key 'title' in the front matter",
        f"{ABOUT}:2: error: unknown key 'titel' in the front matter (did you mean 'title'?)",
        f"{ABOUT}:3: error: 'verdict_scale': expected true or false, got 'yes please'",
    ]


@pytest.mark.parametrize("folder", ["claims", "data", "assets", "pagefind", "compare", "updates"])
def test_a_page_may_not_take_a_folder_the_site_writes_into(tmp_path, folder):
    root = make_site(tmp_path, {f"content/pages/{folder}.md": "---\ntitle: Mine\n---\n"})
    [line] = errors_of(root)
    assert line == (f"content/pages/{folder}.md: error: bad file name: the page would be published at /{folder}/, "
                    "which the site uses for its own pages; choose another name than actors, articles, assets, "
                    "claims, compare, data, outlets, pagefind or updates")


def test_a_page_with_a_bad_file_name_is_reported_like_others(tmp_path):
    root = make_site(tmp_path, {"content/pages/About_Us.md": "---\ntitle: About\n---\n"})
    assert errors_of(root) == ["content/pages/About_Us.md: error: bad file name: 'About_Us' is not a valid id; "
                               "rename the file to 'about-us.md' (lowercase letters, digits and hyphens)"]


# --- licence ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("written, spdx, url", [
    ("CC-BY-4.0", "CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/"),
    ("cc-by-sa-4.0", "CC-BY-SA-4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),  # SPDX ids ignore case
    ("CC0-1.0", "CC0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    ("http://creativecommons.org/licenses/by/4.0", "CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/"),
    ("https://desk.example.org/terms/", None, "https://desk.example.org/terms/"),
])
def test_a_licence_is_an_spdx_id_or_an_address(written, spdx, url):
    licence = parse_licence(written)
    assert (licence.spdx, licence.url) == (spdx, url)
    assert licence.label == (f"{KNOWN_LICENCES[spdx][0]} ({spdx})" if spdx else url)


def test_every_known_licence_has_an_https_address():
    assert all(url.startswith("https://") and url.endswith("/") for _, url in KNOWN_LICENCES.values())


def test_the_licence_reaches_the_site_config(tmp_path):
    content, _ = load_content(make_site(tmp_path, {"site.yaml": SITE_YAML + "licence: CC-BY-4.0\n"}))
    assert content.config.licence.spdx == "CC-BY-4.0"
    content, _ = load_content(make_site(tmp_path, {"site.yaml": SITE_YAML}))
    assert content.config.licence is None  # not stated: nothing is assumed


@pytest.mark.parametrize("value, message", [
    ("CC-BY-40", "'licence': 'CC-BY-40' is neither an SPDX id of a content licence (CC0-1.0, CC-BY-3.0, "),
    ("MIT", "'licence': 'MIT' is neither an SPDX id of a content licence"),
    ("ftp://example.org/licence", "'licence': 'ftp://example.org/licence' is neither"),
    ("[CC-BY-4.0]", "'licence': expected text, got a list"),
])
def test_a_bad_licence_is_an_error_at_its_line(tmp_path, value, message):
    root = make_site(tmp_path, {"site.yaml": SITE_YAML + f"licence: {value}\n"})
    line = SITE_YAML.count("\n") + 1
    [error] = errors_of(root)
    assert error.startswith(f"site.yaml:{line}: error: {message}")


def test_a_near_miss_licence_suggests_the_id(tmp_path):
    root = make_site(tmp_path, {"site.yaml": SITE_YAML + "licence: CC-BY-40\n"})
    assert errors_of(root)[0].endswith("nor an http(s) URL (did you mean 'CC-BY-4.0'?)")


# --- words: stances never share a word with verdicts -----------------------------------------------


def test_stance_words_are_asserts_disputes_neutral():
    assert STANCE_LABELS == {"supports": "Asserts", "disputes": "Disputes", "neutral": "Neutral"}
    assert STANCE_ADJECTIVES == {"supports": "asserting", "disputes": "disputing", "neutral": "neutral"}
    assert STANCE_VERBS["supports"] == "asserts"


@pytest.mark.parametrize("label, word", [
    ("Asserted", "Asserted"), ("Disputed", "Disputed"), ("Neutral", "Neutral"), ("Widely disputed", "disputed"),
    ("Asserts", "Asserts"), ("Supported", None), ("Established", None), ("Contradicted", None), ("Incorrect", None),
    ("Unverified", None), ("Assertive", None),
])
def test_a_stance_word_is_found_by_its_stem(label, word):
    assert stance_word_in(label) == word


@pytest.mark.parametrize("language, label, stances", [
    ("", "Disputed", "“Asserts”, “Disputes”, “Neutral”"),
    ("language: fr\n", "Contesté", "“Affirme”, “Conteste”, “Neutre”"),  # in the site's language's terms
])
def test_a_verdict_label_that_uses_a_stance_word_is_a_warning_at_its_line(tmp_path, language, label, stances):
    site_yaml = SITE_YAML.replace("title: Mini\n", f"title: Mini\n{language}").replace("label: Wrong", f"label: {label}")
    root = make_site(tmp_path, {"site.yaml": site_yaml})
    line = site_yaml.splitlines().index(f"    label: {label}") + 1
    assert [entry for entry in check_lines(root) if "stance" in entry] == [
        f"site.yaml:{line}: warning: 'label': '{label}' uses '{label}', a word pages use for what a speaker "
        f"does with a claim ({stances}); readers would take the verdict for a stance: choose a word of its own",
    ]


def test_the_example_scale_uses_no_stance_word():
    from sitekit import REPO

    assert not [line for line in check_lines(REPO) if "a word pages use for what a speaker" in line]


# --- not_rated and title_by_editors -------------------------------------------------------------------


def test_not_rated_says_why_a_claim_has_no_verdict(tmp_path):
    root = make_site(tmp_path, {CLAIM: "---\nstatement: S\nnot_rated: A characterisation, not a checkable fact.\n---\n"})
    content, diagnostics = load_content(root)
    assert not diagnostics.errors
    claim = content.claims["bridge-cost"]
    assert (claim.verdict_id, claim.not_rated) == (None, "A characterisation, not a checkable fact.")


def test_not_rated_together_with_a_verdict_is_an_error_at_its_line(tmp_path):
    root = make_site(tmp_path, {CLAIM: "---\nstatement: S\nverdict: accurate\nnot_rated: Opinion.\n---\n"})
    assert errors_of(root) == [
        f"{CLAIM}:4: error: 'not_rated' says why the claim has no verdict, and it has one: "
        "keep either 'verdict' or 'not_rated'",
    ]


def test_not_rated_must_say_something(tmp_path):
    root = make_site(tmp_path, {CLAIM: "---\nstatement: S\nnot_rated: true\n---\n"})
    assert errors_of(root) == [f"{CLAIM}:3: error: 'not_rated': expected text, got 'true' (a yes/no value; "
                               "put it in quotes to make it text)"]


def test_title_by_editors_is_a_yes_or_no(tmp_path):
    article = "---\ntitle: Bridge opens\ntitle_by_editors: true\noutlet: daily-river\n---\nText.\n"
    content, diagnostics = load_content(make_site(tmp_path, {ARTICLE: article}))
    assert not diagnostics.errors and content.articles["bridge-opens"].title_by_editors
    root = make_site(tmp_path, {ARTICLE: article.replace("title_by_editors: true", "title_by_editors: the desk")})
    assert errors_of(root) == [f"{ARTICLE}:3: error: 'title_by_editors': expected true or false, got 'the desk'"]


def test_the_example_article_without_a_headline_says_so():
    from sitekit import REPO

    content, _ = load_content(REPO)
    marked = sorted(a.id for a in content.articles.values() if a.title_by_editors)
    assert marked == ["un-panel-taliban-al-qaeda-close-relationship"]


# --- the stance words of the site's language -----------------------------------------------------------


@pytest.mark.parametrize("tag, label, word", [
    ("fr", "Contesté", "Contesté"), ("fr", "Affirmé", "Affirmé"), ("fr", "Neutre", "Neutre"),
    ("fr", "Faux", None), ("fr", "Non vérifié", None), ("fr", "Établi", None),
    ("es", "Refutado", "Refutado"), ("es", "Falso", None), ("es", "Sin verificar", None),
    ("ar", "محايد", "محايد"), ("ar", "مؤكد", "مؤكد"), ("ar", "خاطئ", None),
    # Dari: "confirmed" shares its stem with "تأیید می‌کند" (asserts); "می‌کند" (does) is no stance's own
    ("fa-AF", "تأییدشده", "تأییدشده"), ("fa-AF", "بی‌طرف", "بی‌طرف"), ("fa-AF", "نادرست", None),
    ("fa-AF", "ثابت نمی‌کند", None),
    ("en", "Disputed", "Disputed"), ("en", "Supported", None),
])
def test_a_stance_word_of_the_sites_language_is_found_too(tag, label, word):
    assert stance_word_in(label, load_interface(REPO, tag, 1, Diagnostics())) == word


