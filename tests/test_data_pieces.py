"""The site-wide data files made of pieces (``engine/pieces.py``): after an
edit only the pieces it touched are made again, and the files stay, byte for
byte, those of a clean build, whether the pieces were kept in memory
(``serve``) or in the build cache (``build``), even when a stored piece is
damaged."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from generator.core.layout import CACHE_DIR, DEFAULT_TEMPLATES, MARKER
from generator.engine.build import build
from generator.engine.cache import digest
from generator.engine.incremental import IncrementalBuilder
from generator.engine.piecerows import StoredRows
from generator.engine.pieces import LAYOUT, PIECES_DIR, SIGNATURE, PieceStore
from generator.outputs.base import EVERYTHING, DataFile, Piece
from generator.outputs import opendata, opendata_csv, structured, webannotations
from synthetic import make_site
from test_incremental import BASE_URL, Editor, join, split

DATA_FILES = ("data/claims.json", "data/mentions.csv", "data/matrix.csv", "data/annotations.jsonld", "data/claimreview.json")


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != MARKER}


def clean(site: Path, out: Path) -> dict[str, bytes]:
    """A build that uses no cache at all: no checked files, no pieces."""
    result = build(site, out, base_url=BASE_URL, search=False, use_cache=False)
    assert result.ok, [d.format() for d in result.diagnostics.errors]
    return tree(out)


def cached(site: Path, out: Path) -> dict[str, bytes]:
    """A build with the cache kept: the data files from the pieces it stored before."""
    result = build(site, out, base_url=BASE_URL, search=False)
    assert result.ok, [d.format() for d in result.diagnostics.errors]
    return tree(out)


def differing(expected: dict[str, bytes], actual: dict[str, bytes]) -> list[str]:
    return sorted(p for p in expected.keys() | actual.keys() if expected.get(p) != actual.get(p))


def composed(store: PieceStore, file: DataFile, previous_digest: str | None = None) -> bytes | None:
    """What the store composes of ``file``, read to the end and joined; None: the previous file is kept."""
    composition = store.compose(file, previous_digest)
    if composition is None:
        return None
    data = b"".join(composition)
    assert composition.digest == digest(data)
    return data


def databases(site: Path) -> list[Path]:
    return sorted((site / CACHE_DIR / PIECES_DIR).glob("*.sqlite"))


def first_annotated_article(outputs: dict[str, bytes]) -> str:
    """The article of annotations.jsonld's first annotation."""
    first = json.loads(outputs["data/annotations.jsonld"])["first"]["items"][0]
    return first["target"][0]["source"].rsplit("/", 1)[1].removesuffix(".txt")


@pytest.fixture
def site(tmp_path) -> Path:
    return make_site(tmp_path / "site", articles=24, seed=13).root


def edit_outlet(site: Path, counter: int) -> str:
    path = sorted((site / "content" / "outlets").glob("*.md"))[counter % 2]
    front, body = split(path)
    front["name"] = f"Outlet renamed {counter}"
    join(path, front, body)
    return f"rename outlet {path.name}"


def test_each_kind_of_edit_leaves_the_data_files_those_of_a_clean_build(site, tmp_path):
    """An article, a claim, an actor, an outlet edited, an article deleted:
    after each, build with its pieces in the cache, and serve with its pieces
    in memory, make every file a build without any cache makes."""
    editor = Editor(site, random.Random(7))
    served = IncrementalBuilder(site, base_url=BASE_URL)
    assert served.rebuild().ok
    assert cached(site, tmp_path / "cached") == clean(site, tmp_path / "clean")
    assert [p.name for p in databases(site)] == sorted(f"{f.replace('/', '--')}.sqlite" for f in DATA_FILES)
    edits = [editor.change_article_body, editor.change_stance, editor.change_claim, editor.change_claim,
             editor.change_actor, editor.change_actor, lambda: edit_outlet(site, 1), editor.delete_article,
             editor.add_mention, editor.rename_claim]
    for step, edit in enumerate(edits):
        what = edit()
        expected = clean(site, tmp_path / "clean")
        assert differing(expected, cached(site, tmp_path / "cached")) == [], (step, what)
        assert served.rebuild().ok, (step, what)
        assert differing(expected, served.outputs) == [], (step, what)


