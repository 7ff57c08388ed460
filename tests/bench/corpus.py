"""The benchmark corpus, written once in our content model and translated for Hugo and Pelican.

``make_corpus`` writes a synthetic site with the proportions of issue 5 (N
articles, N/5 claims, N/10 actors, ~5 KB of Markdown per article).
``emit_hugo`` and ``emit_pelican`` read those very files back (YAML front
matter between ``---`` lines, Markdown body) and write the same articles,
claims, actors and outlets as a Hugo site and as a Pelican site, so the three
generators get the same text and the same relations to render.

The translations are plain data: claims, actors and outlets become Hugo
taxonomies (and Pelican tags, authors and categories); each article carries
its mentions so the templates can show "who says what". The layouts and the
theme live beside this file (``hugo_site/``, ``pelican_theme/``,
``pelican_site/``) and are copied into the emitted sites, which are therefore
self-contained and can be built or inspected by hand.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))  # tests/, for synthetic.py

from synthetic import SyntheticSite, make_site  # noqa: E402

HUGO_FILES = HERE / "hugo_site"
PELICAN_FILES = HERE / "pelican_site"
PELICAN_THEME = HERE / "pelican_theme"
STYLE = HERE / "style.css"
BODY_BYTES = 5000  # issue 5: ~5 KB of Markdown per article
MENTION_KEYS = ("claim", "actor", "via", "stance", "value", "quote", "note")

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when PyYAML has it: 10× faster


def make_corpus(root: Path, articles: int, seed: int = 1) -> SyntheticSite:
    """Write the benchmark's site of ``articles`` articles into ``root`` (same seed, same bytes)."""
    return make_site(Path(root), articles, seed, claims=max(1, articles // 5), actors=max(1, articles // 10),
                     body_bytes=BODY_BYTES)


# --- reading our content back --------------------------------------------------------------


@dataclass
class Document:
    """One content file: its id (the file name), its front matter and its Markdown body."""

    id: str
    meta: dict
    body: str


@dataclass
class Site:
    config: dict
    articles: list[Document]
    claims: list[Document]
    actors: list[Document]
    outlets: list[Document]


def read_document(path: Path) -> Document:
    """Split a content file at its ``---`` lines; the emitters need the body untouched."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise ValueError(f"{path}: no front matter")
    end = text.index("\n---\n", 3)
    meta = yaml.load(text[4:end], Loader=Loader) or {}
    return Document(path.stem, meta, text[end + 5:])


def read_site(root: Path) -> Site:
    root = Path(root)
    content = root / "content"

    def folder(name: str) -> list[Document]:
        return [read_document(p) for p in sorted((content / name).glob("*.md"))]

    config = yaml.load((root / "site.yaml").read_text(encoding="utf-8"), Loader=Loader)
    return Site(config, folder("articles"), folder("claims"), folder("actors"), folder("outlets"))


def as_text(value) -> str:
    """YAML turns unquoted dates into ``date`` objects; the emitters want the text back."""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def full_date(value) -> str:
    """Hugo and Pelican want a day: ``2021-05`` becomes ``2021-05-01``."""
    text = as_text(value)
    return text if len(text) == 10 else f"{text}-01"


def mentions_of(article: Document) -> list[dict]:
    """The article's mentions with the keys the templates use, in a fixed order."""
    mentions = article.meta.get("mentions", [])
    return [{key: mention[key] for key in MENTION_KEYS if key in mention} for mention in mentions]


def actor_ids(article: Document) -> list[str]:
    """The distinct actors an article quotes, in order of first mention."""
    return list(dict.fromkeys(m["actor"] for m in article.meta.get("mentions", []) if "actor" in m))


def claim_ids(article: Document) -> list[str]:
    return list(dict.fromkeys(m["claim"] for m in article.meta.get("mentions", [])))


def term_data(doc: Document, keys: tuple[str, ...]) -> dict:
    return {key: as_text(doc.meta[key]) for key in keys if key in doc.meta}


CLAIM_KEYS = ("statement", "verdict", "summary", "reviewed", "unit")
ACTOR_KEYS = ("name", "kind", "role", "affiliation")
OUTLET_KEYS = ("name", "url", "country", "owner")


def reset_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --- Hugo ----------------------------------------------------------------------------------


def emit_hugo(site_root: Path, hugo_root: Path) -> Path:
    """Write the corpus as a Hugo site into ``hugo_root`` (emptied first) and return it.

    Front matter is JSON: Hugo reads it natively and it is the cheapest of its
    formats to parse, so if anything this favours Hugo.
    """
    site = read_site(site_root)
    hugo_root = reset_dir(Path(hugo_root))
    shutil.copytree(HUGO_FILES, hugo_root, dirs_exist_ok=True)
    write(hugo_root / "static" / "style.css", STYLE.read_text(encoding="utf-8"))
    write(hugo_root / "hugo.toml", hugo_config(site.config))
    content = hugo_root / "content"
    for article in site.articles:
        write(content / "articles" / f"{article.id}.md", hugo_article(article))
    for section in ("articles", "claims", "actors", "outlets"):
        write(content / section / "_index.md", json_front_matter({"title": section.capitalize()}))
    for section, docs, title_key, keys in (("claims", site.claims, "statement", CLAIM_KEYS),
                                           ("actors", site.actors, "name", ACTOR_KEYS),
                                           ("outlets", site.outlets, "name", OUTLET_KEYS)):
        for doc in docs:
            write(content / section / doc.id / "_index.md", hugo_term(doc, doc.meta[title_key], term_data(doc, keys)))
    return hugo_root


def hugo_config(config: dict) -> str:
    """hugo.toml: our three kinds of entity as taxonomies, per-term feeds off (see README)."""
    title, description = json.dumps(config["title"]), json.dumps(config.get("description", ""))
    return f"""baseURL = {json.dumps(config["base_url"])}
locale = "en"
title = {title}
buildFuture = true
enableRobotsTXT = true
disableKinds = []

[params]
description = {description}

[taxonomies]
claim = "claims"
actor = "actors"
outlet = "outlets"

# Our generator writes one site-wide Atom feed and a sitemap: Hugo keeps its
# home-page RSS feed and its sitemap, and no feed per section or term.
[outputs]
home = ["html", "rss"]
section = ["html"]
taxonomy = ["html"]
term = ["html"]
page = ["html"]

[services.rss]
limit = 100
"""


def json_front_matter(meta: dict) -> str:
    return json.dumps(meta, ensure_ascii=False, indent=1) + "\n"


def hugo_article(article: Document) -> str:
    meta = article.meta
    params = {"id": article.id, "mentions": mentions_of(article)}
    for key in ("author", "url"):
        if key in meta:
            params[key] = as_text(meta[key])
    front = {
        "title": meta["title"],
        "date": full_date(meta["published"]),
        "slug": article.id,
        "claims": claim_ids(article),
        "actors": actor_ids(article),
        "outlets": [meta["outlet"]],
        "params": params,
    }
    return json_front_matter(front) + "\n" + article.body


def hugo_term(doc: Document, title: str, data: dict) -> str:
    """A term's own page (``_index.md``): its title, its fields and its body, as on our page."""
    return json_front_matter({"title": title, "params": {"id": doc.id, **data}}) + "\n" + doc.body


# --- Pelican -------------------------------------------------------------------------------


def emit_pelican(site_root: Path, pelican_root: Path) -> Path:
    """Write the corpus as a Pelican site into ``pelican_root`` (emptied first) and return it.

    Articles become Markdown files with Pelican metadata: Category = outlet,
    Tags = claim ids, Authors = actor ids, and the mentions as one JSON line
    (parsed once per build by the ``bench_mentions`` plugin). Claims, actors
    and outlets have no pages of their own in Pelican's model, so their text
    goes into ``terms.json``, which ``pelicanconf.py`` loads into the tag,
    author and category templates' context.
    """
    site = read_site(site_root)
    pelican_root = reset_dir(Path(pelican_root))
    shutil.copytree(PELICAN_FILES, pelican_root, dirs_exist_ok=True)
    shutil.copytree(PELICAN_THEME, pelican_root / "theme")
    write(pelican_root / "theme" / "static" / "style.css", STYLE.read_text(encoding="utf-8"))
    write(pelican_root / "terms.json", json.dumps(pelican_terms(site), ensure_ascii=False))
    for article in site.articles:
        write(pelican_root / "content" / f"{article.id}.md", pelican_article(article))
    return pelican_root


def pelican_terms(site: Site) -> dict:
    def entries(docs: list[Document], keys: tuple[str, ...]) -> dict:
        return {doc.id: {**term_data(doc, keys), "body": doc.body} for doc in docs}

    config = site.config
    return {
        "site": {key: config.get(key, "") for key in ("title", "description", "base_url")},
        "claims": entries(site.claims, CLAIM_KEYS),
        "actors": entries(site.actors, ACTOR_KEYS),
        "outlets": entries(site.outlets, OUTLET_KEYS),
    }


def pelican_article(article: Document) -> str:
    meta = article.meta
    lines = [
        f"Title: {one_line(meta['title'])}",
        f"Slug: {article.id}",
        f"Date: {full_date(meta['published'])}",
        f"Category: {meta['outlet']}",
        f"Tags: {', '.join(claim_ids(article))}",
    ]
    actors = actor_ids(article)
    if actors:
        lines.append(f"Authors: {', '.join(actors)}")
    # Pelican's own `author` and `url` mean other things: our fields keep their meaning under other names.
    if "author" in meta:
        lines.append(f"Byline: {one_line(as_text(meta['author']))}")
    if "url" in meta:
        lines.append(f"Original: {as_text(meta['url'])}")
    lines.append(f"Mentions: {json.dumps(mentions_of(article), ensure_ascii=False)}")
    return "\n".join(lines) + "\n\n" + article.body


def one_line(text: str) -> str:
    return " ".join(text.split())
