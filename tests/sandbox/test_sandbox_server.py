"""The loopback server itself: loopback only unless allowed, HTTP/1.1 keep-alive, quiet logs, a
clean stop, and bodies it cannot delimit."""

from __future__ import annotations

import socket
import threading

import httpx
import pytest

from fwfulfill.api.urls import is_loopback
from fwfulfill.sandbox import SandboxServer

from .shop import API, BASIC, make_app, order, seed

SEED = seed(order("SRV00001", "CONFIRMED", ("TEE", 1)))


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("127.8.0.1", True),
        ("0.0.0.0", False),
        ("192.0.2.10", False),
        ("example.com", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10"])
def test_a_non_loopback_host_needs_permission(host: str) -> None:
    with pytest.raises(ValueError, match=f"refusing to serve the sandbox on {host}"):
        SandboxServer(make_app(SEED), host=host)


def test_any_host_when_allowed() -> None:
    with SandboxServer(make_app(SEED), host="0.0.0.0", allow_remote=True) as server:
        assert server.url == f"http://0.0.0.0:{server.port}"
        port = server.port
        assert (
            httpx.get(f"http://127.0.0.1:{port}{API}/shops/current", auth=BASIC).status_code == 200
        )


def test_ipv6_loopback() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 here")
    try:
        server = SandboxServer(make_app(SEED), host="::1").start()
    except OSError as exc:
        pytest.skip(f"cannot bind ::1: {exc}")
    try:
        assert server.url.startswith("http://[::1]:")
        assert httpx.get(f"{server.url}{API}/shops/current", auth=BASIC).status_code == 200
    finally:
        server.stop()


def test_keep_alive_serves_many_requests_on_one_connection() -> None:
    with (
        SandboxServer(make_app(SEED)) as server,
        httpx.Client(base_url=server.url, auth=BASIC) as client,
    ):
        responses = [client.get(f"{API}/shops/current") for _ in range(5)]
        assert {r.http_version for r in responses} == {"HTTP/1.1"}
        assert all("close" not in r.headers.get("Connection", "") for r in responses)
        stats = client.get("/_sandbox/stats").json()
        assert stats["requests"] == {"GET /open-api/v1.0/shops/current": 5}


def test_requests_are_not_logged_unless_asked(capfd: pytest.CaptureFixture[str]) -> None:
    with SandboxServer(make_app(SEED)) as server:
        httpx.get(f"{server.url}{API}/shops/current", auth=BASIC)
    assert capfd.readouterr().err == ""
    with SandboxServer(make_app(SEED), log_requests=True) as server:
        httpx.get(f"{server.url}{API}/shops/current", auth=BASIC)
    assert "GET /open-api/v1.0/shops/current" in capfd.readouterr().err


def test_serve_forever_stops_cleanly() -> None:
    server = SandboxServer(make_app(SEED))
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    assert httpx.get(f"{server.url}{API}/shops/current", auth=BASIC).status_code == 200
    server.stop()
    thread.join(timeout=5)
    assert not thread.is_alive()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.url}{API}/shops/current", auth=BASIC)


def test_a_chunked_body_is_refused() -> None:
    def chunks() -> object:
        yield b'{"orderId": '
        yield b"1}"

    with SandboxServer(make_app(SEED)) as server:
        response = httpx.post(f"{server.url}{API}/fulfillments", content=chunks(), auth=BASIC)
    assert response.status_code == 411


def test_the_package_exports_load_on_first_use() -> None:
    import fwfulfill.sandbox as package

    assert sorted(package.__all__) == sorted(package._EXPORTS)
    for name in package.__all__:
        value = getattr(package, name)
        assert name.isupper() or value.__module__ == f"fwfulfill.sandbox.{package._EXPORTS[name]}"
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = package.nothing
