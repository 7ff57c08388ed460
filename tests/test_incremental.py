"""Incremental rebuilds must give exactly what a clean full build gives.

A long, seeded random sequence of edits (add, change, rename and delete
articles, claims and actors; edits of an article's body that move its quotes,
retype them or reorder them, and of actors' and outlets' bodies; template and
site.yaml edits; invalid edits and their fixes) is applied to a copy of a site. After every step the builder's
in-memory site is compared, byte for byte, with a fresh build of the same
files; after an invalid step it must still hold the last good site.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest
import yaml

from generator.core import limits
from generator.core.layout import CACHE_DIR, DEFAULT_TEMPLATES
from generator.core.layout import MARKER
from generator.core.markup import MarkdownConverter
from generator.engine.build import build
from generator.engine.incremental import IncrementalBuilder
from generator.engine.pieces import PIECES_DIR
from generator.stages.quotes import find_part, find_quote, normalise, quote_parts

ROOT = Path(__file__).resolve().parent.parent
VALID_SITE = ROOT / "tests" / "fixtures" / "valid-site"
BASE_URL = "http://127.0.0.1:9/"


def clean_build(root: Path, out: Path) -> dict[str, bytes] | None:
    """A fresh full build of ``root``, read back from disk; None if it fails."""
    if out.exists():
        shutil.rmtree(out)
    # Clean of pieces too: the data files made whole, not from pieces earlier builds stored.
    shutil.rmtree(root / CACHE_DIR / PIECES_DIR, ignore_errors=True)
    # Without the search index: these builders run without it too, so that the
    # long random test stays quick. tests/test_search_index.py and tests/test_serve.py
    # check that an incremental rebuild's index equals a clean build's.
    result = build(root, out, base_url=BASE_URL, search=False)
    if not result.ok:
        return None
    # The build marker belongs to the write stage, not to the site's pages.
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != MARKER}


# --- reading and writing content files --------------------------------------------


def split(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front) or {}, body


def join(path: Path, front: dict, body: str) -> None:
    dumped = yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
    path.write_text(f"---\n{dumped}---\n{body}", encoding="utf-8")


def replace_body(path: Path, body: str) -> None:
    """Write a new body under the file's front matter, kept byte for byte: the
    file's records then change only where the body decides them (its quotes' places)."""
    _, front, _ = path.read_text(encoding="utf-8").split("---\n", 2)
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")


def files(root: Path, kind: str) -> list[Path]:
    return sorted((root / "content" / kind).glob("*.md"))


def sentences(body: str) -> list[str]:
    """Plain sentences of a body that make safe, unique-enough quotes."""
    found = re.findall(r"[A-Z][^.!?\n*`\[\]<>\"“”]{15,120}[.!?]", body)
    return [s for s in found if body.count(s) == 1]


MARKDOWN = MarkdownConverter()


def passages(front: dict) -> list[str]:
    """An article's quotes and skipped passages: the text the build looks for in its body."""
    found = [m.get("quote") for m in front.get("mentions") or []] + [s.get("passage") for s in front.get("skip") or []]
    return [p for p in found if isinstance(p, str)]


def places(front: dict, body: str) -> tuple[str, list[tuple[tuple[int, int], ...]]] | None:
    """The text a reader sees of ``body``, and where each of the article's
    passages is in it, found as the build finds them; None if one is not
    found exactly once (the build would report an error)."""
    text = MARKDOWN.parse(body).text
    haystack = normalise(text)
    spans = []
    for passage in passages(front):
        anchor = find_quote(passage, text, haystack)
        if not anchor.found:
            return None
        spans.append(anchor.spans)
    return text, spans


def blocks(body: str) -> tuple[str, list[str], str]:
    """A body cut at its blank lines: leading space, [paragraph, gap, paragraph, ...], trailing space."""
    core = body.strip()
    lead, trail = body[: len(body) - len(body.lstrip())], body[len(body.rstrip()):]
    return lead, re.split(r"(\n(?:[ \t]*\n)+)", core) if core else [], trail


def holds_passage(paragraph: str, front: dict) -> bool:
    """Whether a paragraph, read alone, holds (a part of) one of the article's passages."""
    text = normalise(MARKDOWN.parse(paragraph).text).text
    return any(find_part(part, text) for passage in passages(front) for part in quote_parts(passage))


def order(spans: list[tuple[tuple[int, int], ...]]) -> list[int]:
    """The passages' indexes in the order they occur in the text."""
    return sorted(range(len(spans)), key=lambda index: spans[index][0])


