"""The statuses a Fourthwall order can be in, and the groups fwfulfill reasons about.

The one list of them: the wire models, the `orders --status` option and the error catalogue's hint
all read it. No pydantic here, so the CLI's start-up path may import it.
"""

from __future__ import annotations

from enum import Enum


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


# Every status as the API writes it, in the API's order (help texts list them so).
ORDER_STATUSES: tuple[str, ...] = tuple(status.value for status in OrderStatus)

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
# Statuses that say some items already have a tracker and some may not.
PARTLY_SHIPPED_STATUSES: frozenset[str] = frozenset(
    {OrderStatus.PARTIALLY_SHIPPED.value, OrderStatus.PARTIALLY_DELIVERED.value}
)
