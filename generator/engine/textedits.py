"""A run after articles' text alone was edited: the last run's model, brought
up to date without linking and analysing everything again.

``serve`` keeps the last run's model in memory (``RunState.built``). When
all that changed since are articles' bodies, and each one's records say
what they said (its front matter, and the order its quotes are read in:
``validate.CheckedFile.records_digest``), then:

- the graph is the last one with those articles and their quotes made
  again (``link.with_texts``): the same graph a full link makes;
- the analysis is the last one: it reads records, never a text or where a
  quote sits in it, so it says what it said (the lists it holds keep the
  old quote objects, which differ from the new ones only there);
- an output keeps its key unless it shows one of those texts
  (``base.Page.text_sources``; its key takes the text's bytes): every other
  part of its key (records, templates, settings, code) is as it was.

So an output that shows an edited text must take it from the graph, never
from the analysis: the random-edit test (``tests/test_incremental.py``)
checks every such output against a clean build after text edits, and
``tests/test_text_sources.py`` that no other output reads a text.

At 10,000 articles, a save in ``serve`` after a sentence was added to an
article spent 0.4 s linking, 0.28 s analysing and 0.33 s keying 24,689
outputs, for the 3 outputs that show the text.
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

from ..core.layout import content_folder
from ..core.model import Content
from ..outputs.base import Output, shows_text_of
from ..stages.load import is_editors_content_file


def text_edited(content: Content, inputs: Mapping[str, str], records: Mapping[str, str],
                previous_inputs: Mapping[str, str], previous_records: Mapping[str, str]) -> dict[str, str] | None:
    """The articles whose text alone changed since the run that read
    ``previous_inputs`` (path → id), when nothing else changed; else None.

    ``inputs``: every input's digest; ``records``: every content file's
    records digest; the ``previous_`` ones are the last run's."""
    changed = [path for path in inputs.keys() | previous_inputs.keys()
               if inputs.get(path) != previous_inputs.get(path) and not is_editors_content_file(path)]
    by_path = {article.path: article.id for article in content.articles.values()}
    folder = f"{content_folder('article')}/"
    # A file with no records digest is keyed on its bytes everywhere (keys.RecordTokens).
    if not all(path.startswith(folder) and path in by_path and records.get(path)
               and records.get(path) == previous_records.get(path) for path in changed):
        return None
    return {path: by_path[path] for path in sorted(changed)}


def keys_after_text_edits(outputs: Sequence[Output], edited: frozenset[str], previous_keys: Mapping[str, str],
                          make_keys: Callable[[list[Output]], dict[str, str]]) -> dict[str, str]:
    """Every output's key after a text edit of ``edited`` (paths): the last
    run's, made again (``make_keys``) only for the outputs that show one of
    those texts, or that the last run did not have."""
    again = [output for output in outputs if output.path not in previous_keys or shows_text_of(output, edited)]
    keys = {output.path: previous_keys.get(output.path, "") for output in outputs}
    keys.update(make_keys(again))
    return keys
