"""Stage 1, load: front matter splitting, YAML with real file line numbers."""

from __future__ import annotations

import datetime

import pytest

from generator.diagnostics import Diagnostics
from generator.load import (
    YamlList,
    YamlMap,
    content_paths,
    load_config,
    load_content_file,
    load_site,
    split_front_matter,
)
from sitekit import dedent, write_files


def split(text: str):
    diagnostics = Diagnostics()
    front, body, body_line = split_front_matter(text, "content/claims/x.md", diagnostics)
    return front, body, body_line, [d.format() for d in diagnostics]


# --- splitting ----------------------------------------------------------------


def test_front_matter_and_body_are_split():
    front, body, body_line, problems = split("---\ntitle: A title\nauthor: Me\n---\nFirst line.\nSecond.\n")
    assert problems == []
    assert dict(front) == {"title": "A title", "author": "Me"}
    assert body == "First line.\nSecond.\n"
    assert body_line == 5  # the body's first line is file line 5


def test_dots_also_close_front_matter():
    front, body, body_line, problems = split("---\ntitle: T\n...\nBody\n")
    assert problems == []
    assert front == {"title": "T"}
    assert body == "Body\n"
    assert body_line == 4


def test_a_later_dashes_line_belongs_to_the_body():
    front, body, _, problems = split("---\na: 1\n---\ntext\n---\nmore\n")
    assert problems == []
    assert front == {"a": 1}
    assert body == "text\n---\nmore\n"


def test_empty_front_matter_is_an_empty_mapping():
    front, body, body_line, problems = split("---\n---\nBody\n")
    assert problems == []
    assert isinstance(front, YamlMap) and len(front) == 0
    assert body == "Body\n" and body_line == 3


def test_missing_front_matter_is_reported_on_line_1():
    front, body, body_line, problems = split("title: no fence\n\nBody\n")
    assert front is None
    assert problems == [
        "content/claims/x.md:1: error: missing front matter: the file must start with a '---' line"
    ]
    assert body == "title: no fence\n\nBody\n"


def test_empty_file_has_no_front_matter():
    front, _, _, problems = split("")
    assert front is None
    assert problems == [
        "content/claims/x.md:1: error: missing front matter: the file must start with a '---' line"
    ]


def test_unclosed_front_matter_is_reported():
    front, _, _, problems = split("---\ntitle: T\nauthor: A\nBody without a closing fence\n")
    assert front is None
    assert problems == [
        "content/claims/x.md:1: error: front matter is not closed: add a '---' line after it"
    ]


def test_front_matter_that_is_not_a_mapping():
    front, _, _, problems = split("---\n- a\n- b\n---\n")
    assert front is None
    assert problems == [
        "content/claims/x.md:2: error: front matter must be a mapping of 'key: value' lines"
    ]


# --- line numbers -------------------------------------------------------------


def test_key_lines_are_file_lines():
    text = dedent(
        """
        ---
        title: T

        outlet: o
        # a comment
        published: 2024-01-02
        ---
        """
    )
    front, _, _, problems = split(text)
    assert problems == []
    assert front.line_of("title") == 2
    assert front.line_of("outlet") == 4
    assert front.line_of("published") == 6
    assert front.line == 2  # the mapping starts with its first key
    assert front.line_of("not-there") == 2  # unknown keys fall back to the mapping's line


def test_list_items_and_nested_keys_know_their_lines():
    text = dedent(
        """
        ---
        title: T
        mentions:
          - claim: a
            stance: supports
            quote: first

          - claim: b
            quote: >-
              folded
              text
            stance: disputes
        aliases: [X, Y]
        ---
        Body
        """
    )
    front, _, body_line, problems = split(text)
    assert problems == []
    mentions = front["mentions"]
    assert isinstance(mentions, YamlList)
    assert front.line_of("mentions") == 3
    assert mentions.item_lines == [4, 8]
    first, second = mentions
    assert (first.line_of("claim"), first.line_of("stance"), first.line_of("quote")) == (4, 5, 6)
    assert (second.line_of("claim"), second.line_of("quote"), second.line_of("stance")) == (8, 9, 12)
    assert second["quote"] == "folded text"
    assert front["aliases"] == ["X", "Y"] and front["aliases"].item_lines == [13, 13]
    assert body_line == 15


@pytest.mark.parametrize(
    "text, line, problem",
    [
        # a second ": " on a line: the problem is on file line 4
        ("---\ntitle: T\noutlet: o\nauthor: A: B\n---\n", 4,
         "mapping values are not allowed here (hint: put text that contains ': ' in quotes)"),
        # an unclosed quoted scalar runs to the end of the block: point at where it opens
        ('---\ntitle: T\nauthor: "open\nrole: r\n---\n', 3,
         "found unexpected end of stream (hint: a quoted text is not closed)"),
        # a tab as indentation
        ("---\ntitle: T\nmentions:\n\t- claim: x\n---\n", 4,
         "found character '\\t' that cannot start any token (hint: indent with spaces, not tabs)"),
        # an unclosed flow list swallows the next line, whose ':' is then out of place
        ("---\ntitle: T\naliases: [a, b\nrole: r\n---\n", 4, "expected ',' or ']', but got ':'"),
    ],
)
def test_yaml_syntax_errors_point_at_the_file_line(text, line, problem):
    front, _, _, problems = split(text)
    assert front is None
    assert problems == [f"content/claims/x.md:{line}: error: YAML syntax error: {problem}"]


