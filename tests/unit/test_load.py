"""Stage 1, load: front matter splitting, YAML with real file line numbers."""

from __future__ import annotations

import datetime
import time
import random

import pytest
import yaml

from generator.core.diagnostics import Diagnostics
from generator.stages import characters, yamlnodes
from generator.stages.load import (
    YamlList,
    YamlMap,
    compose_yaml,
    content_files,
    file_id,
    kind_of_content,
    load_config,
    load_source,
    parse_yaml,
    split_front_matter,
)
from generator.engine.prepare import prepare_content
from sitekit import SITE_YAML, dedent, write_files


def load_file(root, path, diagnostics):
    """One content file loaded as a build loads it: its bytes, decoded and split (``load_source``)."""
    rel = path.relative_to(root).as_posix()
    return load_source(rel, kind_of_content(rel), file_id(rel), path.read_bytes(), diagnostics)


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
    source = load_file(tmp_path, path, diagnostics)
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
    assert load_file(tmp_path, path, diagnostics) is None
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
    assert [rel for rel, _ in content_files(tmp_path, diagnostics)] == ["content/claims/a.md", "content/claims/b.md"]
    folders = "content/articles/, content/claims/, content/actors/, content/outlets/, content/pages/"
    assert [d.format() for d in diagnostics] == [
        f"content/loose.md: warning: ignored: content files belong in one of {folders}",
        f"content/notes/n.md: warning: ignored: content files belong in one of {folders}",
    ]


def test_content_files_come_folder_by_folder_with_their_kind_and_id(tmp_path):
    # As paths compare, part by part: "a/x.md" before "a-b.md", though "/" > "-" in a string.
    write_files(tmp_path, {f"content/articles/{name}": "---\n---\n"
                           for name in ("a-b.md", "a/x.md", "a.b.md", "b.md", "a/c/y.md")})
    files = content_files(tmp_path, Diagnostics())
    assert [rel for rel, _ in files] == [p.relative_to(tmp_path).as_posix()
                                         for p in sorted(tmp_path.glob("content/**/*.md"))]
    assert [(kind_of_content(rel), file_id(rel)) for rel, _ in files] == [
        ("article", "y"), ("article", "x"), ("article", "a-b"), ("article", "a.b"), ("article", "b")]
    assert [path for _, path in files] == [str(tmp_path / rel) for rel, _ in files]


def test_missing_content_folder(tmp_path):
    write_files(tmp_path, {"site.yaml": SITE_YAML})  # valid: the folder is the one problem
    prepared = prepare_content(tmp_path)
    assert prepared.checked == {}
    assert [d.format() for d in prepared.diagnostics] == ["content: error: no content/ folder next to site.yaml"]


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


# --- the fast (libyaml) loader gives exactly the reference loader's results ------------------

needs_libyaml = pytest.mark.skipif(getattr(yaml, "CSafeLoader", None) is None, reason="PyYAML built without libyaml")


def node_tree(node):
    """Everything of a composed node that loading looks at: kinds, tags, values, lines."""
    if node is None:
        return None
    if isinstance(node, yaml.ScalarNode):
        return ("scalar", node.tag, node.value, node.start_mark.line)
    if isinstance(node, yaml.SequenceNode):
        return ("seq", node.tag, node.start_mark.line, [node_tree(item) for item in node.value])
    return ("map", node.tag, node.start_mark.line, [(node_tree(k), node_tree(v)) for k, v in node.value])


def compose_with(loader, text):
    try:
        return node_tree(yaml.compose(text, Loader=loader))
    except yaml.YAMLError as exc:
        return type(exc).__name__


def loaded(value):
    """A loaded value with the lines it carries, for comparing two loads."""
    if isinstance(value, YamlMap):
        return ("map", value.line, [(k, loaded(v), value.key_lines[k]) for k, v in value.items()])
    if isinstance(value, YamlList):
        return ("list", value.line, value.item_lines, [loaded(v) for v in value])
    return (type(value).__name__, value)


def parse_both_ways(text, monkeypatch):
    """parse_yaml's outcome and diagnostics with the fast loader allowed, then with the reference only."""
    outcomes = []
    for fast in (True, False):
        with monkeypatch.context() as patch:
            if not fast:
                patch.setattr(yamlnodes, "_FAST_LOADER", None)
            diagnostics = Diagnostics()
            ok, value = parse_yaml(text, "content/claims/x.md", 2, diagnostics)
            outcomes.append((ok, loaded(value), [d.format() for d in diagnostics.items]))
    return outcomes


