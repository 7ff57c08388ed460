"""Reading Pagefind's replies: in order, and in time linear in their size.

At 10,000 articles the last reply (the whole index, base64 inside base64 JSON)
is hundreds of MB. Reading it by re-splitting everything pending at every
read was quadratic: the default build spent minutes in that loop after
Pagefind had finished (issue 11, item 8).
"""

from __future__ import annotations

import base64
import io
import json
import time

import pytest

from generator.engine.search import SearchError, read_replies

PIPE_READ = 1 << 16  # what one read of a pipe gives at most (Linux's default pipe buffer)


def encoded(message_id: int | None, payload: dict) -> bytes:
    message = {"message_id": message_id, "payload": payload} if message_id is not None else {"payload": payload}
    return base64.b64encode(json.dumps(message).encode()) + b","


class PipeLike(io.BytesIO):
    """A stream that, like a pipe, hands out at most 64 KB per read, and gives
    up once ``deadline`` (time.monotonic) has passed, so a slow reader fails
    the test in seconds instead of running for minutes."""

    def __init__(self, data: bytes, deadline: float = float("inf")):
        super().__init__(data)
        self.deadline = deadline

    def read1(self, size: int = -1) -> bytes:
        if time.monotonic() > self.deadline:
            raise TimeoutError("reading the reply took far longer than linear time allows")
        return super().read1(min(size if size > 0 else PIPE_READ, PIPE_READ))


def big_reply(megabytes: int) -> bytes:
    content = base64.b64encode(b"\x00" * (megabytes * 3 << 18)).decode()  # megabytes of base64
    return encoded(1, {"type": "IndexedFiles", "files": [{"path": "pagefind.js", "content": content}]})


def test_replies_come_back_in_message_order_however_the_stream_is_cut():
    stream = encoded(2, {"type": "B"}) + encoded(1, {"type": "A"}) + encoded(3, {"type": "C"})
    for cut in (1, 3, 7, len(stream)):
        class Cut(io.BytesIO):
            def read1(self, size: int = -1) -> bytes:
                return super().read1(cut)
        assert [reply["type"] for reply in read_replies(Cut(stream), 3)] == ["A", "B", "C"]


def test_a_reply_without_an_id_stands_in_for_the_missing_one():
    stream = encoded(1, {"type": "A"}) + encoded(None, {"type": "Error", "message": "bad"})
    assert read_replies(PipeLike(stream), 2)[1] == {"type": "Error", "message": "bad"}


def test_a_stream_that_ends_early_is_an_error():
    with pytest.raises(SearchError, match="stopped before"):
        read_replies(PipeLike(encoded(1, {"type": "A"})), 2)


def test_reading_a_200_mb_reply_takes_time_linear_in_its_size():
    small, large = big_reply(25), big_reply(200)

    def read_small() -> float:
        started = time.monotonic()
        assert len(read_replies(PipeLike(small), 1)[0]["files"][0]["content"]) == 25 << 20
        return time.monotonic() - started

    before = read_small()
    # Linear: eight times the bytes, about eight times the time; the quadratic
    # reader needed about 64 times as long (minutes). The stream stops a
    # reader that slow at a deadline well past the bound.
    started = time.monotonic()
    replies = read_replies(PipeLike(large, deadline=started + 64 * before + 10.0), 1)
    large_seconds = time.monotonic() - started
    assert len(replies[0]["files"][0]["content"]) == 200 << 20
    # The baseline is the slower of two small reads, one before and one after
    # the large one, so a machine that got busier meanwhile (CI runs other
    # tests beside this one) does not pass for a quadratic reader.
    baseline = max(before, read_small())
    allowed = 20 * baseline + 2.0
    assert large_seconds < allowed, f"25 MB in {baseline:.2f} s, 200 MB in {large_seconds:.2f} s"
