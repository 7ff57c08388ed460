"""factcheck serve as an HTTP server under hostile and clumsy clients (issue 11, items 9-13):
foreign Host names and Origins, HEAD, many connections at once, idle and slow
clients, clients that leave early.

Limits are shortened for the tests through the classes' attributes
(``PreviewHandler.timeout``, ``PreviewHTTPServer.max_handlers``, ...).
"""

from __future__ import annotations

import http.client
import socket
import struct
import threading
import time
import urllib.request

import pytest

from generator.preview.hosts import HostPolicy, split_authority
from generator.preview.httpserver import PreviewHandler, PreviewHTTPServer
from generator.preview.responses import LIVE_RELOAD_PATH
from test_serve import eventually, get, server, site, start  # noqa: F401 (server and site are fixtures)

PAGE = "/claims/bridge-cost/"
PROTECTED = (PAGE, "/data/claims.json", "/data/mentions.csv", LIVE_RELOAD_PATH)

def port_of(server) -> int:
    return server.http.server_address[1]


def request(server, path: str, method: str = "GET", headers: dict | None = None):
    """(status, headers, body) of one request, with the Host and Origin headers given."""
    connection = http.client.HTTPConnection("127.0.0.1", port_of(server), timeout=30)
    try:
        connection.putrequest(method, path, skip_host="Host" in (headers or {}))
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        body = b"" if path == LIVE_RELOAD_PATH and response.status == 200 else response.read()
        return response.status, dict(response.getheaders()), body
    finally:
        connection.close()


# --- 9. only this preview's own Host, no foreign Origin -----------------------------------------


@pytest.mark.parametrize("path", PROTECTED)
def test_a_foreign_host_is_refused_with_the_host_expected(server, path):
    port = port_of(server)
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1:{port + 1}", f"localhost.evil.example:{port}", ""):
        status, headers, body = request(server, path, headers={"Host": host})
        assert status == 421, (host, status)
        assert f"127.0.0.1:{port}" in body.decode() and "DNS rebinding" in body.decode()
        assert not any(name.lower().startswith("access-control-") for name in headers)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LocalHost", "[::1]"])
def test_the_loopback_names_with_the_port_are_answered(server, host):
    status, _, body = request(server, PAGE, headers={"Host": f"{host}:{port_of(server)}"})
    assert status == 200 and b"The bridge cost more than planned." in body


@pytest.mark.parametrize("path", PROTECTED)
def test_a_foreign_origin_is_refused(server, path):
    port = port_of(server)
    for origin in ("http://evil.example", f"http://evil.example:{port}", "null", f"https://127.0.0.1:{port}",
                   f"http://127.0.0.1:{port + 1}"):
        status, headers, body = request(server, path, headers={"Host": f"127.0.0.1:{port}", "Origin": origin})
        assert status == 403, (origin, status)
        assert origin in body.decode()
        assert not any(name.lower().startswith("access-control-") for name in headers)


def test_the_own_origin_is_answered_without_cors_headers(server):
    port = port_of(server)
    for origin in (f"http://127.0.0.1:{port}", f"http://localhost:{port}"):
        headers = {"Host": f"127.0.0.1:{port}", "Origin": origin}
        status, headers, _ = request(server, "/data/claims.json", headers=headers)
        assert status == 200
        assert not any(name.lower().startswith("access-control-") for name in headers)


def test_bound_to_one_address_only_that_address_is_accepted():
    policy = HostPolicy.for_binding("192.168.1.20", "192.168.1.20", 8000)
    assert policy.accepts_host("192.168.1.20:8000")
    assert not policy.accepts_host("localhost:8000")  # not bound to loopback: localhost is another machine's view
    assert not policy.accepts_host("192.168.1.21:8000")
    assert not policy.accepts_host("192.168.1.20:8001")
    assert policy.accepts_origin(None) and policy.accepts_origin("http://192.168.1.20:8000")
    assert not policy.accepts_origin("http://192.168.1.20:8000/path") and not policy.accepts_origin("null")


def test_bound_to_a_name_that_name_and_its_address_are_accepted():
    policy = HostPolicy.for_binding("preview.lan", "10.0.0.5", 8000)
    assert policy.accepts_host("preview.lan:8000") and policy.accepts_host("10.0.0.5:8000")
    assert not policy.accepts_host("other.lan:8000")


