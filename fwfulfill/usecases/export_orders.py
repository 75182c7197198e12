"""`orders export`: the orders that still need shipping, item by item, for a label tool.

Which orders: by default those in a status that can still take a fulfillment and where nothing
has been shipped yet (CONFIRMED, PARTIALLY_IN_PRODUCTION, IN_PRODUCTION). A PARTIALLY_SHIPPED order
is never exported by default, even when fwfulfill sent part of it: orders carry no fulfilled
quantities, so what another tool shipped cannot be seen; they are counted for a warning, and
`--status partially_shipped` exports them as fwfulfill's ledger sees them. What is left of an item
is its ordered quantity less what the ledger says fwfulfill sent (created, or in doubt: it may have
landed), so an order fwfulfill shipped whole is left out. The order list is read page by page (100
a page) through the shop's rate limiter, each order once; `orders` names orders to read one by one
instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from fwfulfill.api.models import Order
from fwfulfill.api.statuses import OPEN_STATUSES, OrderStatus
from fwfulfill.errors import InputError
from fwfulfill.planning.order_lookup import fetch_order
from fwfulfill.planning.parse_input import OrderReference
from fwfulfill.usecases.shop import ShopConnection

# The statuses `--status` accepts: an order that can still take a fulfillment.
EXPORTABLE_STATUSES: tuple[str, ...] = tuple(status.value for status in OPEN_STATUSES)
_PARTLY_SHIPPED = OrderStatus.PARTIALLY_SHIPPED.value
# Statuses exported when no --status is given (see the module docstring for PARTIALLY_SHIPPED).
DEFAULT_STATUSES: tuple[str, ...] = tuple(s for s in EXPORTABLE_STATUSES if s != _PARTLY_SHIPPED)


@dataclass(frozen=True)
class ExportQuery:
    statuses: tuple[str, ...] = ()  # empty: DEFAULT_STATUSES; else some of EXPORTABLE_STATUSES
    created_after: str | None = None  # ISO 8601 UTC, exclusive (createdAt[gt])
    created_before: str | None = None  # ISO 8601 UTC, exclusive (createdAt[lt])
    orders: tuple[OrderReference, ...] = ()  # empty: every order of the list


@dataclass(frozen=True)
class ExportItem:
    variant_id: str
    sku: str
    name: str
    quantity: int  # still to ship
    unit_weight: float | None
    weight_unit: str


@dataclass(frozen=True)
class ExportOrder:
    order: Order
    items: tuple[ExportItem, ...]

    @property
    def address_key(self) -> tuple[str, ...]:
        """Who and where it goes: orders with the same key are one customer's address."""
        address = self.order.shipping.address if self.order.shipping else None
        if address is None:
            return (self.order.email or "",)
        parts = (address.name, address.address1, address.address2, address.city, address.zip)
        return tuple((part or "").strip().lower() for part in (*parts, address.country))


@dataclass
class ExportResult:
    orders: list[ExportOrder] = field(default_factory=list)
    # Partly shipped orders left out by default: another tool may have shipped part of them.
    partly_shipped_left_out: int = 0
    # Of those, the friendly ids of the ones fwfulfill's ledger holds sends for.
    partly_shipped_sent: list[str] = field(default_factory=list)
    # Partly shipped orders exported because --status asked: friendly ids, for a warning each.
    partly_shipped_exported: list[str] = field(default_factory=list)
    # Orders named with `orders` whose status is not exported: (friendly id, status).
    named_not_exported: list[tuple[str, str]] = field(default_factory=list)

    @property
    def items(self) -> int:
        return sum(len(order.items) for order in self.orders)

    @property
    def customers(self) -> int:
        return len({order.address_key for order in self.orders})


PageSeen = Callable[[int, int | None], None]  # (orders read so far, total orders or None)


