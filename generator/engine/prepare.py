"""Stages load and validate at scale: file by file, cached, in parallel.

Most of a build's work is per file: parse the front matter, check it,
convert the Markdown body, anchor the quotes. That part depends on nothing
but the file's bytes (:func:`validate.check_file`), so

- its result is cached by those bytes (``cache.py``): a file is never parsed
  or converted twice, across builds and across ``serve`` rebuilds;
- the files that are not cached are checked in worker processes
  (``workers.py``), which store them in the cache as JSON (``codec.py``)
  and hand them back to the build;
- what is read back from the cache is data, checked field by field before
  it is used; an entry that is damaged, of another shape or of another
  file is a miss, and the file is checked again. The cache may come from
  elsewhere (a CI cache), so nothing read from it is unpickled or run;
- the cross-file half of validation (ids, references, empty claims) then
  runs over all of them at once, as before.

This is the one way content is loaded and validated: ``check``, ``build``
and ``serve`` come here, and so do the tests of those stages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from ..core.diagnostics import Diagnostics
from ..core.markup import MarkdownConverter
from ..core.model import Content
from ..core.translations import Interface
from ..stages.catalogues import site_interface
from ..stages.load import content_files, file_id, kind_of_content, load_config, load_source, read_bytes
from ..stages.validate import CheckedFile, check_file, validate_checked
from . import codec
from .cache import BuildCache, checked_key, checked_key_of, digest
from .workers import parallel_map


# Entries read together: each field is checked down the column of a whole
# batch at once (``codec.decode_values``). Reading the 13,043 entries of the
# 10,000-article corpus took 2.6 s one by one, 1.4 s in batches of 50 to 250,
# 1.6 s of 500 and 1.9 s all at once (CPU time, best of three; unpickling
# the same files took 0.45 s).
DECODE_BATCH = 250


@dataclass
class ContentFile:
    """A content file's path, kind, id and bytes, as read from disk (None
    until read: a file whose digest is known is read only to be checked)."""

    path: str
    kind: str
    id: str
    data: bytes | None
    key: str = ""  # its cache key
    location: str | None = None  # where it is read from, while unread


@dataclass
class Prepared:
    """Validated content (None after an error) and how it was arrived at."""

    content: Content | None
    diagnostics: Diagnostics
    checked: dict[str, CheckedFile] = field(default_factory=dict)  # by cache key, for the next round
    converted: int = 0  # files checked now rather than taken from a cache
    interface: Interface | None = None  # the site's words, dates and numbers (stages/catalogues.py)
    # Files read now whose bytes are not those of the digest given for them
    # (saved again since it was taken): path → the digest of the bytes read.
    read_digests: dict[str, str] = field(default_factory=dict)


def prepare_content(
    root: Path,
    cache: BuildCache | None = None,
    remembered: dict[str, CheckedFile] | None = None,
    digests: Mapping[str, str] | None = None,
) -> Prepared:
    """Load and validate the site under ``root``.

    ``remembered`` is what the previous round of a long-running process
    (``serve``) checked, by cache key; ``cache`` is the on-disk cache;
    ``digests`` are the :func:`cache.digest` of files' bytes by path, as the
    caller read them (``inputs.input_digests``): those files are keyed by
    them, and read again only to be checked. At 10,000 articles, reading
    and hashing all 13,043 files a second time took 0.3-0.4 s of a build.
    """
    diagnostics = Diagnostics()
    config = load_config(root, diagnostics)
    interface = site_interface(root, config, diagnostics)
    files = list_content_files(root, diagnostics, digests or {})
    checked, converted, files = check_files(files, cache, remembered or {}, diagnostics)
    content = validate_checked(config, [checked[f.key] for f in files], root, diagnostics, interface)
    read_digests = {f.path: digest(f.data) for f in files
                    if f.data is not None and f.path in (digests or {}) and f.key != checked_key_of(f.path, digests[f.path])}
    return Prepared(content, diagnostics, checked, converted, interface, read_digests)


def read_content_files(root: Path, diagnostics: Diagnostics) -> list[ContentFile]:
    """Every content file, read."""
    return list_content_files(root, diagnostics, {})


def list_content_files(root: Path, diagnostics: Diagnostics, digests: Mapping[str, str]) -> list[ContentFile]:
    """Every content file with its cache key: from its digest in ``digests``
    (the file unread), or from its bytes, read here."""
    files = []
    for rel, path in content_files(root, diagnostics):
        file = ContentFile(rel, kind_of_content(rel), file_id(rel), None, location=path)
        if file.path in digests:
            file.key = checked_key_of(file.path, digests[file.path])
            files.append(file)
        elif read_now(file, diagnostics):
            files.append(file)
    return files


def read_now(file: ContentFile, diagnostics: Diagnostics) -> bool:
    """Read a file not read yet, and key it by the bytes read (it may have
    changed since its digest was taken); False (reported) if it cannot be."""
    if file.data is None:
        file.data = read_bytes(Path(file.location), file.path, diagnostics)
        if file.data is None:
            return False
        file.key = checked_key(file.path, file.data)
    return True


def check_files(
    files: list[ContentFile], cache: BuildCache | None, remembered: dict[str, CheckedFile], diagnostics: Diagnostics,
) -> tuple[dict[str, CheckedFile], int, list[ContentFile]]:
    """Every file checked on its own, by cache key: remembered, cached, or
    done now (those read now, and keyed by the bytes read); and the files
    that could be read, in their order."""
    checked: dict[str, CheckedFile] = {}
    for file in files:
        if file.key in remembered:
            checked[file.key] = remembered[file.key]
    if cache is not None:
        checked.update(read_cached({f.key: f for f in files if f.key not in checked}, cache))
    files = [file for file in files if file.key in checked or read_now(file, diagnostics)]
    missing = list({f.key: f for f in files if f.key not in checked}.values())
    results = parallel_map(lambda chunk: check_and_store(chunk, cache), missing)
    checked.update(zip((file.key for file in missing), results))
    if cache is not None:
        cache.prune_checked(checked.keys())
    return checked, len(missing), files


def read_cached(files: dict[str, ContentFile], cache: BuildCache) -> Iterator[tuple[str, CheckedFile]]:
    """(key, checked file) of those of ``files`` (by key) that the cache holds.

    An entry that is damaged, of another shape, or of another file is a
    miss (the file is checked again): the cache may come from elsewhere,
    and nothing in it is taken without being read as data and checked.
    Its document is read when a page first needs it (``codec.py``).
    """
    stored = list(cache.load_checked(files))
    values = [codec.parse_entry(value) for _, value in stored]
    decoded = [checked for start in range(0, len(values), DECODE_BATCH)
               for checked in codec.decode_values(values[start:start + DECODE_BATCH])]
    for (key, _), found in zip(stored, decoded):
        file = files.get(key)
        if found is not None and file is not None and is_of(found, file):
            yield key, found


def is_of(checked: CheckedFile, file: ContentFile) -> bool:
    """Whether an entry stored under ``file``'s key says it is that file's."""
    return (checked.path, checked.kind, checked.id) == (file.path, file.kind, file.id)


def check_and_store(files: Sequence[ContentFile], cache: BuildCache | None = None) -> list[CheckedFile]:
    """Check a chunk of files (in a worker process) and store them in
    ``cache`` as JSON (``codec.py``): the writes are spread over the workers
    too.

    The checked files go back to the build as they are: the worker pool
    pickles them in memory, between this process and the one that forked
    it, and nothing else reads them. JSON both ways would be one codec
    instead of two, but reading it back costs the build, which waits for
    it: 3,000 files of the 10,000-article corpus took 0.38 s to decode and
    0.08 s to unpickle (CPU time, best of two).
    """
    converter = MarkdownConverter()
    results = [check_one(file, converter) for file in files]
    if cache is not None:
        cache.store_checked(stored_entries(files, results))
    return results


def stored_entries(files: Sequence[ContentFile], results: list[CheckedFile]) -> Iterator[tuple[str, bytes]]:
    """(key, entry) of each file; none for a file that JSON or UTF-8 cannot
    hold (a lone surrogate, which a YAML escape can make): it is not cached."""
    for file, checked in zip(files, results):
        try:
            yield file.key, codec.encode(checked)
        except ValueError:  # UnicodeEncodeError is one
            continue


def check_one(file: ContentFile, converter: MarkdownConverter) -> CheckedFile:
    """Load (decode, split the front matter) and check one file."""
    diagnostics = Diagnostics()
    source = load_source(file.path, file.kind, file.id, file.data, diagnostics)
    if source is None:
        return CheckedFile(file.path, file.kind, file.id, None, diagnostics.items, [])
    return check_file(source, converter, diagnostics.items)
