"""Reading orders from the shop: one by reference, or many in as few requests as the rate limit
allows.

At 100 requests per 10 s, reading 1,000 orders one by one costs 100 s. When the orders named are
many, the shop's open orders are read in pages of 100 instead (the first page's `total` says what
that costs), and only what the pages did not hold is read one by one. Every read goes through the
client's rate limiter.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from fwfulfill.api.client import ApiClient
from fwfulfill.api.models import Address, Offer, Order, OrderPage, Shipping, Variant
from fwfulfill.api.statuses import OPEN_STATUSES
from fwfulfill.constants import ORDER_PAGE_SIZE_MAX
from fwfulfill.error_codes import ORDER_NOT_FOUND_CODES
from fwfulfill.errors import ApiError, InputError
from fwfulfill.planning.parse_input import OrderReference

# Below this many orders, single reads are never worse than a first page that might not hold them.
_PAGING_THRESHOLD = 3
_FRIENDLY_ID_LENGTH = 8


def is_not_found(error: ApiError) -> bool:
    return error.status == 404 or error.code in ORDER_NOT_FOUND_CODES


def fetch_order(client: ApiClient, reference: OrderReference, target: str | None = None) -> Order:
    """The order named by `reference` (one GET); `order_not_found` as an input error when absent."""
    found = _read_one(client, reference)
    if found is None:
        raise InputError(
            "order_not_found", f"order {reference} was not found in this shop.", target=target
        )
    return found


def _read_one(client: ApiClient, reference: OrderReference) -> Order | None:
    try:
        if reference.order_id is not None:
            return client.order(reference.order_id)
        return client.order_by_friendly_id(reference.key)
    except ApiError as error:
        if is_not_found(error):
            return None
        raise


@dataclass
class Resolution:
    """Each reference key that was found, mapped to its order; the rest with the reason."""

    orders: dict[str, Order] = field(default_factory=dict)
    missing: dict[str, InputError] = field(default_factory=dict)
    # A missing key -> the order it most likely names (`418297` -> order `00418297`).
    related: dict[str, Order] = field(default_factory=dict)
    requests: int = 0
    # The variants of the orders kept, one object per distinct variant (see `for_planning`).
    variants: dict[tuple[str, str, str, int], Variant] = field(default_factory=dict)


def resolve_orders(
    client: ApiClient,
    references: Iterable[OrderReference],
    *,
    workers: int = 8,
    on_progress: Callable[[int], None] | None = None,
) -> Resolution:
    """Read every distinct order once, by pages of open orders when that is cheaper."""
    wanted = {ref.key: ref for ref in references}
    resolution = Resolution()
    if len(wanted) >= _PAGING_THRESHOLD:
        _resolve_from_pages(client, wanted, resolution, workers)
    remaining = [ref for key, ref in wanted.items() if key not in resolution.orders]
    with ThreadPoolExecutor(max(1, workers)) as pool:
        found = pool.map(lambda r: _read_one(client, r), remaining)
        for ref, order in zip(remaining, found, strict=True):
            resolution.requests += 1
            if order is not None:
                resolution.orders[ref.key] = for_planning(order, resolution.variants)
            else:
                resolution.missing[ref.key] = _not_found(client, ref, resolution)
            if on_progress is not None:
                on_progress(1)
    return resolution


def _resolve_from_pages(
    client: ApiClient,
    wanted: dict[str, OrderReference],
    resolution: Resolution,
    workers: int,
) -> None:
    first = _page(client, 0)
    resolution.requests += 1
    _take(first, wanted, resolution)
    unresolved = len(wanted) - len(resolution.orders)
    total_pages = _total_pages(first)
    if total_pages is not None:
        # Pages left to read vs single reads for what is still unresolved: take the cheaper.
        if total_pages - 1 >= unresolved:
            return
        # In batches, newest first, stopping once every order is found: a file of this week's
        # orders reads the first pages of the shop, not all of them.
        batch = max(1, workers)
        with ThreadPoolExecutor(batch) as pool:
            for start in range(1, total_pages, batch):
                numbers = range(start, min(start + batch, total_pages))
                for page in pool.map(lambda n: _page(client, n), numbers):
                    resolution.requests += 1
                    _take(page, wanted, resolution)
                if len(resolution.orders) >= len(wanted):
                    break
        return
    # No totals in the answer: read on while pages are full and cheaper than single reads.
    page, number = first, 0
    while len(page.results) >= ORDER_PAGE_SIZE_MAX and len(wanted) - len(resolution.orders) > 1:
        number += 1
        page = _page(client, number)
        resolution.requests += 1
        _take(page, wanted, resolution)


def _total_pages(page: OrderPage) -> int | None:
    if page.total_pages is not None:
        return page.total_pages
    if page.total is not None:
        return max(1, math.ceil(page.total / ORDER_PAGE_SIZE_MAX))
    return None


def _page(client: ApiClient, number: int) -> OrderPage:
    return client.list_orders(
        page=number,
        size=ORDER_PAGE_SIZE_MAX,
        statuses=[status.value for status in OPEN_STATUSES],
    )


def _take(page: OrderPage, wanted: dict[str, OrderReference], resolution: Resolution) -> None:
    for order in page.results:
        kept: Order | None = None
        for key in (order.id, order.friendly_id.upper()):
            if key in wanted:
                kept = kept or for_planning(order, resolution.variants)
                resolution.orders[key] = kept


def for_planning(
    order: Order, shared: dict[tuple[str, str, str, int], Variant] | None = None
) -> Order:
    """The order reduced to what planning and the confirmation read: id, friendly id, status, its
    variants (id, SKU, name, quantity), the customer's name and email. Addresses, offer names and
    dates are dropped as each page arrives, so a file of 20,000 orders holds no more than that.

    `shared`: variants already kept, by value: orders of one shop repeat a catalogue's variants,
    kept once each. Nothing here is changed after planning starts, so sharing changes nothing."""
    address = order.shipping.address if order.shipping else None
    name = address.name if address else None
    offers = []
    for offer in order.offers:
        variant = offer.variant
        if shared is not None:
            key = (variant.id, variant.sku, variant.name, variant.quantity)
            variant = shared.setdefault(key, variant)
        offers.append(Offer.model_construct(_OFFER_FIELDS, variant=variant))
    return Order.model_construct(
        _ORDER_FIELDS,
        id=order.id,
        friendly_id=order.friendly_id,
        status=order.status,
        email=order.email,
        offers=offers,
        shipping=Shipping.model_construct(
            _SHIPPING_FIELDS, address=Address.model_construct(_ADDRESS_FIELDS, name=name)
        )
        if name
        else None,
    )


# The fields each reduced model was given: one set for all of them, not one per object.
_ORDER_FIELDS = {"id", "friendly_id", "status", "email", "offers", "shipping"}
_OFFER_FIELDS = {"variant"}
_SHIPPING_FIELDS = {"address"}
_ADDRESS_FIELDS = {"name"}


def _not_found(client: ApiClient, ref: OrderReference, resolution: Resolution) -> InputError:
    """Why `ref` is missing; a numeric friendly id may have lost its leading zeros in Excel."""
    key = ref.key
    if ref.friendly_id and key.isdigit() and len(key) < _FRIENDLY_ID_LENGTH:
        padded = OrderReference(ref.text, friendly_id=key.zfill(_FRIENDLY_ID_LENGTH))
        resolution.requests += 1
        found = _read_one(client, padded)
        if found is not None:
            resolution.related[key] = found
            return InputError(
                "excel_leading_zero_lost",
                f"order {key} is not in the shop but {padded.key} is: Excel dropped its leading "
                "zeros. Re-export with the order column formatted as Text.",
            )
    return InputError("order_not_found", f"order {ref} was not found in this shop.")
