"""Tracking CSVs that match a sandbox seed, for the reliability tests and the benchmarks.

One row per variant of an order (shape A), each whole order in its own box with a unique tracking
number under a carrier without a public number format, so the file is clean and every row plans.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from fwfulfill.api.statuses import OPEN_STATUSES

HEADER = ("order", "tracking_number", "carrier", "sku", "quantity")
_OPEN = frozenset(status.value for status in OPEN_STATUSES)


def tracking_rows(
    seed: Mapping[str, Any], *, orders: int, by_uuid_every: int = 0
) -> Iterator[tuple[str, ...]]:
    """Rows for the first `orders` open orders of `seed` with nothing shipped yet.

    `by_uuid_every`: every Nth order is named by its UUID instead of its friendly id.
    """
    shipped = {f["orderId"] for f in seed.get("fulfillments", [])}
    count = 0
    for order in seed["orders"]:
        if order["status"] not in _OPEN or order["id"] in shipped:
            continue
        if count >= orders:
            return
        count += 1
        name = order["id"] if by_uuid_every and count % by_uuid_every == 0 else order["friendlyId"]
        tracking = f"GLS{count:09d}"
        # A variant on two lines is one row with their sum: two equal rows would read as one
        # duplicate, and the box would no longer hold the whole order.
        quantities: dict[str, int] = {}
        for offer in order["offers"]:
            variant = offer["variant"]
            quantities[variant["sku"]] = quantities.get(variant["sku"], 0) + variant["quantity"]
        for sku, quantity in quantities.items():
            yield (name, tracking, "GLS", sku, str(quantity))


def write_tracking_csv(path: Path, seed: Mapping[str, Any], *, orders: int, **options: Any) -> int:
    """Write the CSV; returns the number of distinct orders (= fulfillments) in it."""
    names: set[str] = set()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for row in tracking_rows(seed, orders=orders, **options):
            writer.writerow(row)
            names.add(row[1])
    return len(names)