# --- the edits ----------------------------------------------------------------------


def toggle(front: dict, key: str) -> None:
    """A true/false field set if absent, removed if present."""
    if front.pop(key, None) is None:
        front[key] = True


class Editor:
    """Random edits to a site; each returns a short description."""

    def __init__(self, root: Path, rng: random.Random):
        self.root, self.rng = root, rng
        self.counter = 0

    def new_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.counter}"

    def pick(self, kind: str) -> Path | None:
        candidates = files(self.root, kind)
        return self.rng.choice(candidates) if candidates else None

    def verdicts(self) -> list[str]:
        config = yaml.safe_load((self.root / "site.yaml").read_text(encoding="utf-8"))
        return [v["id"] for v in config["verdicts"]]

    def ids(self, kind: str) -> list[str]:
        return [p.stem for p in files(self.root, kind)]

    # valid edits -------------------------------------------------------------------

    def change_article_body(self) -> str:
        path = self.pick("articles")
        front, body = split(path)
        words = self.rng.sample(["Officials", "said", "the", "report", "was", "late", "again", "today"], 5)
        join(path, front, body + f"\n{' '.join(words).capitalize()} in paragraph {self.new_id('p')}.\n")
        return f"append a paragraph to {path.name}"

    def quoted_articles(self) -> list[Path]:
        """The articles, those that quote their body first, each group in a seeded random order."""
        paths = files(self.root, "articles")
        self.rng.shuffle(paths)
        return sorted(paths, key=lambda path: not passages(split(path)[0]))

    def placed_articles(self):
        """(path, front matter, body, (text, quotes' places)) of the articles whose quotes are all found."""
        for path in self.quoted_articles():
            front, body = split(path)
            found = places(front, body)
            if found:
                yield path, front, body, found

    # Body edits that keep the front matter's bytes: pages that show an article's
    # text must change, pages keyed on its records (its mentions and their
    # places in the text) only when those places move.

    def open_article_body(self) -> str:
        """A new sentence before any quoted passage: every quote's place shifts."""
        for path in self.quoted_articles():
            front, body = split(path)
            sentence = f"Editors added note {self.new_id('n')} here."
            start = len(body) - len(body.lstrip())
            gap = self.rng.choice([" ", "\n\n"])  # the first paragraph's start, or a paragraph before it
            edited = body[:start] + sentence + (gap if body.strip() else "\n") + body[start:]
            if places(front, edited) is not None:
                replace_body(path, edited)
                return f"open {path.name} with a new {'sentence' if gap == ' ' else 'paragraph'}"
        return self.change_article_body()

    # The quote matcher forgives these: one character (or a pair of spaces) for another.
    RETYPES = {" ": ["  ", "\u00a0", "\u2009"], "'": ["\u2019", "\u2018"], "\u2019": ["'"], '"': ["\u201c", "\u201d"],
               "\u201c": ['"'], "\u201d": ['"'], "-": ["\u2013", "\u2011"], "\u2013": ["-", "\u2014"]}

    def retype_quote(self) -> str:
        """Change the typography inside a quoted passage so that it still matches."""
        for path, front, body, (text, spans) in self.placed_articles():
            quoted = [text[start:end] for spans_of in spans for start, end in spans_of]
            self.rng.shuffle(quoted)
            for passage in quoted:
                if body.count(passage) != 1:  # markup inside it, or not only once: not found in the source
                    continue
                at = body.index(passage)
                # A space only between two other characters: never at a line's end (two there make a break).
                spots = [i for i in range(at, at + len(passage)) if body[i] in self.RETYPES
                         and (body[i] != " " or not (body[i - 1].isspace() or (body[i + 1:i + 2] or "\n").isspace()))]
                self.rng.shuffle(spots)
                # A kind of character first, so that spaces, the most common, do not crowd out the rest.
                kinds = sorted({body[spot] for spot in spots})
                self.rng.shuffle(kinds)
                spots.sort(key=lambda spot: kinds.index(body[spot]))
                for spot in spots:
                    new = self.rng.choice(self.RETYPES[body[spot]])
                    edited = body[:spot] + new + body[spot + 1:]
                    if places(front, edited) is not None:
                        replace_body(path, edited)
                        return f"retype {body[spot]!r} as {new!r} in a quote of {path.name}"
        return self.change_article_body()

    WORDS = ["so", "reworded", "plainly", "the", "notably"]

    def reword_unquoted_paragraph(self) -> str:
        """Replace a word in a paragraph that holds no quote: later quotes' places shift."""
        for path, front, body, (text, spans) in self.placed_articles():
            lead, parts, trail = blocks(body)
            indexes = list(range(0, len(parts), 2))
            self.rng.shuffle(indexes)
            for index in indexes:
                words = list(re.finditer(r"\b[A-Za-z]{3,}\b", parts[index]))
                if not words:
                    continue
                word = self.rng.choice(words)
                replacement = self.rng.choice([w for w in self.WORDS if len(w) != len(word.group())])
                paragraph = parts[index][:word.start()] + replacement + parts[index][word.end():]
                edited = lead + "".join(parts[:index] + [paragraph] + parts[index + 1:]) + trail
                now = places(front, edited)
                if now is None or now[0] == text:
                    continue
                # The text's block (paragraph) where the two texts differ must hold no passage.
                first = next((i for i, (a, b) in enumerate(zip(text, now[0])) if a != b), min(len(text), len(now[0])))
                block_start = text.rfind("\n\n", 0, first)
                block_end = text.find("\n\n", first)
                block_end = len(text) if block_end < 0 else block_end
                if any(start < block_end and end > block_start for spans_of in spans for start, end in spans_of):
                    continue
                replace_body(path, edited)
                return f"reword {word.group()!r} as {replacement!r} in an unquoted paragraph of {path.name}"
        return self.change_article_body()

    def swap_quoted_paragraphs(self) -> str:
        """Swap two paragraphs that each hold a quote: the quotes' order in the text changes."""
        for path, front, body, found in self.placed_articles():
            lead, parts, trail = blocks(body)
            quoting = [i for i in range(0, len(parts), 2) if holds_passage(parts[i], front)]
            pairs = [(i, j) for i in quoting for j in quoting if i < j]
            self.rng.shuffle(pairs)
            for i, j in pairs[:6]:
                swapped = list(parts)
                swapped[i], swapped[j] = parts[j], parts[i]
                edited = lead + "".join(swapped) + trail
                now = places(front, edited)
                if now is not None and order(now[1]) != order(found[1]):
                    replace_body(path, edited)
                    return f"swap paragraphs {i // 2 + 1} and {j // 2 + 1} of {path.name}"
        return self.change_article_body()

    def change_bio(self, kind: str) -> str:
        """An actor's bio or an outlet's context: shown on its own page only."""
        path = self.pick(kind)
        if path is None:
            return self.change_article_body()
        _, body = split(path)
        if body.strip() and self.rng.random() < 0.2:
            replace_body(path, "")
            return f"clear the body of {path.name}"
        replace_body(path, body + f"\nMore about them {self.new_id('bio')}.\n")
        return f"append to the body of {path.name}"

    def change_actor_bio(self) -> str:
        return self.change_bio("actors")

    def change_outlet_context(self) -> str:
        return self.change_bio("outlets")

    def change_stance(self) -> str:
        path = self.pick("articles")
        front, body = split(path)
        if not front.get("mentions"):
            return self.add_mention()
        mention = self.rng.choice(front["mentions"])
        mention["stance"] = self.rng.choice(["supports", "disputes", "neutral"])
        join(path, front, body)
        return f"change a stance in {path.name}"

    def add_mention(self) -> str:
        path = self.pick("articles")
        front, body = split(path)
        quotes = sentences(body)
        claims = self.ids("claims")
        if not quotes or not claims:
            return "no mention added"
        mention = {"claim": self.rng.choice(claims), "stance": "supports", "quote": self.rng.choice(quotes)}
        if self.rng.random() < 0.6 and self.ids("actors"):
            mention["actor"] = self.rng.choice(self.ids("actors"))
        if self.rng.random() < 0.3:
            mention["value"] = self.rng.randint(1, 40)
        front.setdefault("mentions", []).append(mention)
        join(path, front, body)
        return f"add a mention to {path.name}"

    def remove_mention(self) -> str:
        path = self.pick("articles")
        front, body = split(path)
        if front.get("mentions"):
            front["mentions"].pop(self.rng.randrange(len(front["mentions"])))
            join(path, front, body)
        return f"remove a mention from {path.name}"

    def retarget_mention(self) -> str:
        path = self.pick("articles")
        front, body = split(path)
        if front.get("mentions"):
            self.rng.choice(front["mentions"])["claim"] = self.rng.choice(self.ids("claims"))
            join(path, front, body)
        return f"point a mention of {path.name} at another claim"

    def change_claim(self) -> str:
        path = self.pick("claims")
        front, body = split(path)
        choice = self.rng.random()
        if choice < 0.3:
            front["verdict"] = self.rng.choice(self.verdicts())
            front.pop("not_rated", None)  # a claim has one or the other
        elif choice < 0.4:  # deliberately left unrated: its cards and actors' scorecards change
            front.pop("verdict", None)
            front["not_rated"] = f"A characterisation {self.new_id('c')}, not a checkable statement."
        elif choice < 0.6:
            front["statement"] = f"Statement {self.new_id('s')} about the bridge."
        elif choice < 0.7:  # a draft's mentions leave every page: the articles' counts of quotes change
            toggle(front, "draft")
        else:
            body += f"\nMore analysis {self.new_id('a')}.\n"
        join(path, front, body)
        return f"change claim {path.name}"

    def change_actor(self) -> str:
        path = self.pick("actors")
        front, body = split(path)
        if self.rng.random() < 0.5:
            front["name"] = f"Person {self.new_id('n')}"
        else:
            organisations = [p.stem for p in files(self.root, "actors") if split(p)[0].get("kind") == "organisation"]
            if front.get("kind") == "person" and organisations:
                front["affiliation"] = self.rng.choice(organisations)
            else:
                front["role"] = f"Role {self.new_id('r')}"
        join(path, front, body)
        return f"change actor {path.name}"

    def change_article_meta(self) -> str:
        """Its title, date (the lists' order), outlet, or whether it is a draft."""
        path = self.pick("articles")
        front, body = split(path)
        choice = self.rng.random()
        if choice < 0.25:
            front["title"] = f"Retitled {self.new_id('t')}"
        elif choice < 0.5:
            date = self.rng.choice(["2023-11", "2024-02-10", "2024-03", "2025-01-05", None])
            if date is None:
                front.pop("published", None)
            else:
                front["published"] = date
        elif choice < 0.75:
            front["outlet"] = self.rng.choice(self.ids("outlets"))
        else:
            toggle(front, "draft")
        join(path, front, body)
        return f"change the title, date, outlet or draft of {path.name}"

    def change_outlet(self) -> str:
        path = self.pick("outlets")
        front, body = split(path)
        if self.rng.random() < 0.6:
            front["name"] = f"Outlet {self.new_id('o')}"
        elif front.pop("url", None) is None:
            front["url"] = f"https://{path.stem}.example.com/"
        join(path, front, body)
        return f"change outlet {path.name}"

    def change_affiliation(self) -> str:
        """Who counts under whom: the origins, /compare/'s columns, the parties' pages."""
        path = self.pick("actors")
        front, body = split(path)
        if front.get("affiliation") and self.rng.random() < 0.5:
            del front["affiliation"]
        elif front.get("kind") == "organisation":
            toggle(front, "party")
        else:
            return self.change_actor()
        join(path, front, body)
        return f"change the affiliation or party of {path.name}"

    def change_page(self) -> str:
        """The editors' pages: every page's footer links them by title."""
        path = self.pick("pages")
        if path is None or self.rng.random() < 0.2:
            path = self.root / "content" / "pages" / f"{self.new_id('page')}.md"
            path.parent.mkdir(exist_ok=True)
            join(path, {"title": f"Page {path.stem}"}, "Who we are.\n")
            return f"add page {path.name}"
        front, body = split(path)
        choice = self.rng.random()
        if choice < 0.4:
            front["title"] = f"About {self.new_id('title')}"
        elif choice < 0.6:
            front["verdict_scale"] = not front.get("verdict_scale", False)
        elif choice < 0.8:
            body += f"\nMore about us {self.new_id('b')}.\n"
        else:
            path.unlink()
            return f"delete page {path.name}"
        join(path, front, body)
        return f"change page {path.name}"

    def add_article(self) -> str:
        source = self.pick("articles")
        target = source.with_name(f"{self.new_id('article')}.md")
        front, body = split(source)
        front["title"] = f"Copy {target.stem}"
        join(target, front, body)
        return f"add article {target.name}"

    def delete_article(self) -> str:
        if len(files(self.root, "articles")) > 1:
            path = self.pick("articles")
            path.unlink()
            return f"delete article {path.name}"
        return "no article deleted"

    def rename_article(self) -> str:
        path = self.pick("articles")
        target = path.with_name(f"{self.new_id('renamed')}.md")
        path.rename(target)
        return f"rename {path.name} to {target.name}"

    def rename_entry(self, kind: str) -> str:
        """Rename a claim or actor file and every reference to it, as an editor would."""
        path = self.pick(kind)
        new_id = self.new_id(f"renamed-{kind[:-1]}")
        pattern = re.compile(rf"(?<![\w-]){re.escape(path.stem)}(?![\w-])")
        for other in files(self.root, "articles") + files(self.root, "actors") + files(self.root, "claims"):
            front, body = split(other)
            dumped = yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
            renamed = pattern.sub(new_id, dumped)
            if renamed != dumped:
                join(other, yaml.safe_load(renamed), body)
        path.rename(path.with_name(f"{new_id}.md"))
        return f"rename {path.name} to {new_id}.md and its references"

    def rename_claim(self) -> str:
        return self.rename_entry("claims")

    def rename_actor(self) -> str:
        return self.rename_entry("actors")

    def relate_claims(self) -> str:
        """Add or drop a relation: it shows on both claims' pages."""
        claims = files(self.root, "claims")
        if len(claims) < 2:
            return "no relation"
        first, second = self.rng.sample(claims, 2)
        front, body = split(first)
        if front.get("related"):
            front.pop("related")
            description = f"drop the relations of {first.name}"
        else:
            relation = self.rng.choice(["contradicts", "same-as", "part-of", "supersedes"])
            front["related"] = [{"claim": second.stem, "relation": relation}]
            description = f"{first.stem} {relation} {second.stem}"
        join(first, front, body)
        return description

    def add_update(self) -> str:
        path = self.pick("claims")
        front, body = split(path)
        front.setdefault("updates", []).append(
            {"date": f"2024-0{self.rng.randint(1, 9)}-1{self.rng.randint(0, 9)}", "note": f"Note {self.new_id('u')}."}
        )
        join(path, front, body)
        return f"add an update to {path.name}"

    def add_claim(self) -> str:
        path = self.root / "content" / "claims" / f"{self.new_id('claim')}.md"
        join(path, {"statement": f"New claim {path.stem}.", "verdict": self.rng.choice(self.verdicts())}, "Analysis.\n")
        return f"add claim {path.name}"

    def add_actor(self) -> str:
        path = self.root / "content" / "actors" / f"{self.new_id('actor')}.md"
        join(path, {"name": f"Actor {path.stem}", "kind": "person"}, "")
        return f"add actor {path.name}"

    def delete_unused(self, kind: str) -> str:
        used = "\n".join(p.read_text(encoding="utf-8") for p in files(self.root, "articles") + files(self.root, "actors") + files(self.root, "claims"))
        unused = [p for p in files(self.root, kind) if not re.search(rf"\b{re.escape(p.stem)}\b", used)]
        if unused:
            path = self.rng.choice(unused)
            path.unlink()
            return f"delete unused {path.name}"
        return f"no unused {kind}"

    def edit_template(self) -> str:
        templates = self.root / "templates"
        name = self.rng.choice(["claim.html", "_macros.html", "base.html", "compare.html", "static/style.css"])
        path = templates / name
        text = path.read_text(encoding="utf-8")
        marker = self.new_id("edit")
        if name.endswith(".css"):
            path.write_text(text + f"\n/* {marker} */\n", encoding="utf-8")
        elif name == "_macros.html":
            path.write_text(text.replace("Not yet rated", f"Not yet rated {marker}", 1) if "Not yet rated" in text
                            else text + f"\n{{# {marker} #}}\n", encoding="utf-8")
        else:
            path.write_text(text.replace("</main>", f"<!-- {marker} --></main>", 1) if "</main>" in text
                            else text.replace("{% endblock %}", f"<p>{marker}</p>{{% endblock %}}", 1), encoding="utf-8")
        return f"edit template {name}"

    def edit_config(self) -> str:
        path = self.root / "site.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"^title: .*$", f"title: Checks {self.new_id('t')}", text, count=1, flags=re.M), encoding="utf-8")
        return "edit site.yaml title"

    # invalid edits: applied, checked, then undone ------------------------------------

    def break_something(self) -> tuple[str, Path, bytes | None]:
        """Apply an invalid edit; return its description and how to undo it."""
        choice = self.rng.randrange(5)
        if choice == 0:
            path = self.pick("articles")
            old = path.read_bytes()
            path.write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
            return f"YAML syntax error in {path.name}", path, old
        if choice == 1:
            path = self.pick("articles")
            old = path.read_bytes()
            front, body = split(path)
            front.setdefault("mentions", []).append({"claim": "no-such-claim", "stance": "supports", "quote": "x"})
            join(path, front, body)
            return f"unknown claim in {path.name}", path, old
        if choice == 2:
            path = self.root / "templates" / "claim.html"
            old = path.read_bytes()
            path.write_text(path.read_text(encoding="utf-8").replace("{% endblock %}", "{% endblock %}{% if %}", 1), encoding="utf-8")
            return "template syntax error", path, old
        if choice == 3:
            path = self.pick("claims")
            old = path.read_bytes()
            front, body = split(path)
            front["verdict"] = "not-a-verdict"
            join(path, front, body)
            return f"unknown verdict in {path.name}", path, old
        path = self.root / "content" / "actors" / "broken.md"
        path.write_text("no front matter\n", encoding="utf-8")
        return "file without front matter", path, None

    VALID = [
        "change_article_body", "change_stance", "add_mention", "add_mention", "remove_mention",
        "retarget_mention", "change_claim", "change_actor", "add_article", "delete_article",
        "rename_article", "rename_claim", "rename_actor", "add_claim", "add_actor",
        "relate_claims", "add_update", "edit_template", "edit_config", "change_page",
        "open_article_body", "retype_quote", "reword_unquoted_paragraph", "swap_quoted_paragraphs",
        "change_actor_bio", "change_outlet_context", "change_article_meta", "change_outlet", "change_affiliation",
    ]


