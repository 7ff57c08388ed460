"""What an annotation request may ask, checked, and the article written.

Three actions, each a JSON object (``ACTIONS``):

- ``annotate``: add a mention for a selection (``selection.py``), with an
  existing claim (``claim``) or a new one (``new_claim: {id, statement}``),
  an existing actor, none (the outlet's own voice) or a new one
  (``new_actor: {id, name, kind}``), a ``stance`` and optionally ``via``,
  ``value``, ``unit``, ``value_attributed_to`` and ``note`` (``unit`` and
  ``value_attributed_to`` only with a ``value``, as the front matter's
  validation has it);
- ``edit``: change mention ``mention`` (0-based, in file order): any of
  ``stance``, ``note``, ``claim``, ``actor`` in ``changes`` (null removes
  ``note``, or ``actor`` for the outlet's own voice);
- ``remove``: remove mention ``mention``.

Each names the ``article`` by id and carries the ``digest`` of the file the
page was rendered from; a file changed since is refused (409, reload).
Paths come only from ids that pass the id rule, put together by
``layout.content_file``: only ``.md`` files under ``content/`` are ever
written, a new file is never written over an existing one, and an edit
replaces its file atomically (a temporary file in the same folder, then a
rename). Requests are handled one at a time.
"""

from __future__ import annotations

import os
import stat
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.layout import CONTENT_DIR, content_file
from ..core.model import STANCES
from ..core.translations import N_, Interface, N_plural
from ..engine.cache import digest
from ..scaffold.entries import verdict_ids
from ..scaffold.filetext import entry_text
from ..stages import schema
from ..stages.fields import CONVERTERS, ID_PATTERN, Invalid
from . import EditError, Worded
from .frontmatter import add_mention, edit_mention, remove_mention, set_top_key
from .selection import Selected, SelectionProblem, article_document, problems_added, quote_for

ACTIONS = ("annotate", "edit", "remove")
EDITABLE = ("stance", "note", "claim", "actor")
ACTOR_KINDS = ("person", "organisation")
MAX_TEXT = 4000  # characters of any one string a request may carry
# What a refusal says of an id that names no record of the kinds it may name, or that one has already.
NO_SUCH = {("claim",): N_("'%(key)s': there is no claim '%(id)s'"),
           ("actor",): N_("'%(key)s': there is no actor '%(id)s'"),
           ("actor", "outlet"): N_("'%(key)s': there is no actor or outlet '%(id)s'")}
TAKEN = {("claim",): N_("'%(id)s' is already the id of a claim: choose another"),
         ("actor", "outlet"): N_("'%(id)s' is already the id of an actor or outlet: choose another")}


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any] = field(default_factory=dict)
    problem: Worded | None = None  # a refusal's message, to be said in the site's language

    @classmethod
    def refused(cls, status: int, code: str, problem: Worded) -> "Reply":
        return cls(status, {"ok": False, "error": code, "message": str(problem)}, problem)

    def said_in(self, words: Interface) -> dict[str, Any]:
        """The body, its message in the site's language."""
        return {**self.body, "message": self.problem.said_in(words)} if self.problem else self.body


class Refused(Worded):
    """A request refused before anything is written: its reply says why."""

    def __init__(self, status: int, code: str, message: str | tuple[str, str], count: int | None = None,
                 **values: str):
        super().__init__(message, count, **values)
        self.reply = Reply.refused(status, code, self)