def export_orders(
    shop: ShopConnection, query: ExportQuery, on_page: PageSeen | None = None
) -> ExportResult:
    """The orders of `query` with what is left to ship, oldest first (then by friendly id)."""
    explicit = bool(query.statuses)
    statuses = exportable_statuses(query.statuses) if explicit else DEFAULT_STATUSES
    # By default partly shipped orders are read too, only to be counted for the warning.
    read_statuses = statuses if explicit else EXPORTABLE_STATUSES
    read = (
        _named_orders(shop, query.orders, on_page)
        if query.orders
        else _listed_orders(shop, query, read_statuses, on_page)
    )
    result = ExportResult()
    wanted = [order for order in read if order.status in read_statuses]
    if query.orders:
        result.named_not_exported = [
            (order.friendly_id, order.status) for order in read if order.status not in read_statuses
        ]
    if query.orders:  # the list was asked with the date bounds; orders read one by one were not
        wanted = [order for order in wanted if _in_range(order, query)]
    ledger = shop.ledger.view(shop.shop_key, [order.id for order in wanted])
    for order in wanted:
        sent = ledger.fulfilled_quantities(order.id)
        if order.status == _PARTLY_SHIPPED and not explicit:
            result.partly_shipped_left_out += 1
            if sent:
                result.partly_shipped_sent.append(order.friendly_id)
            continue
        items = _items_left(order, sent)
        if items:
            result.orders.append(ExportOrder(order, items))
            if order.status == _PARTLY_SHIPPED:
                result.partly_shipped_exported.append(order.friendly_id)
    result.orders.sort(key=lambda found: (found.order.created_at or "", found.order.friendly_id))
    return result


def exportable_statuses(statuses: Sequence[str]) -> tuple[str, ...]:
    """`statuses` (as the API writes them), refused when one takes no more fulfillments: its
    orders have no items to ship."""
    closed = [status for status in statuses if status not in EXPORTABLE_STATUSES]
    if closed:
        raise InputError(
            "export_status_closed",
            f"{', '.join(closed)} {'takes' if len(closed) == 1 else 'take'} no more "
            "fulfillments; orders export accepts "
            f"{', '.join(EXPORTABLE_STATUSES)}.",
            target="--status",
        )
    return tuple(dict.fromkeys(statuses))


def _listed_orders(
    shop: ShopConnection, query: ExportQuery, statuses: Sequence[str], on_page: PageSeen | None
) -> list[Order]:
    """Every order of the list in these statuses, page by page; an order met twice (the list
    moved between pages) counts once."""
    seen: dict[str, Order] = {}
    pages = shop.client.order_pages(
        statuses=statuses,
        created_after=query.created_after,
        created_before=query.created_before,
    )
    for batch in pages:
        for order in batch.results:
            seen.setdefault(order.id, order)
        if on_page is not None:
            on_page(len(seen), batch.total)
    return list(seen.values())


def _named_orders(
    shop: ShopConnection, references: Sequence[OrderReference], on_page: PageSeen | None
) -> list[Order]:
    found: dict[str, Order] = {}
    unique = list({reference.key: reference for reference in references}.values())
    for reference in unique:
        order = fetch_order(shop.client, reference, target="--order")
        found.setdefault(order.id, order)
        if on_page is not None:
            on_page(len(found), len(unique))
    return list(found.values())


def _in_range(order: Order, query: ExportQuery) -> bool:
    """Whether an order read by itself lies within the date bounds (an unreadable date: yes)."""
    created = _instant(order.created_at)
    after, before = _instant(query.created_after), _instant(query.created_before)
    if created is None:
        return True
    if after is not None and created <= after:
        return False
    return before is None or created < before


def _instant(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _items_left(order: Order, sent: dict[str, int]) -> tuple[ExportItem, ...]:
    """One item per variant (lines of one variant summed), with what is still to ship."""
    items: list[ExportItem] = []
    for variant_id, ordered in order.ordered_quantities().items():
        left = ordered - sent.get(variant_id, 0)
        if left <= 0:
            continue
        variant = order.variants()[variant_id]
        weight = variant.weight
        known = weight is not None and weight.value is not None and bool(weight.unit)
        items.append(
            ExportItem(
                variant_id=variant_id,
                sku=variant.sku,
                name=variant.name or _offer_name(order, variant_id),
                quantity=left,
                unit_weight=weight.value if known and weight is not None else None,
                weight_unit=weight.unit if known and weight is not None else "",
            )
        )
    return tuple(items)


def _offer_name(order: Order, variant_id: str) -> str:
    return next((o.name for o in order.offers if o.variant.id == variant_id), "")