def make_site(tmp_path: Path, source: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(source, site, ignore=shutil.ignore_patterns("public", ".staging-*"))
    if not (site / "templates").is_dir():
        shutil.copytree(DEFAULT_TEMPLATES, site / "templates")
    return site


@pytest.mark.parametrize("source, steps, seed, page_size", [
    (VALID_SITE, 150, 1, None), (VALID_SITE, 150, 2, None), (ROOT, 40, 3, None),
    # Every list on pages of a few items, and few comparison columns: claims
    # cross page boundaries, totals and columns change (base.list_pages,
    # siteplan.outlet_pages and actor_pages).
    (VALID_SITE, 150, 4, 1), (ROOT, 25, 5, 4),
    # A synthetic site whose outlets have several articles and relay
    # statements: an outlet's lists of both continue on numbered pages.
    ("synthetic", 25, 6, 2),
], ids=["fixture-seed-1", "fixture-seed-2", "example-site", "fixture-small-pages", "example-site-small-pages",
        "synthetic-small-pages"])
def test_random_edits_match_a_clean_build(tmp_path, monkeypatch, source, steps, seed, page_size):
    if page_size:  # the clean builds' worker processes are forked: they see it too
        for section in limits.PAGE_SIZES:
            monkeypatch.setitem(limits.PAGE_SIZES, section, page_size)
        monkeypatch.setattr(limits, "ORIGIN_COLUMNS", page_size)
        # an outlet's and an actor's lists on numbered pages too
        monkeypatch.setattr(limits, "OUTLET_CLAIMS", page_size)
        monkeypatch.setattr(limits, "ACTOR_CLAIMS", page_size)
        monkeypatch.setattr(limits, "OUTLET_ARTICLES", page_size)
        monkeypatch.setattr(limits, "RELAYED_STATEMENTS", page_size)
        monkeypatch.setattr(limits, "OTHERS_SHOWN", page_size)
        monkeypatch.setattr(limits, "FEED_ENTRIES", page_size)  # feeds of the newest entries only
    if source == "synthetic":
        from synthetic import make_site as make_synthetic_site

        site = tmp_path / "site"
        make_synthetic_site(site, 24, seed=3, claims=10, actors=12)
        if not (site / "templates").is_dir():
            shutil.copytree(DEFAULT_TEMPLATES, site / "templates")
    elif source == ROOT:
        site = tmp_path / "site"
        site.mkdir()
        for name in ("site.yaml", "content", "seeds", "templates"):
            src = ROOT / name
            (shutil.copytree if src.is_dir() else shutil.copy)(src, site / name)
    else:
        site = make_site(tmp_path, source)
    rng = random.Random(seed)
    editor = Editor(site, rng)
    builder = IncrementalBuilder(site, base_url=BASE_URL)
    out = tmp_path / "clean"
    assert builder.rebuild().ok
    assert builder.outputs == clean_build(site, out)
    history = []
    for step in range(steps):
        if rng.random() < 0.15:
            description, path, old = editor.break_something()
            history.append(f"{step}: {description}")
            last_good = builder.outputs
            report = builder.rebuild()
            assert not report.ok, history
            assert builder.outputs is last_good, history
            assert clean_build(site, out) is None, history
            if old is None:
                path.unlink()
            else:
                path.write_bytes(old)
            history.append(f"{step}: undo it")
        else:
            history.append(f"{step}: " + getattr(editor, rng.choice(Editor.VALID))())
            if rng.random() < 0.1:
                history.append(f"{step}: " + editor.delete_unused(rng.choice(["claims", "actors"])))
        report = builder.rebuild()
        expected = clean_build(site, out)
        assert report.ok, (history[-3:], builder.diagnostics.sorted())
        assert expected is not None, history[-3:]
        if builder.outputs != expected:
            differing = sorted(p for p in expected.keys() | builder.outputs.keys()
                               if expected.get(p) != builder.outputs.get(p))
            pytest.fail(f"after {history[-3:]}: incremental output differs in {differing[:10]}")


def test_unchanged_inputs_render_nothing(tmp_path):
    site = make_site(tmp_path, VALID_SITE)
    builder = IncrementalBuilder(site)
    builder.rebuild()
    report = builder.rebuild()
    assert report.ok and report.rendered == 0 and report.changed == []


def test_an_edit_re_renders_only_the_pages_that_show_it(tmp_path):
    site = make_site(tmp_path, VALID_SITE)
    builder = IncrementalBuilder(site)
    builder.rebuild()
    path = site / "content" / "actors" / "bo-critic.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Opposition councillor", "Councillor"), encoding="utf-8")
    report = builder.rebuild()
    # Bo Critic is quoted in bridge-late (Hill Gazette) on two claims, one of them
    # relayed via The Daily River: his page and his feed, that article, those two
    # claims' pages, both outlets' pages; the lists that show him or them: /claims/,
    # /actors/, /outlets/ and /compare/outlets/; and the site-wide outputs: home,
    # /compare/, /about/data/, feed.xml, sitemap.xml and the five data files. Not
    # re-rendered: the other two actors (pages and feeds), the other claim and
    # article, /articles/ and /updates/ (which show no actor), the articles'
    # text files, robots.txt, the editors' /about/.
    assert report.changed == ["content/actors/bo-critic.md"]
    site_wide = 5 + 2 + 2 + 5
    assert report.rendered == 2 + 1 + 2 + 2 + site_wide
    # + 5 assets (style, favicon, search, its shard merger and worker), + /about/, + /articles/ and /updates/
    assert len(builder.outputs) - report.rendered == 2 * 2 + 1 + 1 + 2 + 1 + 5 + 1 + 2


