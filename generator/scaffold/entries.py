"""What ``factcheck new`` does: check what was asked for, then write a new file.

Nothing is ever overwritten: an id that is taken, a seed that is not in
seeds/, an unknown outlet each stop with a :class:`ScaffoldError` that says
what to do instead.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..core.diagnostics import did_you_mean
from ..core.layout import CONFIG_FILE, RESERVED_FOLDERS, SEEDS_DIR, content_file, content_folder
from ..stages.fields import ID_PATTERN
from ..stages.sitefiles import OUTSIDE_LINK, PathEntry, entry_kind, inside_folders, seed_names
from ..stages.validate import suggest_id
from . import ScaffoldError
from .filetext import LISTED_IDS_MAX, article_text, entry_text
from .seeds import read_seed, slugify

ENTRY_KINDS = ("claim", "actor", "outlet", "page")


def new_entry(root: Path, kind: str, entry_id: str) -> Path:
    """Create ``content/<kind>s/<entry_id>.md`` for a claim, an actor, an outlet or a page."""
    if kind not in ENTRY_KINDS:
        raise ScaffoldError(f"cannot scaffold a '{kind}': use one of {', '.join(ENTRY_KINDS)}")
    check_id(entry_id)
    if kind == "page" and entry_id in RESERVED_FOLDERS:
        raise ScaffoldError(
            f"a page '{entry_id}' would be published at /{entry_id}/, which the site uses for its own pages: "
            "choose another id"
        )
    path = root / content_file(kind, entry_id)
    refuse_existing(path)
    other = {"actor": "outlet", "outlet": "actor"}.get(kind)
    if other and (clash := root / content_file(other, entry_id)).exists():
        raise ScaffoldError(
            f"'{entry_id}' is already the id of an {other} ({clash}); actors and outlets "
            "share one set of ids so that 'via' can name either: choose another id"
        )
    write_new(path, entry_text(kind, verdict_ids(root)))
    return path


def new_article(root: Path, seed: str, outlet: str | None, article_id: str | None = None) -> Path:
    """Create ``content/articles/<id>.md`` from the raw text ``seeds/<seed>``;
    without ``article_id``, the id is a short slug of the seed's title."""
    if article_id is not None:
        check_id(article_id)
    seed_path = find_seed(root, seed)
    if outlet is not None:
        check_outlet(root, outlet)
    title, paragraphs = read_seed(seed_path)
    path = root / content_file("article", article_id or slugify(title, fallback=seed_path.stem))
    refuse_existing(path)
    text = article_text(title, seed_path.name, outlet, paragraphs, outlet_ids(root))
    write_new(path, text)
    return path


# --- checks -------------------------------------------------------------------


def check_id(entry_id: str) -> None:
    if not ID_PATTERN.fullmatch(entry_id):
        raise ScaffoldError(
            f"'{entry_id}' is not a valid id: use lowercase letters, digits and hyphens "
            f"(try '{suggest_id(entry_id)}')"
        )


def refuse_existing(path: Path) -> None:
    if path.exists():
        raise ScaffoldError(f"{path} already exists; edit it, or remove it first to start over")


def find_seed(root: Path, seed: str) -> Path:
    """The seed file named by ``seed``: a bare name in seeds/ or a path to a file in it."""
    seeds_dir = root / SEEDS_DIR
    if not seeds_dir.is_dir():
        raise ScaffoldError(f"there is no {SEEDS_DIR}/ folder in {root}: put the raw text in {seeds_dir}/ first")
    names = seed_names(root)
    given = Path(seed)
    if len(given.parts) == 1 and given.name not in ("", ".", ".."):
        candidates = [seeds_dir / given.name]
    else:
        # A path: as typed (relative to the current folder), or relative to the site root.
        candidates = [given] if given.is_absolute() else [given, root / given]
    for candidate in candidates:
        if candidate.is_file() and candidate.parent.resolve() == seeds_dir.resolve():
            refuse_outside_link(seeds_dir / candidate.name, root)
            return seeds_dir / candidate.name
    if given.name in names:
        raise ScaffoldError(
            f"'{seed}' is not in {seeds_dir}/, which holds a file of that name: to use it, "
            f"give just the name '{given.name}'"
        )
    if any(c.is_file() for c in candidates):
        raise ScaffoldError(
            f"'{seed}' is not in {seeds_dir}/: copy the raw text there first, so that the "
            "article can name its seed"
        )
    listing = f"; the seeds are: {', '.join(names)}" if 0 < len(names) <= LISTED_IDS_MAX else ""
    if not names:
        listing = f"; {seeds_dir}/ is empty"
    hint = did_you_mean(given.name, names)
    raise ScaffoldError(f"no seed file '{given.name}' in {seeds_dir}/{hint}{listing}")


def refuse_outside_link(seed: Path, root: Path) -> None:
    """A seed is read like any file of the site (``sitefiles.py``): not
    through a link to a file outside it."""
    if entry_kind(PathEntry(str(seed)), inside_folders(seed.parent, root)) == OUTSIDE_LINK:
        raise ScaffoldError(
            f"{seed} is a link to a file outside the site ({seed.resolve()}); copy the file into {seed.parent}/"
        )


def outlet_ids(root: Path) -> list[str]:
    folder = root / content_folder("outlet")
    return sorted(p.stem for p in folder.glob("*.md") if p.is_file()) if folder.is_dir() else []


def check_outlet(root: Path, outlet: str) -> None:
    known = outlet_ids(root)
    if outlet in known:
        return
    hint = did_you_mean(outlet, known)
    if not hint and not ID_PATTERN.fullmatch(outlet) and suggest_id(outlet) in known:
        hint = f" (did you mean '{suggest_id(outlet)}'?)"
    raise ScaffoldError(
        f"unknown outlet '{outlet}': there is no {content_file('outlet', outlet)}{hint}; "
        f"create it with 'factcheck new outlet ID', or leave out --outlet and fill it in later"
    )


def verdict_ids(root: Path) -> list[str]:
    """The verdict ids of site.yaml, in scale order; [] when it cannot be read."""
    try:
        config = yaml.safe_load((root / CONFIG_FILE).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    verdicts = config.get("verdicts") if isinstance(config, dict) else None
    if not isinstance(verdicts, list):
        return []
    return [v["id"] for v in verdicts if isinstance(v, dict) and isinstance(v.get("id"), str)]


def write_new(path: Path, text: str) -> None:
    """Write ``text`` to a new file; never replace one (even one created meanwhile)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError as exc:
        raise ScaffoldError(f"{path} already exists; edit it, or remove it first to start over") from exc
    except OSError as exc:
        raise ScaffoldError(f"cannot write {path}: {exc.strerror}") from exc
