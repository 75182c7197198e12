"""The sandbox over real HTTP on loopback (stdlib ThreadingHTTPServer, HTTP/1.1 keep-alive), with
the faults done for real: a reset sends RST, a drop closes without answering, a stall hangs
first."""

from __future__ import annotations

import socket
import socketserver
import struct
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from fwfulfill.api.urls import is_loopback
from fwfulfill.sandbox.app import SandboxApp
from fwfulfill.sandbox.messages import Fault, Headers, SandboxRequest, SandboxResponse

DEFAULT_PORT = 8787
_IDLE_TIMEOUT = 60.0  # seconds a kept-alive connection may sit idle


class SandboxServer:
    """`with SandboxServer(app) as server: httpx.get(server.url + ...)`, or `serve_forever()`."""

    def __init__(
        self,
        app: SandboxApp,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        allow_remote: bool = False,
        log_requests: bool = False,
    ) -> None:
        if not is_loopback(host) and not allow_remote:
            raise ValueError(
                f"refusing to serve the sandbox on {host}, which is not a loopback address "
                "(allow it explicitly to expose the sandbox's credentials to the network)"
            )
        self.app = app
        self.stopping = threading.Event()  # ends stalled answers when the server stops
        self.log_requests = log_requests
        self._httpd = _HTTPServer(self, (host.strip("[]"), port))
        self._thread: threading.Thread | None = None
        self._serving = False

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def serve_forever(self, poll_interval: float = 0.2) -> None:
        """Serve until `stop()` (from another thread) or KeyboardInterrupt, then close."""
        self._serving = True
        try:
            self._httpd.serve_forever(poll_interval=poll_interval)
        finally:
            self.stopping.set()
            self._httpd.server_close()

    def start(self) -> SandboxServer:
        """Serve from a background thread (short polls, so `stop()` is quick)."""
        self._serving = True  # now, so a `stop()` right after `start()` cannot miss the loop
        self._thread = threading.Thread(target=self.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._serving:
            self._httpd.shutdown()  # only once serving: it waits for the loop to end
            self._serving = False
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # a stalled or idle connection never holds up the exit

    def __init__(self, sandbox: SandboxServer, address: tuple[str, int]) -> None:
        self.sandbox = sandbox
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-answer (killed, timed out) is normal here, not worth a
        # traceback on the console; anything else is still reported.
        kind = sys.exc_info()[0]
        if kind is not None and issubclass(kind, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host up in DNS (getfqdn), which can take seconds.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fwfulfill-sandbox"
    timeout = _IDLE_TIMEOUT
    # Send small answers at once: Nagle's algorithm meeting the client's delayed ACK costs 40 ms.
    disable_nagle_algorithm = True
    server: _HTTPServer

    def _dispatch(self) -> None:
        target = urlsplit(self.path)
        length = self._content_length()
        if length is None:
            return
        request = SandboxRequest(
            method=self.command,
            path=unquote(target.path),
            query=tuple(parse_qsl(target.query, keep_blank_values=True)),
            headers=Headers(self.headers.items()),
            body=self.rfile.read(length) if length > 0 else b"",
        )
        response = self.server.sandbox.app.handle(request)
        if response.fault is Fault.RESET:
            self._reset()
            return
        if response.fault is Fault.STALL_AFTER_COMMIT:
            self.server.sandbox.stopping.wait(self.server.sandbox.app.settings.stall_seconds)
        if response.fault is not None:
            self.close_connection = True  # closed without a word: the client cannot know
            return
        self._send(response)

    def _content_length(self) -> int | None:
        """The body's length; None (after an error answer) for a body it cannot delimit."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            self._send(SandboxResponse.text(411, "Length Required"))
            return None
        try:
            return max(0, int(self.headers.get("Content-Length") or 0))
        except ValueError:
            self.close_connection = True
            self._send(SandboxResponse.text(400, "Bad Content-Length"))
            return None

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch

    def _send(self, response: SandboxResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _reset(self) -> None:
        """Close with SO_LINGER 0, so the kernel sends RST instead of FIN."""
        # struct linger is two ints on POSIX, two unsigned shorts on Windows.
        linger = struct.pack("HH" if sys.platform == "win32" else "ii", 1, 0)
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        self.close_connection = True
        self.rfile.close()  # the socket's last reference besides the request itself
        self.connection.close()

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.sandbox.log_requests:
            sys.stderr.write(f"sandbox: {self.address_string()} {format % args}\n")
