"""``factcheck new``: content files to fill in, generated from ``schema.py``.

Every key a file kind accepts is written with its help text as a YAML
comment, so the scaffolds stay in step with validation:

- required keys are present but empty, so ``check`` reports each of them as
  missing until it is filled in (never a placeholder that would pass
  validation and get published);
- optional keys are commented out: delete the ``# `` to use one;
- keys with a fixed set of values list them.

``new article`` also turns a raw text in ``seeds/`` into the article's
Markdown body: one paragraph per non-empty line, escaped where Markdown would
otherwise read the line as something else (a heading, a list, a quote, …),
so a reader sees each line as it is in the seed.

Output is deterministic UTF-8 with ``\\n`` line endings and a final newline.
A file that exists already is never overwritten.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from .core.diagnostics import did_you_mean
from .core.layout import CONFIG_FILE, RESERVED_FOLDERS, SEEDS_DIR, content_file, content_folder
from .core.markup import MarkdownConverter
from .stages import schema
from .stages.sitefiles import OUTSIDE_LINK, PathEntry, entry_kind, inside_folders, seed_names
from .stages.validate import ID_PATTERN, suggest_id

SLUG_MAX = 60  # characters; a title's slug is cut at a word boundary
COMMENT_COLUMN = 24  # where the help comments start, when the key leaves room
LISTED_IDS_MAX = 10  # list existing outlet ids in a comment only when there are few
HEADLINE_MAX = 150  # a longer first line is a paragraph, not a headline: it stays in the body too

ENTRY_KINDS = ("claim", "actor", "outlet", "page")

# Fields holding a list of mappings, and the table of each item's keys.
ITEM_TABLES = {"mentions": schema.MENTION, "related": schema.RELATED, "updates": schema.UPDATE}

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


class ScaffoldError(Exception):
    """A problem that stops a scaffold from being written; the message says what to do."""


# --- public entry points ------------------------------------------------------


def new_entry(root: Path, kind: str, entry_id: str) -> Path:
    """Create ``content/<kind>s/<entry_id>.md`` for a claim, an actor, an outlet or a page."""
    if kind not in ENTRY_KINDS:
        raise ScaffoldError(f"cannot scaffold a '{kind}': use one of {', '.join(ENTRY_KINDS)}")
    check_id(entry_id)
    if kind == "page" and entry_id in RESERVED_FOLDERS:
        raise ScaffoldError(
            f"a page '{entry_id}' would be published at /{entry_id}/, which the site uses for its own pages: "
            "choose another id"
        )
    path = root / content_file(kind, entry_id)
    refuse_existing(path)
    other = {"actor": "outlet", "outlet": "actor"}.get(kind)
    if other and (clash := root / content_file(other, entry_id)).exists():
        raise ScaffoldError(
            f"'{entry_id}' is already the id of an {other} ({clash}); actors and outlets "
            "share one set of ids so that 'via' can name either: choose another id"
        )
    write_new(path, entry_text(kind, verdict_ids(root)))
    return path


def new_article(root: Path, seed: str, outlet: str | None) -> Path:
    """Create ``content/articles/<slug>.md`` from the raw text ``seeds/<seed>``."""
    seed_path = find_seed(root, seed)
    if outlet is not None:
        check_outlet(root, outlet)
    title, paragraphs = read_seed(seed_path)
    path = root / content_file("article", slugify(title, fallback=seed_path.stem))
    refuse_existing(path)
    text = article_text(title, seed_path.name, outlet, paragraphs, outlet_ids(root))
    write_new(path, text)
    return path


# --- checks -------------------------------------------------------------------


def check_id(entry_id: str) -> None:
    if not ID_PATTERN.fullmatch(entry_id):
        raise ScaffoldError(
            f"'{entry_id}' is not a valid id: use lowercase letters, digits and hyphens "
            f"(try '{suggest_id(entry_id)}')"
        )


def refuse_existing(path: Path) -> None:
    if path.exists():
        raise ScaffoldError(f"{path} already exists; edit it, or remove it first to start over")


def find_seed(root: Path, seed: str) -> Path:
    """The seed file named by ``seed``: a bare name in seeds/ or a path to a file in it."""
    seeds_dir = root / SEEDS_DIR
    if not seeds_dir.is_dir():
        raise ScaffoldError(f"there is no {SEEDS_DIR}/ folder in {root}: put the raw text in {seeds_dir}/ first")
    names = seed_names(root)
    given = Path(seed)
    if len(given.parts) == 1 and given.name not in ("", ".", ".."):
        candidates = [seeds_dir / given.name]
    else:
        # A path: as typed (relative to the current folder), or relative to the site root.
        candidates = [given] if given.is_absolute() else [given, root / given]
    for candidate in candidates:
        if candidate.is_file() and candidate.parent.resolve() == seeds_dir.resolve():
            refuse_outside_link(seeds_dir / candidate.name, root)
            return seeds_dir / candidate.name
    if given.name in names:
        raise ScaffoldError(
            f"'{seed}' is not in {seeds_dir}/, which holds a file of that name: to use it, "
            f"give just the name '{given.name}'"
        )
    if any(c.is_file() for c in candidates):
        raise ScaffoldError(
            f"'{seed}' is not in {seeds_dir}/: copy the raw text there first, so that the "
            "article can name its seed"
        )
    listing = f"; the seeds are: {', '.join(names)}" if 0 < len(names) <= LISTED_IDS_MAX else ""
    if not names:
        listing = f"; {seeds_dir}/ is empty"
    hint = did_you_mean(given.name, names)
    raise ScaffoldError(f"no seed file '{given.name}' in {seeds_dir}/{hint}{listing}")


def refuse_outside_link(seed: Path, root: Path) -> None:
    """A seed is read like any file of the site (``sitefiles.py``): not
    through a link to a file outside it."""
    if entry_kind(PathEntry(str(seed)), inside_folders(seed.parent, root)) == OUTSIDE_LINK:
        raise ScaffoldError(
            f"{seed} is a link to a file outside the site ({seed.resolve()}); copy the file into {seed.parent}/"
        )


def outlet_ids(root: Path) -> list[str]:
    folder = root / content_folder("outlet")
    return sorted(p.stem for p in folder.glob("*.md") if p.is_file()) if folder.is_dir() else []


def check_outlet(root: Path, outlet: str) -> None:
    known = outlet_ids(root)
    if outlet in known:
        return
    hint = did_you_mean(outlet, known)
    if not hint and not ID_PATTERN.fullmatch(outlet) and suggest_id(outlet) in known:
        hint = f" (did you mean '{suggest_id(outlet)}'?)"
    raise ScaffoldError(
        f"unknown outlet '{outlet}': there is no {content_file('outlet', outlet)}{hint}; "
        f"create it with 'factcheck new outlet ID', or leave out --outlet and fill it in later"
    )


def verdict_ids(root: Path) -> list[str]:
    """The verdict ids of site.yaml, in scale order; [] when it cannot be read."""
    try:
        config = yaml.safe_load((root / CONFIG_FILE).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    verdicts = config.get("verdicts") if isinstance(config, dict) else None
    if not isinstance(verdicts, list):
        return []
    return [v["id"] for v in verdicts if isinstance(v, dict) and isinstance(v.get("id"), str)]


# --- seeds --------------------------------------------------------------------


def read_seed(path: Path) -> tuple[str, list[str]]:
    """The title (first non-empty line) and the body lines of a seed.

    The title's runs of whitespace become single spaces; body lines are only
    stripped. A line that repeats the title right after it (ignoring case and
    spacing) is a second copy of the headline and is dropped; nothing else
    is. A first line too long to be a headline (a seed that starts with its
    text) is the title and also stays the first paragraph, so no text is lost.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScaffoldError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScaffoldError(f"{path}:{line}: the seed is not UTF-8 text; convert it first") from exc
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        raise ScaffoldError(f"{path} is empty: the seed must hold the article's text")
    title, body = " ".join(lines[0].split()), lines[1:]
    if len(title) > HEADLINE_MAX:
        return title, lines
    while body and same_words(body[0], title):
        body = body[1:]
    return title, body