@pytest.mark.parametrize("seed", [21])
def test_random_edits_keep_the_cached_data_files_those_of_a_clean_build(tmp_path, seed):
    site = make_site(tmp_path / "site", articles=16, seed=seed).root
    shutil.copytree(DEFAULT_TEMPLATES, site / "templates")  # for the template edits
    rng = random.Random(seed)
    editor = Editor(site, rng)
    cached(site, tmp_path / "cached")
    history = []
    for step in range(20):
        history.append(getattr(editor, rng.choice(Editor.VALID))())
        expected = clean(site, tmp_path / "clean")
        assert differing(expected, cached(site, tmp_path / "cached")) == [], history[-3:]


def test_a_damaged_or_foreign_piece_is_made_again(site, tmp_path):
    """Pieces whose bytes are not those stored with them, a database that is
    not one, a row from another key: misses, never a wrong output."""
    cached(site, tmp_path / "cached")
    first, second, *others = databases(site)
    first.write_bytes(b"not a database at all")
    with sqlite3.connect(second) as db:
        db.execute("UPDATE pieces SET value = CAST('damaged' AS BLOB)")  # its digest is no longer the bytes'
    for path in others:
        with sqlite3.connect(path) as db:
            db.execute("UPDATE pieces SET key = 'another-key'")  # right shape, written for other content
    # An edit of an article's front matter composes every data file again
    # (one of its text alone composes only annotations.jsonld).
    retitle(site, 3)
    assert differing(clean(site, tmp_path / "clean"), cached(site, tmp_path / "cached")) == []
    # and what was made again was stored again: a further build uses it
    retitle(site, 4)
    assert differing(clean(site, tmp_path / "clean"), cached(site, tmp_path / "cached")) == []


def retitle(site: Path, n: int) -> None:
    """Change the title of the ``n``th article: its record changes, and every data file shows it."""
    article = sorted((site / "content" / "articles").glob("*.md"))[n]
    front, body = split(article)
    join(article, {**front, "title": front["title"] + " (updated)"}, body)


def test_a_build_takes_the_stored_pieces_an_edit_did_not_touch(site, tmp_path):
    """Pieces are kept, not made again: a piece stored for a claim the edit
    does not touch is taken as stored (planted here, with its own digest, it
    shows in the file), and the edited article's pieces are made again. The
    edit is one of the article's front matter: an edit of its text alone
    changes nothing claims.json shows, and the file is kept whole."""
    cached(site, tmp_path / "cached")
    planted = b'{"planted": true}'
    database = site / CACHE_DIR / PIECES_DIR / "data--claims.json.sqlite"
    with sqlite3.connect(database) as db:
        (item,) = db.execute("SELECT item FROM pieces WHERE item LIKE '%#claims/%' ORDER BY item LIMIT 1").fetchone()
        db.execute("UPDATE pieces SET value = ?, digest = ? WHERE item = ?", (planted, digest(planted), item))
    claim_id = item.rsplit("/", 1)[1]
    article = next(p for p in sorted((site / "content" / "articles").glob("*.md")) if claim_id not in p.read_text())
    retitle(site, sorted((site / "content" / "articles").glob("*.md")).index(article))
    assert planted in cached(site, tmp_path / "cached")["data/claims.json"]


def test_serve_makes_again_only_the_pieces_an_edit_touched(site, monkeypatch):
    """After one article's text changed, serve makes that article's record,
    mentions and annotations, and the records of the claims it quotes; no
    others (the files made whole made every record every time)."""
    served = IncrementalBuilder(site, base_url=BASE_URL)
    assert served.rebuild().ok
    made: dict[str, list[str]] = {"claims": [], "annotations": [], "mentions": [], "reviews": []}

    def counting(kind, function, name):
        def counted(graph, item, *rest):  # rest: the interface, for the functions that word things
            made[kind].append(name(item))
            return function(graph, item, *rest)
        return counted

    monkeypatch.setattr(opendata, "claim_record", counting("claims", opendata.claim_record, lambda i: i.claim.id))
    monkeypatch.setattr(webannotations, "annotation",
                        counting("annotations", webannotations.annotation, lambda q: q.article.id))
    monkeypatch.setattr(opendata_csv, "mention_row", counting("mentions", opendata_csv.mention_row,
                                                              lambda q: q.article.id))
    monkeypatch.setattr(structured, "feed_element", counting("reviews", structured.feed_element,
                                                             lambda i: i.claim.id))
    article = sorted((site / "content" / "articles").glob("*.md"))[3]
    front, body = split(article)
    # a new mention at the end of the text: its record and the claim's change
    claim = sorted((site / "content" / "claims").glob("*.md"))[0].stem
    body += "\nThe mayor said the works were finished on time.\n"
    front.setdefault("mentions", []).append({"claim": claim, "stance": "disputes",
                                             "quote": "the works were finished on time"})
    join(article, front, body)
    assert served.rebuild().ok
    assert set(made["mentions"]) == {article.stem}
    # and /about/data/, which shows the first annotation as its example, made whole
    assert article.stem in made["annotations"]  # the patch reaches the collection's pieces
    assert set(made["annotations"]) - {article.stem} <= {first_annotated_article(served.outputs)}
    quoted = {m["claim"] for m in front["mentions"]}
    assert set(made["claims"]) <= quoted and claim in made["claims"]
    assert set(made["reviews"]) <= quoted


