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


def test_reading_a_large_reply_takes_time_linear_in_its_size():
    small, large = big_reply(8), big_reply(64)

    def seconds_to_read(reply: bytes, megabytes: int, deadline: float = float("inf")) -> float:
        # CPU time of this process: another process busy on the machine (CI
        # runs beside other jobs) does not count against the reader.
        started = time.process_time()
        replies = read_replies(PipeLike(reply, deadline=deadline), 1)
        spent = time.process_time() - started
        assert len(replies[0]["files"][0]["content"]) == megabytes << 20
        return spent

    before = seconds_to_read(small, 8)
    # Linear: eight times the bytes, about eight times the time; the quadratic
    # reader needed about 64 times as long at the very least (it copies all
    # that is pending at each 64 KB read: tens of GB here). The stream stops a
    # reader that slow at a deadline well past the bound.
    deadline = time.monotonic() + 64 * before + 10.0
    # The best of three large reads against the slower of two small ones, one
    # before and one after: a pause of the machine's own (a CI run once took
    # 5.6 s for what takes 1 s) fails neither, a quadratic reader fails all.
    large_seconds = seconds_to_read(large, 64, deadline)
    baseline = max(before, seconds_to_read(small, 8))
    allowed = 20 * baseline + 1.0
    for _ in range(2):
        if large_seconds < allowed:
            break
        large_seconds = min(large_seconds, seconds_to_read(large, 64, time.monotonic() + 64 * before + 10.0))
    assert large_seconds < allowed, f"8 MB in {baseline:.2f} s, 64 MB in {large_seconds:.2f} s"
