"""Every endpoint's happy path and its documented not-found answers, with every 200/201 body checked
against the spec's schemas; paging and filters of GET /order; the introspection routes."""

from __future__ import annotations

from typing import Any

import pytest

from fwfulfill.sandbox import FakeClock, large_shop_seed
from fwfulfill.sandbox.seed import DEFAULT_PASSWORD, DEFAULT_USERNAME

from .conftest import Connect, Validate
from .shop import (
    API,
    OTHER_SHOP_ID,
    SHOP_ID,
    fulfillment_body,
    make_app,
    order,
    order_id,
    prior,
    seed,
)

# Orders are listed newest first: the seed gives createdAt explicitly.
SEED = seed(
    order(
        "AAAA0001",
        "CONFIRMED",
        ("TEE", 2),
        ("MUG", 1),
        createdAt="2026-03-05T10:00:00Z",
        email="Ann@Example.com",
    ),
    order(
        "AAAA0002",
        "IN_PRODUCTION",
        ("MUG", 3),
        createdAt="2026-03-04T10:00:00Z",
        email="bob@example.com",
    ),
    order(
        "AAAA0003",
        "PARTIALLY_SHIPPED",
        ("TEE", 1),
        ("CAP", 1),
        createdAt="2026-03-03T10:00:00Z",
        email="ann@example.com",
    ),
    order("AAAA0004", "CANCELLED", ("CAP", 1), createdAt="2026-03-02T10:00:00Z"),
    order(
        "AAAA0005",
        "DELIVERED",
        ("TEE", 1),
        createdAt="2026-03-01T10:00:00Z",
        updatedAt="2026-03-06T10:00:00Z",
    ),
    order("OTHER001", "CONFIRMED", ("TEE", 1), shopId=OTHER_SHOP_ID),
    fulfillments=(
        prior("AAAA0003", "1Z-PRIOR", ("TEE", 1)),
        prior("AAAA0005", "9400-1", ("TEE", 1)),
    ),
)
ALL_OWN = ["AAAA0001", "AAAA0002", "AAAA0003", "AAAA0004", "AAAA0005"]


def friendly_ids(page: dict[str, Any]) -> list[str]:
    return [result["friendlyId"] for result in page["results"]]


def test_the_validator_rejects_a_body_that_breaks_the_schema(validate: Validate) -> None:
    with pytest.raises(AssertionError, match="amounts"):
        validate("OrderV1", {"id": "x", "friendlyId": "X", "status": "CONFIRMED", "offers": []})


def test_order_by_id_is_a_full_order_v1(connect: Connect, validate: Validate) -> None:
    response = connect(make_app(SEED)).get(f"{API}/order/{order_id('AAAA0001')}")
    assert response.status_code == 200
    body = response.json()
    validate("OrderV1", body)
    assert body["friendlyId"] == "AAAA0001"
    assert body["shopId"] == SHOP_ID
    assert [(o["variant"]["sku"], o["variant"]["quantity"]) for o in body["offers"]] == [
        ("TEE", 2),
        ("MUG", 1),
    ]
    assert body["amounts"]["total"]["currency"] == "USD"


def test_order_by_id_accepts_an_upper_case_uuid(connect: Connect) -> None:
    response = connect(make_app(SEED)).get(f"{API}/order/{order_id('AAAA0002').upper()}")
    assert response.json()["friendlyId"] == "AAAA0002"


def test_order_by_friendly_id(connect: Connect, validate: Validate) -> None:
    response = connect(make_app(SEED)).get(f"{API}/order/by-friendly-id/AAAA0003")
    assert response.status_code == 200
    validate("OrderV1", response.json())
    assert response.json()["id"] == order_id("AAAA0003")


def test_current_shop(connect: Connect, validate: Validate) -> None:
    response = connect(make_app(SEED)).get(f"{API}/shops/current")
    assert response.status_code == 200
    validate("ShopV1", response.json())
    assert response.json() == {
        "id": SHOP_ID,
        "name": "Test Shop",
        "domain": "test-shop.fourthwall.com",
        "publicDomain": "test-shop.fourthwall.com",
    }


@pytest.mark.parametrize(
    "path",
    [f"{API}/order/{order_id('NOPE')}", f"{API}/order/{order_id('OTHER001')}", f"{API}/order/xyz"],
    ids=["unknown", "another-shops-order", "not-a-uuid"],
)
def test_a_missing_order_is_checkout_not_found_by_default(connect: Connect, path: str) -> None:
    response = connect(make_app(SEED)).get(path)
    assert response.status_code == 404
    assert response.json() == {
        "code": "CHECKOUT_NOT_FOUND_ERROR",
        "checkoutId": path.rsplit("/", 1)[-1],
    }