def test_bound_to_every_address_ip_literals_and_the_machine_name_are_accepted():
    policy = HostPolicy.for_binding("0.0.0.0", "0.0.0.0", 8000)
    assert all(policy.accepts_host(f"{host}:8000") for host in (
        "192.168.1.20", "10.1.2.3", "[fe80::1]", "localhost", "127.0.0.1", "[::1]", socket.gethostname()))
    assert not policy.accepts_host("evil.example:8000")  # a rebinding attack needs a name: refused
    assert not policy.accepts_host("192.168.1.20:8001")
    assert not policy.accepts_host("0.0.0.0.evil.example:8000")


def test_host_headers_are_parsed_strictly():
    assert split_authority("Example.ORG:8000") == ("example.org", 8000)
    assert split_authority("[::1]:8000") == ("::1", 8000)
    assert split_authority("localhost") == ("localhost", 80)
    for bad in ("::1:8000", "[::1", "[::1]x", "host:port", "host:8000:1", ":8000", "host:٨٠٠٠", "host:" + "1" * 5000):
        assert split_authority(bad) is None, bad


# --- 10. HEAD is GET without the body -------------------------------------------------------------


@pytest.mark.parametrize("path", [PAGE, "/claims", "/no/such/page/", "/data/claims.json", "/style.css"])
def test_head_answers_as_get_without_a_body(server, path):
    get_status, get_headers, get_body = request(server, path)
    head_status, head_headers, head_body = request(server, path, method="HEAD")
    assert head_status == get_status != 501
    get_headers.pop("Date"), head_headers.pop("Date")
    assert head_headers == get_headers
    assert int(head_headers["Content-Length"]) == len(get_body)
    assert head_body == b""


def test_a_head_then_a_get_on_one_connection(server):
    """No body after HEAD: the next response on the same connection starts right after its headers."""
    with socket.create_connection(("127.0.0.1", port_of(server)), timeout=30) as client:
        host = f"Host: 127.0.0.1:{port_of(server)}\r\n"
        client.sendall(f"HEAD {PAGE} HTTP/1.1\r\n{host}\r\n".encode()
                       + f"GET /no/such/ HTTP/1.1\r\n{host}Connection: close\r\n\r\n".encode())
        received = b""
        while chunk := client.recv(65536):
            received += chunk
    head, rest = received.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 200 ")
    assert rest.startswith(b"HTTP/1.1 404 ")


# --- 11. many connections at once -------------------------------------------------------------------


