"""Small test shops, a line per order, so a test states its orders beside its expectations."""

from __future__ import annotations

import base64
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from fwfulfill.sandbox import FakeClock, SandboxApp, SandboxSettings, SandboxState, parse_seed

API = "/open-api/v1.0"
SHOP_ID = "sh_00000000-0000-4000-8000-00000000feed"
OTHER_SHOP_ID = "sh_00000000-0000-4000-8000-0000000000ff"
USERNAME, PASSWORD = "test-user", "test-password"
BASIC = (USERNAME, PASSWORD)
FULL_TOKEN, READ_TOKEN, SHOP_TOKEN = "tok-full", "tok-read", "tok-none"


def variant_id(sku: str) -> str:
    return str(uuid5(NAMESPACE_URL, f"test-variant:{sku}"))


def order_id(friendly_id: str) -> str:
    return str(uuid5(NAMESPACE_URL, f"test-order:{friendly_id}"))


def order(friendly_id: str, status: str, *lines: tuple[str, int], **fields: Any) -> dict[str, Any]:
    """A seed order: only what the seed format requires, plus any OrderV1 field given."""
    return {
        "id": order_id(friendly_id),
        "friendlyId": friendly_id,
        "status": status,
        "offers": [
            {
                "variant": {
                    "id": variant_id(sku),
                    "sku": sku,
                    "name": f"Item - {sku}",
                    "quantity": qty,
                }
            }
            for sku, qty in lines
        ],
        **fields,
    }


def prior(friendly_id: str, tracking: str, *lines: tuple[str, int]) -> dict[str, Any]:
    """A fulfillment the seed says already exists."""
    return {
        "orderId": order_id(friendly_id),
        "trackingNumber": tracking,
        "trackingCompany": "USPS",
        "items": [{"variantId": variant_id(sku), "quantity": qty} for sku, qty in lines],
    }


def seed(*orders: dict[str, Any], fulfillments: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    return {
        "shop": {"id": SHOP_ID, "name": "Test Shop", "domain": "test-shop.fourthwall.com"},
        "credentials": {
            "username": USERNAME,
            "password": PASSWORD,
            "tokens": {
                FULL_TOKEN: ["order_read", "fulfillment_write"],
                READ_TOKEN: ["order_read"],
                SHOP_TOKEN: [],
            },
        },
        "orders": list(orders),
        "fulfillments": list(fulfillments),
    }


def make_app(
    seed_data: dict[str, Any], clock: FakeClock | None = None, **settings: Any
) -> SandboxApp:
    state = SandboxState.from_seed(parse_seed(seed_data))
    return SandboxApp(state, SandboxSettings(**settings), clock or FakeClock())


def fulfillment_body(
    friendly_id: str, *lines: tuple[str, int], tracking: str = "TRACK-1", carrier: str = "USPS"
) -> dict[str, Any]:
    return {
        "orderId": order_id(friendly_id),
        "items": [{"variantId": variant_id(sku), "quantity": qty} for sku, qty in lines],
        "shippingLabel": {"trackingNumber": tracking, "trackingCompany": carrier},
    }


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def basic(username: str, password: str) -> dict[str, str]:
    raw = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}
