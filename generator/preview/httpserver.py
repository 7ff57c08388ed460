"""The preview's HTTP server: who is answered, how many at once, for how long.

- Only this preview's own Host names, and no foreign Origin (``hosts.py``).
- ``GET`` and ``HEAD`` (the same status and headers, without the body, so
  ``curl -I`` and link checkers work); anything else gets 501.
- At most ``max_handlers`` handler threads. When all are busy, the accept
  loop waits and new connections wait in the listen queue
  (``request_queue_size``; with the standard library's 5, 38 of 200
  simultaneous requests timed out at 20 s, none with 256). Live-reload
  streams hold a thread each for as long as a tab is open, so at most
  ``max_streams`` of them are kept, and page requests always have threads left.
- A connection idle for ``PreviewHandler.timeout`` seconds is closed (a
  keep-alive connection stayed open indefinitely, and 300 clients sending
  half a request line made 308 threads; now 136, and a normal request sent
  meanwhile is answered within 7 s).
- A client that goes away early is nobody's error: no traceback (300 such
  clients printed 316), the terminal keeps one line per rebuild.
"""

from __future__ import annotations

import errno
import selectors
import socket
import socketserver
import sys
import threading
import time
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from ..core.failures import SystemFailure, UsageError
from . import annotating
from .hosts import HostPolicy, authority
from .responses import LIVE_RELOAD_PATH, TEXT, Response

# A client closing its end, or too slow to be waited for: not an error of ours.
DISCONNECTS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)
STREAM_CHECK_SECONDS = 1.0  # how often a live-reload stream looks whether its tab is still there
KEEPALIVE_SECONDS = 15.0  # a comment line on an idle stream, so proxies and browsers keep it open
ACCEPT_POLL_SECONDS = 0.2  # while every handler is busy, how often the accept loop looks for a stop


class PreviewHTTPServer(ThreadingHTTPServer):
    """``ThreadingHTTPServer`` with a bounded number of threads and quiet disconnects.

    ``preview`` is the :class:`~generator.preview.devserver.DevServer` whose
    site is answered; ``policy`` says which Host names and Origins are.
    """

    # Room for 200 simultaneous connections beyond the busy handlers (Linux
    # caps it at net.core.somaxconn: 4096 since 5.4, 128 before).
    request_queue_size = 256
    # Handler threads at most: each request or stream holds one, and a slow
    # client holds one until it times out. (300 clients sending half a request
    # line kept a normal request waiting 38 s with 64 threads and a 10 s timeout.)
    max_handlers = 128
    max_streams = 32  # live-reload streams at most: the other handlers stay free for pages
    daemon_threads = True
    block_on_close = False  # stop() does not wait for clients; streams and waits end on their own

    def __init__(self, address: tuple[str, int], family: socket.AddressFamily, preview) -> None:
        self.address_family = family
        self.preview = preview
        self.handler_slots = threading.BoundedSemaphore(self.max_handlers)
        self.stream_slots = threading.BoundedSemaphore(self.max_streams)
        self.closing = False
        super().__init__(address, PreviewHandler)
        host, port = self.server_address[:2]
        self.policy = HostPolicy.for_binding(address[0], host, port)

    def server_bind(self) -> None:
        # Not HTTPServer.server_bind: it asks DNS for the address's full name
        # (socket.getfqdn), seconds where DNS is slow, for a name never used.
        if self.address_family == socket.AF_INET6:
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)  # "::" takes IPv4 too
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def get_request(self):
        """Accept a connection once a handler thread is free for it."""
        while not self.handler_slots.acquire(timeout=ACCEPT_POLL_SECONDS):
            if self.closing:
                raise OSError("the preview is stopping")  # serve_forever drops it and looks at shutdown
        try:
            return super().get_request()
        except BaseException:
            self.handler_slots.release()
            raise

    def process_request(self, request, client_address) -> None:
        try:
            super().process_request(request, client_address)  # starts the handler thread
        except BaseException:
            self.handler_slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.handler_slots.release()

    def shutdown(self) -> None:
        self.closing = True
        super().shutdown()

    def handle_error(self, request, client_address) -> None:
        problem = sys.exc_info()[1]
        if isinstance(problem, DISCONNECTS) or self.closing:
            return
        self.preview.log("internal error answering a request (a bug in factcheck, please report it):\n"
                         + traceback.format_exc().rstrip())


class PreviewHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Seconds a connection may stay idle, or a client stall, before it is
    # closed (as Apache's KeepAliveTimeout; a browser just opens another).
    timeout = 5.0
    server: PreviewHTTPServer

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.respond(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self.respond(with_body=False)

    def do_POST(self) -> None:  # noqa: N802
        """Only the annotation endpoints take POST (``annotating.py``); elsewhere 501, as before."""
        path = self.target_path()
        if path is not None and not annotating.is_annotation_path(path):  # None: respond() says 400
            return self.send_error(HTTPStatus.NOT_IMPLEMENTED, f"Unsupported method ({self.command!r})")
        self.respond(with_body=True)

    def handle(self) -> None:
        try:
            super().handle()
        except DISCONNECTS:
            self.close_connection = True

    def respond(self, with_body: bool) -> None:
        refusal = self.refusal()
        if refusal is not None:
            self.close_connection = True
            return self.send(refusal, with_body)
        path = self.target_path()
        if path is None:
            self.close_connection = True
            return self.send_error(HTTPStatus.BAD_REQUEST, "Request target not understood")
        if path == LIVE_RELOAD_PATH:
            return self.stream_reloads(with_body)
        if annotating.is_annotation_path(path):
            response = annotating.answer(self.server.preview, self.command, path, self.headers, self.rfile.read)
            if response.status >= 400:
                self.close_connection = True  # a refused body may be left unread
            return self.send(response, with_body)
        self.send(self.server.preview.answer(path), with_body)

    def target_path(self) -> str | None:
        """The request target's path, decoded; None for a target Python cannot
        take apart (an absolute URL with a broken IPv6 host, "http://[x/")."""
        try:
            return unquote(urlsplit(self.path).path)
        except ValueError:
            return None

    def refusal(self) -> Response | None:
        """A response refusing a foreign Host or Origin; None for a request to answer."""
        policy, host, origin = self.server.policy, self.headers.get("Host"), self.headers.get("Origin")
        if not policy.accepts_host(host):
            return Response(HTTPStatus.MISDIRECTED_REQUEST, (
                f"This is factcheck's preview server. It answers requests for {policy.expected()}, "
                f"not for Host {host!r}: open {authority(policy.names[0], policy.port)} instead. "
                "(Other names are refused so that no other site can read this one through DNS rebinding; "
                "to use another name for this machine, start the server with --host NAME.)\n"
            ).encode("utf-8"), TEXT)
        if not policy.accepts_origin(origin):
            return Response(HTTPStatus.FORBIDDEN, (
                f"Refused: this request was sent by a page of {origin!r} (its Origin header). "
                f"Only pages of this preview ({policy.expected()}) may send requests to it.\n"
            ).encode("utf-8"), TEXT)
        return None

    def send(self, response: Response, with_body: bool = True) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(response.body)

    def stream_reloads(self, with_body: bool) -> None:
        """Server-Sent Events: the current version now, and each new one."""
        if not self.server.stream_slots.acquire(blocking=False):
            self.close_connection = True
            return self.send(Response(HTTPStatus.SERVICE_UNAVAILABLE, (
                f"{self.server.max_streams} live-reload streams are open already (one per open preview tab): "
                "this page will not reload itself. Close some preview tabs.\n").encode("utf-8"), TEXT), with_body)
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.close_connection = True
            if with_body:
                self.push_versions()
        finally:
            self.server.stream_slots.release()

    def push_versions(self) -> None:
        preview, sent, last_write = self.server.preview, None, time.monotonic()
        with selectors.DefaultSelector() as client:
            client.register(self.connection, selectors.EVENT_READ)
            while True:
                with preview.state:
                    if preview.version == sent and not preview.stopping:
                        preview.state.wait(STREAM_CHECK_SECONDS)
                    version, stopping = preview.version, preview.stopping
                if stopping or tab_closed(client):
                    return
                if version != sent:
                    self.wfile.write(f"data: {version}\n\n".encode())
                elif time.monotonic() - last_write >= KEEPALIVE_SECONDS:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    continue
                self.wfile.flush()
                sent, last_write = version, time.monotonic()

    def log_message(self, format, *args) -> None:  # noqa: A002 (http.server's naming)
        pass  # one line per rebuild is the server's output, not one per request


def tab_closed(client: selectors.BaseSelector) -> bool:
    """True once the client closed its live-reload stream (a tab closed or reloaded).

    A browser sends nothing on a stream after its request, so a readable
    socket means its end is closed. Noticed here, the stream's thread is
    free within a second, not at the next write (up to 15 s later).
    """
    return bool(client.select(timeout=0))


def bind(host: str, port: int, preview) -> PreviewHTTPServer:
    """The listening server, or one line saying why it cannot listen there.

    A port out of range or a host that is no address of this machine is the
    caller's mistake (``UsageError``); a port in use or refused by the
    system is the machine's (``SystemFailure``).
    """
    if not 0 <= port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535 (0 picks a free port), not {port}")
    family = address_family(host, port)
    try:
        return PreviewHTTPServer((host, port), family, preview)
    except OSError as problem:
        raise bind_failure(host, port, problem) from None


def address_family(host: str, port: int) -> socket.AddressFamily:
    """IPv4 when ``host`` has an IPv4 address (as ``localhost`` has), else IPv6."""
    try:
        found = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as problem:
        reason = getattr(problem, "strerror", None) or str(problem)
        raise UsageError(f"--host {host!r} is not an address or a name this machine can resolve ({reason})") from None
    families = [entry[0] for entry in found]
    return socket.AF_INET if socket.AF_INET in families else families[0]


def bind_failure(host: str, port: int, problem: OSError) -> Exception:
    where = f"{authority(host, port)}"
    if problem.errno == errno.EADDRINUSE:
        return SystemFailure(
            f"cannot listen on {where}: the port is already in use (another factcheck serve?). "
            "Stop the other server, or choose another port (--port 0 picks a free one)."
        )
    if problem.errno == errno.EADDRNOTAVAIL:
        return UsageError(f"--host {host} is not an address of this machine (try --host 127.0.0.1)")
    if problem.errno == errno.EACCES:
        return SystemFailure(
            f"cannot listen on {where}: permission denied (ports below 1024 need administrator rights); "
            "choose another port, such as --port 8000"
        )
    return SystemFailure(f"cannot listen on {where}: {problem.strerror or problem}")
