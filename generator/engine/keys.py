"""Output keys: what decides whether an output is rendered again.

Every planned output (a page, a data file, a piece of one) gets a key, a
digest of everything it is made of (:func:`page_keys`); one whose key is the
one it had in the previous run would render to the same bytes, and is kept.
Part of a key is its sources (:class:`SourceKeys`): each content file it
shows something of, counted by the digest of its bytes where the output
shows the file's body text, and by the digest of its records
(``validate.CheckedFile.records_digest``) elsewhere (``base.Page.text_sources``).
"""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from typing import Any, Callable, Mapping

from ..core.layout import CONFIG_FILE, is_translation, template_inputs
from ..stages.load import is_read_as_content
from .cache import code_version, digest


def page_keys(
    pages: list, templates_used, inputs: dict[str, str], options: dict[str, Any], everything: frozenset[str],
    source_keys: "SourceKeys | None" = None,
) -> dict[str, str]:
    """For every page: a digest of what it is made of (its sources, what it
    shows that they do not decide (``Page.shows``), its templates, site.yaml,
    the options and the generator's code). A page whose key is the one it had
    in the last build would render to the same bytes.

    This leans on the same promise as ``serve``'s incremental rebuilds (and
    is tested the same way): a page's ``sources`` list every content file
    whose change can change it, and its ``shows`` the rest.

    ``source_keys`` (:class:`SourceKeys`) may be shared by the calls of one
    run: the pieces of data files (``pieces.py``) take the very sources of
    the pages that show the same items, and are keyed without sorting and
    hashing those again.
    """
    # The site's own catalogues (translations/*.po) reword every page, as site.yaml does.
    translations = sorted((path, value) for path, value in inputs.items() if is_translation(path))
    common = digest(json.dumps([code_version(), inputs.get(CONFIG_FILE), translations,
                                sorted(options.items())]).encode())
    source_keys = source_keys if source_keys is not None else SourceKeys(inputs, everything)
    template_digests: dict[str, str] = {}

    def template_digest(name: str) -> str | None:
        site, default = template_inputs(name)
        return inputs.get(site) or inputs.get(default)

    def templates_digest(template: str) -> str:
        if template not in template_digests:
            names = sorted(templates_used(template))
            template_digests[template] = digest(json.dumps(
                [(n, template_digest(n)) for n in names]
            ).encode())
        return template_digests[template]

    keys = {}
    for page in pages:
        hasher = hashlib.blake2b(
            f"{common}\0{page.template}\0{templates_digest(page.template)}\0{page.shows}\0".encode(), digest_size=16)
        hasher.update(source_keys.of(page.sources, page.text_sources))
        keys[page.path] = hasher.hexdigest()
    return keys


class SourceKeys:
    """A digest of each set of sources, with the digests of their files: a
    page's part of its key (:func:`page_keys`), worked out once for each set.

    Each source is a token, 16 bytes of a digest of its path and its file's
    digest, made once for all the pages that show it; a set's digest is that
    of its tokens in the order of their paths. At 10,000 articles the 24,689
    pages have 1.48 million sources between them: 150 MB of "path\0digest"
    texts to hash, against 24 MB of tokens. Sorting the paths (which Python
    compares faster than bytes) costs 0.3 s and the look-ups 0.37 s of CPU
    time. The data files' pieces share their pages' sets (the same frozenset
    objects): with the digests of the sets kept here, keying them again in
    ``serve`` took 0.47 s of CPU time after each save, now next to nothing.
    A source that is no input (a file since deleted) has the token of "path\0None".

    A source whose text the page does not show (``base.Page.text_sources``) has
    the token of its records' digest (``records``: path → digest, from
    ``validate.CheckedFile.records_digest``) instead; one with no such digest, that
    of its bytes. So the key of a list that counts an article changes when
    the article's front matter or the places of its quotes do, not when a
    sentence is added to its text.
    """

    def __init__(self, inputs: Mapping[str, str], everything: frozenset[str], records: Mapping[str, str] | None = None):
        # Tokens are made as they are first asked for: a build after a text
        # edit keys a few outputs, and making the 13,000 tokens of every
        # input up front took 0.08 s of it (partialrun.py).
        self.inputs = inputs
        self.records = records or {}
        self.tokens = SourceTokens(inputs)
        self.record_tokens = RecordTokens(self.tokens, self.records)
        self.everything = everything
        self.known: dict[tuple[frozenset[str], frozenset[str] | None], bytes] = {}

    @cached_property
    def content(self) -> list[str]:
        """The content files, sorted: those the build reads (not a README or an editor's backup under content/)."""
        return sorted(p for p in self.inputs if is_read_as_content(p))

    @cached_property
    def all_content(self) -> str:
        """A digest of every content file's bytes."""
        content = self.content
        return digest(json.dumps([(p, self.inputs[p]) for p in content]).encode())

    @cached_property
    def all_records(self) -> str:
        """A digest of every content file's records (its bytes, for a file without a records digest)."""
        content = self.content
        return digest(json.dumps(
            [(p, f"records {self.records[p]}" if self.records.get(p) else self.inputs[p]) for p in content]).encode())

    def of(self, sources: frozenset[str], text_sources: frozenset[str] | None = None) -> bytes:
        """The digest of ``sources``: the text of those in ``text_sources``
        (None: of every one), the records of the others."""
        key = self.known.get((sources, text_sources))
        if key is None:
            if sources == self.everything:
                key = self.everything_of(text_sources)
            else:
                key = hashlib.blake2b(b"".join(map(self.token_of(text_sources), sorted(sources))),
                                      digest_size=16).digest()
            self.known[(sources, text_sources)] = key
        return key

    def everything_of(self, text_sources: frozenset[str] | None) -> bytes:
        """The digest of every content file: the text of those in ``text_sources``
        (None: of every one), the records of the others. /about/data/ counts
        every record and quotes one article's text."""
        if text_sources is None:
            return self.all_content.encode()
        if not text_sources:
            return self.all_records.encode()
        return hashlib.blake2b(self.all_records.encode() + b"".join(map(self.tokens.__getitem__, sorted(text_sources))),
                               digest_size=16).digest()

    def token_of(self, text_sources: frozenset[str] | None) -> Callable[[str], bytes]:
        """A source's token for an output showing the text of ``text_sources``
        (None: of every source): its bytes' for those, its records' for the others."""
        if text_sources is None:
            return self.tokens.__getitem__
        if not text_sources:
            return self.record_tokens.__getitem__
        return lambda path: (self.tokens if path in text_sources else self.record_tokens)[path]


def source_token(path: str, value: str | None) -> bytes:
    return hashlib.blake2b(f"{path}\0{value}".encode(), digest_size=16).digest()


class SourceTokens(dict):
    """path → :func:`source_token` of each input, made when first asked
    for; a source that is no input has that of "path\0None"."""

    def __init__(self, inputs: Mapping[str, str]):
        super().__init__()
        self.inputs = inputs

    def __missing__(self, path: str) -> bytes:
        token = self[path] = source_token(path, self.inputs.get(path))
        return token


class RecordTokens(dict):
    """path → the token of a file's records' digest, made when first asked
    for; a file without one has its bytes' token."""

    def __init__(self, tokens: SourceTokens, records: Mapping[str, str]):
        super().__init__()
        self.bytes_tokens = tokens
        self.records = records

    def __missing__(self, path: str) -> bytes:
        value = self.records.get(path)
        token = self[path] = source_token(path, f"records {value}") if value else self.bytes_tokens[path]
        return token