def same_words(a: str, b: str) -> bool:
    return a.casefold().split() == b.casefold().split()


# Letters that Unicode does not decompose into an ASCII letter plus accents.
FOLD = str.maketrans({
    "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ı": "i",
})
APOSTROPHES = re.compile(r"(?<=\w)['’ʼ](?=\w)")


def slugify(title: str, fallback: str = "untitled") -> str:
    """An id from a title: "Été: l'année 2021" → "ete-lannee-2021", at most SLUG_MAX long.

    Accents are folded; every other character that is not an ASCII letter or
    digit separates words. The slug is cut at a word boundary.
    """
    text = unicodedata.normalize("NFKD", APOSTROPHES.sub("", title.translate(FOLD)))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = re.findall(r"[a-z0-9]+", text.lower())
    if not words:
        return suggest_id(fallback)[:SLUG_MAX].strip("-") or "untitled"
    slug = words[0][:SLUG_MAX]
    for word in words[1:]:
        if len(slug) + 1 + len(word) > SLUG_MAX:
            break
        slug += "-" + word
    return slug


# --- Markdown body ------------------------------------------------------------

_converter: MarkdownConverter | None = None


def visible_text(markdown_source: str) -> str:
    """What a reader sees of a Markdown text, with whitespace runs collapsed."""
    global _converter
    if _converter is None:
        _converter = MarkdownConverter()
    return " ".join(_converter.parse(markdown_source).text.split())


