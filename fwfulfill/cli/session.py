"""A connection to one shop for a command that sends: the client, the shop, and the ledger."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fwfulfill.api.client import ApiClient
from fwfulfill.api.models import Shop
from fwfulfill.api.ratelimit import RateLimiter
from fwfulfill.auth.config import describe_shop
from fwfulfill.cli.context import AppContext
from fwfulfill.constants import RATE_LIMIT_REQUESTS, RATE_LIMIT_WINDOW_SECONDS
from fwfulfill.sending.ledger import Ledger


@dataclass
class ShopSession:
    client: ApiClient
    shop: Shop
    shop_key: str  # the ledger's name for the shop
    ledger: Ledger
    limiter: RateLimiter


@contextmanager
def shop_session(
    app_ctx: AppContext,
    *,
    requests: int = RATE_LIMIT_REQUESTS,
    window: float = RATE_LIMIT_WINDOW_SECONDS,
) -> Iterator[ShopSession]:
    """Open the client, learn which shop the credentials belong to, and open the ledger."""
    limiter = RateLimiter(requests, window)
    with app_ctx.client(limiter=limiter) as client:
        shop = client.current_shop()
        # The sandbox starts over on `sandbox reset`; its ledger entries are kept apart and
        # forgotten then.
        shop_key = f"sandbox:{shop.id}" if app_ctx.sandbox else shop.id
        with Ledger() as ledger:
            yield ShopSession(client, shop, shop_key, ledger, limiter)


def shop_label(shop: Shop) -> str:
    return describe_shop(shop.name, shop.public_domain or shop.domain)
