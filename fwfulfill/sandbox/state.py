"""The sandbox's memory: the shop, its orders, every fulfillment, and the rules a new fulfillment
must pass (the checks of POST /fulfillments in the order the real API most likely runs them).

Not thread-safe by itself: SandboxApp serialises access with one lock.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fwfulfill.api.models import FulfillmentRequest
from fwfulfill.api.statuses import OPEN_STATUSES, OrderStatus
from fwfulfill.sandbox import errors
from fwfulfill.sandbox.ids import short_id
from fwfulfill.sandbox.orderdoc import iso_timestamp
from fwfulfill.sandbox.seed import Seed, SeedFulfillment, parse_seed
from fwfulfill.sandbox.settings import SandboxSettings

_OPEN = frozenset(status.value for status in OPEN_STATUSES)


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str
    tokens: Mapping[str, frozenset[str]]  # bearer token -> its scopes


@dataclass(frozen=True)
class ShopInfo:
    id: str
    name: str
    domain: str
    public_domain: str

    def document(self) -> dict[str, str]:
        """The ShopV1 JSON."""
        return {
            "id": self.id,
            "name": self.name,
            "domain": self.domain,
            "publicDomain": self.public_domain,
        }


@dataclass(frozen=True)
class Fulfillment:
    id: str
    order_id: str
    tracking_number: str
    tracking_company: str
    items: tuple[tuple[str, int], ...]  # (variant id, quantity), as sent

    def document(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "orderId": self.order_id,
            "trackingNumber": self.tracking_number,
            "trackingCompany": self.tracking_company,
            "items": [
                {"variantId": variant, "quantity": quantity} for variant, quantity in self.items
            ],
        }


class SandboxState:
    def __init__(
        self,
        shop: ShopInfo,
        credentials: Credentials,
        orders: list[dict[str, Any]],
        fulfillments: Iterable[Fulfillment] = (),
    ) -> None:
        self.shop = shop
        self.credentials = credentials
        self._orders: dict[str, dict[str, Any]] = {}
        self._friendly: dict[str, str] = {}
        self._friendly_folded: dict[str, str] = {}
        self._ordered: dict[str, dict[str, int]] = {}
        self._shop_variants: set[str] = set()
        for order in orders:
            self._index_order(order)
        self._newest_first = sorted(
            (order["id"] for order in self._orders.values() if order["shopId"] == shop.id),
            key=lambda order_id: (self._orders[order_id]["createdAt"], order_id),
            reverse=True,
        )
        self.fulfillments: list[Fulfillment] = []
        self._fulfillment_ids: set[str] = set()
        self._fulfilled: dict[tuple[str, str], int] = {}
        self._by_tracking: dict[tuple[str, str], Fulfillment] = {}
        for fulfillment in fulfillments:
            self._record(fulfillment)

    # ---- Building and saving ---------------------------------------------------------------------

    @classmethod
    def from_seed(cls, seed: Seed) -> SandboxState:
        shop = ShopInfo(
            id=seed.shop.id,
            name=seed.shop.name,
            domain=seed.shop.domain,
            public_domain=seed.shop.public_domain or seed.shop.domain,
        )
        credentials = Credentials(
            username=seed.credentials.username,
            password=seed.credentials.password,
            tokens={token: frozenset(scopes) for token, scopes in seed.credentials.tokens.items()},
        )
        orders = seed.order_documents()
        fulfillments = [
            _fulfillment_from_seed(prior, prior.id or short_id("ful", f"{shop.id}:{index}"))
            for index, prior in enumerate(seed.fulfillments)
        ]
        return cls(shop, credentials, orders, fulfillments)

    @classmethod
    def from_dict(cls, data: object, *, source: str = "state") -> SandboxState:
        """The state `to_dict` wrote; it is a seed file in its own right, validated as one."""
        return cls.from_seed(parse_seed(data, source=source))

    def to_dict(self) -> dict[str, Any]:
        return {
            "shop": {
                "id": self.shop.id,
                "name": self.shop.name,
                "domain": self.shop.domain,
                "publicDomain": self.shop.public_domain,
            },
            "credentials": {
                "username": self.credentials.username,
                "password": self.credentials.password,
                "tokens": {
                    token: sorted(scopes) for token, scopes in self.credentials.tokens.items()
                },
            },
            **self.snapshot(),
        }

    def snapshot(self) -> dict[str, Any]:
        """Every order and fulfillment, as `fwfulfill sandbox show --output json` prints them."""
        return {
            "orders": copy.deepcopy(list(self._orders.values())),
            "fulfillments": [fulfillment.document() for fulfillment in self.fulfillments],
        }

    # ---- Reading ---------------------------------------------------------------------------------

    def order(self, order_id: str) -> dict[str, Any] | None:
        """One of this shop's orders by id (another shop's order is as good as missing)."""
        order = self._orders.get(order_id.lower())
        return order if order is not None and order["shopId"] == self.shop.id else None

    def order_by_friendly_id(
        self, friendly_id: str, *, case_sensitive: bool = True
    ) -> dict[str, Any] | None:
        index = self._friendly if case_sensitive else self._friendly_folded
        order_id = index.get(friendly_id if case_sensitive else friendly_id.upper())
        return self.order(order_id) if order_id else None

    def orders_newest_first(self) -> Iterator[dict[str, Any]]:
        """This shop's orders, newest first; ties broken by id so pages never shuffle."""
        return (self._orders[order_id] for order_id in self._newest_first)

    def remaining(self, order_id: str, variant_id: str) -> int:
        ordered = self._ordered.get(order_id, {}).get(variant_id, 0)
        return ordered - self._fulfilled.get((order_id, variant_id), 0)

    # ---- The rules of POST /fulfillments ---------------------------------------------------------

    def create_fulfillment(
        self, request: FulfillmentRequest, settings: SandboxSettings, now: datetime
    ) -> Fulfillment:
        """Check the request against the state and record it; an ApiError says why not."""
        order_id = str(request.order_id)
        order = self._orders.get(order_id)
        if order is None:
            raise errors.fulfillment_order_not_found(
                order_id, settings.fulfillment_order_not_found_code
            )
        if order["shopId"] != self.shop.id:
            raise errors.invalid_shop_order(order["shopId"], order_id)
        tracking = request.shipping_label.tracking_number
        existing = self._by_tracking.get((order_id, tracking))
        if existing is not None and settings.already_exists_on == "tracking":
            raise errors.fulfillment_already_exists(existing.id, order_id)
        wanted = _summed(request)
        self._check_variants(order_id, wanted)
        if order["status"] == OrderStatus.CANCELLED.value:
            _refuse_cancelled(order_id, wanted, settings)
        for variant_id, quantity in wanted.items():
            left = self.remaining(order_id, variant_id)
            if quantity > left:
                raise errors.quantity_too_high(order_id, variant_id, left, quantity)
        fulfillment = Fulfillment(
            id=self._next_fulfillment_id(),
            order_id=order_id,
            tracking_number=tracking,
            tracking_company=request.shipping_label.tracking_company,
            items=tuple((str(item.variant_id), item.quantity) for item in request.items),
        )
        self._record(fulfillment)
        if settings.status_update == "immediate":
            self._update_status(order, now)
        return fulfillment

    def _check_variants(self, order_id: str, wanted: dict[str, int]) -> None:
        ordered = self._ordered[order_id]
        for variant_id in wanted:
            if variant_id not in self._shop_variants:
                raise errors.variant_not_found(variant_id)
            if variant_id not in ordered:
                raise errors.invalid_variant(order_id, variant_id)

    def _update_status(self, order: dict[str, Any], now: datetime) -> None:
        """Open orders move to PARTIALLY_SHIPPED, then SHIPPED once nothing is left; orders already
        further along (delivered, cancelled ...) keep their status."""
        order["updatedAt"] = iso_timestamp(now)
        if order["status"] not in _OPEN:
            return
        done = all(
            self.remaining(order["id"], variant) <= 0 for variant in self._ordered[order["id"]]
        )
        order["status"] = (OrderStatus.SHIPPED if done else OrderStatus.PARTIALLY_SHIPPED).value

    def _next_fulfillment_id(self) -> str:
        number = len(self.fulfillments)
        while (candidate := short_id("ful", f"{self.shop.id}:{number}")) in self._fulfillment_ids:
            number += 1
        return candidate

    # ---- Indexes ---------------------------------------------------------------------------------

    def _index_order(self, order: dict[str, Any]) -> None:
        order_id = order["id"]
        self._orders[order_id] = order
        self._friendly.setdefault(order["friendlyId"], order_id)
        self._friendly_folded.setdefault(order["friendlyId"].upper(), order_id)
        ordered = self._ordered.setdefault(order_id, {})
        for offer in order["offers"]:
            variant = offer["variant"]
            ordered[variant["id"]] = ordered.get(variant["id"], 0) + variant["quantity"]
        if order["shopId"] == self.shop.id:
            self._shop_variants.update(ordered)

    def _record(self, fulfillment: Fulfillment) -> None:
        self.fulfillments.append(fulfillment)
        self._fulfillment_ids.add(fulfillment.id)
        self._by_tracking.setdefault(
            (fulfillment.order_id, fulfillment.tracking_number), fulfillment
        )
        for variant_id, quantity in fulfillment.items:
            key = (fulfillment.order_id, variant_id)
            self._fulfilled[key] = self._fulfilled.get(key, 0) + quantity


def _summed(request: FulfillmentRequest) -> dict[str, int]:
    """Quantity per variant; the same variant twice in `items` counts once, summed."""
    wanted: dict[str, int] = {}
    for item in request.items:
        variant_id = str(item.variant_id)
        wanted[variant_id] = wanted.get(variant_id, 0) + item.quantity
    return wanted


def _refuse_cancelled(order_id: str, wanted: dict[str, int], settings: SandboxSettings) -> None:
    if settings.cancelled_refusal == "code":
        raise errors.order_cancelled(order_id)
    if settings.cancelled_refusal == "quantity":
        variant_id, quantity = next(iter(wanted.items()))
        raise errors.quantity_too_high(order_id, variant_id, 0, quantity)


def _fulfillment_from_seed(prior: SeedFulfillment, fulfillment_id: str) -> Fulfillment:
    return Fulfillment(
        id=fulfillment_id,
        order_id=str(prior.order_id),
        tracking_number=prior.tracking_number,
        tracking_company=prior.tracking_company,
        items=tuple((str(item.variant_id), item.quantity) for item in prior.items),
    )