TYPICAL_FRONT_MATTER = dedent(
    """
    title: Ashvale argues about its concert hall
    outlet: kingsmere-tribune
    published: 2022-03-07
    lang: en
    aliases: [Concert hall, "The hall"]
    mentions:
      - claim: concert-hall-ashvale-safety
        actor: leila-haddad
        stance: neutral
        value: 23760
        quote: Leila Haddad claimed on Saturday that the report "had not been published"
        note: >-
          Said at a press
          conference.
      - claim: wind-farm-ashvale-usage
        quote: 'It''s safe, the inspectors say - mostly'
        share: 12.5
        verified: yes
        nothing:
    """
)


@needs_libyaml
def test_typical_front_matter_is_composed_by_libyaml_with_the_same_result():
    node = compose_yaml(TYPICAL_FRONT_MATTER)
    assert type(node.start_mark).__module__ == "yaml._yaml"  # libyaml's marks: the fast loader ran
    assert node_tree(node) == compose_with(yaml.SafeLoader, TYPICAL_FRONT_MATTER)


# Texts on which libyaml and PyYAML compose different nodes (or one of them fails).
LOADERS_DISAGREE = [
    "a:\tb",  # libyaml allows a tab after ':'
    "a: b\t# c",
    "a: |\n  \tx",  # ... and PyYAML a tab inside a block scalar
    "a: b\n\ufeffc: d",  # a byte-order mark starting a line: part of a key to PyYAML, an error to libyaml
    "a: !\nb: 1",  # an empty '!'-tagged value: a string to libyaml, null to PyYAML
    "a: |#x\n  t",  # a comment glued to a block scalar's header
    "aliases: [Y? Dahl]",  # PyYAML ends a plain scalar at '?' in a flow list
    "? a",  # the line of the empty value after an explicit key
    "a: 1\n? b",
    "---",  # the line of the empty document
]


@needs_libyaml
@pytest.mark.parametrize("text", LOADERS_DISAGREE)
def test_where_the_loaders_disagree_the_reference_decides(text, monkeypatch):
    assert compose_with(yaml.CSafeLoader, text) != compose_with(yaml.SafeLoader, text)
    try:
        ours = node_tree(compose_yaml(text))
    except yaml.YAMLError as exc:
        ours = type(exc).__name__
    assert ours == compose_with(yaml.SafeLoader, text)
    first, second = parse_both_ways(text, monkeypatch)
    assert first == second


@needs_libyaml
def test_the_reference_loader_words_the_errors():
    text = "title: T\nauthor: A: B"
    with pytest.raises(yaml.MarkedYAMLError) as fast:
        yaml.compose(text, Loader=yaml.CSafeLoader)
    assert "mapping values are not allowed in this context" in str(fast.value)  # libyaml's words
    diagnostics = Diagnostics()
    assert parse_yaml(text, "x.md", 2, diagnostics) == (False, None)
    assert [d.format() for d in diagnostics] == [
        (
            "x.md:3: error: YAML syntax error: mapping values are not allowed here"
            " (hint: put text that contains ': ' in quotes)"
        ),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x",  # anchors and aliases
        "a: b\x85c: d",  # line breaks other than \n
        "a: b\u2028c: d",
        "a: b\rc: d",
        "%YAML 1.1\n--- \na: 1",  # directives and document markers
        "a: 1\n...\n",
        "a: !!str 1",  # tags
        "? [a]\n: b",  # explicit keys
        "a: [b, c?]",  # '?' in a flow collection
        "a: >-#c\n  x",
        "a:\tb",
    ],
)
def test_risky_constructs_go_to_the_reference_loader(text):
    assert not yamlnodes._fast_loader_agrees(text)


def test_plain_front_matter_goes_to_the_fast_loader():
    assert yamlnodes._fast_loader_agrees(TYPICAL_FRONT_MATTER)
    assert yamlnodes._fast_loader_agrees("quote: Is it safe? Nobody knows! R & D, 5 * 3")


