"""What factcheck serve adds to pages speaks the site's language (issue 15):
the annotation form and its script's words, a refusal shown in the form, the
error overlay and the "not found" page, each in the site's direction.

The same check as tests/test_interface_languages.py (no English interface
string left: the msgids the language translates differently), on what serve
adds rather than on built pages. A diagnostic in the overlay stays as the
terminal prints it (English, ``lang="en" dir="ltr"``), as ``check`` says it.
"""

from __future__ import annotations

import json
import re

import pytest

from sitekit import example_site_in
from test_interface_languages import LANGUAGES, TextNodes, interface_patterns
from test_serve import edit, eventually, get, start
from test_serve_annotate import PAGE, annotation, post, settings

CLAIM_FILE = "content/claims/taliban-kept-ties-with-al-qaeda.md"
DIRECTIONS = {"fr": "ltr", "es": "ltr", "ar": "rtl", "fa-AF": "rtl"}


class Labelled(TextNodes):
    """Text nodes and labelling attributes, a form's placeholders too."""

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        self.nodes += [value.strip() for name, value in attrs if name == "placeholder" and value]


def english_left(html_or_texts, locale: str) -> dict[str, str]:
    if isinstance(html_or_texts, str):
        parser = Labelled()
        parser.feed(html_or_texts)
        nodes = parser.nodes
    else:
        nodes = list(html_or_texts)
    left = {}
    for node in nodes:
        for msgid, pattern in interface_patterns(locale):
            if pattern.search(node):
                left.setdefault(msgid, node)
    return left


def strings_in(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, str):
        yield value


@pytest.fixture(params=["fr", "fa-AF", "ar"])
def served(request, tmp_path):
    language = request.param
    site = example_site_in(language, tmp_path / "site")
    server = start(site, search=False)
    yield language, site, server
    server.stop()


def test_what_serve_adds_to_pages_is_in_the_sites_language_and_direction(served):
    language, site, server = served
    locale, direction = LANGUAGES[language], DIRECTIONS[language]
    # The form: its HTML, and the words of its script, come with the page settings.
    words = settings(server)["words"]
    assert re.match(rf'<form method="dialog" lang="{language}" dir="{direction}">', words["form"])
    assert english_left(words["form"], locale) == {}
    script_words = [text for key, text in words.items() if key != "form"] + list(strings_in(words["hints"]))
    assert english_left([re.sub(r"%\(\w+\)s", "x", text) for text in script_words if isinstance(text, str)], locale) == {}
    assert set(words["stances"]) == {"supports", "disputes", "neutral"}
    # A refusal shown in the form, and the page for an address with nothing built.
    page = settings(server)
    status, reply = post(server, "/_factcheck/annotate", annotation(page, selection={"text": "not in this article"}),
                         token=page["token"])
    assert (status, reply["error"]) == (422, "not-found")
    assert english_left([reply["message"]], locale) == {} and not reply["message"].startswith("the selected text")
    status, missing = get(server, "/no/such/page/")
    assert status == 404 and f'<html lang="{language}" dir="{direction}">' in missing
    assert english_left(missing, locale) == {}
    # The overlay, once an edit breaks the content.
    edit(site / CLAIM_FILE, "verdict: ", "verdict: no-such-verdict-")
    page = eventually(lambda: (lambda body: body if "factcheck-errors" in body else None)(get(server, PAGE)[1]))
    overlay = re.search(r'<div id="factcheck-errors".*?</pre></div>', page, re.S).group(0)
    assert f'<div id="factcheck-errors" role="alert" lang="{language}" dir="{direction}"' in overlay
    assert '<pre lang="en" dir="ltr"' in overlay and "unknown verdict" in overlay  # as the terminal says it
    assert english_left(overlay, locale) == {}