def test_a_file_whose_parts_are_as_they_were_is_kept_not_composed(tmp_path, monkeypatch):
    """A file whose signature (its fixed parts, its pieces' paths and bytes'
    digests) is the one stored with it is not joined again, nor its stored
    pieces read, if the previous site's file is the one composed then; if
    that file is another (a build that composed this one failed), or a piece
    changed, it is composed."""
    made: list[str] = []

    def piece(name: str, data: bytes) -> Piece:
        return Piece(f"f#{name}", frozenset(), lambda: (made.append(name), data)[1])

    pieces = {"a": b"A", "b": b"B"}
    file = DataFile("f", EVERYTHING, lambda: b"", parts=lambda: [b"[", piece("a", pieces["a"]), b",",
                                                                 piece("b", pieces["b"]), b"]"])
    keys = {"f#a": "a1", "f#b": "b1"}

    def store(keep_bytes: bool = False) -> PieceStore:
        return PieceStore(lambda items: {item.path: keys[item.path] for item in items}, {}, tmp_path, keep_bytes)

    assert composed(store(), file) == b"[A,B]" and made == ["a", "b"]
    read = []
    monkeypatch.setattr(PieceStore, "_read_stored", lambda self, *args: read.append(args))
    assert composed(store(), file, digest(b"[A,B]")) is None and read == []
    monkeypatch.undo()
    # the previous site's file is not the one composed last: composed, from the stored pieces
    assert composed(store(), file, digest(b"[A,C]")) == b"[A,B]" and made == ["a", "b"]
    # a piece made again with the bytes it had: the file is kept
    keys["f#b"] = "b2"
    assert composed(store(), file, digest(b"[A,B]")) is None and made == ["a", "b", "b"]
    # with other bytes: composed
    keys["f#b"], pieces["b"] = "b3", b"Z"
    assert composed(store(), file, digest(b"[A,B]")) == b"[A,Z]"
    # in memory (serve): the same rule, from the previous run's pieces
    kept = store(keep_bytes=True)
    assert composed(kept, file) == b"[A,Z]"
    again = PieceStore(lambda items: {item.path: keys[item.path] for item in items}, kept.state([file], with_bytes=True))
    assert composed(again, file, digest(b"[A,Z]")) is None
    assert composed(again, file, digest(b"[A,B]")) == b"[A,Z]"
    # serve's first run keeps the file from the build cache, its pieces unread;
    # its state reads them, and a later run, with no cache, joins them
    first = store()
    assert composed(first, file, digest(b"[A,Z]")) is None
    assert all(data is None for item, (_, _, data) in first.made["f"].items() if item)
    later = PieceStore(lambda items: {item.path: keys[item.path] for item in items},
                       first.state([file], with_bytes=True))
    del made[:]
    assert composed(later, file, digest(b"[A,B]")) == b"[A,Z]" and made == []
    # serve's first run did not compose the file at all (its key was as it
    # was): its state reads the stored pieces all the same
    untouched = store()
    later = PieceStore(lambda items: {item.path: keys[item.path] for item in items},
                       untouched.state([file], with_bytes=True))
    del made[:]
    assert composed(later, file, digest(b"[A,B]")) == b"[A,Z]" and made == []
    # one that cannot be read (damaged since) is made again when joined
    with sqlite3.connect(next(tmp_path.glob("pieces/*.sqlite"))) as db:
        db.execute("UPDATE pieces SET value = CAST('damaged' AS BLOB) WHERE item = 'f#a'")
    first = store()
    assert composed(first, file, digest(b"[A,Z]")) is None
    later = PieceStore(lambda items: {item.path: keys[item.path] for item in items},
                       first.state([file], with_bytes=True))
    assert composed(later, file, digest(b"[A,B]")) == b"[A,Z]" and made == ["a"]


