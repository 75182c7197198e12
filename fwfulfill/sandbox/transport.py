"""The sandbox in process: an httpx transport that calls SandboxApp.handle with no socket, and turns
faults into the exceptions httpx raises over a real socket in the same situation."""

from __future__ import annotations

from urllib.parse import parse_qsl

import httpx

from fwfulfill.sandbox.app import SandboxApp
from fwfulfill.sandbox.messages import Fault, Headers, SandboxRequest

# The base URL for an httpx.Client on this transport; `.invalid` never resolves, so a request that
# misses the transport fails instead of reaching some real host.
IN_PROCESS_BASE_URL = "http://sandbox.fwfulfill.invalid"


class InProcessTransport(httpx.BaseTransport):
    """Thread-safe: it keeps no state of its own, and the app locks what it changes."""

    def __init__(self, app: SandboxApp) -> None:
        self.app = app

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        answer = self.app.handle(
            SandboxRequest(
                method=request.method,
                path=request.url.path,
                query=tuple(parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True)),
                headers=Headers(request.headers.items()),
                body=request.read(),
            )
        )
        if answer.fault is Fault.RESET:
            raise httpx.ReadError("[Errno 104] Connection reset by peer", request=request)
        if answer.fault is Fault.DROP_AFTER_COMMIT:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        if answer.fault is Fault.STALL_AFTER_COMMIT:
            # What the client sees after its read timeout; nobody needs to wait for it here.
            raise httpx.ReadTimeout("timed out", request=request)
        return httpx.Response(
            answer.status, headers=list(answer.headers), content=answer.body, request=request
        )