def test_deleting_a_members_last_statement_re_renders_its_partys_page(tmp_path):
    """The council's page says whose statements count under it ("Counted as ...,
    which also counts the statements of Ana Mayor"): deleting the article that
    holds Ana Mayor's statements must re-render it, as a clean build would."""
    site = make_site(tmp_path, VALID_SITE)
    builder = IncrementalBuilder(site)
    builder.rebuild()
    council = "actors/river-council/index.html"
    assert b"also counts the statements of" in builder.outputs[council]
    (site / "content" / "articles" / "bridge-opens.md").unlink()
    assert builder.rebuild().ok
    assert b"also counts the statements of" not in builder.outputs[council]
    assert build(site, tmp_path / "clean", search=False).ok
    assert (tmp_path / "clean" / council).read_bytes() == builder.outputs[council]


def test_a_claim_made_a_draft_changes_the_articles_list_count(tmp_path):
    """/articles/ says how many quotes each article has on the published
    claims: when a claim it quotes becomes a draft, that count drops, though
    neither the article nor its outlet changed."""
    site = make_site(tmp_path, VALID_SITE)
    builder = IncrementalBuilder(site, base_url=BASE_URL)
    assert builder.rebuild().ok
    claim = site / "content" / "claims" / "river-clean.md"
    claim.write_text(claim.read_text(encoding="utf-8").replace("---\n", "---\ndraft: true\n", 1), encoding="utf-8")
    assert builder.rebuild().ok
    expected = clean_build(site, tmp_path / "clean")
    assert builder.outputs["articles/index.html"] == expected["articles/index.html"]


