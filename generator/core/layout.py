"""Where a site's files are: the one place that knows its folders and file names.

A site is a folder (``--root``, the current one by default) holding::

    site.yaml             CONFIG_FILE: the site's settings
    content/              CONTENT_DIR: one folder per kind of record (CONTENT_KINDS)
        articles/ claims/ actors/ outlets/ pages/
    templates/            TEMPLATES_DIR: the site's own templates, if any; each
                          file overrides the one of the same name in
                          DEFAULT_TEMPLATES, the package's own
        static/           STATIC_DIR: files copied as they are into assets/
    seeds/                SEEDS_DIR: raw texts that articles are transcribed from
    translations/         TRANSLATIONS_DIR: the site's own catalogues of the
                          interface, <language>.po, over the package's (LOCALE_DIR)
    .factcheck-cache/     CACHE_DIR: the build cache, safe to delete

Every input is named by its path relative to the root, with forward slashes
("content/claims/x.md", "templates/base.html"); the package's own templates,
when read, are named "default-templates/…" (DEFAULT_TEMPLATES_KEY), so a
site's file and the package's never share a name.

A build writes into an output folder (``public/`` by default, ``output`` in
site.yaml, ``--out``):

- beside it, while it works: ``.staging-<name>-…`` (STAGING_PREFIX), the
  new site being written; ``.retired-<name>-…`` (RETIRED_PREFIX), the old one
  for the moment of the swap where the OS cannot exchange two folders at once;
  ``.factcheck-lock-<name>`` (LOCK_PREFIX), held by the one build at a time
  that writes into it; in the staging folder, a file being written as it
  is made, not yet whole, has its path followed by PARTIAL_SUFFIX;
- beside it, between builds: ``.spare-<name>`` (SPARE_PREFIX), the site the
  last build replaced, which the next build brings up to date and swaps in
  (``engine/spare.py``); ``.previous-<name>-…`` (PREVIOUS_PREFIX), a replaced
  site no build will reuse, which the next build removes while it works;
- in it: ``.factcheck-build`` (MARKER), which says a build made the folder
  and may replace it; ``assets/`` (ASSETS_DIR); ``pagefind/`` (SEARCH_FOLDER),
  the search index; the pages, whose paths ``urls.py`` knows.
"""

from __future__ import annotations

from pathlib import Path

# --- the site's folder -----------------------------------------------------------

CONFIG_FILE = "site.yaml"
CONTENT_DIR = "content"
# Content folders and the kind of record each holds, in the order pages link them.
CONTENT_KINDS = {
    "articles": "article",
    "claims": "claim",
    "actors": "actor",
    "outlets": "outlet",
    "pages": "page",  # the editors' own pages: /about/ and the like
}
TEMPLATES_DIR = "templates"
STATIC_DIR = "static"  # in a templates folder
SEEDS_DIR = "seeds"
TRANSLATIONS_DIR = "translations"  # the site's own <language>.po, beside site.yaml
CACHE_DIR = ".factcheck-cache"

# Folders of the site a build reads, besides site.yaml.
WATCHED_FOLDERS = (CONTENT_DIR, TEMPLATES_DIR, SEEDS_DIR, TRANSLATIONS_DIR)
# Folders a build never replaces with its output, whatever --out says: the
# site's own, and a checkout's.
PROTECTED_FOLDERS = (CONTENT_DIR, TEMPLATES_DIR, SEEDS_DIR, TRANSLATIONS_DIR, "generator", "tests")

