"""The Fourthwall Open API client: the only module that speaks HTTP.

Every request goes through the shared rate limiter. Retries follow API-NOTES.md: what was certainly
not delivered (connect errors, 429) is retried for every method; reads are also retried on timeouts,
dropped connections and 5xx; a POST whose outcome is unknown is never retried here but raised as
`OutcomeUnknown`, so the caller can record it as in doubt before deciding
(see `fwfulfill.sending.send`).
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, ValidationError

from fwfulfill import __version__
from fwfulfill.api.models import (
    ApiErrorBody,
    FulfillmentRequest,
    FulfillmentResponse,
    Order,
    OrderPage,
    Shop,
)
from fwfulfill.api.ratelimit import RateLimiter
from fwfulfill.auth.credentials import Credentials
from fwfulfill.constants import API_PREFIX, ORDER_PAGE_SIZE_MAX, RATE_LIMIT_WINDOW_SECONDS
from fwfulfill.error_codes import CATALOGUE, explain
from fwfulfill.errors import ApiError, InputError, OutcomeUnknown

if TYPE_CHECKING:
    from typing import TypeAlias

    import httpx

# httpx (about 45 ms to import) is imported by the code that sends, not with this module: an
# offline run imports the client's types through the use cases but never sends.

ModelT = TypeVar("ModelT", bound=BaseModel)


class Cancelled(Exception):
    """The run was stopped (`ApiClient.cancel`) before this request went out."""


_RETRYABLE_READ_STATUSES = frozenset({500, 502, 503, 504})
_BODY_EXCERPT = 200


@dataclass(frozen=True)
class Timeouts:
    connect: float = 10.0
    read: float = 30.0
    write: float = 30.0
    pool: float = 120.0


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    backoff_base: float = 0.5
    backoff_cap: float = 10.0
    # The most one request may spend waiting between attempts before it is reported failed.
    max_total_wait: float = 180.0
    # How long a 429 without Retry-After holds every request: the shop's whole window.
    rate_limit_wait: float = RATE_LIMIT_WINDOW_SECONDS


@dataclass(frozen=True)
class RequestSent:
    method: str
    url: str
    headers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ResponseReceived:
    method: str
    url: str
    status: int
    elapsed_ms: float


@dataclass(frozen=True)
class Waiting:
    """The client is about to wait before trying again."""

    reason: str
    seconds: float
    attempt: int


ClientEvent = RequestSent | ResponseReceived | Waiting
EventSink = Callable[[ClientEvent], None]


# What a client's requests run over: the network, or under `--sandbox` the sandbox's in-process
# transport. Named here so the CLI, which only hands it through, never imports httpx. A name for
# the type checker only (import it under TYPE_CHECKING).
if TYPE_CHECKING:
    Transport: TypeAlias = httpx.BaseTransport


class ApiClient:
    """Typed calls to the endpoints fwfulfill uses; raises `ApiError` / `OutcomeUnknown`."""

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        transport: httpx.BaseTransport | None = None,
        timeouts: Timeouts = Timeouts(),
        retry: RetryPolicy = RetryPolicy(),
        limiter: RateLimiter | None = None,
        on_event: EventSink | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        import httpx

        self._credentials = credentials
        self._retry = retry
        self._limiter = limiter
        self._on_event = on_event
        self._sleep = sleep
        # Set to stop the run: requests not yet sent are cancelled, waits end at once.
        self.cancel = threading.Event()
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + API_PREFIX,
            transport=transport,
            timeout=httpx.Timeout(
                connect=timeouts.connect,
                read=timeouts.read,
                write=timeouts.write,
                pool=timeouts.pool,
            ),
            headers={"User-Agent": f"fwfulfill/{__version__}", "Accept": "application/json"},
            follow_redirects=False,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
        )
        _check_base_url(self._http, base_url)

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # ---- endpoints ----------------------------------------------------------------------------

    def current_shop(self) -> Shop:
        return self._parse(self._request("GET", "/shops/current"), Shop)

    def order(self, order_id: str) -> Order:
        return self._parse(self._request("GET", f"/order/{quote(order_id, safe='')}"), Order)

    def order_by_friendly_id(self, friendly_id: str) -> Order:
        path = f"/order/by-friendly-id/{quote(friendly_id, safe='')}"
        return self._parse(self._request("GET", path), Order)

    def list_orders(
        self,
        *,
        page: int = 0,
        size: int = ORDER_PAGE_SIZE_MAX,
        statuses: Sequence[str] = (),
        email: str | None = None,
        created_after: str | None = None,
        created_before: str | None = None,
    ) -> OrderPage:
        params: list[tuple[str, str]] = [("page", str(page)), ("size", str(size))]
        params += [("status", status) for status in statuses]
        for name, value in (
            ("email", email),
            ("createdAt[gt]", created_after),
            ("createdAt[lt]", created_before),
        ):
            if value is not None:
                params.append((name, value))
        return self._parse(self._request("GET", "/order", params=params), OrderPage)

    def order_pages(
        self,
        *,
        statuses: Sequence[str] = (),
        email: str | None = None,
        created_after: str | None = None,
        created_before: str | None = None,
        first_size: int = ORDER_PAGE_SIZE_MAX,
    ) -> Iterator[OrderPage]:
        """The order list page by page up to its last page (`first_size`: a smaller first page,
        for a caller that wants only a few); the caller stops early by leaving the loop."""
        page, size = 0, min(first_size, ORDER_PAGE_SIZE_MAX)
        while True:
            batch = self.list_orders(
                page=page,
                size=size,
                statuses=statuses,
                email=email,
                created_after=created_after,
                created_before=created_before,
            )
            yield batch
            last = batch.total_pages is not None and page + 1 >= batch.total_pages
            if not batch.results or last or len(batch.results) < size:
                return
            page, size = page + 1, ORDER_PAGE_SIZE_MAX

    def create_fulfillment(self, request: FulfillmentRequest) -> FulfillmentResponse:
        """Any 2xx means created: an answer without the documented id must not read as a failure
        (that would send it again)."""
        response = self._request("POST", "/fulfillments", body=request.to_wire())
        try:
            return self._parse(response, FulfillmentResponse)
        except ApiError:
            return FulfillmentResponse(fulfillment_id=None)

    # ---- the exchange -------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Sequence[tuple[str, str]] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        import httpx

        idempotent = method == "GET"
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._exchange(method, path, params, body)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                # Nothing reached the server: safe to try again whatever the method.
                failure: ApiError = ApiError("NETWORK_ERROR", _network_message(exc))
            except httpx.TimeoutException as exc:
                if not idempotent:
                    raise OutcomeUnknown("TIMEOUT", _network_message(exc)) from None
                failure = ApiError("TIMEOUT", _network_message(exc))
            except httpx.TransportError as exc:
                if not idempotent:
                    raise OutcomeUnknown("NETWORK_ERROR", _network_message(exc)) from None
                failure = ApiError("NETWORK_ERROR", _network_message(exc))
            else:
                if response.is_success:
                    return response
                failure = _error_from_response(response)
                if response.status_code == 429:
                    wait = _retry_after(response) or self._retry.rate_limit_wait
                    if self._limiter is not None:
                        self._limiter.pause(wait)
                    waited += self._wait(wait, "rate limited by the shop (429)", attempt, waited)
                    continue
                if response.status_code >= 500 and not idempotent:
                    raise OutcomeUnknown(
                        failure.code,
                        failure.message,
                        status=failure.status,
                        fields=failure.fields,
                        body_excerpt=failure.body_excerpt,
                    )
                if response.status_code not in _RETRYABLE_READ_STATUSES:
                    raise failure
            delay = self._backoff(attempt)
            waited += self._wait(delay, failure.entry.title.lower(), attempt, waited, failure)

    def _wait(
        self,
        seconds: float,
        reason: str,
        attempt: int,
        waited: float,
        failure: ApiError | None = None,
    ) -> float:
        """Sleep before the next attempt, or give up when the budget is spent."""
        out_of_attempts = failure is not None and attempt >= self._retry.max_attempts
        if out_of_attempts or waited + seconds > self._retry.max_total_wait:
            raise failure or ApiError(
                "OPEN_API_TOO_MANY_REQUESTS", f"still rate limited after waiting {waited:.0f}s"
            )
        if self._on_event is not None:
            self._on_event(Waiting(reason, seconds, attempt))
        if self._sleep is not None:
            self._sleep(seconds)
        elif self.cancel.wait(seconds):
            raise Cancelled("stopped while waiting to retry")
        return seconds

    def _backoff(self, attempt: int) -> float:
        # Exponential backoff with full jitter, so parallel workers do not retry in lock-step.
        ceiling = min(self._retry.backoff_cap, self._retry.backoff_base * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)

    def _exchange(
        self,
        method: str,
        path: str,
        params: Sequence[tuple[str, str]] | None,
        body: Mapping[str, Any] | None,
    ) -> httpx.Response:
        request = self._http.build_request(
            method,
            path,
            params=list(params) if params else None,
            json=dict(body) if body is not None else None,
            headers={"Authorization": self._credentials.authorization()},
        )
        if self._on_event is not None:
            self._on_event(RequestSent(method, str(request.url), _redacted(request.headers)))
        if self._limiter is not None and not self._limiter.acquire(stop=self.cancel):
            raise Cancelled("stopped before the request was sent")
        if self._limiter is None and self.cancel.is_set():
            raise Cancelled("stopped before the request was sent")
        started = time.perf_counter()
        try:
            response = self._send(request)
        finally:
            if self._limiter is not None:
                self._limiter.release()
        if self._on_event is not None:
            elapsed = (time.perf_counter() - started) * 1000
            self._on_event(
                ResponseReceived(method, str(request.url), response.status_code, elapsed)
            )
        return response

    def _send(self, request: httpx.Request) -> httpx.Response:
        response = self._http.send(request)
        response.read()
        return response

    @staticmethod
    def _parse(response: httpx.Response, model: type[ModelT]) -> ModelT:
        try:
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            detail = exc.errors()[0]
            where = ".".join(str(part) for part in detail["loc"])
            raise ApiError(
                "UNEXPECTED_RESPONSE",
                f"the answer to {response.request.method} {response.request.url.path} is not a "
                f"valid {model.__name__} ({where}: {detail['msg']})",
                status=response.status_code,
                body_excerpt=_excerpt(response),
            ) from None


def _check_base_url(http: httpx.Client, base_url: str) -> None:
    """A host httpx cannot encode (a bad IDNA label, ...) is the user's URL, not a bug."""
    import httpx

    try:
        http.build_request("GET", "/shops/current")
    except (httpx.InvalidURL, ValueError) as exc:
        http.close()
        raise InputError(
            "invalid_api_url", f"the API URL {base_url!r} cannot be used ({exc})."
        ) from None