def test_200_simultaneous_requests_all_complete(server):
    """The standard library's listen queue of 5 left 40 of these 200 timed out at 20 s."""
    count, results = 200, []
    barrier = threading.Barrier(count)

    def fetch() -> None:
        barrier.wait()
        try:
            with urllib.request.urlopen(server.url + PAGE.lstrip("/"), timeout=30) as response:
                results.append(response.status)
        except OSError as problem:
            results.append(repr(problem))

    threads = [threading.Thread(target=fetch) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * count, [result for result in results if result != 200][:5]


# --- 12. idle and slow clients, open tabs ------------------------------------------------------------


@pytest.fixture
def limits(monkeypatch):
    """Small limits, so that tests reach them quickly."""
    def apply(timeout: float = 0.5, handlers: int = 6, streams: int = 3) -> None:
        monkeypatch.setattr(PreviewHandler, "timeout", timeout)
        monkeypatch.setattr(PreviewHTTPServer, "max_handlers", handlers)
        monkeypatch.setattr(PreviewHTTPServer, "max_streams", streams)
    return apply


def read_response(client: socket.socket) -> bytes:
    """One response with a Content-Length, read off a raw socket."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += client.recv(65536)
    head, body = data.split(b"\r\n\r\n", 1)
    fields = dict(line.split(b":", 1) for line in head.split(b"\r\n")[1:])
    length = int({name.lower(): value for name, value in fields.items()}[b"content-length"])
    while len(body) < length:
        body += client.recv(65536)
    return head


def test_an_idle_keep_alive_connection_is_closed_after_the_timeout(site, limits):
    limits(timeout=0.5)
    server = start(site)
    try:
        with socket.create_connection(("127.0.0.1", port_of(server)), timeout=20) as client:
            client.sendall(f"GET {PAGE} HTTP/1.1\r\nHost: 127.0.0.1:{port_of(server)}\r\n\r\n".encode())
            assert read_response(client).startswith(b"HTTP/1.1 200 ")
            idle_since = time.monotonic()
            try:
                closed = client.recv(1) == b""
            except socket.timeout:
                closed = False
            assert closed, "the idle connection was still open after 20 s"
            assert 0.4 <= time.monotonic() - idle_since < 15
    finally:
        server.stop()


def handler_threads() -> int:
    return sum(1 for thread in threading.enumerate() if "process_request_thread" in thread.name)


def test_slow_clients_take_no_more_threads_than_the_bound_and_a_request_still_completes(site, limits):
    limits(timeout=1.5, handlers=6)
    server = start(site)
    slow, before = [], handler_threads()
    try:
        for _ in range(30):  # each sends half a request line, then nothing
            client = socket.create_connection(("127.0.0.1", port_of(server)), timeout=30)
            client.sendall(b"GET / HT")
            slow.append(client)
        most = 0
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            most = max(most, handler_threads())
            time.sleep(0.01)
        assert 0 < most - before <= 6, (most, before)
        started = time.monotonic()
        status, _ = get(server, PAGE)  # waits in the listen queue until slow clients time out
        assert status == 200
        assert time.monotonic() - started < 25
    finally:
        for client in slow:
            client.close()
        server.stop()


def open_stream(server) -> http.client.HTTPResponse:
    """A live-reload stream, as an open tab holds it (until the response is closed)."""
    connection = http.client.HTTPConnection("127.0.0.1", port_of(server), timeout=10)
    connection.request("GET", LIVE_RELOAD_PATH)
    return connection.getresponse()


def stream_opens(server) -> bool:
    with open_stream(server) as response:
        return response.status == 200


def test_open_tabs_cannot_starve_page_requests(site, limits):
    limits(timeout=30, handlers=6, streams=3)
    server = start(site)
    tabs = []
    try:
        for _ in range(6):  # as many tabs as handler threads
            tabs.append(open_stream(server))
        assert [tab.status for tab in tabs] == [200] * 3 + [503] * 3
        started = time.monotonic()
        assert get(server, PAGE)[0] == 200
        assert time.monotonic() - started < 5
        tabs[0].close()  # a tab closes: its stream is free again within a couple of seconds
        eventually(lambda: stream_opens(server), timeout=10, interval=0.5)
    finally:
        for tab in tabs:
            tab.close()
        server.stop()


# --- 13. clients that leave early ------------------------------------------------------------------


def test_clients_that_leave_early_print_no_traceback(server, capfd):
    port = port_of(server)
    for index in range(150):
        client = socket.create_connection(("127.0.0.1", port), timeout=10)
        path = LIVE_RELOAD_PATH if index % 5 == 0 else "/pagefind/pagefind-ui.js"
        client.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        # Close with a reset (no lingering), as a browser does when a tab is closed mid-download.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()
    with server.state:
        server.version += 1  # streams write, to a closed connection
        server.state.notify_all()
    assert get(server, PAGE)[0] == 200
    time.sleep(1.0)  # let every handler finish writing to its closed connection
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err and "Exception" not in captured.err, captured.err[:2000]
    assert not [line for line in server.logs if "internal error" in line], server.logs


@pytest.mark.parametrize("header", ["Host", "Origin"])
def test_a_port_of_thousands_of_digits_is_refused_not_a_crash(server, capfd, header):
    """int() refuses a numeral of more than 4,300 digits; a header line may be 64 KB."""
    port = port_of(server)
    value = f"127.0.0.1:{'1' * 5000}" if header == "Host" else f"http://127.0.0.1:{'1' * 5000}"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        host = value if header == "Host" else f"127.0.0.1:{port}"
        origin = f"\r\nOrigin: {value}" if header == "Origin" else ""
        client.sendall(f"GET {PAGE} HTTP/1.1\r\nHost: {host}{origin}\r\n\r\n".encode())
        status_line = client.makefile("rb").readline()
        assert status_line.startswith(b"HTTP/1.") and status_line.split()[1] in (b"400", b"403", b"421"), status_line
    assert not [line for line in server.logs if "internal error" in line], server.logs
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_request_target_python_cannot_split_is_a_bad_request(server, capfd, method):
    """An absolute-form target with a broken IPv6 host ("http://[x/"): urlsplit
    raises on it; the answer is 400, with no traceback."""
    port = port_of(server)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall(f"{method} http://[x/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\n\r\n".encode())
        status_line = client.makefile("rb").readline()  # b"" if the connection is dropped unanswered
        assert status_line.startswith(b"HTTP/1.") and b" 400 " in status_line, status_line
    assert get(server, PAGE)[0] == 200
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err, captured.err[:2000]
