"""GET /order: the query (page, size, repeated status, email, createdAt/updatedAt bounds), the
filtering and the page it answers."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from fwfulfill.api.statuses import OrderStatus
from fwfulfill.constants import ORDER_PAGE_SIZE_MAX
from fwfulfill.sandbox.errors import ApiError, bad_request
from fwfulfill.sandbox.messages import SandboxRequest
from fwfulfill.sandbox.orderspec import INT32_MAX

DEFAULT_PAGE_SIZE = 20  # the spec's default
_STATUSES = frozenset(status.value for status in OrderStatus)
_BOUNDS = ("createdAt[gt]", "createdAt[lt]", "updatedAt[gt]", "updatedAt[lt]")


@dataclass(frozen=True)
class OrderQuery:
    page: int = 0
    size: int = DEFAULT_PAGE_SIZE
    statuses: frozenset[str] = frozenset()
    email: str | None = None
    bounds: tuple[tuple[str, str, datetime], ...] = ()  # (field, "gt" | "lt", instant)

    @classmethod
    def from_request(cls, request: SandboxRequest) -> OrderQuery:
        """Read the query string; a malformed value is a 400 BAD_REQUEST naming the parameter.

        `page` and `size` are the spec's int32: past it they are refused, as a POST's quantity is.
        A `size` within it but above the documented maximum of 100 is served as 100.
        """
        page = _integer(request, "page", 0, minimum=0)
        size = min(_integer(request, "size", DEFAULT_PAGE_SIZE, minimum=1), ORDER_PAGE_SIZE_MAX)
        # Repeat the parameter per value; a comma-separated list binds the same way (Spring does).
        # An empty value (`status=`) is no status the spec allows: refused like any unknown one.
        statuses = {
            part.strip() for value in request.query_values("status") for part in value.split(",")
        }
        unknown = sorted(statuses - _STATUSES)
        if unknown:
            raise _invalid("status", f"unknown order status {unknown[0]!r}")
        emails = request.query_values("email")
        bounds = tuple(
            (name.partition("[")[0], name[-3:-1], _instant(name, value))
            for name in _BOUNDS
            for value in request.query_values(name)
        )
        return cls(page, size, frozenset(statuses), emails[-1] if emails else None, bounds)

    def matches(self, order: dict[str, Any]) -> bool:
        if self.statuses and order["status"] not in self.statuses:
            return False
        if self.email is not None and str(order.get("email", "")).lower() != self.email.lower():
            return False
        for field, direction, instant in self.bounds:
            moment = parse_instant(order[field])
            if not (moment > instant if direction == "gt" else moment < instant):
                return False
        return True


def order_page(
    orders: Iterable[dict[str, Any]], query: OrderQuery, *, metadata: bool = True
) -> dict[str, Any]:
    """The page `query` asks for, of the orders it matches (in the order given)."""
    selected = [order for order in orders if query.matches(order)]
    start = query.page * query.size
    page: dict[str, Any] = {"results": selected[start : start + query.size]}
    if metadata:
        page.update(
            total=len(selected),
            page=query.page,
            size=query.size,
            totalPages=math.ceil(len(selected) / query.size),
        )
    return page


def parse_instant(text: str) -> datetime:
    """An ISO 8601 date-time; `Z` is understood on Python 3.10 too, a naive time is taken as UTC."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _instant(name: str, value: str) -> datetime:
    try:
        return parse_instant(value)
    except ValueError:
        raise _invalid(name, f"{value!r} is not an ISO 8601 date-time") from None


def _integer(request: SandboxRequest, name: str, default: int, *, minimum: int) -> int:
    values = request.query_values(name)
    if not values:
        return default
    try:
        number = int(values[-1])
    except ValueError:
        raise _invalid(name, f"{values[-1]!r} is not an integer") from None
    if number < minimum:
        raise _invalid(name, f"must be at least {minimum}")
    if number > INT32_MAX:
        raise _invalid(name, f"must be at most {INT32_MAX} (the spec's int32)")
    return number


def _invalid(parameter: str, message: str) -> ApiError:
    return bad_request([{"code": "INVALID_PARAMETER", "field": parameter, "message": message}])
