"""A faithful local fake of the Fourthwall Open API, for `--sandbox`, the tests and the benchmarks.

One request handler (`SandboxApp.handle`) serves both over real HTTP (`SandboxServer`) and in
process (`InProcessTransport`, an httpx transport). The product does not import this package except
to run it.

The names below are loaded on first use, so `--sandbox` (which needs the store and the transport)
never pays for the HTTP server's imports.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "SandboxApp": "app",
    "Clock": "clock",
    "FakeClock": "clock",
    "SystemClock": "clock",
    "demo_seed": "demo",
    "large_shop_seed": "demo",
    "Fault": "messages",
    "Headers": "messages",
    "SandboxRequest": "messages",
    "SandboxResponse": "messages",
    "Seed": "seed",
    "SeedError": "seed",
    "load_seed": "seed",
    "parse_seed": "seed",
    "DEFAULT_PORT": "server",
    "SandboxServer": "server",
    "SandboxSettings": "settings",
    "Credentials": "state",
    "Fulfillment": "state",
    "SandboxState": "state",
    "ShopInfo": "state",
    "load_state": "store",
    "open_sandbox": "store",
    "read_snapshot": "store",
    "reset_sandbox": "store",
    "IN_PROCESS_BASE_URL": "transport",
    "InProcessTransport": "transport",
}
__all__ = [
    "DEFAULT_PORT",
    "IN_PROCESS_BASE_URL",
    "Clock",
    "Credentials",
    "FakeClock",
    "Fault",
    "Fulfillment",
    "Headers",
    "InProcessTransport",
    "SandboxApp",
    "SandboxRequest",
    "SandboxResponse",
    "SandboxServer",
    "SandboxSettings",
    "SandboxState",
    "Seed",
    "SeedError",
    "ShopInfo",
    "SystemClock",
    "demo_seed",
    "large_shop_seed",
    "load_seed",
    "load_state",
    "open_sandbox",
    "parse_seed",
    "read_snapshot",
    "reset_sandbox",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


if TYPE_CHECKING:
    from fwfulfill.sandbox.app import SandboxApp
    from fwfulfill.sandbox.clock import Clock, FakeClock, SystemClock
    from fwfulfill.sandbox.demo import demo_seed, large_shop_seed
    from fwfulfill.sandbox.messages import Fault, Headers, SandboxRequest, SandboxResponse
    from fwfulfill.sandbox.seed import Seed, SeedError, load_seed, parse_seed
    from fwfulfill.sandbox.server import DEFAULT_PORT, SandboxServer
    from fwfulfill.sandbox.settings import SandboxSettings
    from fwfulfill.sandbox.state import Credentials, Fulfillment, SandboxState, ShopInfo
    from fwfulfill.sandbox.store import load_state, open_sandbox, read_snapshot, reset_sandbox
    from fwfulfill.sandbox.transport import IN_PROCESS_BASE_URL, InProcessTransport