class Annotator:
    """Applies annotation requests to the site at ``root``."""

    def __init__(self, root: Path):
        self.root = root
        self._lock = threading.Lock()

    def handle(self, action: str, payload: Any) -> Reply:
        try:
            if action not in ACTIONS:
                raise Refused(404, "unknown-action", N_("no such annotation action: %(action)s"), action=repr(action))
            if not isinstance(payload, dict):
                raise Refused(400, "bad-request", N_("the request body must be a JSON object"))
            with self._lock:
                return getattr(self, action)(payload)
        except Refused as refused:
            return refused.reply
        except EditError as problem:
            return Reply.refused(422, "cannot-edit", problem)
        except SelectionProblem as problem:
            return Reply.refused(422, problem.code, problem)
        except UnicodeDecodeError:
            return Reply.refused(422, "cannot-edit", Worded(N_("the article file is not UTF-8 text: fix it first")))
        except OSError as problem:  # the file as it was stays (writes are atomic); a new file made may stay
            return Reply.refused(500, "cannot-write", cannot_write(problem))

    # --- the actions ------------------------------------------------------------------------

    def annotate(self, payload: dict) -> Reply:
        path, data = self.article(payload)
        selection = payload.get("selection")
        if not isinstance(selection, dict):
            raise Refused(400, "bad-request", N_("'selection' must be an object: {text, before, after}"))
        selected = Selected(*(text_field(selection, key, required=key == "text") or "" for key in
                              ("text", "before", "after")))
        for key in ("claim", "actor"):
            if f"new_{key}" in payload and payload.get(key) is not None:
                raise Refused(400, "bad-request", N_("give either '%(key)s' or 'new_%(key)s', not both"), key=key)
        passage = quote_for(selected, article_document(self.rel(path), data).text)
        new_files = self.new_records(payload)
        fields = {
            "claim": payload["new_claim"]["id"] if "new_claim" in payload else self.known(payload, "claim", ("claim",)),
            "actor": (payload["new_actor"]["id"] if "new_actor" in payload
                      else self.known(payload, "actor", ("actor",), optional=True)),
            "via": self.known(payload, "via", ("actor", "outlet"), optional=True),
            "stance": stance(payload),
            "value": number_field(payload, "value"),
            "unit": mention_text(payload, "unit"),
            "value_attributed_to": self.known(payload, "value_attributed_to", ("actor", "outlet"), optional=True),
            "quote": passage.quote,
            "note": mention_text(payload, "note"),
        }
        # As the front matter's validation has it (``records.check_figure``): both speak of a 'value'.
        if fields["unit"] is not None and fields["value"] is None:
            raise Refused(422, "no-value", N_("'unit' says what 'value' counts: give the value too"))
        if fields["value_attributed_to"] is not None and fields["value"] is None:
            raise Refused(422, "no-value", N_("'value_attributed_to' says whose 'value' is: give the value too"))
        text = add_mention(data.decode("utf-8"), fields)
        self.builds(path, data, text)
        for new_path, new_text in new_files:
            create(self.root, new_path, new_text)
        new_digest = replace(self.root, path, text.encode("utf-8"))
        return Reply(200, {"ok": True, "quote": passage.quote, "extended": passage.extended, "digest": new_digest,
                           "created": [self.rel(p) for p, _ in new_files]})

    def edit(self, payload: dict) -> Reply:
        path, data = self.article(payload)
        changes = payload.get("changes")
        if not isinstance(changes, dict) or not changes or set(changes) - set(EDITABLE):
            raise Refused(400, "bad-request", N_("'changes' must set some of %(keys)s"), keys=", ".join(EDITABLE))
        checked: dict[str, Any] = {}
        for key in changes:
            if key == "stance":
                checked[key] = stance(changes)
            elif key == "note":
                checked[key] = mention_text(changes, "note")  # null: no note
            elif changes[key] is None and key == "actor":
                checked[key] = None
            else:
                checked[key] = self.known(changes, key, (key,))
        text = edit_mention(data.decode("utf-8"), mention_index(payload), checked)
        self.builds(path, data, text)
        return Reply(200, {"ok": True, "digest": replace(self.root, path, text.encode("utf-8"))})

    def remove(self, payload: dict) -> Reply:
        path, data = self.article(payload)
        text = remove_mention(data.decode("utf-8"), mention_index(payload))
        self.builds(path, data, text)
        return Reply(200, {"ok": True, "digest": replace(self.root, path, text.encode("utf-8"))})

    def builds(self, path: Path, data: bytes, text: str) -> None:
        """Refuse ``text`` for the article at ``path`` (now ``data``) if the
        build would refuse it where it took the file as it is."""
        added = problems_added(self.rel(path), data, text)
        if added:
            raise Refused(422, "would-not-build", N_(
                "nothing was written: with this change the article would not build (line %(line)s: %(problem)s)"),
                line=str(added[0].line), problem=added[0].message)

    # --- what a request names ------------------------------------------------------------------

    def article(self, payload: dict) -> tuple[Path, bytes]:
        """The article's path and bytes, as the page was rendered from them."""
        path = self.existing("article", id_field(payload, "article"))
        if path is None:
            raise Refused(404, "unknown-article", N_("there is no article '%(id)s'"), id=payload["article"])
        data = path.read_bytes()
        rendered = payload.get("digest")
        if not isinstance(rendered, str) or rendered != digest(data):
            raise Refused(409, "reload", N_(
                "the article's file changed since this page was rendered: reload the page and annotate again"))
        return path, data

    def existing(self, kind: str, record_id: str) -> Path | None:
        """The content file of that id, if it is a regular file of the site (not a link)."""
        path = self.root / content_file(kind, record_id)
        try:
            return path if stat.S_ISREG(os.lstat(path).st_mode) else None
        except OSError:
            return None

    def known(self, payload: dict, key: str, kinds: tuple[str, ...], optional: bool = False) -> str | None:
        if optional and payload.get(key) is None:
            return None
        record_id = id_field(payload, key)
        if not any(self.existing(kind, record_id) for kind in kinds):
            raise Refused(422, f"unknown-{key}".replace("_", "-"), NO_SUCH[kinds], key=key, id=record_id)
        return record_id

    def new_records(self, payload: dict) -> list[tuple[Path, str]]:
        """The files of a new claim and a new actor asked for, as ``factcheck new`` writes them, filled in."""
        files = []
        if "new_claim" in payload:
            claim = object_field(payload, "new_claim")
            files.append(self.new_file("claim", id_field(claim, "id"), {"statement": text_field(claim, "statement", True)}))
        if "new_actor" in payload:
            actor = object_field(payload, "new_actor")
            kind = text_field(actor, "kind", True)
            if kind not in ACTOR_KINDS:
                raise Refused(422, "bad-kind", N_("an actor's kind is person or organisation"))
            files.append(self.new_file("actor", id_field(actor, "id"), {"name": text_field(actor, "name", True),
                                                                         "kind": kind}))
        return files

    def new_file(self, kind: str, record_id: str, values: dict[str, str]) -> tuple[Path, str]:
        clashes = ("actor", "outlet") if kind == "actor" else (kind,)
        if any(os.path.lexists(self.root / content_file(other, record_id)) for other in clashes):
            raise Refused(409, "id-taken", TAKEN[clashes], id=record_id)
        text = entry_text(kind, verdict_ids(self.root))
        for key, value in values.items():
            text = set_top_key(text, key, value)
        return self.root / content_file(kind, record_id), text

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


