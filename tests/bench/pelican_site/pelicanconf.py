"""Pelican settings of the benchmark's Pelican site (copied there by tests/bench/corpus.py).

Claims, actors and outlets have no content files in Pelican's model; their
text comes from terms.json (written beside this file by emit_pelican) and is
handed to the templates as the CLAIMS, ACTORS and OUTLETS settings, which
Pelican puts into every template's context. Their Markdown bodies are
converted here, at every start, as the other generators convert theirs.
"""

import json
from pathlib import Path

import markdown

HERE = Path(__file__).resolve().parent
TERMS = json.loads((HERE / "terms.json").read_text(encoding="utf-8"))


def _with_html(entries):
    return {key: dict(value, body_html=markdown.markdown(value["body"])) for key, value in entries.items()}


CLAIMS = _with_html(TERMS["claims"])
ACTORS = _with_html(TERMS["actors"])
OUTLETS = _with_html(TERMS["outlets"])

SITENAME = TERMS["site"]["title"]
SITE_DESCRIPTION = TERMS["site"]["description"]
SITEURL = ""  # root-relative links, as `pelican --listen` serves them
RELATIVE_URLS = False
FEED_DOMAIN = TERMS["site"]["base_url"].rstrip("/")
TIMEZONE = "UTC"
DEFAULT_LANG = "en"

PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
DELETE_OUTPUT_DIRECTORY = False
STATIC_PATHS = []
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["bench_mentions"]
MARKDOWN = {"extension_configs": {}, "output_format": "html5"}  # no extensions: as our generator

# "Warm" builds: Pelican's own content cache.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"

# One site-wide Atom feed (the 100 newest articles, Pelican's default), no other feed.
FEED_ALL_ATOM = "feed.xml"
FEED_MAX_ITEMS = 100
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None

# Our URL scheme: claims are tags, actors authors, outlets categories.
ARTICLE_URL = "articles/{slug}/"
ARTICLE_SAVE_AS = "articles/{slug}/index.html"
TAG_URL = "claims/{slug}/"
TAG_SAVE_AS = "claims/{slug}/index.html"
AUTHOR_URL = "actors/{slug}/"
AUTHOR_SAVE_AS = "actors/{slug}/index.html"
CATEGORY_URL = "outlets/{slug}/"
CATEGORY_SAVE_AS = "outlets/{slug}/index.html"
TAGS_SAVE_AS = "claims/index.html"
AUTHORS_SAVE_AS = "actors/index.html"
CATEGORIES_SAVE_AS = "outlets/index.html"
ARCHIVES_SAVE_AS = "articles/index.html"
DIRECT_TEMPLATES = ["index", "tags", "authors", "categories", "archives"]
DEFAULT_PAGINATION = False
PAGE_SAVE_AS = ""
DRAFT_SAVE_AS = ""
