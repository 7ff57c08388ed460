"""Failures that are not about the content, and how the command reports them.

Content problems are collected as diagnostics (``diagnostics.py``) and end a
command with exit code 1. Two other kinds of failure end it at once, each
with one line of its own and an exit code of its own, so a script or a CI
job can tell them apart:

- :class:`UsageError`, exit 2: the command was called wrongly (a bad option,
  an output folder a build must not replace).
- :class:`SystemFailure`, exit 3: the machine failed the command, whatever
  the content (a full disk, a folder that cannot be written, a port in use,
  another build holding the output folder). Its message names the path or
  port and says what to do.

Neither prints a Python traceback: a traceback means a bug in factcheck.
"""

from __future__ import annotations

import errno


class UsageError(Exception):
    """A problem with how the command was called, not with the content."""


class SystemFailure(Exception):
    """The machine, not the content, failed the command; the message says
    what failed (naming the path or port) and what to do about it."""


# What to do about the errors a full, read-only or forbidden folder gives.
ADVICE = {
    errno.ENOSPC: "free some space on that disk",
    errno.EDQUOT: "free some space (the disk quota is used up)",
    errno.EROFS: "that file system is read-only: use a folder on a writable disk (--out DIR)",
    errno.EACCES: "make that folder writable, or use another one (--out DIR)",
    errno.EPERM: "make that folder writable, or use another one (--out DIR)",
}


def os_failure(problem: OSError, doing: str, then: str = "") -> SystemFailure:
    """``problem`` as one line: what failed (``doing``, e.g. "cannot write"), on
    which path, why, and what to do about it, followed by ``then``."""
    path = f" {problem.filename}" if problem.filename else ""
    reason = problem.strerror or str(problem)
    advice = ADVICE.get(problem.errno, "check that path and try again")
    return SystemFailure(f"{doing}{path}: {reason}; {advice}{then}")
