"""The wire format of the Fourthwall Open API endpoints fwfulfill uses, as pydantic models.

These are the single source of truth for request and response shapes (see
`shared/reference/fourthwall-openapi.yaml`). Requests are strict, because a wrong request must never
leave the machine; responses are tolerant, because the real API may add or omit fields we do not
rely on.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any
from uuid import UUID

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
)
from pydantic.alias_generators import to_camel

from fwfulfill.api.statuses import OrderStatus
from fwfulfill.constants import MAX_LABEL_LENGTH


class _Request(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )


class _Response(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


def _number_as_text(value: object) -> object:
    # A JSON number where the spec says string (a zip code, an id): the same text, not a failure.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _text_or_empty(value: object) -> object:
    return "" if value is None else _number_as_text(value)


# Response fields only shown to people (names, SKUs, domains): null reads as "", so an answer that
# leaves one out never makes the order unusable. A SKU is needed only to name an item by it, and
# the planner says so when it is missing.
LooseText = Annotated[str, BeforeValidator(_text_or_empty)]
OptionalText = Annotated[str | None, BeforeValidator(_number_as_text)]
# Ids in answers are plain strings in the spec; whether one can be sent back is `sendable_id`.
ResponseId = Annotated[str, BeforeValidator(_number_as_text)]

_UUID = TypeAdapter(UUID)


def sendable_id(text: str) -> bool:
    """Whether POST /fulfillments can carry this id: its request types ids as UUIDs."""
    try:
        _UUID.validate_python(text)
    except ValidationError:
        return False
    return True


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
    name: OptionalText = None
    address1: OptionalText = None
    address2: OptionalText = None
    city: OptionalText = None
    state: OptionalText = None
    country: OptionalText = None
    zip: OptionalText = None
    phone: OptionalText = None


class Shipping(_Response):
    address: Address | None = None


def _weight_or_none(value: object) -> object:
    # A weight the export cannot use (not an object, no number) reads as unknown, never a failure.
    return value if isinstance(value, dict) else None


class Weight(_Response):
    value: float | None = None
    unit: LooseText = ""

    @field_validator("value", mode="before")
    @classmethod
    def _number_or_none(cls, value: object) -> object:
        if isinstance(value, bool):
            return None
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                return None
        return value if isinstance(value, (int, float)) else None


class Variant(_Response):
    id: ResponseId
    name: LooseText = ""
    sku: LooseText = ""
    quantity: int = 0
    weight: Annotated[Weight | None, BeforeValidator(_weight_or_none)] = None


class Offer(_Response):
    id: LooseText = ""
    name: LooseText = ""
    variant: Variant


class Order(_Response):
    id: ResponseId
    friendly_id: ResponseId
    status: str
    shop_id: OptionalText = None
    email: OptionalText = None
    offers: list[Offer] = Field(default_factory=list)
    shipping: Shipping | None = None
    created_at: OptionalText = None
    updated_at: OptionalText = None

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
    id: ResponseId
    name: LooseText = ""
    domain: LooseText = ""
    public_domain: LooseText = ""


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
