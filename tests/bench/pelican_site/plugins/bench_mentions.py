"""Parse each article's `Mentions:` metadata (one JSON line) once per build.

The templates then use `article.mentions` as a list, as Hugo's do with
`.Params.mentions`; without this they would parse the same JSON once per
page that lists the article.
"""

import json

from pelican import signals


def parse_mentions(content):
    mentions = getattr(content, "mentions", None)
    if isinstance(mentions, str):
        content.mentions = json.loads(mentions)


def register():
    signals.content_object_init.connect(parse_mentions)
