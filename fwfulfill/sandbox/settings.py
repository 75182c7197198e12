"""Every knob of the sandbox: rate limit, latency, injected faults and the answers the real API
leaves unknown (API-NOTES.md marks them *unknown*; each default is the likely answer)."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Literal

from fwfulfill.constants import RATE_LIMIT_REQUESTS, RATE_LIMIT_WINDOW_SECONDS

RateMode = Literal["refuse", "delay"]
OrderNotFoundCode = Literal["CHECKOUT_NOT_FOUND_ERROR", "ORDER_ID_NOT_FOUND"]
FulfillmentOrderNotFoundCode = Literal["FULFILLMENT_ORDER_NOT_FOUND", "ORDER_ID_NOT_FOUND"]
AlreadyExistsOn = Literal["tracking", "never"]
CancelledRefusal = Literal["quantity", "code", "accept"]
FriendlyIdCase = Literal["sensitive", "insensitive"]
AuthErrorBody = Literal["json", "text", "empty"]
SchemaErrorBody = Literal["json", "text"]
StatusUpdate = Literal["immediate", "deferred"]
CommitFaultKind = Literal["drop", "stall", "5xx"]

# The allowed values of each text setting, checked on construction (dataclasses check no types).
CHOICES: dict[str, tuple[str, ...]] = {
    "rate_mode": ("refuse", "delay"),
    "order_not_found_code": ("CHECKOUT_NOT_FOUND_ERROR", "ORDER_ID_NOT_FOUND"),
    "fulfillment_order_not_found_code": ("FULFILLMENT_ORDER_NOT_FOUND", "ORDER_ID_NOT_FOUND"),
    "already_exists_on": ("tracking", "never"),
    "cancelled_refusal": ("quantity", "code", "accept"),
    "friendly_id_case": ("sensitive", "insensitive"),
    "auth_error_body": ("json", "text", "empty"),
    "schema_error_body": ("json", "text"),
    "status_update": ("immediate", "deferred"),
    "commit_fault_kind": ("drop", "stall", "5xx"),
}
# The longest latency, stall or rate window, in seconds: nan, inf and years are not durations.
MAX_SECONDS = 3600.0
SHARES = ("error_rate", "commit_stall_rate", "commit_drop_rate", "reset_rate", "burst_rate")


@dataclass(frozen=True)
class SandboxSettings:
    # ---- Rate limit (API-NOTES "Rate limit": 100 per 10 s per shop, all endpoints) ----
    rate_limit: int | None = RATE_LIMIT_REQUESTS  # None: no limit (benchmarks of other things)
    rate_window: float = RATE_LIMIT_WINDOW_SECONDS
    send_retry_after: bool = False  # no Retry-After is documented
    rate_mode: RateMode = "refuse"  # an older page says "delayed": "delay" sleeps instead
    # ---- Latency and faults ----
    latency: tuple[float, float] = (0.0, 0.0)  # seconds added to each request, drawn in [min, max]
    error_rate: float = 0.0  # share answered 500/502/503 with a non-JSON body, nothing done
    commit_stall_rate: float = 0.0  # share of POST /fulfillments that commit, then stall
    commit_drop_rate: float = 0.0  # share of POST /fulfillments that commit, then drop the line
    reset_rate: float = 0.0  # share reset before anything is done
    burst_rate: float = 0.0  # chance per request that a burst of 429s starts
    burst_length: int = 10  # requests answered 429 by one burst, whatever the quota
    stall_seconds: float = 30.0  # how long a stalled answer hangs (past any sane client timeout)
    random_seed: int = 0  # every random choice comes from it, so a failing run can be replayed
    # Deterministic, for tests: the first N POST /fulfillments that commit then drop, stall or
    # answer a 5xx (a gateway giving up after the backend committed), whatever the random draws.
    commit_fault_first: int = 0
    commit_fault_kind: CommitFaultKind = "drop"
    # ---- Behaviours the real API leaves unknown (API-NOTES.md) ----
    # GET /order/{id} for an unknown id: the spec documents CHECKOUT_NOT_FOUND_ERROR {checkoutId};
    # ORDER_ID_NOT_FOUND {id} is the other code the API uses for a missing order.
    order_not_found_code: OrderNotFoundCode = "CHECKOUT_NOT_FOUND_ERROR"
    # POST /fulfillments for an unknown order: both codes are documented; which one is sent is not.
    fulfillment_order_not_found_code: FulfillmentOrderNotFoundCode = "FULFILLMENT_ORDER_NOT_FOUND"
    # What triggers FULFILLMENT_ALREADY_EXISTS: "same tracking on the order is the likely one".
    already_exists_on: AlreadyExistsOn = "tracking"
    # Which statuses refuse a fulfillment is unknown: "quantity" answers a cancelled order with
    # QUANTITY_TO_HIGH and fulfillable 0; "code" with an undocumented ORDER_CANCELLED; "accept"
    # takes it.
    cancelled_refusal: CancelledRefusal = "quantity"
    friendly_id_case: FriendlyIdCase = "sensitive"  # case sensitivity of by-friendly-id: unknown
    page_metadata: bool = True  # only `results` is required in a page; False sends only that
    auth_error_body: AuthErrorBody = "json"  # 401/403 bodies: unknown
    schema_error_body: SchemaErrorBody = "json"  # schema-violation 400 bodies: unknown
    # Status "moves as carrier trackers update, not necessarily right after the POST":
    # "deferred" leaves it unchanged after a POST.
    status_update: StatusUpdate = "immediate"

    def __post_init__(self) -> None:
        _check_rate(self.rate_limit, self.rate_window)
        _check_latency(self.latency)
        for name in SHARES:
            share = getattr(self, name)
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"{name} must be a share between 0 and 1, not {share}")
        if self.commit_stall_rate + self.commit_drop_rate > 1.0:
            raise ValueError("commit_stall_rate + commit_drop_rate must not exceed 1")
        if self.burst_length < 1:
            raise ValueError(f"burst_length must be at least 1, not {self.burst_length}")
        if self.commit_fault_first < 0:
            raise ValueError(f"commit_fault_first must be >= 0, not {self.commit_fault_first}")
        if not 0 <= self.stall_seconds <= MAX_SECONDS:
            raise ValueError(
                f"stall_seconds must be 0 to {MAX_SECONDS:g}, not {self.stall_seconds}"
            )
        for name, allowed in CHOICES.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}")

    @classmethod
    def from_cli(
        cls,
        *,
        latency: str | None = None,
        rate: str | None = None,
        faults: str | None = None,
        options: str | None = None,
        base: SandboxSettings | None = None,
    ) -> SandboxSettings:
        """Settings from the `sandbox serve` flags (`--latency 0.1-0.3`, `--rate 100/10,delay`,
        `--faults 5xx=0.1,seed=7`, `--option friendly_id_case=insensitive`). Raises ValueError
        with a message naming the flag."""
        from fwfulfill.sandbox.options import settings_changes

        changes = settings_changes(latency=latency, rate=rate, faults=faults, options=options)
        return replace(base or cls(), **changes)

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(field.name for field in fields(cls))


def _check_rate(limit: int | None, window: float) -> None:
    if limit is not None and limit < 1:
        raise ValueError(f"rate_limit must be at least 1 (or None for no limit), not {limit}")
    if not 0 < window <= MAX_SECONDS:  # also false for nan
        raise ValueError(
            f"rate_window must be more than 0 and at most {MAX_SECONDS:g}, not {window}"
        )


def _check_latency(latency: tuple[float, float]) -> None:
    low, high = latency
    if not (math.isfinite(low) and math.isfinite(high) and 0 <= low <= high <= MAX_SECONDS):
        raise ValueError(
            f"latency must be (min, max) with 0 <= min <= max <= {MAX_SECONDS:g}, not {latency}"
        )