def test_a_missing_friendly_id_is_order_friendly_id_not_found(connect: Connect) -> None:
    client = connect(make_app(SEED))
    for friendly_id in ("ZZZZ9999", "OTHER001"):
        response = client.get(f"{API}/order/by-friendly-id/{friendly_id}")
        assert response.status_code == 404
        assert response.json() == {"code": "ORDER_FRIENDLY_ID_NOT_FOUND", "id": friendly_id}


def test_list_orders_newest_first_with_page_metadata(connect: Connect, validate: Validate) -> None:
    response = connect(make_app(SEED)).get(f"{API}/order")
    assert response.status_code == 200
    page = response.json()
    validate("OrderPage", page)
    assert friendly_ids(page) == ALL_OWN  # another shop's order is not listed
    assert (page["total"], page["page"], page["size"], page["totalPages"]) == (5, 0, 20, 1)


def test_pages_cover_the_filtered_list(connect: Connect, validate: Validate) -> None:
    client = connect(make_app(SEED))
    pages = [client.get(f"{API}/order", params={"page": n, "size": 2}).json() for n in range(4)]
    for page in pages:
        validate("OrderPage", page)
    assert [friendly_ids(page) for page in pages] == [ALL_OWN[0:2], ALL_OWN[2:4], ALL_OWN[4:], []]
    assert {(page["total"], page["totalPages"], page["size"]) for page in pages} == {(5, 3, 2)}


def test_size_is_capped_at_100(connect: Connect, validate: Validate) -> None:
    app = make_app(large_shop_seed(130, seed=3))
    client = connect(app, auth=(DEFAULT_USERNAME, DEFAULT_PASSWORD))
    page = client.get(f"{API}/order", params={"size": 500, "page": 1}).json()
    validate("OrderPage", page)
    assert (len(page["results"]), page["size"], page["total"], page["totalPages"]) == (
        30,
        100,
        130,
        2,
    )


def test_repeated_and_comma_separated_status_filters(connect: Connect) -> None:
    client = connect(make_app(SEED))
    repeated = client.get(f"{API}/order", params=[("status", "CONFIRMED"), ("status", "CANCELLED")])
    assert friendly_ids(repeated.json()) == ["AAAA0001", "AAAA0004"]
    comma = client.get(f"{API}/order", params={"status": "IN_PRODUCTION,DELIVERED"})
    assert friendly_ids(comma.json()) == ["AAAA0002", "AAAA0005"]


def test_email_filter_is_exact_and_case_insensitive(connect: Connect) -> None:
    client = connect(make_app(SEED))
    assert friendly_ids(client.get(f"{API}/order", params={"email": "ANN@example.com"}).json()) == [
        "AAAA0001",
        "AAAA0003",
    ]
    assert friendly_ids(client.get(f"{API}/order", params={"email": "ann@"}).json()) == []


def test_created_at_bounds_are_strict(connect: Connect) -> None:
    client = connect(make_app(SEED))
    params = {"createdAt[gt]": "2026-03-02T10:00:00Z", "createdAt[lt]": "2026-03-05T10:00:00.000Z"}
    assert friendly_ids(client.get(f"{API}/order", params=params).json()) == [
        "AAAA0002",
        "AAAA0003",
    ]


def test_updated_at_filter_sees_a_fulfillment(connect: Connect) -> None:
    clock = FakeClock()  # its wall clock starts 2026-04-24T12:00:00Z
    client = connect(make_app(SEED, clock))
    after = {"updatedAt[gt]": "2026-04-01T00:00:00Z"}
    assert friendly_ids(client.get(f"{API}/order", params=after).json()) == []
    created = client.post(f"{API}/fulfillments", json=fulfillment_body("AAAA0002", ("MUG", 1)))
    assert created.status_code == 201
    assert friendly_ids(client.get(f"{API}/order", params=after).json()) == ["AAAA0002"]
    before = {"updatedAt[lt]": "2026-03-06T00:00:00Z", "status": "DELIVERED"}
    assert friendly_ids(client.get(f"{API}/order", params=before).json()) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "-1"}, "page"),
        ({"size": "lots"}, "size"),
        ({"size": "0"}, "size"),
        ({"status": "LOST"}, "status"),
        ({"status": ""}, "status"),  # found by the schemathesis test: not a status of the spec
        ({"createdAt[gt]": "yesterday"}, "createdAt[gt]"),
    ],
)
def test_bad_list_parameters_are_400(connect: Connect, params: dict[str, str], field: str) -> None:
    response = connect(make_app(SEED)).get(f"{API}/order", params=params)
    assert response.status_code == 400
    assert response.json()["code"] == "BAD_REQUEST"
    assert response.json()["errors"][0]["field"] == field


