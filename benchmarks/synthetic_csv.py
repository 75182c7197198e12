"""Large, clean shape A tracking CSVs (one row per SKU in a box) for bench_csv_offline.py.

Shape (a), `rows`: orders have friendly ids and one box (sometimes two) of 1-3 rows each; tracking
numbers are of USPS, UPS, FedEx, DHL Express and GLS, with check digits computed by the courier
rules, so the importer does all of its work on every row (formats matched, check digits passed) and
finds nothing to complain about.

Shape (b), `many_orders_rows`: nearly one fulfillment per row, as a 3PL's month of ship-confirms:
`orders` distinct orders, each one box with a USPS number (valid check digit) and one or two item
rows, so 100,000 rows hold 75,000 orders and as many fulfillments.
"""

from __future__ import annotations

import csv
import random
import string
from collections.abc import Callable, Iterator
from pathlib import Path

from fwfulfill.sandbox.demo import CATALOG
from fwfulfill.tracking import identify
from fwfulfill.tracking.checksums import mod7, mod10, sum_product_with_weightings_and_modulo

HEADER = ("order", "tracking_number", "carrier", "sku", "quantity")
_ALNUM = string.ascii_uppercase + string.digits
_FEDEX_WEIGHTS = (3, 1, 7, 3, 1, 7, 3, 1, 7, 3, 1)


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choices(string.digits, k=count))


def _with_check_digit(serial: str, passes: Callable[[str, str], bool]) -> str:
    return serial + next(digit for digit in string.digits if passes(serial, digit))


def usps(rng: random.Random) -> str:
    """IMpb, 22 digits: 94, service, 9 + 8-digit mailer id, 7-digit serial, mod10 (reversed)."""
    serial = "94" + _digits(rng, 3) + "9" + _digits(rng, 8) + _digits(rng, 7)
    return _with_check_digit(
        serial, lambda s, d: mod10(s, d, evens_multiplier=3, odds_multiplier=1, reverse=True)
    )


def ups(rng: random.Random) -> str:
    """1Z + 6-character shipper + 2-digit service + 7-digit package, mod10 over all 16."""
    serial = "".join(rng.choices(_ALNUM, k=6)) + rng.choice(("01", "02", "03")) + _digits(rng, 7)
    return "1Z" + _with_check_digit(
        serial, lambda s, d: mod10(s, d, evens_multiplier=1, odds_multiplier=2)
    )


def fedex(rng: random.Random) -> str:
    """FedEx Express, 12 digits: weighted sum modulo 11 modulo 10."""
    return _with_check_digit(
        _digits(rng, 11),
        lambda s, d: sum_product_with_weightings_and_modulo(
            s, d, weightings=_FEDEX_WEIGHTS, modulo1=11, modulo2=10
        ),
    )


def dhl_express(rng: random.Random) -> str:
    """DHL Express waybill, 10 digits: the serial modulo 7."""
    return _with_check_digit(str(rng.randint(10**8, 10**9 - 1)), mod7)


def gls(rng: random.Random) -> str:
    """GLS has no public rule: any 11 digits pass unchecked."""
    return _digits(rng, 11)


# carrier as written in the file, generator, format id the number must match, share of boxes
CARRIERS: tuple[tuple[str, Callable[[random.Random], str], str | None, int], ...] = (
    ("USPS", usps, "usps_impb_n", 40),
    ("UPS", ups, "ups", 30),
    ("FedEx", fedex, "fedex_12", 10),
    ("DHL Express", dhl_express, "dhl_express", 10),
    ("GLS", gls, None, 10),
)


def self_check(samples: int = 50) -> None:
    """Each generator's numbers match their format with a passing check digit."""
    rng = random.Random(1)
    for carrier, make, format_id, _ in CARRIERS:
        if format_id is None:
            continue
        for _ in range(samples):
            number = make(rng)
            if not any(m.format_id == format_id and m.checksum_ok for m in identify(number)):
                raise AssertionError(f"{carrier} number {number} does not pass {format_id}")


def rows(count: int, seed: int = 0) -> Iterator[tuple[str, str, str, str, str]]:
    """Exactly `count` rows; unique friendly ids and tracking numbers."""
    rng = random.Random(seed)
    skus = list(CATALOG)
    weights = [share for *_, share in CARRIERS]
    seen_orders: set[str] = set()
    seen_tracking: set[str] = set()
    produced = 0
    while produced < count:
        order = "".join(rng.choices(_ALNUM, k=8))
        if order in seen_orders:
            continue
        seen_orders.add(order)
        for _ in range(rng.choice((1, 1, 1, 1, 2))):  # one box, sometimes two
            carrier, make, _, _ = rng.choices(CARRIERS, weights)[0]
            tracking = make(rng)
            while tracking in seen_tracking:
                tracking = make(rng)
            seen_tracking.add(tracking)
            for sku in rng.sample(skus, rng.randint(1, 3)):
                if produced == count:
                    return
                yield order, tracking, carrier, sku, str(rng.randint(1, 3))
                produced += 1


def many_orders_rows(
    count: int, orders: int, seed: int = 0
) -> Iterator[tuple[str, str, str, str, str]]:
    """Exactly `count` rows over exactly `orders` orders (orders <= count <= 2 * orders): every
    order one USPS box of one or two SKUs; unique friendly ids and tracking numbers."""
    if not orders <= count <= 2 * orders:
        raise ValueError(f"{count} rows cannot hold {orders} orders of one or two rows")
    rng = random.Random(seed)
    skus = list(CATALOG)
    two_rows = set(rng.sample(range(orders), count - orders))
    seen_orders: set[str] = set()
    seen_tracking: set[str] = set()
    for index in range(orders):
        order = "".join(rng.choices(_ALNUM, k=8))
        while order in seen_orders:
            order = "".join(rng.choices(_ALNUM, k=8))
        seen_orders.add(order)
        tracking = usps(rng)
        while tracking in seen_tracking:
            tracking = usps(rng)
        seen_tracking.add(tracking)
        for sku in rng.sample(skus, 2 if index in two_rows else 1):
            yield order, tracking, "USPS", sku, str(rng.randint(1, 3))


def write(path: Path, count: int, seed: int = 0, *, orders: int | None = None) -> dict[str, int]:
    """Write the file, shape (a), or shape (b) when `orders` is given; returns its rows, orders
    and boxes (= fulfillments)."""
    seen: set[str] = set()
    boxes: set[tuple[str, str]] = set()
    produced = rows(count, seed) if orders is None else many_orders_rows(count, orders, seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for row in produced:
            writer.writerow(row)
            seen.add(row[0])
            boxes.add((row[0], row[1]))
    return {"rows": count, "orders": len(seen), "fulfillments": len(boxes)}