def test_a_template_edit_re_renders_the_pages_using_it(tmp_path):
    site = make_site(tmp_path, VALID_SITE)
    builder = IncrementalBuilder(site)
    builder.rebuild()
    path = site / "templates" / "outlet.html"
    path.write_text(path.read_text(encoding="utf-8").replace("</article>", "<p>edited</p></article>"), encoding="utf-8")
    report = builder.rebuild()
    assert report.rendered == 2  # the two outlet pages; the outlets index uses outlets.html
    assert b"<p>edited</p>" in builder.outputs["outlets/daily-river/index.html"]


def test_a_text_edit_in_serve_brings_the_last_model_up_to_date(tmp_path, monkeypatch):
    """After a sentence is added to an article's text, serve neither links nor
    analyses nor plans the site again (engine/textedits.py, outputs/textplan.py):
    it renders the three outputs that show that text (the article's page and
    text file, and the annotations file) from the last run's model, and they
    are what a clean build makes. An edit of its front matter links and
    analyses again."""
    from generator.engine import pipeline
    from generator.outputs import render

    site = make_site(tmp_path, VALID_SITE)
    builder = IncrementalBuilder(site, base_url=BASE_URL)
    assert builder.rebuild().ok
    calls = []
    monkeypatch.setattr(pipeline, "link", lambda *args, **kwargs: calls.append("link"))
    monkeypatch.setattr(pipeline, "analyse", lambda *args, **kwargs: calls.append("analyse"))
    monkeypatch.setattr(render, "plan_pages", lambda *args, **kwargs: calls.append("plan"))
    path = site / "content" / "articles" / "bridge-late.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA sentence added at the end.\n", encoding="utf-8")
    report = builder.rebuild()
    assert report.ok and calls == []
    assert sorted(p for p, data in builder.outputs.items() if b"A sentence added at the end." in data) == [
        "articles/bridge-late/index.html", "data/articles/bridge-late.txt"]
    assert report.rendered == 3  # and the annotations file, which quotes the text around each quote
    monkeypatch.undo()
    assert builder.outputs == clean_build(site, tmp_path / "clean")
    monkeypatch.setattr(pipeline, "link", lambda *args, **kwargs: calls.append("link"))
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: Edited ", 1), encoding="utf-8")
    with pytest.raises(Exception):  # linking again, which returns no graph here
        builder.rebuild()
    assert calls == ["link"]


