"""The built-in demo shop and a generator of large shops for the benchmarks. Both are seed-file
dicts, deterministic: fixed ids; the demo shop's dates count back from the start of today (UTC), so
`orders list --since 7d` finds its newest orders and the seed is the same all day."""

from __future__ import annotations

import copy
import random
import string
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from fwfulfill.api.statuses import SHIPPED_STATUSES, OrderStatus
from fwfulfill.sandbox.ids import stable_uuid
from fwfulfill.sandbox.orderdoc import iso_timestamp
from fwfulfill.sandbox.seed import (
    DEFAULT_PASSWORD,
    DEFAULT_SHOP_ID,
    DEFAULT_TOKENS,
    DEFAULT_USERNAME,
)

SHOP = {
    "id": DEFAULT_SHOP_ID,
    "name": "Sandbox Merch Co.",
    "domain": "sandbox-merch-co.fourthwall.com",
    "publicDomain": "shop.sandbox-merch.example",
}
CREDENTIALS = {
    "username": DEFAULT_USERNAME,
    "password": DEFAULT_PASSWORD,
    "tokens": {token: list(scopes) for token, scopes in DEFAULT_TOKENS.items()},
}
# The large benchmark shops keep fixed dates: their timings must not change from day to day.
_LARGE_NEWEST = datetime(2026, 4, 22, 18, 0, 0, tzinfo=timezone.utc)

# SKU -> product, option, unit price in USD, colour (name, swatch), size.
CATALOG: dict[str, tuple[str, str, float, tuple[str, str] | None, str | None]] = {
    "TEE-BLK-M": ("Classic Tee", "Black, M", 25.0, ("Black", "#000000"), "M"),
    "TEE-BLK-L": ("Classic Tee", "Black, L", 25.0, ("Black", "#000000"), "L"),
    "TEE-WHT-S": ("Classic Tee", "White, S", 25.0, ("White", "#FFFFFF"), "S"),
    "HOODIE-GRY-L": ("Cozy Hoodie", "Grey, L", 55.0, ("Grey", "#808080"), "L"),
    "MUG-11OZ": ("Logo Mug", "11 oz", 15.0, None, None),
    "STICKER-PACK": ("Sticker Pack", "5 stickers", 8.0, None, None),
    "POSTER-A2": ("Tour Poster", "A2", 20.0, None, None),
    "CAP-NVY": ("Dad Cap", "Navy", 22.0, ("Navy", "#1F2A44"), None),
}

# name, email, city, state, country, zip
CUSTOMERS = (
    ("Alex Rivera", "alex.rivera@example.com", "Austin", "TX", "US", "78701"),
    ("Sam Chen", "sam.chen@example.com", "Toronto", "ON", "CA", "M5V 2T6"),
    ("Priya Patel", "priya.patel@example.com", "London", "London", "GB", "SW1A 1AA"),
    ("Jonas Weber", "jonas.weber@example.com", "Berlin", "BE", "DE", "10115"),
    ("Mia Thompson", "mia.thompson@example.com", "Sydney", "NSW", "AU", "2000"),
    ("Diego Alvarez", "diego.alvarez@example.com", "Portland", "OR", "US", "97205"),
    ("Emma Dubois", "emma.dubois@example.com", "Montreal", "QC", "CA", "H2Y 1C6"),
    ("Noah Kim", "noah.kim@example.com", "Seattle", "WA", "US", "98101"),
)

