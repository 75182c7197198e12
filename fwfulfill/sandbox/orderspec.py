"""OrderV1 as Fourthwall's OpenAPI spec declares it (`fourthwall-openapi.yaml`): every order the
sandbox serves is checked against it, so no seed can make the sandbox answer off the spec.

Strict types (a number is not a string, `null` is not an object), optional fields may be absent but
not `null`, integers fit the spec's int32, money is finite and not negative. Fields the spec does
not list are allowed, as the spec allows them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from fwfulfill.api.statuses import OrderStatus

INT32_MAX = 2**31 - 1  # the spec's `format: int32`

Int32 = Annotated[int, Field(ge=-(2**31), le=INT32_MAX)]
# An optional field: absent is fine, `null` is not (the spec declares none of them nullable).
_NONE: Any = None
_ABSENT: Any = Field(default=_NONE)


class _Spec(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, strict=True, allow_inf_nan=False, extra="allow"
    )


class Money(_Spec):
    value: float = Field(ge=0)
    currency: str


class GiftCard(_Spec):
    code: str
    amount_used: Money


class OrderAmounts(_Spec):
    subtotal: Money
    shipping: Money
    tax: Money
    donation: Money
    discount: Money
    gift_cards: list[GiftCard]
    total: Money


class Address(_Spec):
    name: str
    address1: str
    address2: str = _ABSENT
    city: str
    state: str
    country: str
    zip: str = _ABSENT
    phone: str = _ABSENT


class AddressHolder(_Spec):
    address: Address


class Image(_Spec):
    id: str
    url: str
    width: Int32
    height: Int32
    transformed_url: str


class Color(_Spec):
    name: str
    swatch: str


class Size(_Spec):
    name: str


class Attributes(_Spec):
    description: str
    color: Color = _ABSENT
    size: Size = _ABSENT


class Weight(_Spec):
    value: float
    unit: str


class Dimensions(_Spec):
    length: float
    width: float
    height: float
    unit: str


class Variant(_Spec):
    id: str
    name: str
    sku: str
    unit_price: Money
    unit_cost: Money = _ABSENT
    compare_at_price: Money = _ABSENT
    attributes: Attributes
    quantity: Int32
    price: Money
    cost: Money = _ABSENT
    weight: Weight
    dimensions: Dimensions


class Offer(_Spec):
    id: str
    name: str
    slug: str
    description: str
    primary_image: Image = _ABSENT
    variant: Variant


class OrderSource(_Spec):
    type: Literal["ORDER"]


class SamplesOrderSource(_Spec):
    type: Literal["SAMPLES_ORDER"]


class GiveawayLinksSource(_Spec):
    type: Literal["GIVEAWAY_LINKS"]
    gift_id: str


class TwitchGiftRedemptionSource(_Spec):
    type: Literal["TWITCH_GIFT_REDEMPTION"]
    gift_id: str
    gift_purchase_id: str


Source = Annotated[
    OrderSource | SamplesOrderSource | GiveawayLinksSource | TwitchGiftRedemptionSource,
    Field(discriminator="type"),
]


class TrackingParams(_Spec):
    fbc: str = _ABSENT
    fbp: str = _ABSENT
    utm_source: str = Field(default=_NONE, alias="utm_source")
    utm_medium: str = Field(default=_NONE, alias="utm_medium")
    utm_campaign: str = Field(default=_NONE, alias="utm_campaign")
    utm_content: str = Field(default=_NONE, alias="utm_content")
    utm_term: str = Field(default=_NONE, alias="utm_term")


class OrderV1(_Spec):
    id: str
    shop_id: str
    friendly_id: str
    checkout_id: str
    promotion_id: str = _ABSENT
    status: OrderStatus = Field(strict=False)  # the enum's text, as JSON carries it
    email: str
    email_marketing_opt_in: bool
    username: str = _ABSENT
    message: str
    amounts: OrderAmounts
    billing: AddressHolder = _ABSENT
    shipping: AddressHolder = _ABSENT
    offers: list[Offer]
    source: Source
    tracking_params: TrackingParams = _ABSENT
    metadata: dict[str, str] = _ABSENT
    created_at: str
    updated_at: str
