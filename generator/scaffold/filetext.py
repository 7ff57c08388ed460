"""The text of a new content file, written from the tables in ``schema.py``.

Every key a file kind accepts is written with its help text as a YAML
comment, so the scaffolds stay in step with validation: required keys
present but empty, optional keys commented out, lists as a commented-out
example item.
"""

from __future__ import annotations

from typing import Any

import yaml

from ..core.layout import content_folder
from ..stages import schema
from .seeds import HEADLINE_MAX, markdown_body

COMMENT_COLUMN = 24  # where the help comments start, when the key leaves room
LISTED_IDS_MAX = 10  # list existing outlet ids in a comment only when there are few

# Fields holding a list of mappings, and the table of each item's keys.
ITEM_TABLES = {"mentions": schema.MENTION, "skips": schema.SKIP, "related": schema.RELATED, "updates": schema.UPDATE}

# What the Markdown body below the front matter is for, per kind.
BODY_HELP = {
    "article": "the article's text, transcribed from the seed",
    "claim": "the editors' analysis (what the sources say, and why that gives the verdict)",
    "actor": "who they are",
    "outlet": "the context a reader needs to weigh the source",
    "page": "the page's text (for /about/: who publishes the site, how claims are chosen and rated, corrections)",
}

# How to write a value, for fields whose help text does not already say.
TYPE_HINTS = {
    "id": "an id",
    "url": "an http(s) address",
    "date": "YYYY-MM-DD",
    "number": "a number",
    "bool": "true or false",
}
LIST_HINT = "a list: [first, second]"  # added to every text-list field: a bare text is an error



def yaml_scalar(value: Any) -> str:
    """``value`` as one line of YAML, quoted when YAML would misread it."""
    dumped = yaml.safe_dump({"k": value}, allow_unicode=True, width=float("inf"), sort_keys=False)
    text = dumped[len("k: "):]
    if text.endswith("\n...\n"):
        text = text[: -len("\n...\n")]
    return text.rstrip("\n")


def field_comment(spec: schema.Field, extra: str = "") -> str:
    """The help comment of a key: required or not, what it holds, its choices."""
    parts = []
    help_text = spec.help or TYPE_HINTS.get(spec.type, "")
    if help_text:
        parts.append(help_text)
    if spec.type == "text-list":
        parts.append(LIST_HINT)
    if spec.choices and not all(choice in spec.help for choice in spec.choices):
        parts.append(join_choices(spec.choices))
    if extra:
        parts.append(extra)
    text = "; ".join(parts)
    if spec.required:
        text = f"required: {text}" if text else "required"
    return text


def join_choices(choices: tuple[str, ...] | list[str]) -> str:
    choices = list(choices)
    return choices[0] if len(choices) == 1 else f"{', '.join(choices[:-1])} or {choices[-1]}"


def line_with_comment(code: str, comment: str) -> str:
    """``code`` with ``# comment`` at COMMENT_COLUMN, or two spaces after a long ``code``."""
    if not comment:
        return code.rstrip()
    if len(code) < COMMENT_COLUMN - 1:
        return f"{code.ljust(COMMENT_COLUMN - 1)} # {comment}"
    return f"{code}  # {comment}"


def key_line(key: str, spec: schema.Field, value: Any = None, extra: str = "") -> str:
    """A ``key: value  # help`` line: present when required or given, else commented out."""
    if value is not None:
        code = f"{key}: {yaml_scalar(value)}"
    elif spec.required:
        code = f"{key}:"
    else:
        code = f"# {key}:"
    return line_with_comment(code, field_comment(spec, extra))


def header(kind: str) -> list[str]:
    return [
        "# Fill in the keys marked required; to use an optional key, delete its '# '.",
        f"# The text after the closing --- line is {BODY_HELP[kind]}, in Markdown.",
    ]


def entry_text(kind: str, verdicts: list[str]) -> str:
    lines = ["---", *header(kind)]
    for key, spec in schema.SCHEMAS[kind].items():
        if spec.type in ITEM_TABLES:
            lines.append(line_with_comment(f"# {key}:", field_comment(spec, "a list; uncomment the example")))
            lines.extend(item_example(ITEM_TABLES[spec.type]))
            continue
        extra = f"one of {join_choices(verdicts)}" if spec.ref == "verdict" and verdicts else ""
        lines.append(key_line(key, spec, extra=extra))
    lines.append("---")
    return "\n".join(lines) + "\n"


def item_example(table: dict[str, schema.Field]) -> list[str]:
    """A commented-out list item: deleting the '# ' of its lines makes it a real one."""
    lines = []
    for index, (key, spec) in enumerate(table.items()):
        prefix = "  # - " if index == 0 else "  #   "
        lines.append(line_with_comment(f"{prefix}{key}:", field_comment(spec)))
    return lines


def outlets_help(outlets: list[str]) -> str:
    if 0 < len(outlets) <= LISTED_IDS_MAX:
        return f"one of {join_choices(outlets)}"
    return f"the name of a file in {content_folder('outlet')}/ without .md"


def article_text(
    title: str, seed: str, outlet: str | None, paragraphs: list[str], outlets: list[str]
) -> str:
    values = {"title": title, "outlet": outlet, "seed": seed}
    lines = ["---", *header("article")]
    nested = []
    for key, spec in schema.ARTICLE.items():
        if key == "mentions":
            nested.append((key, spec))
            continue
        if spec.type in ITEM_TABLES:  # 'skip': one commented line, so that the mentions stay last
            keys = ", ".join(ITEM_TABLES[spec.type])
            lines.append(line_with_comment(f"# {key}:", field_comment(spec, f"a list; each item: {keys}")))
            continue
        # The outlets there are join the key's own help, which stays true once
        # it is filled in: a line of its own ("fill it in: …") was left behind
        # below the filled key, an instruction to do what was done.
        extra = outlets_help(outlets) if key == "outlet" and outlet is None else ""
        lines.append(key_line(key, spec, values.get(key), extra=extra))
        if key == "title" and len(title) > HEADLINE_MAX:
            note = "the seed's first line; it is also the first paragraph: write a headline"
            lines.append(line_with_comment("", note))
    for key, spec in nested:  # the list of mentions goes last: it grows as editors annotate
        comment = field_comment(spec, "one item per quote; uncomment the example")
        lines.append(line_with_comment(f"{key}:", comment))
        lines.extend(item_example(ITEM_TABLES[spec.type]))
    lines.append("---")
    body = markdown_body(paragraphs)
    return "\n".join(lines) + "\n" + ("\n" + body + "\n" if body else "")