Lines = tuple[tuple[str, int], ...]
# friendly id, status, customer index, lines (SKU, quantity), prior fulfillments (carrier, lines).
DEMO_ORDERS: tuple[tuple[str, OrderStatus, int, Lines, tuple[tuple[str, Lines], ...]], ...] = (
    ("D3XZFWPP", OrderStatus.CONFIRMED, 0, (("TEE-BLK-M", 1), ("MUG-11OZ", 1)), ()),
    ("K7M2QX4N", OrderStatus.CONFIRMED, 1, (("HOODIE-GRY-L", 1),), ()),
    ("P9T4WB2R", OrderStatus.CONFIRMED, 2, (("STICKER-PACK", 3),), ()),
    (
        "B5N8ZC1L",
        OrderStatus.CONFIRMED,
        3,
        (("TEE-WHT-S", 2), ("POSTER-A2", 1), ("CAP-NVY", 1)),
        (),
    ),
    ("H2V6RJ9D", OrderStatus.CONFIRMED, 4, (("TEE-BLK-L", 1), ("TEE-BLK-L", 2)), ()),
    ("M4Q7LS3T", OrderStatus.CONFIRMED, 5, (("MUG-11OZ", 4),), ()),
    ("R8W1FK5Y", OrderStatus.CONFIRMED, 6, (("CAP-NVY", 1), ("STICKER-PACK", 1)), ()),
    ("T6C3NH8G", OrderStatus.CONFIRMED, 7, (("POSTER-A2", 2),), ()),
    (
        "W1Z5GD7K",
        OrderStatus.PARTIALLY_IN_PRODUCTION,
        1,
        (("HOODIE-GRY-L", 1), ("TEE-BLK-M", 2)),
        (),
    ),
    (
        "Y3J9PM6V",
        OrderStatus.IN_PRODUCTION,
        2,
        (("TEE-BLK-M", 1), ("TEE-BLK-L", 1), ("TEE-WHT-S", 1)),
        (),
    ),
    ("A7F2XT4Q", OrderStatus.IN_PRODUCTION, 3, (("MUG-11OZ", 2), ("STICKER-PACK", 2)), ()),
    (
        "C4L8VR2M",
        OrderStatus.PARTIALLY_SHIPPED,
        4,
        (("TEE-BLK-M", 2), ("HOODIE-GRY-L", 1), ("MUG-11OZ", 1)),
        (("UPS", (("TEE-BLK-M", 2),)),),
    ),
    (
        "E9G5KW1S",
        OrderStatus.PARTIALLY_SHIPPED,
        5,
        (("POSTER-A2", 1), ("CAP-NVY", 2)),
        (("USPS", (("CAP-NVY", 1),)),),
    ),
    (
        "G2R7BN9X",
        OrderStatus.SHIPPED,
        6,
        (("STICKER-PACK", 1),),
        (("USPS", (("STICKER-PACK", 1),)),),
    ),
    (
        "J5D1QY8C",
        OrderStatus.SHIPPED,
        7,
        (("TEE-WHT-S", 1), ("MUG-11OZ", 1)),
        (("UPS", (("TEE-WHT-S", 1),)), ("UPS", (("MUG-11OZ", 1),))),
    ),
    (
        "L8H4TZ3W",
        OrderStatus.PARTIALLY_DELIVERED,
        0,
        (("HOODIE-GRY-L", 1), ("CAP-NVY", 1)),
        (("DHL", (("HOODIE-GRY-L", 1),)), ("USPS", (("CAP-NVY", 1),))),
    ),
    (
        "N3X6CM5P",
        OrderStatus.DELIVERED,
        1,
        (("TEE-BLK-L", 2),),
        (("Canada Post", (("TEE-BLK-L", 2),)),),
    ),
    (
        "Q1B9FS7H",
        OrderStatus.DELIVERED,
        2,
        (("MUG-11OZ", 1), ("POSTER-A2", 1)),
        (("Royal Mail", (("MUG-11OZ", 1), ("POSTER-A2", 1))),),
    ),
    ("S7K2VG4D", OrderStatus.COMPLETED, 3, (("TEE-BLK-M", 1),), (("DHL", (("TEE-BLK-M", 1),)),)),
    (
        "U4P8LH1Z",
        OrderStatus.COMPLETED,
        4,
        (("STICKER-PACK", 5),),
        (("USPS", (("STICKER-PACK", 5),)),),
    ),
    ("V6T3RD9B", OrderStatus.CANCELLED, 5, (("TEE-BLK-M", 1), ("CAP-NVY", 1)), ()),
    ("X2N7JW5F", OrderStatus.CANCELLED, 6, (("HOODIE-GRY-L", 2),), ()),
    (
        "Z9C4QP2K",
        OrderStatus.CONFIRMED,
        7,
        (("TEE-BLK-M", 3), ("TEE-BLK-L", 1), ("MUG-11OZ", 2), ("STICKER-PACK", 1)),
        (),
    ),
    ("F5W8MK3R", OrderStatus.CONFIRMED, 0, (("TEE-WHT-S", 1),), ()),
    ("8QRT5YLX", OrderStatus.CONFIRMED, 1, (("CAP-NVY", 2), ("POSTER-A2", 1)), ()),
    (
        "2HVK9ZEA",
        OrderStatus.CONFIRMED,
        2,
        (("MUG-11OZ", 1), ("HOODIE-GRY-L", 1), ("MUG-11OZ", 1)),
        (),
    ),
    ("7MBC4NDS", OrderStatus.IN_PRODUCTION, 3, (("POSTER-A2", 3),), ()),
    ("4JWX6GTU", OrderStatus.CONFIRMED, 4, (("TEE-BLK-L", 1), ("HOODIE-GRY-L", 1)), ()),
)


def demo_seed(today: date | None = None) -> dict[str, Any]:
    """The demo shop: 28 orders in every status (see DEMO_ORDERS), with the fulfillments the partly
    and fully shipped ones already have. The newest order is dated `today` (default: today, UTC)
    at 00:00, the oldest about eight days before."""
    newest = datetime.combine(today or datetime.now(timezone.utc).date(), time(), timezone.utc)
    orders: list[dict[str, Any]] = []
    fulfillments: list[dict[str, Any]] = []
    for position, (friendly_id, status, customer, lines, priors) in enumerate(DEMO_ORDERS):
        created = newest - timedelta(hours=7 * position, minutes=13 * position)
        updated = created if status == OrderStatus.CONFIRMED else created + timedelta(days=2)
        orders.append(
            _order(
                friendly_id,
                status,
                customer=customer,
                lines=lines,
                created=created,
                updated=updated,
            )
        )
        for carrier, items in priors:
            fulfillments.append(_fulfillment(friendly_id, carrier, items, len(fulfillments)))
    return {
        "shop": dict(SHOP),
        "credentials": _credentials(),
        "orders": orders,
        "fulfillments": fulfillments,
    }


