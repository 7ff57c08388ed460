"""The ``factcheck`` command: a thin layer over the pipeline.

Exit codes: 0 success, 1 content errors, 2 usage errors, 3 the machine
failed (``failures.py``).
"""

from __future__ import annotations

import argparse
import gc
import signal
import sys
from pathlib import Path

from .core.diagnostics import FORMATTERS, Diagnostics
from .core.failures import SystemFailure, UsageError
from .core.layout import CACHE_DIR, CONFIG_FILE, PACKAGE_DIR, SEARCH_FOLDER, SEEDS_DIR
from .core.markup import is_web_url
from .core.progress import TerminalProgress
from .engine.build import build, check
from .scaffold import ScaffoldError
from .scaffold.entries import new_article, new_entry

EXIT_OK, EXIT_CONTENT, EXIT_SYSTEM = 0, 1, 3  # usage errors exit 2, through argparse
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl+C
DISTRIBUTION = "factcheck-site"  # the name in pyproject.toml
SOURCE_TREE = PACKAGE_DIR.parent  # a source checkout, when run from one


def main(argv: list[str] | None = None) -> int:
    """The command line. Called as the program (no ``argv``), the process ends
    when this returns: what it made is frozen out of the garbage collection
    that ends a Python process (``gc.freeze``). That collection walked the
    whole model only to free memory the process was giving back anyway: 1.3 s
    of a build after one article changed at 10,000 articles, against 0.3 s
    (measured from return to exit, on a loaded machine)."""
    code = run_command(argv)
    if argv is None:
        gc.freeze()
    return code


