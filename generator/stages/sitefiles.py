"""The files of a site, found the same way wherever the generator looks.

Every walk of the site's folders goes through here: loading the content
(``load.content_files``), listing the seeds, hashing the inputs (the build
cache, ``serve``'s watcher), Jinja's template loader and the static files
copied from ``templates/static/``. So ``check``, ``build`` and ``serve`` agree
on what a site holds, and on two rules for links:

- A link to a folder is not followed, and is reported once as a warning.
  ``seeds/loop -> ..`` made the walks recurse until the system refused the
  path (a traceback from ``build`` while ``check`` said the content was
  valid), and a link to /usr/share made builds 18 times slower.
- A link to a file is read only when the file it leads to lies inside the
  site; a link to a file elsewhere is an error, for it would publish
  whatever it points at. Inside the site means under the site's root, or
  under the folder being walked when that folder is itself a link.

The folders the layout names (``content/``, ``seeds/``, ``templates/``) are
where the site says its files are, so they are followed when they are
links themselves. Links named like editors' lock files (emacs's
``.#x.md`` points at nothing) are skipped without a word.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..core.diagnostics import Diagnostics
from ..core.layout import DEFAULT_TEMPLATES_KEY, SEEDS_DIR, TEMPLATES_DIR, WATCHED_FOLDERS

# What a directory entry is to a walk.
FILE, FOLDER, FOLDER_LINK, OUTSIDE_LINK, BROKEN_LINK, OTHER = (
    "file", "folder", "folder link", "outside link", "broken link", "other",
)


@dataclass(frozen=True)
class FoundFiles:
    """What a walk found: the files to read, and the links it would not follow."""

    files: dict[str, str]  # "prefix/relative/path" → path on disk, sorted by key
    folder_links: tuple[str, ...] = ()  # links to folders, not followed
    outside_links: tuple[tuple[str, str], ...] = ()  # (link, the file outside the site it leads to)
    broken_links: tuple[tuple[str, str], ...] = ()  # (link, where it leads: nowhere)

    def report(self, diagnostics: Diagnostics) -> None:
        for rel in self.folder_links:
            diagnostics.warning(
                rel, 0, "ignored: a link to a folder is not followed; put the files themselves here "
                "(a link to a file inside the site is fine)",
            )
        for rel, target in self.outside_links:
            diagnostics.error(
                rel, 0, f"a link to a file outside the site ({target}) is not read; copy the file into the site",
            )
        for rel, target in self.broken_links:
            diagnostics.warning(rel, 0, f"ignored: a link to {target}, which does not exist")

    def link_notes(self) -> dict[str, str]:
        """A word for each link not followed, by its path: it stands for the
        link among the digests of the inputs, so adding or removing one is a
        change like any other."""
        notes = {rel: "a link to a folder" for rel in self.folder_links}
        notes.update((rel, f"a link out of the site to {target}") for rel, target in self.outside_links)
        notes.update((rel, f"a link to nothing at {target}") for rel, target in self.broken_links)
        return notes

    def under(self, prefix: str) -> dict[str, str]:
        """The files whose key starts with ``prefix/``."""
        return {rel: path for rel, path in self.files.items() if rel.startswith(f"{prefix}/")}


def walk_site(root: Path, default_templates: Path | None = None) -> FoundFiles:
    """Every file under the site's watched folders, keyed "content/…", "seeds/…", "templates/…".

    When the site has no templates/ of its own, the project's default
    templates (``default_templates``) are read instead; they are keyed
    "default-templates/…". Their links are the project's, not the site's:
    they are walked by the same rules but not reported.
    """
    found = [walk_folder(os.path.join(root, folder), folder, root) for folder in WATCHED_FOLDERS]
    if default_templates and default_templates.is_dir() and default_templates.resolve() != (root / TEMPLATES_DIR).resolve():
        defaults = walk_folder(str(default_templates), DEFAULT_TEMPLATES_KEY, default_templates)
        found.append(FoundFiles(defaults.files))
    return FoundFiles(
        files=dict(sorted((rel, path) for part in found for rel, path in part.files.items())),
        folder_links=tuple(rel for part in found for rel in part.folder_links),
        outside_links=tuple(link for part in found for link in part.outside_links),
        broken_links=tuple(link for part in found for link in part.broken_links),
    )


def walk_folder(folder: str, prefix: str, site_root: str | Path) -> FoundFiles:
    """(``prefix/relative path``, path) of every file under ``folder``, if it is one.

    Walked with ``os.scandir``, which knows a file from a folder without a
    system call (``serve`` lists the inputs on every save, and at 10,000
    articles pathlib's ``rglob`` and ``is_file`` took 0.4 s of that), and
    with a list of folders to do rather than recursion, so no depth of
    folders is too deep.
    """
    inside = inside_folders(folder, site_root)
    files: dict[str, str] = {}
    folder_links, outside_links, broken_links = [], [], []
    pending = [(folder, prefix)]
    while pending:
        directory, rel_directory = pending.pop()
        for entry in scan(directory):
            rel = f"{rel_directory}/{entry.name}" if rel_directory else entry.name
            kind = entry_kind(entry, inside)
            if kind == FILE:
                files[rel] = entry.path
            elif kind == FOLDER:
                pending.append((entry.path, rel))
            elif kind == FOLDER_LINK:
                folder_links.append(rel)
            elif kind == OUTSIDE_LINK:
                outside_links.append((rel, os.path.realpath(entry.path)))
            elif kind == BROKEN_LINK:
                broken_links.append((rel, os.path.realpath(entry.path)))
    return FoundFiles(
        dict(sorted(files.items())), tuple(sorted(folder_links)), tuple(sorted(outside_links)),
        tuple(sorted(broken_links)),
    )


def scan(directory: str) -> list[os.DirEntry]:
    try:
        with os.scandir(directory) as entries:
            return list(entries)
    except OSError:  # missing, not a folder, or unreadable: nothing to read there
        return []


def inside_folders(folder: str | Path, site_root: str | Path) -> tuple[str, ...]:
    """Where a link found under ``folder`` may lead: the site's root, and the
    folder itself (which is elsewhere when it is a link)."""
    return tuple(dict.fromkeys((os.path.realpath(site_root), os.path.realpath(folder))))


class PathEntry:
    """A path with the methods of an ``os.DirEntry`` that :func:`entry_kind` uses,
    for looking at one file without listing its folder."""

    def __init__(self, path: str):
        self.path = path
        self.name = os.path.basename(path)

    def is_symlink(self) -> bool:
        return os.path.islink(self.path)

    def is_dir(self) -> bool:
        return os.path.isdir(self.path)

    def is_file(self) -> bool:
        return os.path.isfile(self.path)


def entry_kind(entry: os.DirEntry | PathEntry, inside: tuple[str, ...]) -> str:
    """FILE, FOLDER, FOLDER_LINK, OUTSIDE_LINK, BROKEN_LINK or OTHER (a
    device, a pipe, an editor's lock link: never read)."""
    try:
        if not entry.is_symlink():
            return FOLDER if entry.is_dir() else FILE if entry.is_file() else OTHER
        if is_editor_file(entry.name):
            return OTHER
        if entry.is_dir():  # follows the link
            return FOLDER_LINK
        target = os.path.realpath(entry.path)
        if not is_inside(target, inside):
            return OUTSIDE_LINK
        if entry.is_file():
            return FILE
        return BROKEN_LINK if not os.path.lexists(target) else OTHER
    except OSError:
        return OTHER


def is_inside(path: str, folders: tuple[str, ...]) -> bool:
    return any(path == folder or path.startswith(folder.rstrip(os.sep) + os.sep) for folder in folders)


def is_editor_file(name: str) -> bool:
    """Hidden files and editors' lock and backup files (.#x.md, #x.md#, x.md~)."""
    return name.startswith((".", "#")) or name.endswith("~")


def is_readable_input(root: Path, rel: str) -> bool:
    """Whether the walk of the site would read the file at ``rel`` (relative
    to the root, under a watched folder): no folder on the way is a link
    below the watched folder, and the file is a file, inside the site.

    For the paths a file watcher names and the quick path of ``serve``,
    which look at a few files without walking the site again.
    """
    top, _, below = rel.partition("/")
    if top not in WATCHED_FOLDERS or not below:
        return False
    folder = os.path.join(root, top)
    inside = inside_folders(folder, root)
    *folders, name = below.split("/")
    for part in folders:
        folder = os.path.join(folder, part)
        if entry_kind(PathEntry(folder), inside) != FOLDER:
            return False
    return entry_kind(PathEntry(os.path.join(folder, name)), inside) == FILE


def seed_names(root: Path) -> list[str]:
    """The names of the files directly in ``seeds/`` that articles may name."""
    folder = os.path.join(root, SEEDS_DIR)
    inside = inside_folders(folder, root)
    return sorted(entry.name for entry in scan(folder) if entry_kind(entry, inside) == FILE)


def template_files(search_path: list[tuple[Path, Path]]) -> dict[str, str]:
    """Template name (its path in a templates folder) → file, from
    ``(folder, the root of the site it belongs to)`` pairs, the first folder
    that has a name winning."""
    files: dict[str, str] = {}
    for folder, site_root in reversed(search_path):  # earlier folders override later ones
        files.update(walk_folder(str(folder), "", site_root).files)
    return files