def large_shop_seed(n_orders: int, *, open_share: float = 0.8, seed: int = 0) -> dict[str, Any]:
    """A shop of `n_orders` orders for benchmarks: `open_share` of them waiting for trackers, the
    rest shipped (fully fulfilled) or cancelled. Deterministic for a given `seed`."""
    rng = random.Random(seed)
    skus = list(CATALOG)
    friendly_ids = _friendly_ids(rng, n_orders)
    orders: list[dict[str, Any]] = []
    fulfillments: list[dict[str, Any]] = []
    for index, friendly_id in enumerate(friendly_ids):
        lines = tuple(
            (rng.choice(skus), rng.randint(1, 3)) for _ in range(rng.choice((1, 1, 2, 3)))
        )
        status = _large_status(rng, open_share)
        created = _LARGE_NEWEST - timedelta(minutes=7 * index)
        orders.append(
            _order(
                friendly_id,
                status,
                customer=rng.randrange(len(CUSTOMERS)),
                lines=lines,
                created=created,
                updated=created,
            )
        )
        if status.value in SHIPPED_STATUSES:
            fulfillments.append(
                _fulfillment(friendly_id, "USPS", _summed(lines), len(fulfillments))
            )
    return {
        "shop": dict(SHOP),
        "credentials": _credentials(),
        "orders": orders,
        "fulfillments": fulfillments,
    }


def order_id(friendly_id: str) -> str:
    """The fixed UUID of a demo (or large-shop) order."""
    return stable_uuid(f"order:{friendly_id}")


def variant_id(sku: str) -> str:
    """The fixed UUID of a catalogue variant, the same in every order that has it."""
    return stable_uuid(f"variant:{sku}")


def _order(
    friendly_id: str,
    status: OrderStatus,
    *,
    customer: int,
    lines: Lines,
    created: datetime,
    updated: datetime,
) -> dict[str, Any]:
    name, email, city, state, country, zip_code = CUSTOMERS[customer]
    address = {
        "name": name,
        "address1": f"{10 + customer * 7} Harbour Street",
        "city": city,
        "state": state,
        "country": country,
        "zip": zip_code,
        "phone": f"555-01{customer:02d}",  # the fictional 555-0100..0199 range
    }
    return {
        "id": order_id(friendly_id),
        "friendlyId": friendly_id,
        "status": status.value,
        "email": email,
        "username": name.split()[0],
        "billing": {"address": address},
        "shipping": {"address": address},
        "offers": [{"variant": _variant(sku, quantity)} for sku, quantity in lines],
        "createdAt": iso_timestamp(created),
        "updatedAt": iso_timestamp(updated),
    }


def _variant(sku: str, quantity: int) -> dict[str, Any]:
    product, option, price, color, size = CATALOG[sku]
    attributes: dict[str, Any] = {"description": option}
    if color:
        attributes["color"] = {"name": color[0], "swatch": color[1]}
    if size:
        attributes["size"] = {"name": size}
    return {
        "id": variant_id(sku),
        "sku": sku,
        "name": f"{product} - {option}",
        "quantity": quantity,
        "unitPrice": {"value": price, "currency": "USD"},
        "attributes": attributes,
    }


def _fulfillment(friendly_id: str, carrier: str, items: Lines, number: int) -> dict[str, Any]:
    return {
        "orderId": order_id(friendly_id),
        "trackingNumber": _tracking_number(carrier, number),
        "trackingCompany": carrier,
        "items": [{"variantId": variant_id(sku), "quantity": quantity} for sku, quantity in items],
    }


def _tracking_number(carrier: str, number: int) -> str:
    """Shaped like the carrier's numbers (not check-digit valid: nobody sends these)."""
    if carrier == "UPS":
        return f"1Z999AA1{number:010d}"
    if carrier == "DHL":
        return f"JD0146{number:014d}"
    if carrier == "Canada Post":
        return f"7023{number:012d}"
    if carrier == "Royal Mail":
        return f"RM{number:09d}GB"
    return f"94001118992238{number:08d}"


def _credentials() -> dict[str, Any]:
    return copy.deepcopy(CREDENTIALS)


def _friendly_ids(rng: random.Random, count: int) -> list[str]:
    alphabet = string.ascii_uppercase + string.digits
    seen: dict[str, None] = {}
    while len(seen) < count:
        seen.setdefault("".join(rng.choices(alphabet, k=8)), None)
    return list(seen)


def _large_status(rng: random.Random, open_share: float) -> OrderStatus:
    if rng.random() < open_share:
        return rng.choice((OrderStatus.CONFIRMED, OrderStatus.CONFIRMED, OrderStatus.IN_PRODUCTION))
    return rng.choice(
        (OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED, OrderStatus.CANCELLED)
    )


def _summed(lines: Lines) -> Lines:
    totals: dict[str, int] = {}
    for sku, quantity in lines:
        totals[sku] = totals.get(sku, 0) + quantity
    return tuple(totals.items())
