"""What a sandbox did between two `GET /_sandbox/stats` snapshots. Light on purpose (no httpx, no
sandbox): a benchmark that measures its own process's memory imports it without growing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ORDER_READS = (
    "GET /open-api/v1.0/order",
    "GET /open-api/v1.0/order/by-friendly-id/{friendlyId}",
    "GET /open-api/v1.0/order/{orderId}",
)


def counted(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """Requests per endpoint, order reads, 429s sent and fulfillments created in between."""
    endpoints = {
        route: count - before["requests"].get(route, 0)
        for route, count in after["requests"].items()
        if count - before["requests"].get(route, 0)
    }
    return {
        "requests": sum(endpoints.values()),
        "order_reads": sum(endpoints.get(route, 0) for route in ORDER_READS),
        "by_endpoint": endpoints,
        "rate_limited": after.get("rateLimited", 0) - before.get("rateLimited", 0),
        "fulfillments_created": after.get("fulfillmentsCreated", 0)
        - before.get("fulfillmentsCreated", 0),
    }
