"""A sandbox shop served over loopback HTTP for the benchmarks, with its request counters."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from fwfulfill.api.statuses import OPEN_STATUSES
from fwfulfill.sandbox import (
    SandboxApp,
    SandboxServer,
    SandboxSettings,
    SandboxState,
    large_shop_seed,
    parse_seed,
)
from fwfulfill.sandbox.tracking_csv import write_tracking_csv

OPEN = frozenset(status.value for status in OPEN_STATUSES)


def shop_seed(n_orders: int, *, needs_open: int = 0) -> dict[str, Any]:
    """`large_shop_seed(n_orders)`: 80 % of its orders open; checks it has `needs_open` of them."""
    seed = large_shop_seed(n_orders, open_share=0.8, seed=0)
    found = len(open_orders(seed))
    if found < needs_open:
        raise ValueError(f"the seed has {found} open orders, fewer than {needs_open}")
    return seed


@contextmanager
def serving(seed: Mapping[str, Any], settings: SandboxSettings) -> Iterator[SandboxServer]:
    """A fresh sandbox with `seed`'s orders, on a free loopback port."""
    state = SandboxState.from_seed(parse_seed(dict(seed), source="benchmark seed"))
    server = SandboxServer(SandboxApp(state, settings)).start()
    try:
        yield server
    finally:
        server.stop()


def stats(server: SandboxServer) -> dict[str, Any]:
    """GET /_sandbox/stats: requests per endpoint, statuses, 429s sent, faults."""
    return dict(httpx.get(f"{server.url}/_sandbox/stats", timeout=10).json())


def open_orders(seed: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The seed's open orders with nothing shipped yet, in the seed's (newest first) order."""
    shipped = {fulfillment["orderId"] for fulfillment in seed.get("fulfillments", [])}
    return [o for o in seed["orders"] if o["status"] in OPEN and o["id"] not in shipped]


def tracking_csv(path: Path, seed: Mapping[str, Any], orders: int, *, spread: bool = False) -> int:
    """A clean tracking CSV for `orders` open orders: the newest ones, or (`spread`) orders taken
    at even steps across all open orders, so they sit on many pages of the order list.
    Returns the number of fulfillments in it."""
    candidates = open_orders(seed)
    if spread:
        step = len(candidates) / orders
        candidates = [candidates[int(index * step)] for index in range(orders)]
    view = {"orders": candidates[:orders], "fulfillments": []}
    return write_tracking_csv(path, view, orders=orders)
