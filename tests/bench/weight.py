"""What a built site's pages weigh, and what their bytes are made of.

    python tests/bench/weight.py OUTPUT_FOLDER [--parts claims,actors,outlets]

Prints, for each kind of page (the first folder of its path: ``claims``,
``actors``, ``articles``…; list pages and their later pages count as
``<kind> (list)``), how many pages there are and their mean and largest
size; then, for the kinds named by ``--parts``, where the bytes of their
pages go:

* by region: the innermost element of interest a byte sits in (JSON-LD,
  inline SVG, a quote card, the timeline, the site's header and footer, the
  rest of <head>, or the rest of the page);
* by token: markup (tag names and punctuation), attributes (split into
  ``class``, ``href``, ``id`` and others), text, and whitespace between tags.

A rough tokenizer (tags and the text between them), not a parser: enough
to say where kilobytes go, not to validate anything.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path

TOKEN = re.compile(r"<!--.*?-->|<script\b[^>]*>.*?</script>|<style\b[^>]*>.*?</style>|<[^>]+>|[^<]+", re.S)
TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)([^>]*?)(/?)>", re.S)
ATTRIBUTE = re.compile(r"""\s+([\w:-]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?""")
VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr", "col", "area", "base", "embed", "track"}


def region_of(name: str, attrs: str) -> str | None:
    """The region an opening tag starts, or None when it starts none."""
    if name == "svg":
        return "inline SVG"
    if name == "li" and "quote-card" in attrs:
        return "quote cards"
    if name == "section" and 'class="timeline' in attrs:
        return "timeline (besides its SVG)"
    if name in ("header", "footer") and "site-" in attrs:
        return "site header and footer"
    if name == "head":
        return "<head> (besides JSON-LD)"
    if name == "table":
        return "tables"
    return None


def breakdown(html: str) -> tuple[Counter, Counter]:
    regions: Counter = Counter()
    tokens: Counter = Counter()
    stack: list[tuple[str, str]] = []  # (element name, region) of the open regions
    for match in TOKEN.finditer(html):
        token = match.group(0)
        size = len(token.encode("utf-8"))
        region = stack[-1][1] if stack else "rest of the page"
        if token.startswith("<script") and "ld+json" in token[:60]:
            regions["JSON-LD"] += size
            tokens["JSON-LD"] += size
            continue
        tag = TAG.fullmatch(token)
        if tag is None:
            regions[region] += size
            tokens["whitespace between tags" if token.isspace() else "text"] += size
            continue
        closing, name, attrs, selfclosing = tag.groups()
        name = name.lower()
        if not closing:
            started = region_of(name, attrs)
            if started:
                region = started
        regions[region] += size
        attribute_bytes = 0
        for attribute in ATTRIBUTE.finditer(attrs):
            key = attribute.group(1).lower()
            bucket = key if key in ("class", "href", "id") else "other"
            width = len(attribute.group(0).encode("utf-8"))
            tokens[f"attribute: {bucket}"] += width
            attribute_bytes += width
        tokens["tag markup"] += size - attribute_bytes
        if closing:
            if stack and stack[-1][0] == name and any(n == name for n, _ in stack):
                stack.pop()
        elif not selfclosing and name not in VOID and started:
            stack.append((name, started))
        elif not selfclosing and name not in VOID and stack and stack[-1][0] == name:
            stack.append((name, stack[-1][1]))  # the same element nested: keep the count of levels
    return regions, tokens


def kind_of(page: Path, root: Path) -> str:
    parts = page.relative_to(root).parts
    if len(parts) == 1:
        return "home"
    if len(parts) == 2 or (len(parts) >= 3 and parts[1] == "page"):
        return f"{parts[0]} (list)"
    return parts[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--parts", default="claims,actors,outlets")
    args = parser.parse_args(argv)
    sizes: dict[str, list[int]] = defaultdict(list)
    regions: dict[str, Counter] = defaultdict(Counter)
    tokens: dict[str, Counter] = defaultdict(Counter)
    wanted = set(args.parts.split(","))
    for page in sorted(args.root.rglob("*.html")):
        if "pagefind" in page.parts:
            continue
        data = page.read_bytes()
        kind = kind_of(page, args.root)
        sizes[kind].append(len(data))
        if kind in wanted:
            r, t = breakdown(data.decode("utf-8"))
            regions[kind].update(r)
            tokens[kind].update(t)
    total = sum(sum(v) for v in sizes.values())
    print(f"{'page kind':<22}{'pages':>7}{'mean KB':>10}{'max KB':>9}{'total MB':>10}")
    for kind in sorted(sizes, key=lambda k: -sum(sizes[k])):
        values = sizes[kind]
        print(f"{kind:<22}{len(values):>7}{statistics.mean(values) / 1000:>10.1f}{max(values) / 1000:>9.1f}"
              f"{sum(values) / 1e6:>10.2f}")
    print(f"{'all':<22}{sum(len(v) for v in sizes.values()):>7}{'':>19}{total / 1e6:>10.2f}")
    for kind in sorted(regions):
        whole = sum(sizes[kind])
        for title, counter in (("by region", regions[kind]), ("by token", tokens[kind])):
            print(f"\n{kind}, {title} (mean KB per page, share)")
            for key, value in counter.most_common():
                print(f"  {key:<32}{value / len(sizes[kind]) / 1000:>8.1f}{100 * value / whole:>7.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
