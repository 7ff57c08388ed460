"""A file written as its bytes are made, compared with the live one's as they
come (``engine/streamed.py``): written only from the first byte that differs,
and then whole; not written at all when every byte is the live file's."""

from __future__ import annotations

import io

import pytest

from generator.engine import streamed
from generator.engine.streamed import write_unless_same

LIVE = b"[" + b"a" * 3000 + b"," + b"b" * 3000 + b"]"


def chunked(data: bytes, size: int) -> list[bytes]:
    return [data[start:start + size] for start in range(0, len(data), size)]


@pytest.mark.parametrize("new", [
    LIVE[:1500] + b"X" + LIVE[1501:],  # differs in the middle of a chunk
    LIVE[:3001] + b"Z" * 10,  # shorter
    LIVE[:-1],  # one byte short
    LIVE + b"more",  # longer
    b"",  # empty
    b"X" + LIVE[1:],  # differs at once
], ids=["middle", "shorter", "one-short", "longer", "empty", "first-byte"])
@pytest.mark.parametrize("size", [1, 700, 100_000])
def test_bytes_that_differ_from_the_live_files_are_written_whole(tmp_path, new, size):
    partial = tmp_path / "f.partial"
    assert write_unless_same(chunked(new, size), io.BytesIO(LIVE), str(partial)) is False
    assert partial.read_bytes() == new


@pytest.mark.parametrize("size", [1, 700, 100_000])
def test_the_live_files_bytes_are_not_written(tmp_path, monkeypatch, size):
    written = []
    real_open = open

    def recorded(path, mode="r", *args, **kwargs):
        if "w" in mode:
            written.append(path)
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(streamed, "open", recorded, raising=False)
    partial = tmp_path / "f.partial"
    assert write_unless_same(chunked(LIVE, size), io.BytesIO(LIVE), str(partial)) is True
    assert written == [] and not partial.exists()


def test_without_a_live_file_the_bytes_are_written(tmp_path):
    partial = tmp_path / "f.partial"
    assert write_unless_same(chunked(LIVE, 700), None, str(partial)) is False
    assert partial.read_bytes() == LIVE


def test_a_live_file_changed_between_its_comparison_and_its_copy_is_an_error(tmp_path):
    """The live bytes found the same are copied from the live file once a
    chunk differs: a live file changed by hand in between would otherwise be
    recorded with the digest of the bytes the build made."""
    live = io.BytesIO(LIVE)

    def chunks():
        yield LIVE[:1000]
        live.getbuffer()[10:20] = b"0123456789"  # changed in place, the same size
        yield b"X" * 10

    with pytest.raises(OSError, match="changed while this build read it"):
        write_unless_same(chunks(), live, str(tmp_path / "f.partial"))
