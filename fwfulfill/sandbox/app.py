"""The sandbox's one request handler: a faithful fake of the Fourthwall Open API endpoints fwfulfill
uses. The loopback server and the in-process transport both call `SandboxApp.handle`.

Per request: faults (reset, 5xx) and latency -> route -> authentication and scope -> rate limit ->
the endpoint. Introspection routes under /_sandbox/ skip all of that.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from fwfulfill.api.models import FulfillmentRequest
from fwfulfill.sandbox import errors
from fwfulfill.sandbox.auth import authenticate
from fwfulfill.sandbox.clock import Clock, SystemClock
from fwfulfill.sandbox.errors import ApiError
from fwfulfill.sandbox.faults import FaultInjector, FaultPlan, server_error_page
from fwfulfill.sandbox.listing import OrderQuery, order_page
from fwfulfill.sandbox.messages import Fault, SandboxRequest, SandboxResponse
from fwfulfill.sandbox.ratelimit import SlidingWindowLimiter, retry_after_header
from fwfulfill.sandbox.routes import Route, match_route
from fwfulfill.sandbox.settings import SandboxSettings
from fwfulfill.sandbox.state import SandboxState
from fwfulfill.sandbox.stats import SandboxStats

INTROSPECTION_PREFIX = "/_sandbox/"
_AUTH_TITLES = {401: ("UNAUTHORIZED", "Unauthorized"), 403: ("FORBIDDEN", "Forbidden")}

Params = dict[str, str]
Endpoint = Callable[[SandboxRequest, Params], SandboxResponse]


class SandboxApp:
    def __init__(
        self,
        state: SandboxState,
        settings: SandboxSettings | None = None,
        clock: Clock | None = None,
        on_change: Callable[[SandboxState], None] | None = None,
    ) -> None:
        self.state = state
        self.settings = settings or SandboxSettings()
        self.clock: Clock = clock or SystemClock()
        self.stats = SandboxStats()
        self._on_change = on_change
        self._faults = FaultInjector(self.settings)
        limit = self.settings.rate_limit
        self._limiter = (
            SlidingWindowLimiter(limit, self.settings.rate_window, self.clock) if limit else None
        )
        # One lock around the state: reads see whole changes, and changes are saved in order.
        self._lock = threading.Lock()
        self._endpoints: dict[str, Endpoint] = {
            "create_fulfillment": self._create_fulfillment,
            "list_orders": self._list_orders,
            "order_by_friendly_id": self._order_by_friendly_id,
            "order_by_id": self._order_by_id,
            "current_shop": self._current_shop,
        }

    def handle(self, request: SandboxRequest) -> SandboxResponse:
        if request.path.startswith(INTROSPECTION_PREFIX):
            return self._introspect(request)
        try:
            matched: tuple[Route, Params] | ApiError = match_route(request.method, request.path)
        except ApiError as exc:
            matched = exc
        self.stats.request("OTHER" if isinstance(matched, ApiError) else matched[0].key)
        plan = self._faults.plan()
        if plan.reset:
            self.stats.fault("reset")
            return SandboxResponse.reset()
        self.clock.sleep(plan.latency)
        if plan.server_error is not None:
            self.stats.fault("5xx")
            response = SandboxResponse.text(
                plan.server_error, server_error_page(plan.server_error), "text/html"
            )
        else:
            response = self._answer(request, matched, plan)
        if response.fault is None:
            self.stats.status(response.status)
        return response

    def _answer(
        self, request: SandboxRequest, matched: tuple[Route, Params] | ApiError, plan: FaultPlan
    ) -> SandboxResponse:
        if isinstance(matched, ApiError):
            return self._error(matched)
        route, params = matched
        try:
            principal = authenticate(request.headers.get("authorization"), self.state.credentials)
            if principal is None or not principal.may(route.scope):
                return self._auth_error(401 if principal is None else 403)
            self._admit(plan.burst)
            response = self._endpoints[route.name](request, params)
        except ApiError as exc:
            return self._error(exc)
        if response.status == 201:
            return self._after_commit(response, plan)
        return response

    def _after_commit(self, response: SandboxResponse, plan: FaultPlan) -> SandboxResponse:
        """The fulfillment is recorded; the answer may still never reach the client."""
        kind = self._faults.after_commit(plan)
        if kind is None:
            return response
        if kind == "5xx":
            self.stats.fault("5xx-after-commit")
            return SandboxResponse.text(502, server_error_page(502), "text/html")
        self.stats.fault(kind)
        return dataclasses.replace(response, fault=Fault(kind))

    # ---- Rate limit ------------------------------------------------------------------------------

    def _admit(self, burst: bool) -> None:
        """Take a slot of the shop's quota, or raise the 429 (a burst answers 429 regardless)."""
        if burst:
            self.stats.fault("burst")
            raise _RateLimited(retry_after=1.0)
        if self._limiter is None:
            return
        shop = self.state.shop.id
        if self.settings.rate_mode == "delay":
            self._limiter.acquire_waiting(shop)
            return
        admission = self._limiter.try_acquire(shop)
        if not admission.allowed:
            raise _RateLimited(admission.retry_after)

    # ---- Endpoints -------------------------------------------------------------------------------

    def _create_fulfillment(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        body = _fulfillment_request(request.body)
        with self._lock:
            fulfillment = self.state.create_fulfillment(body, self.settings, self.clock.wall())
            if self._on_change is not None:
                self._on_change(self.state)
        self.stats.fulfillment_created()
        return SandboxResponse.json(201, {"fulfillmentId": fulfillment.id})

    def _order_by_id(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        with self._lock:
            order = self.state.order(params["orderId"])
            if order is None:
                raise errors.order_not_found(params["orderId"], self.settings.order_not_found_code)
            return SandboxResponse.json(200, order)

    def _order_by_friendly_id(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        sensitive = self.settings.friendly_id_case == "sensitive"
        with self._lock:
            order = self.state.order_by_friendly_id(params["friendlyId"], case_sensitive=sensitive)
            if order is None:
                raise errors.friendly_id_not_found(params["friendlyId"])
            return SandboxResponse.json(200, order)

    def _list_orders(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        query = OrderQuery.from_request(request)
        with self._lock:
            page = order_page(
                self.state.orders_newest_first(), query, metadata=self.settings.page_metadata
            )
            return SandboxResponse.json(200, page)

    def _current_shop(self, request: SandboxRequest, params: Params) -> SandboxResponse:
        return SandboxResponse.json(200, self.state.shop.document())

    # ---- Introspection ---------------------------------------------------------------------------

    def _introspect(self, request: SandboxRequest) -> SandboxResponse:
        """GET /_sandbox/stats and GET /_sandbox/state: no auth, no rate limit, no faults."""
        name = request.path[len(INTROSPECTION_PREFIX) :]
        if request.method.upper() != "GET" or name not in {"stats", "state"}:
            return self._error(errors.route_not_found(request.path))
        if name == "stats":
            return SandboxResponse.json(200, self.stats.to_dict())
        with self._lock:
            return SandboxResponse.json(200, self.state.snapshot())

    # ---- Error answers ---------------------------------------------------------------------------

    def _error(self, error: ApiError) -> SandboxResponse:
        if isinstance(error, _RateLimited):
            return self._too_many(error.retry_after)
        if error.body["code"] == "BAD_REQUEST" and self.settings.schema_error_body == "text":
            problems = "; ".join(f"{e['field']}: {e['message']}" for e in error.body["errors"])
            return SandboxResponse.text(400, f"Bad Request: {problems}")
        return SandboxResponse.json(error.status, error.body)

    def _too_many(self, retry_after: float) -> SandboxResponse:
        headers: tuple[tuple[str, str], ...] = ()
        if self.settings.send_retry_after:
            headers = (("Retry-After", retry_after_header(retry_after)),)
        return SandboxResponse.json(429, errors.too_many_requests().body, headers)

    def _auth_error(self, status: int) -> SandboxResponse:
        code, title = _AUTH_TITLES[status]
        headers: tuple[tuple[str, str], ...] = ()
        if status == 401:
            headers = (("WWW-Authenticate", 'Basic realm="Fourthwall Open API"'),)
        style = self.settings.auth_error_body
        if style == "json":
            return SandboxResponse.json(
                status, {"code": code, "title": title, "status": status}, headers
            )
        body = title.encode() if style == "text" else b""
        content_type = (("Content-Type", "text/plain; charset=utf-8"),) if body else ()
        return SandboxResponse(status, content_type + headers, body)


class _RateLimited(ApiError):
    def __init__(self, retry_after: float) -> None:
        super().__init__(429, "OPEN_API_TOO_MANY_REQUESTS")
        self.retry_after = retry_after


def _fulfillment_request(body: bytes) -> FulfillmentRequest:
    """The POST body, checked by the product's own wire model: one definition of a valid request."""
    try:
        data: Any = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise errors.bad_request(
            [{"code": "MALFORMED_JSON", "field": "", "message": f"not valid JSON: {exc}"}]
        ) from None
    try:
        return FulfillmentRequest.model_validate(data)
    except ValidationError as exc:
        raise errors.bad_request(
            [
                {
                    "code": error["type"].upper(),
                    "field": ".".join(str(part) for part in error["loc"]),
                    "message": error["msg"],
                }
                for error in exc.errors()
            ]
        ) from None