@pytest.mark.parametrize("parameter", ["size", "page"])
def test_order_list_size_out_of_range_consistent_with_post(
    connect: Connect, parameter: str
) -> None:
    """Past the spec's int32 a list parameter is refused, exactly as a POST's quantity is; within
    it, a size over the documented 100 is still served as 100."""
    client = connect(make_app(SEED))
    too_big = 2**31
    post = client.post(f"{API}/fulfillments", json=fulfillment_body("AAAA0001", ("TEE", too_big)))
    listed = client.get(f"{API}/order", params={parameter: too_big})
    assert (post.status_code, listed.status_code) == (400, 400), listed.text
    assert post.json()["code"] == listed.json()["code"] == "BAD_REQUEST"
    assert listed.json()["errors"][0]["field"] == parameter
    assert "2147483647" in listed.json()["errors"][0]["message"]
    largest = client.get(f"{API}/order", params={parameter: too_big - 1})
    assert largest.status_code == 200
    assert largest.json()["size"] == (100 if parameter == "size" else 20)


def test_fulfillment_response_matches_the_spec(connect: Connect, validate: Validate) -> None:
    body = fulfillment_body("AAAA0001", ("TEE", 1))
    validate("FulfillmentRequest", body)
    response = connect(make_app(SEED)).post(f"{API}/fulfillments", json=body)
    assert response.status_code == 201
    validate("FulfillmentResponse", response.json())
    assert response.json()["fulfillmentId"].startswith("ful_")


def test_unknown_routes_and_methods(connect: Connect) -> None:
    client = connect(make_app(SEED))
    missing = client.get(f"{API}/nothing-here")
    assert (missing.status_code, missing.json()["code"]) == (404, "NOT_FOUND")
    wrong_method = client.delete(f"{API}/fulfillments")
    assert (wrong_method.status_code, wrong_method.json()["code"]) == (405, "METHOD_NOT_ALLOWED")


def test_stats_count_requests_statuses_and_fulfillments(connect: Connect) -> None:
    client = connect(make_app(SEED))
    client.get(f"{API}/order/{order_id('AAAA0001')}")
    client.get(f"{API}/order/{order_id('AAAA0002')}")
    client.get(f"{API}/order/by-friendly-id/NOPE")
    client.post(f"{API}/fulfillments", json=fulfillment_body("AAAA0001", ("MUG", 1)))
    stats = client.get("/_sandbox/stats").json()
    assert stats["requests"] == {
        "GET /open-api/v1.0/order/{orderId}": 2,
        "GET /open-api/v1.0/order/by-friendly-id/{friendlyId}": 1,
        "POST /open-api/v1.0/fulfillments": 1,
    }
    assert stats["statuses"] == {"200": 2, "404": 1, "201": 1}
    assert stats["fulfillmentsCreated"] == 1
    assert stats["rateLimited"] == 0
    assert stats["faults"] == {"5xx": 0, "stall": 0, "drop": 0, "reset": 0, "burst": 0}


def test_state_route_is_the_snapshot_without_auth(connect: Connect) -> None:
    client = connect(make_app(SEED), auth=None)
    client.post(f"{API}/fulfillments", json={})  # 401: introspection needs no auth, the API does
    snapshot = client.get("/_sandbox/state").json()
    assert set(snapshot) == {"orders", "fulfillments"}
    assert len(snapshot["orders"]) == 6
    assert snapshot["fulfillments"][0] == {
        "id": snapshot["fulfillments"][0]["id"],
        "orderId": order_id("AAAA0003"),
        "trackingNumber": "1Z-PRIOR",
        "trackingCompany": "USPS",
        "items": [
            {"variantId": snapshot["fulfillments"][0]["items"][0]["variantId"], "quantity": 1}
        ],
    }
    assert client.get("/_sandbox/stats").json()["statuses"] == {"401": 1}