def _redacted(headers: httpx.Headers) -> tuple[tuple[str, str], ...]:
    shown = []
    for name, value in headers.items():
        secret = name.lower() == "authorization"
        shown.append((name, value.split(" ", 1)[0] + " [redacted]" if secret else value))
    return tuple(shown)


def _network_message(exc: httpx.HTTPError) -> str:
    kind = type(exc).__name__
    text = str(exc) or kind
    return f"{text} ({kind})" if text != kind else kind


def _excerpt(response: httpx.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return text[:_BODY_EXCERPT] + ("..." if len(text) > _BODY_EXCERPT else "")


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: rare for APIs; fall back to a full window


_STATUS_CODES = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND"}


def _error_from_response(response: httpx.Response) -> ApiError:
    """An ApiError from any error answer: the documented code when the body has one, else status."""
    status = response.status_code
    excerpt = _excerpt(response)
    body = _json_error_body(response)
    code = body.code if body is not None else None
    fields: dict[str, object] = dict(body.model_extra or {}) if body is not None else {}
    # Auth and rate-limit answers mean the same thing whatever their body says (bodies are unknown).
    if status == 401:
        code = "UNAUTHORIZED"
    elif status == 403:
        code = "FORBIDDEN"
    elif status == 429:
        code = "OPEN_API_TOO_MANY_REQUESTS"
    elif status >= 500:
        code = "SERVER_ERROR"
    if code is None:
        code = _STATUS_CODES.get(status, "UNEXPECTED_RESPONSE")
    message = explain(code, fields)
    if body is None or code not in CATALOGUE:
        message += f" (HTTP {status}{': ' + excerpt if excerpt else ''})"
    return ApiError(code, message, status=status, fields=fields, body_excerpt=excerpt)


def _json_error_body(response: httpx.Response) -> ApiErrorBody | None:
    try:
        data = json.loads(response.content)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("code"), str):
        return None
    try:
        return ApiErrorBody.model_validate(data)
    except ValidationError:
        return None