def test_a_text_edit_that_leaves_the_annotations_as_they_were_keeps_their_file(site, tmp_path, monkeypatch):
    """After a sentence is added at the end of an article's text, no data
    file is composed again: the annotations' pieces of that article are made
    again, with the bytes they had, and the file is kept without its stored
    pieces being read (the render workers are forked: a file records each
    reading). The article's last quote is far enough from the end of its
    text that the text quoted around it stays the same."""
    out = tmp_path / "cached"
    cached(site, out)
    annotations = (out / "data/annotations.jsonld").read_bytes()
    readings = tmp_path / "readings"
    reading = PieceStore._read_stored

    def recorded(self, file_path, current):
        with readings.open("a") as record:
            record.write(file_path + "\n")
        return reading(self, file_path, current)

    def recorded_piece(self, item, key, checksum):
        with readings.open("a") as record:
            record.write(item + "\n")
        return reading_piece(self, item, key, checksum)

    reading_piece = StoredRows.read
    monkeypatch.setattr(PieceStore, "_read_stored", recorded)
    monkeypatch.setattr(StoredRows, "read", recorded_piece)
    article = sorted((site / "content" / "articles").glob("*.md"))[2]
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more sentence at the end.\n", encoding="utf-8")
    assert differing(clean(site, tmp_path / "clean"), cached(site, out)) == []
    assert (out / "data/annotations.jsonld").read_bytes() == annotations  # the precondition
    assert not readings.exists()


def test_a_composed_files_manifest_entry_has_the_digest_of_its_bytes(site, tmp_path):
    """The digest a composed file is recorded with (the pieces' own, passed
    to the sink rather than worked out again) is that of the bytes written:
    in a build's record, and in serve's site after an edit."""
    from generator.engine.cache import BuildCache
    from generator.engine.lastbuild import LastBuild

    out = tmp_path / "out"
    assert build(site, out, base_url=BASE_URL, search=False).ok
    composed = ["data/annotations.jsonld", "data/claims.json", "data/mentions.csv", "data/matrix.csv"]
    manifest = LastBuild.load(BuildCache(site), out).manifest
    assert {path: manifest[path].digest for path in composed} == {
        path: digest((out / path).read_bytes()) for path in composed}
    served = IncrementalBuilder(site, base_url=BASE_URL)
    assert served.rebuild().ok
    edit_outlet(site, 1)
    assert served.rebuild().ok
    assert {path: served._manifest[path].digest for path in composed} == {
        path: digest(served.outputs[path]) for path in composed}


def test_an_article_added_makes_its_own_run_of_claims_json_again_not_every_later_one(site, monkeypatch):
    """claims.json's article records are pieces of a few articles each,
    cut where an id's hash says (opendata.runs_of), so that an article added
    or removed changes its own run and not the runs after it. Cut every so
    many articles, an article added first in id order made every run again."""
    monkeypatch.setattr(opendata, "ARTICLES_PER_PIECE", 4)
    served = IncrementalBuilder(site, base_url=BASE_URL)
    assert served.rebuild().ok
    made: list[str] = []
    real = opendata.article_record
    monkeypatch.setattr(opendata, "article_record", lambda graph, article: made.append(article.id) or real(graph, article))
    source = sorted((site / "content" / "articles").glob("*.md"))[5]
    front, body = split(source)
    front["title"] = "An article added first"
    join(source.with_name("aaa-added.md"), front, body)
    assert served.rebuild().ok
    runs = opendata.runs_of(sorted(served.content.articles.values(), key=lambda a: a.id), 4)
    assert len(runs) > 3 and "aaa-added" in made
    assert sorted(made) == sorted(article.id for article in runs[0])



def test_a_files_layout_is_kept_when_the_pieces_of_items_gone_are_forgotten(tmp_path):
    """The order of a file's parts is stored with its pieces, for a build
    that has only some of them (``PieceStore.recompose``); forgetting the
    pieces of items gone from the file (once they outnumber the others) keeps it."""
    def file_of(names: list[str]) -> DataFile:
        return DataFile("f", EVERYTHING, lambda: b"", parts=lambda: [
            part for name in names for part in (b",", Piece(f"f#{name}", frozenset(), lambda name=name: name.encode()))])

    def store() -> PieceStore:
        return PieceStore(lambda items: {item.path: "k" for item in items}, {}, tmp_path)

    assert composed(store(), file_of([f"a{n}" for n in range(9)])) == b"," + b",".join(f"a{n}".encode() for n in range(9))
    assert composed(store(), file_of(["b"])) == b",b"  # 9 pieces gone, 1 left: those gone are forgotten
    stored = store()._index("f")
    assert not any(item.startswith("f#a") for item in stored)
    assert stored[LAYOUT][0] == stored[SIGNATURE][0]


