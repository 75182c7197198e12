"""The per-shop rate limit on an injected clock: 100 per 10 s shared by every endpoint, refused
requests take no quota, Retry-After when enabled, and "delay instead of refuse"."""

from __future__ import annotations

import httpx

from fwfulfill.sandbox import FakeClock
from fwfulfill.sandbox.ratelimit import SlidingWindowLimiter, retry_after_header

from .conftest import Connect
from .shop import API, fulfillment_body, make_app, order, seed

SEED = seed(order("RATE0001", "CONFIRMED", ("TEE", 500)))
TOO_MANY = {"code": "OPEN_API_TOO_MANY_REQUESTS", "title": "Too Many Requests", "status": 429}


def burst_of(client: httpx.Client, count: int) -> list[httpx.Response]:
    """`count` requests at one instant of the fake clock, spread over the endpoints."""
    paths = [f"{API}/order", f"{API}/order/by-friendly-id/RATE0001", f"{API}/shops/current"]
    return [client.get(paths[n % len(paths)]) for n in range(count)]


def test_limiter_150_at_one_instant_lets_100_through() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(100, 10.0, clock)
    admitted = [limiter.try_acquire("shop").allowed for _ in range(150)]
    assert admitted == [True] * 100 + [False] * 50
    assert limiter.try_acquire("another-shop").allowed  # per shop


def test_limiter_quota_comes_back_as_the_window_slides() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(10, 10.0, clock)
    for _ in range(6):
        assert limiter.try_acquire("shop").allowed
    clock.advance(4.0)
    for _ in range(4):
        assert limiter.try_acquire("shop").allowed
    refused = limiter.try_acquire("shop")
    assert not refused.allowed
    assert refused.retry_after == 6.0
    clock.advance(6.0)  # the first six leave the window, the four of t=4 stay
    assert sum(limiter.try_acquire("shop").allowed for _ in range(10)) == 6


def test_retry_after_header_is_whole_seconds_at_least_one() -> None:
    assert [retry_after_header(s) for s in (0.01, 1.0, 1.2, 9.99)] == ["1", "1", "2", "10"]


def test_150_requests_at_one_instant_get_exactly_50_429s(connect: Connect) -> None:
    app = make_app(SEED)
    responses = burst_of(connect(app), 150)
    refused = [response for response in responses if response.status_code == 429]
    assert [response.status_code for response in responses[:100]] == [200] * 100
    assert len(refused) == 50
    assert all(response.json() == TOO_MANY for response in refused)
    assert all("Retry-After" not in response.headers for response in refused)  # not documented
    stats = connect(app).get("/_sandbox/stats").json()
    assert (stats["rateLimited"], stats["statuses"]["429"]) == (50, 50)


def test_the_quota_comes_back_as_the_clock_moves(connect: Connect) -> None:
    clock = FakeClock()
    client = connect(make_app(SEED, clock))
    burst_of(client, 150)
    clock.advance(9.9)
    assert client.get(f"{API}/shops/current").status_code == 429
    clock.advance(0.1)
    # Refused requests took no quota: a whole window's worth is free again.
    statuses = [response.status_code for response in burst_of(client, 101)]
    assert statuses == [200] * 100 + [429]


def test_the_limit_is_shared_by_posts_and_gets(connect: Connect) -> None:
    client = connect(make_app(SEED, rate_limit=4))
    body = fulfillment_body("RATE0001", ("TEE", 1))
    assert client.post(f"{API}/fulfillments", json=body).status_code == 201
    assert [response.status_code for response in burst_of(client, 3)] == [200, 200, 200]
    over = client.post(
        f"{API}/fulfillments",
        json={**body, "shippingLabel": {"trackingNumber": "OTHER", "trackingCompany": "UPS"}},
    )
    assert (over.status_code, over.json()) == (429, TOO_MANY)


def test_retry_after_when_enabled(connect: Connect) -> None:
    clock = FakeClock()
    client = connect(make_app(SEED, clock, rate_limit=2, send_retry_after=True))
    burst_of(client, 2)
    clock.advance(3.5)
    refused = client.get(f"{API}/shops/current")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "7"  # the first slot frees at t=10
    clock.advance(6.5)
    assert client.get(f"{API}/shops/current").status_code == 200


def test_delay_mode_waits_instead_of_refusing(connect: Connect) -> None:
    clock = FakeClock()
    client = connect(make_app(SEED, clock, rate_mode="delay"))
    statuses = [response.status_code for response in burst_of(client, 150)]
    assert statuses == [200] * 150
    assert clock.now() == 10.0  # the 101st waited for the first to leave the window


def test_a_custom_limit_and_window(connect: Connect) -> None:
    clock = FakeClock()
    client = connect(make_app(SEED, clock, rate_limit=5, rate_window=1.0))
    assert [r.status_code for r in burst_of(client, 6)] == [200] * 5 + [429]
    clock.advance(1.0)
    assert [r.status_code for r in burst_of(client, 6)] == [200] * 5 + [429]


def test_no_limit_when_switched_off(connect: Connect) -> None:
    client = connect(make_app(SEED, rate_limit=None))
    assert {response.status_code for response in burst_of(client, 130)} == {200}
