"""A connection to one shop for a command that reads or sends: the client, the shop, the ledger.

Built from plain settings (base URL, credentials, rate); the CLI fills them from its options, a
script or a test fills them itself (a sandbox transport, a ledger file of its own).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fwfulfill.api.client import ApiClient, EventSink, RetryPolicy, Timeouts
from fwfulfill.api.models import Shop
from fwfulfill.api.ratelimit import RateLimiter
from fwfulfill.auth.config import describe_shop
from fwfulfill.constants import RATE_LIMIT_REQUESTS, RATE_LIMIT_WINDOW_SECONDS
from fwfulfill.sending.ledger import Ledger
from fwfulfill.sending.run_lock import exclusive_run

if TYPE_CHECKING:
    from fwfulfill.api.client import Transport
    from fwfulfill.auth.credentials import Credentials


@dataclass(frozen=True)
class ShopSettings:
    base_url: str
    credentials: Credentials
    transport: Transport | None = None  # None: the network
    requests: int = RATE_LIMIT_REQUESTS  # the rate: `requests` per `window` seconds
    window: float = RATE_LIMIT_WINDOW_SECONDS
    timeouts: Timeouts = field(default_factory=Timeouts)
    retry_wait: float = RetryPolicy.max_total_wait  # the most one request waits between tries
    on_event: EventSink | None = None  # waits, and each request and answer
    sandbox: bool = False  # the sandbox's ledger entries are kept apart (`sandbox reset` forgets)
    ledger_path: Path | None = None  # None: the user's ledger


def api_client(settings: ShopSettings, limiter: RateLimiter | None = None) -> ApiClient:
    retry = RetryPolicy(
        max_total_wait=settings.retry_wait,
        # A 429 without Retry-After waits out the window the run paces itself by.
        rate_limit_wait=limiter.window if limiter else RetryPolicy.rate_limit_wait,
    )
    return ApiClient(
        settings.base_url,
        settings.credentials,
        transport=settings.transport,
        timeouts=settings.timeouts,
        retry=retry,
        limiter=limiter,
        on_event=settings.on_event,
    )


@dataclass
class ShopConnection:
    client: ApiClient
    shop: Shop
    shop_key: str  # the ledger's name for the shop
    ledger: Ledger
    limiter: RateLimiter
    holds_lock: bool = field(default=False, init=False)  # inside `exclusive()`

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the shop's sending lock (one sending run per shop, across processes). Take it
        before planning a plan to send, so the plan sees what any other run sent."""
        with exclusive_run(self.shop_key):
            self.holds_lock = True
            try:
                yield
            finally:
                self.holds_lock = False

    @property
    def label(self) -> str:
        return shop_label(self.shop)


@contextmanager
def open_shop(settings: ShopSettings) -> Iterator[ShopConnection]:
    """Open the client, learn which shop the credentials belong to, and open the ledger."""
    limiter = RateLimiter(settings.requests, settings.window)
    with api_client(settings, limiter) as client:
        shop = client.current_shop()
        shop_key = f"sandbox:{shop.id}" if settings.sandbox else shop.id
        with Ledger(settings.ledger_path) as ledger:
            yield ShopConnection(client, shop, shop_key, ledger, limiter)


def shop_label(shop: Shop) -> str:
    return describe_shop(shop.name, shop.public_domain or shop.domain)