def many_pieces(count: int, size: int, made: list[str] | None = None) -> DataFile:
    """A data file of ``count`` pieces of ``size`` bytes each, between brackets."""
    def piece(n: int) -> Piece:
        def produce() -> bytes:
            if made is not None:
                made.append(str(n))
            return bytes([65 + n % 26]) * size
        return Piece(f"f#{n}", frozenset(), produce)

    return DataFile("data/f.json", EVERYTHING, lambda: b"",
                    parts=lambda: [b"[", *(part for n in range(count) for part in (piece(n), b",")), b"]"])


def test_a_composed_file_is_written_as_it_is_made_never_held_whole(tmp_path):
    """A data file made of pieces goes to the staged site piece by piece:
    neither it nor all its pieces are held at once. At 100,000 articles
    annotations.jsonld is 680 MB, and joining it in memory, beside its
    pieces, took one render worker from 2.75 to 3.6 GB."""
    import tracemalloc

    from generator.engine.write import StagedSite

    file = many_pieces(200, 100_000)  # 20 MB
    store = PieceStore(lambda items: {item.path: "k" for item in items}, {}, tmp_path / "cache")
    staged = StagedSite(tmp_path / "public")
    tracemalloc.start()
    try:
        entry, written = staged.put_stream(file.path, store.compose(file))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    staged.commit()
    expected = b"".join(part if isinstance(part, bytes) else part.produce() for part in file.parts())
    assert (tmp_path / "public" / file.path).read_bytes() == expected
    assert written and entry.digest == digest(expected) and entry.size == len(expected)
    assert peak < 10 * 100_000, f"{peak:,} bytes held at once"
    # and the pieces were stored, for the next build: none is made again
    made: list[str] = []
    again = PieceStore(lambda items: {item.path: "k" for item in items}, {}, tmp_path / "cache")
    assert composed(again, many_pieces(200, 100_000, made)) == expected and made == []
    # A build whose file is composed from the cache (here: one piece's key
    # changed, and the live file is not the one the stored signature names)
    # reads the stored pieces as the file is written, not all of them first.
    keys = {"f#7": "k2"}
    edited = PieceStore(lambda items: {item.path: keys.get(item.path, "k") for item in items}, {}, tmp_path / "cache")
    staged = StagedSite(tmp_path / "public", {file.path: entry})
    tracemalloc.start()
    try:
        composition = edited.compose(many_pieces(200, 100_000, made), "another file")
        entry, written = staged.put_stream(file.path, composition)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    staged.abandon()
    assert made == ["7"] and not written  # the same bytes: linked
    assert peak < 10 * 100_000, f"{peak:,} bytes held at once"


def test_a_file_whose_signature_changed_is_written_without_reading_the_live_one(tmp_path, monkeypatch):
    """When the pieces made again change the file's signature, its bytes
    are not the live file's: they are written as they come, without the live
    file being read to compare them (680 MB at 100,000 articles). When the
    check cannot be made (no signature stored), they are compared."""
    from generator.engine import streamed
    from generator.engine.write import StagedSite

    out, cache = tmp_path / "public", tmp_path / "cache"
    size = {"f#3": 1_000}
    keys = {"f#3": "k"}

    def file() -> DataFile:
        return DataFile("data/f.json", EVERYTHING, lambda: b"", parts=lambda: [
            b"[", *(Piece(f"f#{n}", frozenset(), lambda n=n: b"a" * size.get(f"f#{n}", 100)) for n in range(20)), b"]"])

    def store() -> PieceStore:
        return PieceStore(lambda items: {item.path: keys.get(item.path, "k") for item in items}, {}, cache)

    first = StagedSite(out)
    entry, _ = first.put_stream("data/f.json", store().compose(file()))
    first.commit()
    reads = []
    monkeypatch.setattr(streamed, "live_file", lambda path, recorded, real=streamed.live_file: (
        reads.append(recorded), real(path, recorded))[1])
    monkeypatch.setattr("generator.engine.write.live_file", streamed.live_file)
    keys["f#3"], size["f#3"] = "k2", 2_000
    composition = store().compose(file(), entry.digest)
    assert composition.compare is False
    again = StagedSite(out, {"data/f.json": entry})
    written_entry, written = again.put_stream("data/f.json", composition)
    again.abandon()
    assert written and reads == [None]  # no live file handed over to compare with
    # with no signature stored (a build without the cache): compared
    no_cache = PieceStore(lambda items: {item.path: "k" for item in items}, {}, None)
    assert no_cache.compose(file(), entry.digest).compare is True