def test_nesting_depth_is_measured_in_collections():
    def nested(depth):
        return yaml.compose("a: " + "[" * (depth - 1) + "x" + "]" * (depth - 1), Loader=yaml.SafeLoader)

    assert yamlnodes._is_shallow_tree(nested(50), 50)
    assert not yamlnodes._is_shallow_tree(nested(51), 50)
    assert yamlnodes._is_shallow_tree(yaml.compose("just text", Loader=yaml.SafeLoader), 0)


def test_a_node_met_twice_is_no_tree():
    shared = yaml.compose("a: &x [1]\nb: [*x]\n", Loader=yaml.SafeLoader)
    assert not yamlnodes._is_shallow_tree(shared, 50)
    assert yamlnodes._is_shallow_tree(yaml.compose("a: [1]\nb: [[1]]\n", Loader=yaml.SafeLoader), 50)


@pytest.mark.parametrize("depth", [45, 600, 30_000])
def test_deep_nesting_gives_the_reference_outcome(depth, monkeypatch):
    # libyaml composes 600 levels that the reference loader cannot, and crashes
    # the interpreter on some ten thousand; both must end as the reference ends.
    text = "a: " + "[" * depth + "]" * depth
    first, second = parse_both_ways(text, monkeypatch)
    assert first == second
    if depth > 100:
        assert first[2] == ["content/claims/x.md:2: error: YAML syntax error: the front matter is nested too deeply"]


def fuzzed_front_matter(rng, samples):
    """Front matter with a few random edits: insertions of YAML's special characters, deletions, re-indents."""
    pieces = [
        " ", "  ", "\n", "\n  ", "\n- ", ": ", ":", "- ", "-", "? ", "?", "[", "]", "{", "}", ", ", "#", " #",
        "&x ", "*x", "!", "!!str ", "|", ">", "|-", "'", '"', "\\", "%", "@", "`", "...", "---", "\t", "\ufeff",
        "\x85", "é", "“", "~", "null", "yes", "2024-01-02", "12", "<<", "=",
    ]
    text = rng.choice(samples)
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(text) + 1)
        edit = rng.random()
        if edit < 0.5:
            text = text[:at] + rng.choice(pieces) + text[at:]
        elif edit < 0.8:
            text = text[:at] + text[at + rng.randint(1, 3) :]
        else:
            lines = text.split("\n")
            k = rng.randrange(len(lines))
            lines[k] = " " * rng.randint(0, 6) + lines[k].lstrip(" ")
            text = "\n".join(lines)
    return text


def test_loading_is_the_same_with_and_without_the_fast_loader(monkeypatch):
    samples = [
        TYPICAL_FRONT_MATTER,
        "title: T\nverdicts:\n  - id: accurate\n    label: Accurate\n    colour: '#2e7d32'\n",
        "name: Yara Dahl\nkind: person\naliases: [Y. Dahl, \"Dahl, Y.\"]\nborn: 1970-05\n",
        (
            "statement: The bridge cost 12 million\nverdict: accurate\nrelated:\n  - other-claim\n"
            "updates:\n  - date: 2024-01-02\n    note: |\n      Corrected\n      twice.\n"
        ),
    ]
    rng = random.Random(2024)
    for _ in range(1500):
        text = fuzzed_front_matter(rng, samples)
        first, second = parse_both_ways(text, monkeypatch)
        assert first == second, text


# --- anchors and aliases: refused, never expanded (issue 11, item 2) -----------------------------

ALIAS_BOMB = '"a0": &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
    f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 9)}]\n" for level in range(1, 10)
)  # 9 ** 10 strings once expanded: run past 60 s at 3 GB before


@pytest.mark.parametrize(
    "text, expected",
    [
        ("title: T\nauthor: &who Me\nnote: *who\n",
         "x.md:3: error: YAML anchor '&who' is not supported: write the value out in full "
         "(hint: put text that starts with '&' in quotes)"),
        ("title: T\nauthor: *who\n",
         "x.md:3: error: YAML alias '*who' is not supported: write the value out in full "
         "(hint: put text that starts with '*' in quotes)"),
        ("base: &b {title: T}\n<<: *b\n",
         "x.md:2: error: YAML anchor '&b' is not supported: write the value out in full "
         "(hint: put text that starts with '&' in quotes)"),
        ("mentions:\n  - &m\n    claim: a\n",
         "x.md:3: error: YAML anchor '&m' is not supported: write the value out in full "
         "(hint: put text that starts with '&' in quotes)"),
        pytest.param(
            ALIAS_BOMB,
            "x.md:2: error: YAML anchor '&a0' is not supported: write the value out in full "
            "(hint: put text that starts with '&' in quotes)",
            id="alias-bomb",
        ),
    ],
)
def test_anchors_and_aliases_are_refused_on_their_line(text, expected, monkeypatch):
    for ok, value, problems in parse_both_ways_at("x.md", text, monkeypatch):
        assert (ok, value, problems) == (False, ("NoneType", None), [expected])


