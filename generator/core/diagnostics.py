"""Problems found in content, reported as ``path:line: severity: message``.

Every stage that inspects content appends to a :class:`Diagnostics` list
instead of raising, so an editor sees every problem of a run at once.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import asdict, dataclass, field
from typing import Iterable, Iterator

ERROR = "error"
WARNING = "warning"
# Information, never a problem: what ``check --coverage`` finds. Not promoted
# by --strict, and a run with notices only succeeds.
NOTICE = "notice"


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str  # relative to the site root, with forward slashes
    line: int  # 1-based line in the file; 0 when the problem concerns the whole file
    message: str
    severity: str = ERROR

    def format(self) -> str:
        location = f"{self.path}:{self.line}" if self.line else self.path
        return f"{location}: {self.severity}: {self.message}"


@dataclass
class Diagnostics:
    """An ordered collection of problems, sorted by file and line when read."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, path: str, line: int, message: str) -> None:
        self.items.append(Diagnostic(path, line, message, ERROR))

    def warning(self, path: str, line: int, message: str) -> None:
        self.items.append(Diagnostic(path, line, message, WARNING))

    def notice(self, path: str, line: int, message: str) -> None:
        self.items.append(Diagnostic(path, line, message, NOTICE))

    def strict(self) -> "Diagnostics":
        """The same problems with every warning promoted to an error (notices stay notices)."""
        return Diagnostics([
            Diagnostic(d.path, d.line, d.message, ERROR if d.severity == WARNING else d.severity) for d in self.items
        ])

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.severity == ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.severity == WARNING]

    @property
    def notices(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.severity == NOTICE]

    def sorted(self) -> list[Diagnostic]:
        return sorted(set(self.items), key=lambda d: (d.path, d.line, d.severity, d.message))

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(set(self.items))


# --- output formats: for people, for tools, for GitHub Actions ---------------


def format_text(diagnostics: Iterable[Diagnostic]) -> list[str]:
    return [d.format() for d in diagnostics]


def format_json(diagnostics: Iterable[Diagnostic]) -> list[str]:
    """One JSON document: a list of {path, line, severity, message}."""
    return [json.dumps([asdict(d) for d in diagnostics], indent=2, ensure_ascii=False)]


def format_github(diagnostics: Iterable[Diagnostic]) -> list[str]:
    """GitHub Actions workflow commands, shown inline on a pull request's files."""
    lines = []
    for d in diagnostics:
        properties = f"file={_github_property(d.path)}"
        if d.line:
            properties += f",line={d.line}"
        lines.append(f"::{d.severity} {properties}::{_github_data(d.message)}")
    return lines


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


FORMATTERS = {"text": format_text, "json": format_json, "github": format_github}


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ``" (did you mean 'x'?)"`` suffix, or ``""`` when nothing is close."""
    matches = difflib.get_close_matches(str(word), sorted(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""
