"""A progress line for builds that take more than a moment, on a terminal only."""

from __future__ import annotations

import time
from typing import Protocol, TextIO


class Progress(Protocol):
    def update(self, stage: str, done: int, total: int) -> None: ...


class TerminalProgress:
    """Rewrites one stderr line ("Rendering 1200/13000 pages"), throttled.

    Nothing is shown for the first half second, so quick builds stay quiet.
    """

    DELAY = 0.5
    INTERVAL = 0.1

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.started = time.monotonic()
        self.last_shown = 0.0
        self.shown = False

    def update(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.started < self.DELAY or (now - self.last_shown < self.INTERVAL and done < total):
            return
        self.last_shown, self.shown = now, True
        self.stream.write(f"\r\x1b[K{stage} {done}/{total}")
        self.stream.flush()

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