def test_a_cache_that_cannot_be_written_still_gives_the_pieces_it_has(tmp_path, monkeypatch):
    """A failed write (a read-only cache, a full disk, a lock held too long)
    ends the storing, not the reading: the other pieces are still taken from
    the cache, not made again."""
    from generator.engine import piecerows

    keys = {}

    def store() -> PieceStore:
        return PieceStore(lambda items: {item.path: keys.get(item.path, "k") for item in items}, {}, tmp_path)

    expected = composed(store(), many_pieces(20, 100))
    real_open = piecerows.open_pieces_database

    def read_only(path):
        db = real_open(path)
        db.execute("PRAGMA query_only = ON")  # every write fails, as in a read-only database
        return db

    monkeypatch.setattr(piecerows, "open_pieces_database", read_only)
    keys["f#3"] = "k2"
    made: list[str] = []
    assert composed(store(), many_pieces(20, 100, made), "another file") == expected
    assert made == ["3"]


def test_the_pieces_database_can_be_read_while_a_file_is_composed(tmp_path, monkeypatch):
    """The pieces made are committed as they are written, a few megabytes at
    a time: another build reading the same cache (serve beside a build)
    waits for one batch at most, not for the whole file."""
    from generator.engine import piecerows

    monkeypatch.setattr(piecerows, "COMMIT_BYTES", 1_000_000)
    store = PieceStore(lambda items: {item.path: "k" for item in items}, {}, tmp_path / "cache")
    database = tmp_path / "cache" / PIECES_DIR / "data--f.json.sqlite"
    for number, _ in enumerate(store.compose(many_pieces(200, 100_000))):
        if number and number % 40 == 0:  # every 20 pieces, 2 MB: after a commit
            with sqlite3.connect(database, timeout=0) as reader:
                assert reader.execute("SELECT COUNT(*) FROM pieces").fetchone()[0] >= 10


def test_a_file_with_many_pieces_made_again_the_same_is_linked_not_written(tmp_path, monkeypatch):
    """Past ``CHECK_BYTES`` of pieces made again (a new version of the
    generator changes every key), the file is written as it is made rather
    than checked first; if its bytes are the live file's, the live file is
    linked into the staged site as for any page with the same bytes, and the
    file written is removed."""
    from generator.engine import pieces as pieces_module
    from generator.engine import streamed
    from generator.engine.write import StagedSite

    out, cache = tmp_path / "public", tmp_path / "cache"
    keys = {"version": "1"}

    def store() -> PieceStore:
        return PieceStore(lambda items: {item.path: keys["version"] + item.path for item in items}, {}, cache)

    first = StagedSite(out)
    entry, _ = first.put_stream("data/f.json", store().compose(many_pieces(50, 1_000)))
    first.commit()
    live = (out / "data/f.json").stat()
    monkeypatch.setattr(pieces_module, "CHECK_BYTES", 5_000)
    keys["version"] = "2"
    made: list[str] = []
    composition = store().compose(many_pieces(50, 1_000, made), entry.digest)
    assert composition is not None and len(made) == 6  # made until past 5,000 bytes, then as the file is read
    again = StagedSite(out, {"data/f.json": entry})
    opened = []
    real_open = open
    monkeypatch.setattr(streamed, "open", lambda path, mode="r", *rest: (opened.append(mode), real_open(path, mode, *rest))[1],
                        raising=False)
    assert again.put_stream("data/f.json", composition) == (entry, False)
    assert len(made) == 50
    assert "wb" not in opened  # compared with the live file as made: read, not written
    again.commit()
    assert (out / "data/f.json").stat().st_ino == live.st_ino
    assert [path.name for path in (out / "data").iterdir()] == ["f.json"]  # nothing partial left
    # with CHECK_BYTES not reached, the same: a file made again the same is kept
    keys["version"] = "3"
    monkeypatch.undo()
    assert composed(store(), many_pieces(50, 1_000), entry.digest) is None