def parse_both_ways_at(path, text, monkeypatch):
    outcomes = []
    for fast in (True, False):
        with monkeypatch.context() as patch:
            if not fast:
                patch.setattr(yamlnodes, "_FAST_LOADER", None)
            diagnostics = Diagnostics()
            ok, value = parse_yaml(text, path, 2, diagnostics)
            outcomes.append((ok, loaded(value), [d.format() for d in diagnostics.items]))
    return outcomes


def test_text_with_ampersands_and_stars_is_no_anchor():
    front, _, _, problems = split("---\ntitle: R & D *is* fun\nauthor: '&me'\nnote: \"*x\"\n---\n")
    assert problems == []
    assert dict(front) == {"title": "R & D *is* fun", "author": "&me", "note": "*x"}


def test_an_alias_bomb_is_refused_at_once():
    diagnostics = Diagnostics()
    started = time.perf_counter()
    assert parse_yaml(ALIAS_BOMB, "x.md", 2, diagnostics) == (False, None)
    assert time.perf_counter() - started < 1.0
    assert len(diagnostics) == 1


@needs_libyaml
def test_an_alias_past_the_fast_loader_is_never_expanded(monkeypatch):
    # Should the pre-check ever let an alias through, libyaml composes the
    # bomb into shared nodes; nothing downstream may walk them as a tree.
    monkeypatch.setattr(yamlnodes, "_fast_loader_agrees", lambda text: True)
    diagnostics = Diagnostics()
    started = time.perf_counter()
    assert parse_yaml(ALIAS_BOMB, "x.md", 2, diagnostics) == (False, None)
    assert time.perf_counter() - started < 1.0
    assert [d.format() for d in diagnostics] == [
        "x.md:2: error: YAML anchor '&a0' is not supported: write the value out in full "
        "(hint: put text that starts with '&' in quotes)"
    ]


@needs_libyaml
def test_the_converter_refuses_a_node_met_twice():
    node = yaml.compose("a: &x [1]\nb: *x\n", Loader=yaml.CSafeLoader)
    diagnostics = Diagnostics()
    yamlnodes._NodeConverter("x.md", 2, diagnostics).convert(node)
    assert [d.format() for d in diagnostics] == [
        "x.md:2: error: YAML anchors and aliases are not supported: write the value out in full"
    ]


def test_site_yaml_refuses_anchors(tmp_path):
    write_files(tmp_path, {"site.yaml": "title: &t T\ndescription: *t\n"})
    diagnostics = Diagnostics()
    assert load_config(tmp_path, diagnostics) is None
    assert [d.format() for d in diagnostics] == [
        "site.yaml:1: error: YAML anchor '&t' is not supported: write the value out in full "
        "(hint: put text that starts with '&' in quotes)"
    ]


# --- characters XML cannot carry (issue 11, item 5) --------------------------------------------

NOT_IN_XML = [
    ('"\\0"', "U+0000", "a control character"),
    ('"\\e"', "U+001B", "a control character"),
    ('"\\x0b"', "U+000B", "a control character"),
    ('"\\x7f\\x01"', "U+0001", "a control character"),
    ('"\\uFFFE"', "U+FFFE", "not a character"),
    ('"\\uffff"', "U+FFFF", "not a character"),
    ('"\\ud800"', "U+D800", "half of a surrogate pair"),
    ('"\\udfff x"', "U+DFFF", "half of a surrogate pair"),
]


def character_message(line, code_point, what, path="content/claims/x.md"):
    hint = (
        "write the character itself, or escape it as \\U followed by 8 hex digits"
        if "surrogate" in what else "remove it, or the escape that writes it"
    )
    return (f"{path}:{line}: error: the character {code_point} ({what}) is not allowed in text: "
            f"web pages and feeds cannot carry it (hint: {hint})")


