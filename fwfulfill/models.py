"""The wire format of the Fourthwall Open API endpoints fwfulfill uses, as pydantic models.

These are the single source of truth for request and response shapes (see
`shared/reference/fourthwall-openapi.yaml`). Requests are strict, because a wrong request must never
leave the machine; responses are tolerant, because the real API may add or omit fields we do not
rely on.
"""

from __future__ import annotations

import unicodedata
from enum import Enum
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from fwfulfill.constants import MAX_LABEL_LENGTH


class OrderStatus(str, Enum):
    CONFIRMED = "CONFIRMED"
    PARTIALLY_IN_PRODUCTION = "PARTIALLY_IN_PRODUCTION"
    IN_PRODUCTION = "IN_PRODUCTION"
    PARTIALLY_SHIPPED = "PARTIALLY_SHIPPED"
    SHIPPED = "SHIPPED"
    PARTIALLY_DELIVERED = "PARTIALLY_DELIVERED"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"
    COMPLETED = "COMPLETED"


# Statuses in which an order may still have items waiting for a tracker.
OPEN_STATUSES: tuple[OrderStatus, ...] = (
    OrderStatus.CONFIRMED,
    OrderStatus.PARTIALLY_IN_PRODUCTION,
    OrderStatus.IN_PRODUCTION,
    OrderStatus.PARTIALLY_SHIPPED,
)
# Statuses that say every item already has a tracker (not a refusal: the API decides).
SHIPPED_STATUSES: frozenset[str] = frozenset(
    {
        OrderStatus.SHIPPED.value,
        OrderStatus.PARTIALLY_DELIVERED.value,
        OrderStatus.DELIVERED.value,
        OrderStatus.COMPLETED.value,
    }
)


class _Request(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )


class _Response(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


# ---- POST /fulfillments ----------------------------------------------------------------------


class FulfillmentItem(_Request):
    variant_id: UUID
    quantity: int = Field(ge=1, le=2_147_483_647)


# What a spreadsheet runs as a formula at the start of a cell (OWASP, CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@")
# Controls, invisible formatting (bidi overrides, isolates and marks, zero-width characters),
# line and paragraph separators, and unpaired surrogates (undecodable bytes).
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def carrier_text_problem(text: str) -> str | None:
    """Why `text` cannot be sent as `trackingCompany`, or None when it is plain text.

    It reaches the shop, the customer's email and spreadsheets; `create` and the CSV reader report
    it as an input error, and the request model refuses it as a last line of defence.
    """
    if len(text) > MAX_LABEL_LENGTH:  # not echoed: it may be pages of anything
        return (
            f"the carrier is {len(text)} characters long; a carrier name has at most "
            f"{MAX_LABEL_LENGTH}."
        )
    shown = repr(text) if len(text) <= 40 else repr(text[:37]) + "..."
    hidden = next((c for c in text if unicodedata.category(c) in _HIDDEN_CATEGORIES), None)
    if hidden is not None:
        return (
            f"carrier {shown} holds the invisible or control character U+{ord(hidden):04X}; "
            "write the carrier's name as plain text."
        )
    if text.startswith(_FORMULA_PREFIXES):
        return (
            f"carrier {shown} starts with {text[0]!r}, which spreadsheets run as a formula; "
            "write the carrier's name."
        )
    return None


class ShippingLabel(_Request):
    tracking_number: str = Field(min_length=1, max_length=MAX_LABEL_LENGTH)
    tracking_company: str = Field(min_length=1)

    @field_validator("tracking_company")
    @classmethod
    def _plain_carrier(cls, value: str) -> str:
        problem = carrier_text_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value


class FulfillmentRequest(_Request):
    order_id: UUID
    items: tuple[FulfillmentItem, ...] = Field(min_length=1)
    shipping_label: ShippingLabel

    def to_wire(self) -> dict[str, Any]:
        """The JSON body exactly as it is sent."""
        return self.model_dump(mode="json", by_alias=True)


class FulfillmentResponse(_Response):
    fulfillment_id: str | None  # None: created, but the answer did not carry the documented id


# ---- Orders ----------------------------------------------------------------------------------


class Address(_Response):
    name: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    zip: str | None = None


class Shipping(_Response):
    address: Address | None = None


class Variant(_Response):
    id: str
    name: str = ""
    sku: str = ""
    quantity: int = 0


class Offer(_Response):
    id: str = ""
    name: str = ""
    variant: Variant


class Order(_Response):
    id: str
    friendly_id: str
    status: str
    shop_id: str | None = None
    email: str | None = None
    offers: list[Offer] = Field(default_factory=list)
    shipping: Shipping | None = None
    created_at: str | None = None
    updated_at: str | None = None

    @property
    def is_cancelled(self) -> bool:
        return self.status == OrderStatus.CANCELLED.value

    @property
    def customer_name(self) -> str:
        address = self.shipping.address if self.shipping else None
        return (address.name if address else None) or ""

    @property
    def country(self) -> str:
        address = self.shipping.address if self.shipping else None
        return (address.country if address else None) or ""

    def ordered_quantities(self) -> dict[str, int]:
        """Ordered quantity per variant id; a variant on two lines counts once, summed."""
        totals: dict[str, int] = {}
        for offer in self.offers:
            totals[offer.variant.id] = totals.get(offer.variant.id, 0) + offer.variant.quantity
        return totals

    def variants(self) -> dict[str, Variant]:
        """Each distinct variant of the order by id (the first line that names it)."""
        found: dict[str, Variant] = {}
        for offer in self.offers:
            found.setdefault(offer.variant.id, offer.variant)
        return found


class OrderPage(_Response):
    results: list[Order]
    total: int | None = None
    page: int | None = None
    size: int | None = None
    total_pages: int | None = None


class Shop(_Response):
    id: str
    name: str
    domain: str = ""
    public_domain: str = ""


# ---- Errors ----------------------------------------------------------------------------------


class ApiErrorBody(BaseModel):
    """A documented error body: a `code` and the fields that code carries (`fulfillable`, ...)."""

    model_config = ConfigDict(extra="allow")
    code: str


def order_summary(order: Order) -> dict[str, Any]:
    """The facts `orders show` and `orders list` print, as JSON."""
    return {
        "id": order.id,
        "friendlyId": order.friendly_id,
        "status": order.status,
        "email": order.email,
        "customer": {"name": order.customer_name, "country": order.country},
        "createdAt": order.created_at,
        "items": [
            {
                "variantId": offer.variant.id,
                "sku": offer.variant.sku,
                "name": offer.variant.name or offer.name,
                "quantity": offer.variant.quantity,
            }
            for offer in order.offers
        ],
    }