def run_command(argv: list[str] | None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    root = Path(args.root)
    if not root.is_dir():
        what = "is a file, not a folder" if root.exists() else "does not exist"
        parser.error(f"--root {root.resolve()} {what}: point it at the folder holding {CONFIG_FILE}")
    if not (root / CONFIG_FILE).is_file():
        parser.error(f"no {CONFIG_FILE} in {root.resolve()} (use --root to point at the site)")
    try:
        return COMMANDS[args.command](args, parser)
    except UsageError as problem:
        parser.error(str(problem))
    except SystemFailure as problem:
        print(f"factcheck {args.command}: {problem}", file=sys.stderr)
        return EXIT_SYSTEM
    except KeyboardInterrupt:  # what it had begun is undone on the way here (a build's staging folder)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # one line, even if Ctrl+C comes again meanwhile
        print(f"factcheck {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def run_build(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.base_url is not None and not is_web_url(args.base_url):
        parser.error(f"--base-url must be an http(s) URL, got '{args.base_url}'")
    progress = TerminalProgress(sys.stderr) if sys.stderr.isatty() else None
    result = build(
        Path(args.root), Path(args.out) if args.out else None, args.base_url,
        drafts=args.drafts, strict=args.strict, progress=progress,
        search=not args.no_search, use_cache=not args.no_cache,
        wait=not args.no_wait, on_wait=lambda line: print(line, file=sys.stderr, flush=True),
    )
    if progress:
        progress.clear()
    print_diagnostics(result.diagnostics, "text")
    if not result.ok:
        print(summary(result.diagnostics) + "; nothing was written.", file=sys.stderr)
        return EXIT_CONTENT
    print(result.summary())
    return EXIT_OK


def run_check(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    result = check(Path(args.root), strict=args.strict, since=args.since, coverage=args.coverage)
    print_diagnostics(result.diagnostics, args.format)
    if args.format == "text":
        if result.coverage is not None:
            print(f"Coverage: {result.coverage.summary()} in {result.coverage.articles} article(s).")
        if result.ok:
            print(f"Content is valid ({len(result.diagnostics.warnings)} warning(s)).")
        else:
            print(summary(result.diagnostics) + ".", file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_CONTENT


def run_serve(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .preview.serve import serve  # watchdog and the HTTP server are only needed here

    return serve(Path(args.root), host=args.host, port=args.port, poll=args.poll, drafts=args.drafts,
                 search=not args.no_search, read_only=args.read_only)


def run_new(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    try:
        if args.kind == "article":
            path = new_article(Path(args.root), args.name, outlet=args.outlet, article_id=args.id)
        else:
            for option, value in (("--outlet", args.outlet), ("--id", args.id)):
                if value is not None:
                    parser.error(f"{option} only applies to 'new article'")
            path = new_entry(Path(args.root), args.kind, args.name)
    except ScaffoldError as problem:
        print(f"factcheck new: {problem}", file=sys.stderr)
        return EXIT_CONTENT
    print(f"Created {path}")
    return EXIT_OK


COMMANDS = {"build": run_build, "check": run_check, "serve": run_serve, "new": run_new}


def print_diagnostics(diagnostics: Diagnostics, output_format: str) -> None:
    # Text goes to stderr like a compiler's; the machine formats to stdout, where tools read.
    stream = sys.stderr if output_format == "text" else sys.stdout
    for line in FORMATTERS[output_format](diagnostics.sorted()):
        print(line, file=stream)


def summary(diagnostics: Diagnostics) -> str:
    return f"{len(diagnostics.errors)} error(s), {len(diagnostics.warnings)} warning(s)"


class VersionAction(argparse.Action):
    """``--version``: the version looked up only when asked for (reading the
    installed metadata imports importlib.metadata: 10-15 ms of every command)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="show the program's version number and exit", **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace, values, option_string=None) -> None:
        print(f"{parser.prog} {version()}")  # to stdout, as argparse's own version action
        parser.exit()


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="factcheck", description="Build a cross-source fact-check site from annotated articles."
    )
    parser.add_argument("--version", action=VersionAction)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build_cmd = commands.add_parser("build", help="check the content and build the site")
    add_root(build_cmd)
    build_cmd.add_argument("--out", metavar="DIR", help=f"output folder (default: 'output' in {CONFIG_FILE})")
    build_cmd.add_argument("--base-url", metavar="URL", help="address the site is published at")
    build_cmd.add_argument("--no-search", action="store_true", help=f"leave out the search index ({SEARCH_FOLDER}/)")
    build_cmd.add_argument("--no-cache", action="store_true",
                           help=f"neither read nor update the build cache ({CACHE_DIR}/)")
    build_cmd.add_argument("--no-wait", action="store_true",
                           help="if another build is writing into the same folder, fail (exit 3) instead of waiting")
    add_drafts(build_cmd)
    add_strict(build_cmd)

    check_cmd = commands.add_parser("check", help="check the content without building")
    add_root(check_cmd)
    check_cmd.add_argument(
        "--format", choices=sorted(FORMATTERS), default="text",
        help="text (default), json, or github (workflow commands for GitHub Actions)",
    )
    add_strict(check_cmd)
    check_cmd.add_argument(
        "--coverage", action="store_true",
        help="also list, per article, the passages that look attributed (quotations, 'said', 'according to'…) "
             "and that no mention covers; information only, never an error",
    )
    check_cmd.add_argument(
        "--since", default="HEAD", metavar="REV",
        help="warn about verdicts changed since this git revision without an update note (default: HEAD)",
    )

    serve_cmd = commands.add_parser("serve", help="preview the site, rebuilding as files change")
    add_root(serve_cmd)
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve_cmd.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    serve_cmd.add_argument("--poll", action="store_true", help="poll for changes (Docker, network mounts)")
    serve_cmd.add_argument("--read-only", action="store_true",
                           help="no annotating from the pages: the preview writes no file")
    serve_cmd.add_argument("--no-search", action="store_true",
                           help="no search index (on a large site, Pagefind re-indexes for minutes after each save)")
    add_drafts(serve_cmd)

    new_cmd = commands.add_parser("new", help="create a content file to fill in")
    new_cmd.add_argument("kind", choices=("article", "claim", "actor", "outlet", "page"))
    new_cmd.add_argument("name", metavar="SEEDFILE|ID", help=f"for an article: a file in {SEEDS_DIR}/; otherwise the new id")
    new_cmd.add_argument("--outlet", metavar="ID", help="for an article: the outlet that published it")
    new_cmd.add_argument("--id", metavar="ID",
                         help="for an article: its id, the file name (default: a few words of the seed's title)")
    add_root(new_cmd)
    return parser


def version() -> str:
    """The installed package's version; from pyproject.toml when run from a
    source tree that is not installed (``python -m generator``)."""
    from importlib import metadata  # only here: 20 ms to import, which every build would pay

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        pass
    try:
        import tomllib  # only here: 11 ms to import; Python 3.10 has none
        with open(SOURCE_TREE / "pyproject.toml", "rb") as file:
            return f'{tomllib.load(file)["project"]["version"]} (source tree)'
    except (ImportError, OSError, ValueError, KeyError, TypeError):
        return "unknown (run from a source tree)"


def add_root(command: argparse.ArgumentParser) -> None:
    command.add_argument("--root", default=".", metavar="DIR", help=f"folder holding {CONFIG_FILE} (default: .)")


def add_drafts(command: argparse.ArgumentParser) -> None:
    command.add_argument("--drafts", action="store_true", help="include articles and claims marked draft: true")


def add_strict(command: argparse.ArgumentParser) -> None:
    command.add_argument("--strict", action="store_true", help="treat warnings as errors")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