BLOCK_START = re.compile(r"^(?:[#>+*_\-\[]|\d+\.)")
INLINE_SPECIAL = re.compile(r"([\\`*_\[\]])")
ENTITY_SPECIAL = {"&": "&amp;", "<": "&lt;"}


def escape_block(line: str) -> str:
    """Keep a line from starting a heading, list, quote, rule or reference."""
    match = BLOCK_START.match(line)
    if not match:
        return line
    marker = match.group()
    if marker.endswith("."):  # "1. first": escape the dot, not the digits
        return marker[:-1] + "\\" + line[len(marker) - 1 :]
    return "\\" + line


def escape_inline(line: str) -> str:
    return INLINE_SPECIAL.sub(r"\\\1", line)


def escape_entities(line: str) -> str:
    return "".join(ENTITY_SPECIAL.get(ch, ch) for ch in line)


def markdown_paragraph(line: str) -> str:
    """Markdown for one seed line that shows a reader exactly that line.

    Tries escapes from the least to the most intrusive and keeps the first
    whose visible text is the line itself, so ordinary text stays as it is.
    """
    wanted = " ".join(line.split())
    attempts = (
        line,
        escape_block(line),
        escape_block(escape_inline(line)),
        escape_block(escape_inline(escape_entities(line))),
    )
    for attempt in attempts:
        if visible_text(attempt) == wanted:
            return attempt
    return attempts[-1]  # pragma: no cover - every line fits the last attempt


# --- writing files ------------------------------------------------------------


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


def article_text(
    title: str, seed: str, outlet: str | None, paragraphs: list[str], outlets: list[str]
) -> str:
    values = {"title": title, "outlet": outlet, "seed": seed}
    lines = ["---", *header("article")]
    nested = []
    for key, spec in schema.ARTICLE.items():
        if spec.type in ITEM_TABLES:
            nested.append((key, spec))
            continue
        lines.append(key_line(key, spec, values.get(key)))
        if key == "outlet" and outlet is None:
            known = f"one of {join_choices(outlets)}" if 0 < len(outlets) <= LISTED_IDS_MAX else (
                "the name of a file in content/outlets/ without .md"
            )
            lines.append(line_with_comment("", f"fill it in: {known}"))
        if key == "title" and len(title) > HEADLINE_MAX:
            note = "the seed's first line; it is also the first paragraph: write a headline"
            lines.append(line_with_comment("", note))
    for key, spec in nested:  # the list of mentions goes last: it grows as editors annotate
        comment = field_comment(spec, "one item per quote; uncomment the example")
        lines.append(line_with_comment(f"{key}:", comment))
        lines.extend(item_example(ITEM_TABLES[spec.type]))
    lines.append("---")
    body = "\n\n".join(markdown_paragraph(p) for p in paragraphs)
    return "\n".join(lines) + "\n" + ("\n" + body + "\n" if body else "")


def write_new(path: Path, text: str) -> None:
    """Write ``text`` to a new file; never replace one (even one created meanwhile)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError as exc:
        raise ScaffoldError(f"{path} already exists; edit it, or remove it first to start over") from exc
    except OSError as exc:
        raise ScaffoldError(f"cannot write {path}: {exc.strerror}") from exc
