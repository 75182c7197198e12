"""Authentication and scopes: Basic with the seed's Open API user, bearer tokens with the seed's
scopes; 401 without or with wrong credentials, 403 for a token without the scope."""

from __future__ import annotations

import httpx
import pytest

from .conftest import Connect
from .shop import (
    API,
    FULL_TOKEN,
    PASSWORD,
    READ_TOKEN,
    SHOP_TOKEN,
    USERNAME,
    basic,
    bearer,
    fulfillment_body,
    make_app,
    order,
    order_id,
    seed,
)

SEED = seed(order("AUTH0001", "CONFIRMED", ("TEE", 5)))
UNAUTHORIZED = {"code": "UNAUTHORIZED", "title": "Unauthorized", "status": 401}
FORBIDDEN = {"code": "FORBIDDEN", "title": "Forbidden", "status": 403}
REQUESTS = {
    "create": ("POST", f"{API}/fulfillments"),
    "list": ("GET", f"{API}/order"),
    "by-id": ("GET", f"{API}/order/{order_id('AUTH0001')}"),
    "by-friendly-id": ("GET", f"{API}/order/by-friendly-id/AUTH0001"),
    "shop": ("GET", f"{API}/shops/current"),
}


def send(client: httpx.Client, name: str, headers: dict[str, str] | None = None) -> httpx.Response:
    method, path = REQUESTS[name]
    body = fulfillment_body("AUTH0001", ("TEE", 1)) if method == "POST" else None
    return client.request(method, path, json=body, headers=headers)


@pytest.mark.parametrize("name", REQUESTS)
def test_no_credentials_is_401(connect: Connect, name: str) -> None:
    response = send(connect(make_app(SEED), auth=None), name)
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED
    assert response.headers["WWW-Authenticate"].startswith("Basic")


@pytest.mark.parametrize(
    "headers",
    [
        basic(USERNAME, "wrong-password"),
        basic("someone-else", PASSWORD),
        basic(USERNAME, ""),
        {"Authorization": "Basic not-base64!"},
        bearer("no-such-token"),
        {"Authorization": "Bearer"},
        {"Authorization": f"Token {FULL_TOKEN}"},
    ],
    ids=[
        "wrong-password",
        "wrong-user",
        "empty-password",
        "garbage",
        "unknown-token",
        "empty-token",
        "unknown-scheme",
    ],
)
def test_wrong_credentials_are_401(connect: Connect, headers: dict[str, str]) -> None:
    client = connect(make_app(SEED), auth=None)
    for name in ("list", "create"):
        response = send(client, name, headers)
        assert (response.status_code, response.json()) == (401, UNAUTHORIZED)


def test_basic_auth_may_do_everything(connect: Connect) -> None:
    client = connect(make_app(SEED), auth=None)
    statuses = {
        name: send(client, name, basic(USERNAME, PASSWORD)).status_code for name in REQUESTS
    }
    assert statuses == {
        "create": 201,
        "list": 200,
        "by-id": 200,
        "by-friendly-id": 200,
        "shop": 200,
    }


def test_a_token_with_both_scopes_may_read_and_fulfill(connect: Connect) -> None:
    client = connect(make_app(SEED), auth=None)
    statuses = {name: send(client, name, bearer(FULL_TOKEN)).status_code for name in REQUESTS}
    assert statuses == {
        "create": 201,
        "list": 200,
        "by-id": 200,
        "by-friendly-id": 200,
        "shop": 200,
    }


def test_a_read_only_token_may_not_fulfill(connect: Connect) -> None:
    app = make_app(SEED)
    client = connect(app, auth=None)
    response = send(client, "create", bearer(READ_TOKEN))
    assert (response.status_code, response.json()) == (403, FORBIDDEN)
    assert app.state.fulfillments == []
    assert send(client, "by-id", bearer(READ_TOKEN)).status_code == 200


@pytest.mark.parametrize("name", ["list", "by-id", "by-friendly-id", "create"])
def test_a_token_without_scopes_only_sees_the_shop(connect: Connect, name: str) -> None:
    client = connect(make_app(SEED), auth=None)
    assert send(client, "shop", bearer(SHOP_TOKEN)).status_code == 200
    response = send(client, name, bearer(SHOP_TOKEN))
    assert (response.status_code, response.json()) == (403, FORBIDDEN)


def test_auth_is_checked_before_the_body(connect: Connect) -> None:
    response = connect(make_app(SEED), auth=None).post(f"{API}/fulfillments", content=b"{not json")
    assert response.status_code == 401


def test_refused_credentials_do_not_use_the_shops_quota(connect: Connect) -> None:
    app = make_app(SEED, rate_limit=3)
    client = connect(app, auth=None)
    for _ in range(5):
        assert send(client, "list", bearer("no-such-token")).status_code == 401
    assert [send(client, "list", bearer(READ_TOKEN)).status_code for _ in range(4)] == [
        200,
        200,
        200,
        429,
    ]
