"""Full OrderV1 documents from seed orders: every field the spec requires, with sensible defaults
(amounts in USD, addresses, source, timestamps, variant price/weight/dimensions) under what the seed
says."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from fwfulfill.sandbox.ids import short_id, stable_uuid
from fwfulfill.sandbox.seed import SeedOffer, SeedOrder

# Seed orders without createdAt are placed an hour apart before this instant, first one newest.
DEFAULT_CREATED_AT = datetime(2026, 4, 20, 12, 0, 0, tzinfo=timezone.utc)
DEFAULT_UNIT_PRICE = 25.0
DEFAULT_SHIPPING_PRICE = 5.0
CURRENCY = "USD"
DEFAULT_ADDRESS: dict[str, str] = {
    "name": "Sandbox Customer",
    "address1": "1 Market Street",
    "city": "San Francisco",
    "state": "CA",
    "country": "US",
    "zip": "94105",
}


def order_document(order: SeedOrder, shop_id: str, position: int) -> dict[str, Any]:
    """The OrderV1 JSON of one seed order; `position` places a default createdAt."""
    created = order.created_at or DEFAULT_CREATED_AT - timedelta(hours=position)
    extra = dict(order.model_extra or {})
    offers = [offer_document(offer) for offer in order.offers]
    defaults: dict[str, Any] = {
        "id": str(order.id),
        "shopId": order.shop_id or shop_id,
        "friendlyId": order.friendly_id,
        "checkoutId": short_id("ch", str(order.id)),
        "status": order.status.value,
        "email": order.email or f"customer-{order.friendly_id.lower()}@example.com",
        "emailMarketingOptIn": False,
        "message": "",
        "amounts": _amounts(offers),
        "billing": {"address": dict(DEFAULT_ADDRESS)},
        "shipping": {"address": dict(DEFAULT_ADDRESS)},
        "offers": offers,
        "source": {"type": "ORDER"},
        "createdAt": iso_timestamp(created),
        "updatedAt": iso_timestamp(order.updated_at or created),
    }
    return merge(defaults, extra)


def offer_document(offer: SeedOffer) -> dict[str, Any]:
    variant = offer.variant
    extra = dict(variant.model_extra or {})
    unit = merge({"value": DEFAULT_UNIT_PRICE, "currency": CURRENCY}, extra.get("unitPrice", {}))
    product, _, option = variant.name.partition(" - ")
    product = product or variant.sku or "Product"
    variant_doc = {
        "id": str(variant.id),
        "name": variant.name,
        "sku": variant.sku,
        "unitPrice": unit,
        # `price` is taken to be the line's total; the spec does not say.
        "price": {
            "value": round(_number(unit) * variant.quantity, 2),
            "currency": unit["currency"],
        },
        "attributes": {"description": option or variant.name or variant.sku},
        "quantity": variant.quantity,
        "weight": {"value": 0.3, "unit": "kg"},
        "dimensions": {"length": 30.0, "width": 25.0, "height": 3.0, "unit": "cm"},
    }
    offer_doc = {
        # Variants of one product share its offer, as on Fourthwall.
        "id": stable_uuid(f"offer:{product}"),
        "name": product,
        "slug": re.sub(r"[^a-z0-9]+", "-", product.lower()).strip("-") or "product",
        "description": f"{product}, from the sandbox shop",
        "variant": merge(variant_doc, extra),
    }
    return merge(offer_doc, offer.model_extra or {})


def iso_timestamp(moment: datetime) -> str:
    """`2020-08-13T09:05:36.939Z`, the spec's format; a naive time is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def merge(defaults: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """`defaults` overlaid with `given`; nested objects are merged, anything else is replaced."""
    merged = dict(defaults)
    for key, value in given.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _amounts(offers: list[dict[str, Any]]) -> dict[str, Any]:
    subtotal = round(sum(_number(offer["variant"]["price"]) for offer in offers), 2)
    shipping = DEFAULT_SHIPPING_PRICE if subtotal else 0.0
    return {
        "subtotal": _money(subtotal),
        "shipping": _money(shipping),
        "tax": _money(0.0),
        "donation": _money(0.0),
        "discount": _money(0.0),
        "giftCards": [],
        "total": _money(round(subtotal + shipping, 2)),
    }


def _money(value: float) -> dict[str, Any]:
    return {"value": value, "currency": CURRENCY}


def _number(money: Any) -> float:
    value = money.get("value") if isinstance(money, dict) else None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0
