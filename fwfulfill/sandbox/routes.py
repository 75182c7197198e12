"""The endpoints the sandbox serves, each with the scope a bearer token needs for it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fwfulfill.constants import API_PREFIX
from fwfulfill.sandbox.errors import method_not_allowed, route_not_found


@dataclass(frozen=True)
class Route:
    name: str  # the endpoint's name in SandboxApp
    method: str
    template: str
    scope: str | None  # None: any valid credentials (the spec's `oauth: []`)

    @property
    def key(self) -> str:
        """`GET /open-api/v1.0/order/{orderId}`: how the stats count it."""
        return f"{self.method} {self.template}"

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.template) + r"\Z")


ROUTES = (
    Route("create_fulfillment", "POST", f"{API_PREFIX}/fulfillments", "fulfillment_write"),
    Route("list_orders", "GET", f"{API_PREFIX}/order", "order_read"),
    Route(
        "order_by_friendly_id",
        "GET",
        f"{API_PREFIX}/order/by-friendly-id/{{friendlyId}}",
        "order_read",
    ),
    Route("order_by_id", "GET", f"{API_PREFIX}/order/{{orderId}}", "order_read"),
    Route("current_shop", "GET", f"{API_PREFIX}/shops/current", None),
)
_COMPILED = tuple((route, route.pattern) for route in ROUTES)


def match_route(method: str, path: str) -> tuple[Route, dict[str, str]]:
    """The route and its path parameters; ApiError 404 or 405 when nothing serves the request."""
    allowed = False
    for route, pattern in _COMPILED:
        found = pattern.match(path)
        if found and route.method == method.upper():
            return route, found.groupdict()
        allowed = allowed or bool(found)
    raise method_not_allowed(method) if allowed else route_not_found(path)
