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


class UsageError(Exception):
    """A problem with how the command was called, not with the content."""


class SystemFailure(Exception):
    """The machine, not the content, failed the command; the message says
    what failed (naming the path or port) and what to do about it."""
