"""Orders, boxes and ledger rows built in Python, for the unit tables (no sandbox, no HTTP)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from fwfulfill.api.models import Order
from fwfulfill.planning.parse_input import parse_item, parse_order_reference
from fwfulfill.planning.plan import PlannedFulfillment, PlannedItem
from fwfulfill.planning.planner import Draft
from fwfulfill.sending.ledger import LedgerEntry

_IDS = uuid.UUID("6a1f0c3e-8d52-4b7e-9f10-2c4d5e6f7a80")
UPS = "1Z999AA10123456202"  # valid UPS numbers
UPS_2 = "1Z999AA10123456211"
UPS_3 = "1Z999AA10123456220"


def variant_id(key: str) -> str:
    return str(uuid.uuid5(_IDS, f"variant:{key}"))


def order_id(friendly_id: str) -> str:
    return str(uuid.uuid5(_IDS, f"order:{friendly_id}"))


def order(
    friendly_id: str, *lines: tuple[str, int] | tuple[str, int, str], status: str = "CONFIRMED"
) -> Order:
    """`order("AB12CD34", ("TEE", 2))`: two TEE. A third element names the variant apart from its
    SKU (two variants sharing one SKU)."""
    offers = []
    for line in lines:
        sku, quantity = line[0], line[1]
        key = line[2] if len(line) == 3 else sku
        offers.append(
            {
                "variant": {
                    "id": variant_id(key),
                    "sku": sku,
                    "name": sku.title(),
                    "quantity": quantity,
                }
            }
        )
    return Order.model_validate(
        {"id": order_id(friendly_id), "friendlyId": friendly_id, "status": status, "offers": offers}
    )


def box(reference: str, tracking: str, *items: str, line: int = 2) -> Draft:
    """A draft as a CSV row or `create` gives it: `box("AB12CD34", UPS, "TEE:2", line=3)`."""
    return Draft(
        order=parse_order_reference(reference),
        tracking_number=tracking,
        tracking_company="UPS",
        carrier_key="ups",
        items=tuple(parse_item(item) for item in items),
        lines=(line,),
    )


def sent(friendly_id: str, tracking: str, items: Sequence[tuple[str, int]]) -> PlannedFulfillment:
    """A fulfillment as the sender hands it to the ledger."""
    return PlannedFulfillment(
        order_ref=friendly_id,
        tracking_number=tracking,
        tracking_company="UPS",
        items=[PlannedItem(variant_id(sku), quantity, sku) for sku, quantity in items],
        order_id=order_id(friendly_id),
        friendly_id=friendly_id,
    )


def recorded(
    friendly_id: str,
    tracking: str,
    state: str,
    items: Sequence[tuple[str, int]],
    shop: str = "sh_1",
) -> LedgerEntry:
    """A ledger row as the ledger reads it back:
    `recorded("AB12CD34", UPS, "created", [("TEE", 1)])`."""
    return LedgerEntry(
        shop=shop,
        order_id=order_id(friendly_id),
        friendly_id=friendly_id,
        tracking_number=tracking,
        tracking_company="UPS",
        items={variant_id(sku): quantity for sku, quantity in items},
        skus={variant_id(sku): sku for sku, _ in items},
        state=state,
        fulfillment_id="ful_" + tracking[-4:] if state in ("created", "already_exists") else None,
        api_code=None,
        message=None,
        run_id="run-1",
        updated_at="2024-01-01T00:00:00.000Z",
    )
