"""The dev-server measurements: start to first page (cold, then with a warm cache), and per
save the edited page and the whole site. See README.md for what each number means.
"""

from __future__ import annotations

import time
from pathlib import Path

from bench.builds import append_marker
from bench.contenders import BenchError, Contender, Server
from bench.measure import VersionWatcher, free_port, last_busy_moment, poll_until, run_in_turn, wait_until_idle
from bench.report import say

EDIT_TIMEOUT = 600.0


def edited_articles(article_ids: list[str], count: int, avoid: str) -> list[str]:
    """``count`` different articles spread evenly over the sorted ids, never the build-edit article."""
    ids = [a for a in sorted(article_ids) if a != avoid]
    count = min(count, len(ids))
    return [ids[i * len(ids) // count] for i in range(count)]


def serve_phase(contender: Contender, index: int, article_ids: list[str], log: Path,
                startup_timeout: float) -> dict:
    """The server started from a cold state, timed to its first page, then each of
    ``article_ids`` saved in turn; then, after a build of the restored content,
    the server started again with warm caches and timed to its first page."""
    contender.clean_for_cold()  # so "first page served" means built by this server, not left on disk
    record = edit_session(contender, index, article_ids, log, startup_timeout)
    warm_caches(contender, log)
    record["warm_startup_seconds"] = startup_only(contender, article_ids[0], log, startup_timeout)
    return record


def edit_session(contender: Contender, index: int, article_ids: list[str], log: Path,
                 startup_timeout: float) -> dict:
    """Start the server, wait for its first page, then time each save: until the edited
    page shows the edit, and until the server has finished the work the save gave it."""
    port = free_port()
    started = time.perf_counter()
    server = Server(contender.serve_command(port), contender.root, log)
    originals: dict[Path, bytes] = {}
    latencies: list[float] = []
    settled: list[float | None] = []
    consistent: list[float | None] = []
    versions: VersionWatcher | None = None
    try:
        startup = first_page(server, contender.article_url(port, article_ids[0]), started, startup_timeout,
                             contender, log)
        wait_until_idle(server.pid)
        if contender.versions_path() is not None:
            versions = VersionWatcher(port, contender.versions_path())
        for number, article in enumerate(article_ids):
            marker = f"benchserve{index}x{number:03d}"
            source = contender.article_source(article)
            originals.setdefault(source, source.read_bytes())
            append_marker(source, marker)
            saved = time.perf_counter()
            seen = poll_until(contender.article_url(port, article), marker.encode(), saved + EDIT_TIMEOUT)
            if seen is None:
                raise BenchError(f"{contender.name} server did not show edit {number} within {EDIT_TIMEOUT:.0f} s")
            # Also the wait before the next edit: it must not land in this one's rebuild.
            idle = last_busy_moment(server.pid, timeout=EDIT_TIMEOUT)
            latencies.append(seen - saved)
            settled.append(idle - saved if idle is not None else None)  # idle >= seen: watched from then on
            last = versions.last_after(saved) if versions is not None else None
            consistent.append(last - saved if last is not None else None)
            say(f"    edit {number + 1}/{len(article_ids)}: page {(seen - saved) * 1000:.0f} ms, "
                + (f"idle again {settled[-1] * 1000:.0f} ms" if idle is not None else "never idle")
                + (f", last version served {consistent[-1] * 1000:.0f} ms" if last is not None else ""))
    finally:
        if versions is not None:
            versions.close()
        server.stop()
        for source, original in originals.items():
            source.write_bytes(original)
    record = {"startup_seconds": startup, "latencies_seconds": latencies, "settle_seconds": settled, "port": port}
    if versions is not None:
        record["consistent_seconds"] = consistent
    return record


def warm_caches(contender: Contender, log: Path) -> None:
    """A build of the restored content, untimed: the state a server starts from after a build."""
    with open(log, "a") as handle:
        handle.write(f"\n=== warm-up build: {' && '.join(' '.join(c) for c in contender.build_commands())}\n")
    result = run_in_turn(contender.build_commands(), cwd=contender.root, log=log)
    if not result.ok:
        raise BenchError(f"{contender.name} build before the warm server start exited {result.returncode}; see {log}")


def startup_only(contender: Contender, article: str, log: Path, startup_timeout: float) -> float:
    """Seconds from starting the server to its first article page; the server is stopped again."""
    port = free_port()
    started = time.perf_counter()
    server = Server(contender.serve_command(port), contender.root, log)
    try:
        return first_page(server, contender.article_url(port, article), started, startup_timeout, contender, log)
    finally:
        server.stop()


def first_page(server: Server, url: str, started: float, timeout: float, contender: Contender, log: Path) -> float:
    first = poll_until(url, None, started + timeout)
    if first is None or not server.running():
        raise BenchError(f"{contender.name} server served nothing within {timeout:.0f} s; see {log}")
    return first - started