def cannot_write(problem: OSError) -> Worded:
    reason = problem.strerror or str(problem)
    if problem.filename:
        return Worded(N_("cannot write %(file)s: %(reason)s"), file=str(problem.filename), reason=reason)
    return Worded(N_("cannot write the file: %(reason)s"), reason=reason)


# --- fields --------------------------------------------------------------------------------------


def id_field(payload: dict, key: str) -> str:
    value = payload.get(key)
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise Refused(400, "bad-id", N_("'%(key)s' must be an id: lowercase letters, digits and hyphens"), key=key)
    return value


def text_field(payload: dict, key: str, required: bool = False) -> str | None:
    value = payload.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > MAX_TEXT:
        raise Refused(400, "bad-request", N_plural("'%(key)s' must be a text of at most %(num)s character",
                                                   "'%(key)s' must be a text of at most %(num)s characters"),
                      MAX_TEXT, key=key)
    return value


def mention_text(payload: dict, key: str) -> str | None:
    """An optional text key of a mention, checked as the front matter's is (its
    ``schema.MENTION`` type's converter: not empty, surrounding spaces dropped),
    so that what is written validates."""
    value = text_field(payload, key)
    if value is None:
        return None
    try:
        return CONVERTERS[schema.MENTION[key].type](value)
    except Invalid:  # a text's only problem left once text_field took it: empty, or spaces only
        raise Refused(400, "bad-request", N_("'%(key)s' must not be empty: leave it out instead"), key=key) from None


def number_field(payload: dict, key: str) -> int | float | None:
    """An optional number, checked as the front matter's (finite: an integer
    too large for a float is refused there too), so that what is written validates."""
    value = payload.get(key)
    if value is None:
        return None
    try:
        return CONVERTERS[schema.MENTION[key].type](value)
    except Invalid:
        raise Refused(400, "bad-request", N_("'%(key)s' must be a number"), key=key) from None


def object_field(payload: dict, key: str) -> dict:
    value = payload.get(key)
    if not isinstance(value, dict):
        raise Refused(400, "bad-request", N_("'%(key)s' must be an object"), key=key)
    return value


def stance(payload: dict) -> str:
    value = payload.get("stance")
    if value not in STANCES:
        raise Refused(422, "bad-stance", N_("'stance' must be one of %(stances)s"), stances=", ".join(STANCES))
    return value


def mention_index(payload: dict) -> int:
    value = payload.get("mention")
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Refused(400, "bad-request", N_("'mention' must be the mention's number in the file, from 0"))
    return value


# --- writing ----------------------------------------------------------------------------------------


def replace(root: Path, path: Path, data: bytes) -> str:
    """Write ``data`` over ``path`` atomically (a temporary file in its folder, renamed); its new digest."""
    check_writable(root, path)
    mode = stat.S_IMODE(os.stat(path).st_mode)
    temporary = write_temporary(path, data, mode)
    try:
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return digest(data)


def create(root: Path, path: Path, text: str) -> None:
    """A new file, whole at once (linked into place from a temporary file), never over an existing one."""
    check_writable(root, path)
    temporary = write_temporary(path, text.encode("utf-8"), 0o644)
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise Refused(409, "id-taken", N_("%(file)s was created meanwhile: choose another id"), file=path.name) from None
    finally:
        os.unlink(temporary)


def write_temporary(path: Path, data: bytes, mode: int) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".factcheck-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
    except BaseException:
        os.unlink(temporary)
        raise
    return temporary


def check_writable(root: Path, path: Path) -> None:
    """The last guard: only ``.md`` files in a folder under the site's ``content/``."""
    folder = path.parent.resolve()
    if path.suffix != ".md" or not folder.is_relative_to((root / CONTENT_DIR).resolve()) or path.is_symlink():
        raise Refused(403, "forbidden-path", N_("annotations write only .md files under content/"))
