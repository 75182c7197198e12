"""POST /fulfillments: every documented error with its body, schema violations, and the state rules
(already exists, what is left, status moves, cancelled orders, prior fulfillments from the seed)."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest

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
    variant_id,
)

SEED = seed(
    order("OPEN0001", "CONFIRMED", ("TEE", 2), ("MUG", 1)),
    order("TWICE001", "CONFIRMED", ("TEE", 1), ("MUG", 1), ("TEE", 2)),  # TEE on two lines: 3
    order("PART0001", "PARTIALLY_SHIPPED", ("TEE", 3), ("CAP", 1)),
    order("GONE0001", "CANCELLED", ("MUG", 2)),
    order("MANY0001", "CONFIRMED", ("STICKER", 5)),
    order("ELSE0001", "CONFIRMED", ("TEE", 1), shopId=OTHER_SHOP_ID),
    order("ELSE0002", "CONFIRMED", ("ONLY-ELSEWHERE", 1), shopId=OTHER_SHOP_ID),
    fulfillments=(prior("PART0001", "1Z-PRIOR", ("TEE", 2)),),
)
FULFILLMENTS = f"{API}/fulfillments"


def post(client: httpx.Client, body: Any) -> httpx.Response:
    return client.post(FULFILLMENTS, json=body)


def status_of(client: httpx.Client, friendly_id: str) -> str:
    return str(client.get(f"{API}/order/by-friendly-id/{friendly_id}").json()["status"])


def test_a_fulfillment_is_created_and_remembered(connect: Connect, validate: Validate) -> None:
    app = make_app(SEED)
    client = connect(app)
    response = post(
        client, fulfillment_body("OPEN0001", ("TEE", 1), tracking="9400-A", carrier="USPS")
    )
    assert response.status_code == 201
    validate("FulfillmentResponse", response.json())
    created = client.get("/_sandbox/state").json()["fulfillments"][-1]
    assert created == {
        "id": response.json()["fulfillmentId"],
        "orderId": order_id("OPEN0001"),
        "trackingNumber": "9400-A",
        "trackingCompany": "USPS",
        "items": [{"variantId": variant_id("TEE"), "quantity": 1}],
    }
    assert app.state.remaining(order_id("OPEN0001"), variant_id("TEE")) == 1


def test_status_moves_to_partially_shipped_then_shipped(
    connect: Connect, validate: Validate
) -> None:
    client = connect(make_app(SEED))
    before = client.get(f"{API}/order/by-friendly-id/OPEN0001").json()
    assert post(client, fulfillment_body("OPEN0001", ("TEE", 2), tracking="T1")).status_code == 201
    middle = client.get(f"{API}/order/by-friendly-id/OPEN0001").json()
    assert middle["status"] == "PARTIALLY_SHIPPED"
    assert middle["updatedAt"] > before["updatedAt"]
    assert post(client, fulfillment_body("OPEN0001", ("MUG", 1), tracking="T2")).status_code == 201
    after = client.get(f"{API}/order/by-friendly-id/OPEN0001").json()
    assert after["status"] == "SHIPPED"
    validate("OrderV1", after)


def test_fulfillment_ids_are_unique(connect: Connect) -> None:
    client = connect(make_app(SEED))
    ids = {
        post(client, fulfillment_body("MANY0001", ("STICKER", 1), tracking=f"T{n}")).json()[
            "fulfillmentId"
        ]
        for n in range(5)
    }
    assert len(ids) == 5


def test_same_order_and_tracking_again_is_already_exists_with_the_existing_id(
    connect: Connect,
) -> None:
    client = connect(make_app(SEED))
    first = post(client, fulfillment_body("OPEN0001", ("TEE", 1), tracking="SAME-1"))
    again = post(client, fulfillment_body("OPEN0001", ("MUG", 1), tracking="SAME-1"))
    assert again.status_code == 400
    assert again.json() == {
        "code": "FULFILLMENT_ALREADY_EXISTS",
        "fulfillmentId": first.json()["fulfillmentId"],
        "orderId": order_id("OPEN0001"),
    }
    # The same tracking number on another order is another package's business: accepted.
    assert (
        post(client, fulfillment_body("MANY0001", ("STICKER", 1), tracking="SAME-1")).status_code
        == 201
    )


def test_a_prior_fulfillment_from_the_seed_is_already_there(connect: Connect) -> None:
    app = make_app(SEED)
    response = post(connect(app), fulfillment_body("PART0001", ("CAP", 1), tracking="1Z-PRIOR"))
    assert response.status_code == 400
    assert response.json()["code"] == "FULFILLMENT_ALREADY_EXISTS"
    assert response.json()["fulfillmentId"] == app.state.fulfillments[0].id


def test_more_than_is_left_is_quantity_too_high_with_what_is_left(connect: Connect) -> None:
    client = connect(make_app(SEED))
    response = post(client, fulfillment_body("PART0001", ("TEE", 2)))  # 3 ordered, 2 in the seed
    assert response.status_code == 400
    assert response.json() == {
        "code": "FULFILLMENT_VARIANT_QUANTITY_TO_HIGH",
        "orderId": order_id("PART0001"),
        "variantId": variant_id("TEE"),
        "fulfillable": 1,
        "quantity": 2,
    }
    assert post(client, fulfillment_body("PART0001", ("TEE", 1))).status_code == 201


def test_the_same_variant_twice_in_items_is_summed(connect: Connect) -> None:
    client = connect(make_app(SEED))
    response = post(client, fulfillment_body("OPEN0001", ("TEE", 2), ("TEE", 1)))
    assert response.status_code == 400
    assert (response.json()["fulfillable"], response.json()["quantity"]) == (2, 3)


def test_a_variant_on_two_lines_of_the_order_counts_both(connect: Connect) -> None:
    client = connect(make_app(SEED))
    assert post(client, fulfillment_body("TWICE001", ("TEE", 3), tracking="T1")).status_code == 201
    assert status_of(client, "TWICE001") == "PARTIALLY_SHIPPED"
    assert post(client, fulfillment_body("TWICE001", ("MUG", 1), tracking="T2")).status_code == 201
    assert status_of(client, "TWICE001") == "SHIPPED"


def test_nothing_is_recorded_when_a_later_item_fails(connect: Connect) -> None:
    app = make_app(SEED)
    response = post(connect(app), fulfillment_body("OPEN0001", ("TEE", 1), ("MUG", 2)))
    assert response.json()["code"] == "FULFILLMENT_VARIANT_QUANTITY_TO_HIGH"
    assert app.state.remaining(order_id("OPEN0001"), variant_id("TEE")) == 2
    assert len(app.state.fulfillments) == 1  # the seed's


def test_a_variant_of_the_shop_not_on_the_order_is_invalid_variant(connect: Connect) -> None:
    response = post(connect(make_app(SEED)), fulfillment_body("OPEN0001", ("CAP", 1)))
    assert response.status_code == 400
    assert response.json() == {
        "code": "FULFILLMENT_ORDER_INVALID_VARIANT",
        "orderId": order_id("OPEN0001"),
        "variantId": variant_id("CAP"),
        "groupedId": None,
    }


@pytest.mark.parametrize("sku", ["NEVER-SOLD", "ONLY-ELSEWHERE"])
def test_a_variant_unknown_to_the_shop_is_offer_variant_not_found(
    connect: Connect, sku: str
) -> None:
    response = post(connect(make_app(SEED)), fulfillment_body("OPEN0001", ("TEE", 1), (sku, 1)))
    assert response.status_code == 404
    assert response.json() == {
        "code": "OFFER_VARIANT_NOT_FOUND_ERROR",
        "offerVariantId": variant_id(sku),
    }


def test_an_unknown_order_is_fulfillment_order_not_found(connect: Connect) -> None:
    response = post(connect(make_app(SEED)), fulfillment_body("NOPE0001", ("TEE", 1)))
    assert response.status_code == 404
    assert response.json() == {
        "code": "FULFILLMENT_ORDER_NOT_FOUND",
        "orderId": order_id("NOPE0001"),
    }


def test_another_shops_order_is_invalid_shop_order(connect: Connect) -> None:
    response = post(connect(make_app(SEED)), fulfillment_body("ELSE0001", ("TEE", 1)))
    assert response.status_code == 404
    assert response.json() == {
        "code": "FULFILLMENT_INVALID_SHOP_ORDER",
        "shopId": OTHER_SHOP_ID,
        "orderId": order_id("ELSE0001"),
    }
    assert OTHER_SHOP_ID != SHOP_ID


def test_a_cancelled_order_refuses_with_nothing_fulfillable(connect: Connect) -> None:
    client = connect(make_app(SEED))
    response = post(client, fulfillment_body("GONE0001", ("MUG", 1)))
    assert response.status_code == 400
    assert response.json() == {
        "code": "FULFILLMENT_VARIANT_QUANTITY_TO_HIGH",
        "orderId": order_id("GONE0001"),
        "variantId": variant_id("MUG"),
        "fulfillable": 0,
        "quantity": 1,
    }
    assert status_of(client, "GONE0001") == "CANCELLED"


def test_checks_run_in_order_schema_before_order_before_variant(connect: Connect) -> None:
    client = connect(make_app(SEED))
    bad_schema_unknown_order = fulfillment_body("NOPE0001", ("TEE", 0))
    assert post(client, bad_schema_unknown_order).json()["code"] == "BAD_REQUEST"
    unknown_order_and_variant = fulfillment_body("NOPE0001", ("NEVER-SOLD", 1))
    assert post(client, unknown_order_and_variant).json()["code"] == "FULFILLMENT_ORDER_NOT_FOUND"
    post(client, fulfillment_body("OPEN0001", ("TEE", 1), tracking="DUP"))
    exists_and_bad_variant = fulfillment_body("OPEN0001", ("NEVER-SOLD", 1), tracking="DUP")
    assert post(client, exists_and_bad_variant).json()["code"] == "FULFILLMENT_ALREADY_EXISTS"
    cancelled_and_bad_variant = fulfillment_body("GONE0001", ("TEE", 1))
    assert post(client, cancelled_and_bad_variant).json()["code"] == (
        "FULFILLMENT_ORDER_INVALID_VARIANT"
    )


def _without(body: dict[str, Any], key: str) -> dict[str, Any]:
    return {name: value for name, value in body.items() if name != key}


GOOD = fulfillment_body("OPEN0001", ("TEE", 1))
SCHEMA_VIOLATIONS = {
    "missing-items": (_without(GOOD, "items"), "items"),
    "empty-items": ({**GOOD, "items": []}, "items"),
    "quantity-0": (
        {**GOOD, "items": [{"variantId": variant_id("TEE"), "quantity": 0}]},
        "items.0.quantity",
    ),
    "non-uuid-order": ({**GOOD, "orderId": "D3XZFWPP"}, "orderId"),
    "non-uuid-variant": (
        {**GOOD, "items": [{"variantId": "TEE", "quantity": 1}]},
        "items.0.variantId",
    ),
    "empty-tracking": (
        {**GOOD, "shippingLabel": {"trackingNumber": "", "trackingCompany": "USPS"}},
        "shippingLabel.trackingNumber",
    ),
    "missing-carrier": (
        {**GOOD, "shippingLabel": {"trackingNumber": "X"}},
        "shippingLabel.trackingCompany",
    ),
    "missing-label": (_without(GOOD, "shippingLabel"), "shippingLabel"),
    "not-an-object": ([GOOD], ""),
}


@pytest.mark.parametrize(
    ("body", "field"), SCHEMA_VIOLATIONS.values(), ids=SCHEMA_VIOLATIONS.keys()
)
def test_a_body_that_breaks_the_schema_is_400(connect: Connect, body: Any, field: str) -> None:
    app = make_app(SEED)
    response = post(connect(app), body)
    assert response.status_code == 400
    assert response.json()["code"] == "BAD_REQUEST"
    assert field in [error["field"] for error in response.json()["errors"]]
    assert len(app.state.fulfillments) == 1  # the seed's


def test_malformed_json_is_400(connect: Connect) -> None:
    response = connect(make_app(SEED)).post(
        FULFILLMENTS, content=b'{"orderId": ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "MALFORMED_JSON"


def test_concurrent_posts_never_fulfill_more_than_was_ordered(connect: Connect) -> None:
    app = make_app(SEED)
    client = connect(app)
    statuses: list[int] = []

    def send(number: int) -> None:
        body = fulfillment_body("MANY0001", ("STICKER", 1), tracking=f"T{number}")
        statuses.append(post(client, body).status_code)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] * 5 + [400] * 7
    assert app.state.remaining(order_id("MANY0001"), variant_id("STICKER")) == 0
