"""Stage 1, load: files on disk → front matter (with line numbers) + body.

``engine/prepare.py`` reads the files (``content_files``, ``read_bytes``)
and loads each one (:func:`load_source`) where it is checked, in a worker
process.

Front matter is parsed by ``yamlnodes.py`` into values that remember the
line they were written on. Lines reported here are lines of the file, not
of the front-matter block.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.diagnostics import Diagnostics
from ..core.layout import CONFIG_FILE, CONTENT_DIR, CONTENT_KINDS
from .characters import check_text
from .sitefiles import is_editor_file, walk_site
from .yamlnodes import YamlList, YamlMap, compose_yaml, parse_yaml  # noqa: F401 - the YAML half of loading

@dataclass(frozen=True)
class SourceFile:
    """One content file, split but not yet interpreted."""

    path: str  # relative to the site root, forward slashes
    kind: str  # "article", "claim", "actor", "outlet" or "page"
    id: str  # the file name without ".md"
    front: YamlMap | None  # None when the front matter is missing or unreadable
    body: str = ""
    body_line: int = 1  # file line on which the body starts


def load_config(root: Path, diagnostics: Diagnostics) -> YamlMap | None:
    path = root / CONFIG_FILE
    text = read_text(path, CONFIG_FILE, diagnostics)
    if text is None:
        return None
    ok, value = parse_yaml(text, CONFIG_FILE, first_line=1, diagnostics=diagnostics)
    if not ok:
        return None
    if not isinstance(value, YamlMap):
        diagnostics.error(CONFIG_FILE, 1, f"{CONFIG_FILE} must be a mapping of settings")
        return None
    return value


def content_files(root: Path, diagnostics: Diagnostics) -> list[tuple[str, str]]:
    """(path relative to the root, path on disk) of every ``.md`` file under
    ``content/``, in the order of their folders and names, so runs are
    deterministic.

    The site is walked here as everywhere (``sitefiles.py``), and what its
    walk would not follow, under seeds/ and templates/ too, is reported
    here: every command that reads the content comes this way once, so
    ``check``, ``build`` and ``serve`` report the same. Paths stay strings:
    at 10,000 articles, making, relating and sorting 13,000 ``Path``
    objects took 0.2 s of every build.
    """
    found = walk_site(root)
    found.report(diagnostics)
    if not (root / CONTENT_DIR).is_dir():
        diagnostics.error(CONTENT_DIR, 0, f"no {CONTENT_DIR}/ folder next to {CONFIG_FILE}")
        return []
    files = []
    for rel, path in found.under(CONTENT_DIR).items():
        if is_read_as_content(rel):
            files.append((rel, path))
        elif not is_editors_content_file(rel) and is_content_file(rel, rel.rpartition("/")[2], diagnostics):
            folders = ", ".join(f"{CONTENT_DIR}/{name}/" for name in CONTENT_KINDS)
            diagnostics.warning(rel, 0, f"ignored: content files belong in one of {folders}")
    # Folder by folder, as paths compare (not as strings, where "a-b.md" < "a/x.md").
    return sorted(files, key=lambda file: file[0].split("/"))


def is_read_as_content(rel: str) -> bool:
    """Whether :func:`content_files` reads the file at ``rel`` (relative to
    the root), by its path alone: a ``.md`` file in a kind's folder, not an
    editor's. Those it does not read, it reports (a ".MD", a file outside
    the kinds' folders) or ignores (an editor's)."""
    parts = rel.split("/")
    return (len(parts) >= 3 and parts[0] == CONTENT_DIR and parts[1] in CONTENT_KINDS and parts[-1].endswith(".md")
            and not is_editors_content_file(rel))


def is_editors_content_file(rel: str) -> bool:
    """Whether a file under content/ is an editor's (a backup, a lock, a
    hidden file): never read and never reported, so its changes change
    nothing a build makes or says."""
    return rel.startswith(f"{CONTENT_DIR}/") and any(is_editor_file(part) for part in rel.split("/")[1:])


def is_content_file(rel: str, name: str, diagnostics: Diagnostics) -> bool:
    """Whether a file is a content file by its name.

    One ending in ".MD" (or any case of ".md" but that one) was silently
    ignored. It is still not read (a file's id and its page's address come
    from its name), but named in a warning that says what to do.
    """
    stem, dot, extension = name.rpartition(".")
    if dot and extension.lower() == "md" and extension != "md":
        diagnostics.warning(
            rel, 0, f"ignored: content files end in '.md' in lower case; rename it to '{stem}.md'"
        )
    return name.endswith(".md")


def load_source(rel: str, kind: str, file_id: str, data: bytes, diagnostics: Diagnostics) -> SourceFile | None:
    """One content file's bytes, decoded and split; None (reported) when they are not UTF-8 text."""
    text = decode_text(data, rel, diagnostics)
    return None if text is None else source_file(rel, kind, file_id, text, diagnostics)


def kind_of_content(rel: str) -> str:
    """The kind of record a file holds, from its path relative to the root ("content/<folder>/…")."""
    return CONTENT_KINDS[rel.split("/", 2)[1]]


def file_id(rel: str) -> str:
    """A content file's id: its name without the extension (``Path.stem``)."""
    return os.path.splitext(rel.rpartition("/")[2])[0]


def source_file(rel: str, kind: str, file_id: str, text: str, diagnostics: Diagnostics) -> SourceFile:
    """One content file's text, split into front matter and body.

    The body is checked for characters no page can carry here (raw control
    bytes are valid UTF-8); the front matter's texts are checked as they
    are converted (``_NodeConverter``), escapes and all.
    """
    front, body, body_line = split_front_matter(text, rel, diagnostics)
    body = check_text(body, rel, body_line, diagnostics, lines_follow=True)
    return SourceFile(path=rel, kind=kind, id=file_id, front=front, body=body, body_line=body_line)


def split_front_matter(
    text: str, path: str, diagnostics: Diagnostics
) -> tuple[YamlMap | None, str, int]:
    """Split ``---``-fenced front matter from the body and parse it.

    Returns the front matter (None if missing or broken), the body and the
    file line the body starts on.
    """
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        diagnostics.error(path, 1, "missing front matter: the file must start with a '---' line")
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            break
    else:
        diagnostics.error(path, 1, "front matter is not closed: add a '---' line after it")
        return None, "", len(lines) + 1
    block = "\n".join(lines[1:index])
    body = "\n".join(lines[index + 1 :])
    ok, value = parse_yaml(block, path, first_line=2, diagnostics=diagnostics)
    if not ok:
        return None, body, index + 2
    if value is None:  # an empty block: every required key will be reported missing
        value = YamlMap(line=1)
    if not isinstance(value, YamlMap):
        diagnostics.error(path, 2, "front matter must be a mapping of 'key: value' lines")
        return None, body, index + 2
    return value, body, index + 2


def read_text(path: Path, rel: str, diagnostics: Diagnostics) -> str | None:
    raw = read_bytes(path, rel, diagnostics)
    return None if raw is None else decode_text(raw, rel, diagnostics)


def read_bytes(path: Path, rel: str, diagnostics: Diagnostics) -> bytes | None:
    """A file's bytes; None (reported) when it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        diagnostics.error(rel, 0, "file not found")
    except OSError as exc:
        diagnostics.error(rel, 0, f"cannot read file: {exc.strerror}")
    return None


def decode_text(raw: bytes, rel: str, diagnostics: Diagnostics) -> str | None:
    """A file's bytes as text with "\\n" line ends; None (reported) when not UTF-8."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        diagnostics.error(rel, line, "file is not valid UTF-8 text")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def is_date(value: Any) -> bool:
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)