def test_duplicate_key_is_reported_at_the_second_occurrence():
    front, _, _, problems = split("---\ntitle: First\nauthor: A\ntitle: Second\n---\n")
    assert problems == ["content/claims/x.md:4: error: duplicate key 'title' (first set on line 2)"]
    assert front["title"] == "First"  # the first value is kept
    assert front.line_of("title") == 2


def test_duplicate_key_inside_a_list_item():
    text = "---\nmentions:\n  - claim: a\n    stance: supports\n    claim: b\n---\n"
    front, _, _, problems = split(text)
    assert problems == ["content/claims/x.md:5: error: duplicate key 'claim' (first set on line 3)"]
    assert front["mentions"][0]["claim"] == "a"


def test_yaml_values_are_converted():
    front, _, _, problems = split(
        "---\nwhen: 2024-02-28\nmonth: 2024-03\nyear: 2024\nflag: yes\nn: 12.5\nnothing:\n---\n"
    )
    assert problems == []
    assert front["when"] == datetime.date(2024, 2, 28)
    assert front["month"] == "2024-03"
    assert front["year"] == 2024
    assert front["flag"] is True
    assert front["n"] == 12.5
    assert front["nothing"] is None


def test_impossible_date_is_kept_as_text():
    front, _, _, problems = split("---\nreviewed: 2021-02-30\n---\n")
    assert problems == []  # loading does not judge values; validation does
    assert front["reviewed"] == "2021-02-30"


# --- files on disk --------------------------------------------------------------


def test_crlf_and_bom_files_have_the_same_lines(tmp_path):
    path = tmp_path / "content" / "claims" / "c.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xef\xbb\xbf---\r\nstatement: S\r\n\r\nverdict: v\r\n---\r\nBody\r\n")
    diagnostics = Diagnostics()
    source = load_content_file(tmp_path, path, diagnostics)
    assert list(diagnostics) == []
    assert source.path == "content/claims/c.md"
    assert (source.kind, source.id) == ("claim", "c")
    assert source.front.line_of("statement") == 2
    assert source.front.line_of("verdict") == 4
    assert source.body == "Body\n"
    assert source.body_line == 6


def test_invalid_utf8_is_reported_with_its_line(tmp_path):
    path = tmp_path / "content" / "outlets" / "o.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"---\nname: ok\ncountry: \xff\n---\n")
    diagnostics = Diagnostics()
    assert load_content_file(tmp_path, path, diagnostics) is None
    assert [d.format() for d in diagnostics] == ["content/outlets/o.md:3: error: file is not valid UTF-8 text"]


def test_content_files_outside_the_kind_folders_are_ignored_with_a_warning(tmp_path):
    write_files(
        tmp_path,
        {
            "content/claims/b.md": "---\n---\n",
            "content/claims/a.md": "---\n---\n",
            "content/notes/n.md": "---\n---\n",
            "content/loose.md": "---\n---\n",
            "content/claims/readme.txt": "not markdown",
        },
    )
    diagnostics = Diagnostics()
    paths = content_paths(tmp_path, diagnostics)
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == ["content/claims/a.md", "content/claims/b.md"]
    folders = "content/articles/, content/claims/, content/actors/, content/outlets/"
    assert [d.format() for d in diagnostics] == [
        f"content/loose.md: warning: ignored: content files belong in one of {folders}",
        f"content/notes/n.md: warning: ignored: content files belong in one of {folders}",
    ]


def test_missing_content_folder(tmp_path):
    write_files(tmp_path, {"site.yaml": "title: T\n"})
    diagnostics = Diagnostics()
    site = load_site(tmp_path, diagnostics)
    assert site.files == []
    assert [d.format() for d in diagnostics] == ["content: error: no content/ folder next to site.yaml"]


def test_site_yaml_lines_start_at_1(tmp_path):
    write_files(tmp_path, {"site.yaml": "title: T\nverdicts:\n  - id: a\n"})
    diagnostics = Diagnostics()
    config = load_config(tmp_path, diagnostics)
    assert list(diagnostics) == []
    assert config.line_of("title") == 1
    assert config.line_of("verdicts") == 2
    assert config["verdicts"].item_lines == [3]


def test_site_yaml_syntax_error_line(tmp_path):
    write_files(tmp_path, {"site.yaml": "title: T\ndescription: a: b\n"})
    diagnostics = Diagnostics()
    assert load_config(tmp_path, diagnostics) is None
    assert [d.format() for d in diagnostics] == [
        "site.yaml:2: error: YAML syntax error: mapping values are not allowed here "
        "(hint: put text that contains ': ' in quotes)"
    ]


def test_site_yaml_must_be_a_mapping(tmp_path):
    write_files(tmp_path, {"site.yaml": "- just\n- a list\n"})
    diagnostics = Diagnostics()
    assert load_config(tmp_path, diagnostics) is None
    assert [d.format() for d in diagnostics] == ["site.yaml:1: error: site.yaml must be a mapping of settings"]