# The generator's own package (its code: cache.code_version hashes every module in it).
PACKAGE_DIR = Path(__file__).resolve().parent.parent
# The package's own templates. An installed package carries them as
# generator/default_templates (see pyproject.toml); in a source checkout they
# are the top-level templates/.
_PACKAGED_TEMPLATES = PACKAGE_DIR / "default_templates"
DEFAULT_TEMPLATES = _PACKAGED_TEMPLATES if _PACKAGED_TEMPLATES.is_dir() else PACKAGE_DIR.parent / TEMPLATES_DIR
# The package's catalogues of the interface: <locale>/LC_MESSAGES/messages.po
# (shipped as package data, see pyproject.toml), and the template they are
# made from, which `pybabel extract` writes (babel.cfg).
LOCALE_DIR = PACKAGE_DIR / "locale"
CATALOGUE_DOMAIN = "messages"
# How the inputs name the package's own templates, when a build reads them.
DEFAULT_TEMPLATES_KEY = "default-templates"


def content_folder(kind: str) -> str:
    """"claim" → "content/claims": where files of a kind of record live."""
    (folder,) = (name for name, each in CONTENT_KINDS.items() if each == kind)
    return f"{CONTENT_DIR}/{folder}"


def content_file(kind: str, record_id: str) -> str:
    """"claim", "x" → "content/claims/x.md"."""
    return f"{content_folder(kind)}/{record_id}.md"


def is_content(rel: str) -> bool:
    """Whether an input (a path relative to the root) is under content/."""
    return rel.startswith(f"{CONTENT_DIR}/")


def template_name(rel: str) -> str | None:
    """"templates/base.html" or "default-templates/base.html" → "base.html";
    None for any other input, and for the static files of a templates folder."""
    for folder in (TEMPLATES_DIR, DEFAULT_TEMPLATES_KEY):
        prefix = f"{folder}/"
        if rel.startswith(prefix) and not rel.startswith(f"{prefix}{STATIC_DIR}/"):
            return rel[len(prefix):]
    return None


def is_static_file(rel: str) -> bool:
    """Whether an input is a file under a templates folder's static/."""
    return rel.startswith((f"{TEMPLATES_DIR}/{STATIC_DIR}/", f"{DEFAULT_TEMPLATES_KEY}/{STATIC_DIR}/"))


def template_inputs(name: str) -> tuple[str, str]:
    """The inputs a template of that name is read from, the site's first."""
    return f"{TEMPLATES_DIR}/{name}", f"{DEFAULT_TEMPLATES_KEY}/{name}"


def shipped_catalogue(locale_name: str) -> Path:
    """"fa_AF" → generator/locale/fa_AF/LC_MESSAGES/messages.po (a Babel locale name)."""
    return LOCALE_DIR / locale_name / "LC_MESSAGES" / f"{CATALOGUE_DOMAIN}.po"


def site_catalogue(tag: str) -> str:
    """"fa-AF" → "translations/fa-AF.po": a site's own catalogue, relative to its root."""
    return f"{TRANSLATIONS_DIR}/{tag}.po"


def is_translation(rel: str) -> bool:
    """Whether an input is one of the site's own catalogues."""
    return rel.startswith(f"{TRANSLATIONS_DIR}/")


# --- the output folder ---------------------------------------------------------------

DEFAULT_OUTPUT = "public"
# Written into every build: a folder without it is not replaced, whatever it holds.
MARKER = ".factcheck-build"
MARKER_TEXT = b"Built by factcheck. The whole folder is replaced by each build.\n"
STAGING_PREFIX = ".staging-"
RETIRED_PREFIX = ".retired-"
PARTIAL_SUFFIX = ".factcheck-partial"  # no output's path ends so
PREVIOUS_PREFIX = ".previous-"
SPARE_PREFIX = ".spare-"
LOCK_PREFIX = ".factcheck-lock-"
ASSETS_DIR = "assets"
SEARCH_FOLDER = "pagefind"
SEARCH_SHARD_LIST = f"{SEARCH_FOLDER}/shards.json"  # the search index's shards, for search.js (engine/search_shards.py)
# The top-level folders the generator writes pages and files into. The
# editors' own pages (content/pages/<id>.md) are published at /<id>/, so
# none may take one of these names (a test holds this list to the site map).
RESERVED_FOLDERS = ("actors", "articles", ASSETS_DIR, "claims", "compare", "data", "outlets", SEARCH_FOLDER, "updates")