@pytest.mark.parametrize("escape, code_point, what", NOT_IN_XML, ids=[c[1] for c in NOT_IN_XML])
def test_a_character_xml_cannot_carry_is_refused_in_a_value(escape, code_point, what):
    front, _, _, problems = split(f"---\ntitle: T\nauthor: {escape}\n---\nBody\n")
    assert problems == [character_message(3, code_point, what)]
    assert "\ufffd" in front["author"]  # replaced, so no later message or page carries it
    assert not characters.NOT_IN_XML.search(front["author"])


@pytest.mark.parametrize("escape, code_point, what", NOT_IN_XML, ids=[c[1] for c in NOT_IN_XML])
def test_a_character_xml_cannot_carry_is_refused_in_a_key(escape, code_point, what):
    front, _, _, problems = split(f"---\ntitle: T\n{escape}: x\n---\n")
    assert problems == [character_message(3, code_point, what)]


def test_characters_in_nested_values_are_reported_on_their_line():
    text = '---\ntitle: T\nmentions:\n  - claim: a\n    quote: "ok"\n    note: ["fine", "bad \\e"]\n---\n'
    _, _, _, problems = split(text)
    assert problems == [character_message(6, "U+001B", "a control character")]


def test_a_surrogate_pair_written_as_two_escapes_is_refused_with_a_hint():
    _, _, _, problems = split('---\ntitle: "\\ud83d\\ude00"\n---\n')  # JSON's way of writing 😀
    assert problems == [character_message(2, "U+D83D", "half of a surrogate pair")]


def test_tabs_line_breaks_and_other_characters_are_fine():
    front, _, _, problems = split('---\ntitle: "a\\tb\\nc\\rd \\x85 \\u00a0 \\ud7ff \\ue000 \\ufffd \\U0001F600 é"\n---\nBody\n')
    assert problems == []
    assert front["title"] == "a\tb\nc\rd \x85 \u00a0 \ud7ff \ue000 \ufffd \U0001f600 é"


def test_a_raw_control_character_in_the_body_is_refused_on_its_line(tmp_path):
    path = tmp_path / "content" / "claims" / "x.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"---\nstatement: S\n---\nFirst line.\nA bell \x07 and a NUL \x00.\n")
    diagnostics = Diagnostics()
    source = load_file(tmp_path, path, diagnostics)
    assert [d.format() for d in diagnostics] == [character_message(5, "U+0007", "a control character")]
    assert source.body == "First line.\nA bell \ufffd and a NUL \ufffd.\n"


def test_a_control_character_in_a_body_without_front_matter(tmp_path):
    path = tmp_path / "content" / "claims" / "x.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"no front matter\n\x1b[31m\n")
    diagnostics = Diagnostics()
    load_file(tmp_path, path, diagnostics)
    assert [d.format() for d in diagnostics] == [
        "content/claims/x.md:1: error: missing front matter: the file must start with a '---' line",
        character_message(2, "U+001B", "a control character"),
    ]


def test_site_yaml_refuses_a_control_character(tmp_path):
    write_files(tmp_path, {"site.yaml": 'title: T\ndescription: "Bell \\a"\n'})
    diagnostics = Diagnostics()
    config = load_config(tmp_path, diagnostics)
    assert [d.format() for d in diagnostics] == [
        character_message(2, "U+0007", "a control character", path="site.yaml")
    ]
    assert config["description"] == "Bell \ufffd"


# --- file names (issue 11, item 16) ------------------------------------------------------------


def test_a_content_file_ending_in_upper_case_md_is_named_in_a_warning(tmp_path):
    write_files(tmp_path, {
        "content/claims/a.md": "---\n---\n",
        "content/claims/b.MD": "---\n---\n",
        "content/articles/c.Md": "---\n---\n",
        "content/claims/notes.txt": "not markdown",
    })
    diagnostics = Diagnostics()
    assert [rel for rel, _ in content_files(tmp_path, diagnostics)] == ["content/claims/a.md"]
    assert [d.format() for d in diagnostics] == [
        "content/articles/c.Md: warning: ignored: content files end in '.md' in lower case; rename it to 'c.md'",
        "content/claims/b.MD: warning: ignored: content files end in '.md' in lower case; rename it to 'b.md'",
    ]