def test_text_edits_in_serve_leave_no_page_planned_on_an_older_model(tmp_path):
    """After text edits of one article, then of another (each plans again only
    the outputs that show the edited texts, outputs/textplan.py), every page
    is planned on the first model or the newest: one planned on each model in
    between would keep it alive, one more model per article edited."""
    from functools import partial

    from generator.core.model import Graph

    site = make_site(tmp_path, VALID_SITE)
    builder = IncrementalBuilder(site, base_url=BASE_URL)
    assert builder.rebuild().ok
    first = builder._last_good.built.graph
    for name in ("bridge-late", "bridge-opens", "bridge-late"):
        path = site / "content" / "articles" / f"{name}.md"
        path.write_text(path.read_text(encoding="utf-8") + f"\nA sentence added to {name}.\n", encoding="utf-8")
        assert builder.rebuild().ok
    built = builder._last_good.built
    assert built.replanned == {"content/articles/bridge-late.md", "content/articles/bridge-opens.md"}
    contexts = [getattr(page, "make_context", None) for page in built.pages.values()]
    graphs = {id(arg) for context in contexts if isinstance(context, partial)
              for arg in context.args if isinstance(arg, Graph)}
    assert id(built.graph) in graphs and graphs <= {id(first), id(built.graph)}
    assert builder.outputs == clean_build(site, tmp_path / "clean")


