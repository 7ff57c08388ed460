"""The ``factcheck`` command: a thin layer over :mod:`generator.build`.

Exit codes: 0 success, 1 content errors, 2 usage errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .build import BuildResult, UsageError, build, check
from .markup import is_web_url

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    root = Path(args.root)
    if not (root / "site.yaml").is_file():
        parser.error(f"no site.yaml in {root.resolve()} (use --root to point at the site)")
    try:
        if args.command == "build":
            if args.base_url is not None and not is_web_url(args.base_url):
                parser.error(f"--base-url must be an http(s) URL, got '{args.base_url}'")
            result = build(root, Path(args.out) if args.out else None, args.base_url)
        else:
            result = check(root)
    except UsageError as problem:
        parser.error(str(problem))
    return report(result, args.command)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="factcheck", description="Build a cross-source fact-check site from annotated articles."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build_cmd = commands.add_parser("build", help="check the content and build the site")
    add_root(build_cmd)
    build_cmd.add_argument("--out", metavar="DIR", help="output folder (default: 'output' in site.yaml)")
    build_cmd.add_argument("--base-url", metavar="URL", help="address the site is published at")
    check_cmd = commands.add_parser("check", help="check the content without building")
    add_root(check_cmd)
    return parser


def add_root(command: argparse.ArgumentParser) -> None:
    command.add_argument("--root", default=".", metavar="DIR", help="folder holding site.yaml (default: .)")


def report(result: BuildResult, command: str) -> int:
    for diagnostic in result.diagnostics:
        print(diagnostic.format(), file=sys.stderr)
    errors, warnings = len(result.diagnostics.errors), len(result.diagnostics.warnings)
    if errors:
        print(f"{errors} error(s), {warnings} warning(s); nothing was written.", file=sys.stderr)
        return EXIT_CONTENT
    if command == "build":
        counts = ", ".join(f"{n} {kind}" for kind, n in result.counts.items())
        print(f"Built {result.pages} pages in {result.seconds:.2f} s ({counts}) into {result.out_dir}")
    else:
        print(f"Content is valid ({warnings} warning(s)).")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
