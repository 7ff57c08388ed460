"""Verdict changes that nobody explained, found by comparing with git.

A published verdict that changes must say why under ``updates:`` — readers
of a fact-check are owed the correction, and the site-wide feed and
/updates/ carry it. ``factcheck check`` compares each claim's verdict with
the one committed at a revision (``--since``, default ``HEAD``: what you
changed since your last commit; in a pull request, its base branch) and
warns when the verdict differs and no update was added.

Only ``check`` looks at history: a build never depends on the state of git.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from ..core.diagnostics import Diagnostics
from ..core.model import Claim
from .yamlnodes import parse_yaml


def warn_about_unexplained_verdict_changes(
    root: Path, claims: list[Claim], diagnostics: Diagnostics, since: str = "HEAD"
) -> None:
    previous = committed_front_matter(root, [claim.path for claim in claims], since)
    for claim in claims:
        before = previous.get(claim.path)
        if before is None:  # new since then, or no git history to compare with
            continue
        # As committed then, valid or not: only a text is a verdict and a list updates
        # (anything else must not be written into a message).
        old_verdict = before.get("verdict") if isinstance(before.get("verdict"), str) else None
        old_updates = before.get("updates") if isinstance(before.get("updates"), list) else []
        if old_verdict != claim.verdict_id and len(claim.updates) <= len(old_updates):
            diagnostics.warning(
                claim.path, claim.verdict_line,
                f"verdict changed from '{old_verdict or 'not rated'}' to '{claim.verdict_id or 'not rated'}' "
                f"since {since} with no new entry under 'updates:'; add one saying what changed and why",
            )


def committed_front_matter(root: Path, paths: list[str], revision: str) -> dict[str, dict]:
    """The front matter of each file as committed at ``revision``, read with one
    ``git cat-file --batch`` process. Files git doesn't know are left out; so is
    everything when ``root`` is not in a git work tree or git is missing."""
    prefix = git_prefix(root)
    if prefix is None or not paths:
        return {}
    requests = "".join(f"{revision}:{prefix}{path}\n" for path in paths)
    try:
        output = subprocess.run(
            ["git", "cat-file", "--batch"], cwd=root, input=requests.encode(),
            capture_output=True, check=True, timeout=60,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    found = {}
    for path, blob in zip(paths, read_batch(output)):
        if blob is not None:
            found[path] = front_matter_of(blob)
    return found


def git_prefix(root: Path) -> str | None:
    """The path from the repository's top to ``root`` ("" at the top), or None."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--show-prefix"], cwd=root, capture_output=True, check=True, timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.decode().strip()


def read_batch(output: bytes):
    """Blobs from ``git cat-file --batch`` output, None for each missing object."""
    position = 0
    while position < len(output):
        end = output.index(b"\n", position)
        header = output[position:end].split()
        position = end + 1
        if header[-1] == b"missing" or len(header) < 3:
            yield None
            continue
        size = int(header[2])
        yield output[position:position + size]
        position += size + 1  # the blob is followed by a newline


def front_matter_of(blob: bytes) -> dict:
    """The front matter of a committed file, leniently: it was valid then or it wasn't."""
    text = blob.decode("utf-8", errors="replace")
    if not text.startswith("---"):
        return {}
    block = text.split("\n---", 1)[0].split("\n", 1)[-1]
    # Read as the content is read (yamlnodes.parse_yaml: no anchors, no tags, no
    # text PyYAML cannot turn into a value raising), its problems not reported:
    # they are the committed version's, not the working tree's.
    ok, value = parse_yaml(block, "", 1, Diagnostics())
    return value if ok and isinstance(value, dict) else {}