def test_serve_and_build_re_render_the_same_outputs_after_each_kind_of_edit(tmp_path):
    """One staleness rule (pipeline.py): after an article, site.yaml, a
    template and a static file changed, serve re-renders exactly as many
    outputs as a build with its cache kept, and neither renders any after a
    change no output shows (a static file is copied, not rendered)."""
    site = make_site(tmp_path, VALID_SITE)
    builder = IncrementalBuilder(site, base_url=BASE_URL)
    out = tmp_path / "public"
    assert builder.rebuild().ok and build(site, out, base_url=BASE_URL, search=False).ok

    def edit(rel: str, old: str, new: str) -> None:
        path = site / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, rel
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    edits = [
        ("content/actors/bo-critic.md", "Opposition councillor", "Councillor"),
        ("templates/outlet.html", "</article>", "<p>edited</p></article>"),
        ("templates/static/style.css", "}", "} /* edited */"),
        ("site.yaml", "title:", "title: Edited"),
    ]
    rendered = []
    for rel, old, new in edits:
        edit(rel, old, new)
        report, result = builder.rebuild(), build(site, out, base_url=BASE_URL, search=False)
        assert report.ok and result.ok, rel
        rendered.append((rel, report.rendered, result.rendered))
        assert builder.outputs == tree_of(out), rel
    assert all(served == built for _, served, built in rendered), rendered
    assert [served for _, served, _ in rendered][1:3] == [2, 0], rendered
    assert rendered[-1][1] == len(builder.outputs) - 5  # site.yaml: every output but the 5 assets


def tree_of(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != MARKER}
