"""The behaviours the real API leaves unknown, each a setting the client must survive, and the
parsing of the `sandbox serve` flags."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fwfulfill.sandbox import SandboxSettings

from .conftest import Connect
from .shop import API, fulfillment_body, make_app, order, order_id, seed, variant_id

SEED = seed(
    order("Ab12Cd34", "CONFIRMED", ("TEE", 2)),
    order("GONE0001", "CANCELLED", ("MUG", 2)),
)
FULFILLMENTS = f"{API}/fulfillments"


def test_order_not_found_can_be_order_id_not_found(connect: Connect) -> None:
    client = connect(make_app(SEED, order_not_found_code="ORDER_ID_NOT_FOUND"))
    response = client.get(f"{API}/order/{order_id('NOPE')}")
    assert (response.status_code, response.json()) == (
        404,
        {"code": "ORDER_ID_NOT_FOUND", "id": order_id("NOPE")},
    )


def test_fulfillment_order_not_found_can_be_order_id_not_found(connect: Connect) -> None:
    client = connect(make_app(SEED, fulfillment_order_not_found_code="ORDER_ID_NOT_FOUND"))
    response = client.post(FULFILLMENTS, json=fulfillment_body("NOPE", ("TEE", 1)))
    assert (response.status_code, response.json()) == (
        404,
        {"code": "ORDER_ID_NOT_FOUND", "id": order_id("NOPE")},
    )


def test_already_exists_can_be_never(connect: Connect) -> None:
    app = make_app(SEED, already_exists_on="never")
    client = connect(app)
    first = client.post(FULFILLMENTS, json=fulfillment_body("Ab12Cd34", ("TEE", 1), tracking="T"))
    second = client.post(FULFILLMENTS, json=fulfillment_body("Ab12Cd34", ("TEE", 1), tracking="T"))
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() != second.json()
    third = client.post(FULFILLMENTS, json=fulfillment_body("Ab12Cd34", ("TEE", 1), tracking="T"))
    assert third.json()["code"] == "FULFILLMENT_VARIANT_QUANTITY_TO_HIGH"


def test_a_cancelled_order_can_refuse_with_its_own_code(connect: Connect) -> None:
    client = connect(make_app(SEED, cancelled_refusal="code"))
    response = client.post(FULFILLMENTS, json=fulfillment_body("GONE0001", ("MUG", 1)))
    assert (response.status_code, response.json()) == (
        400,
        {"code": "ORDER_CANCELLED", "orderId": order_id("GONE0001")},
    )


def test_a_cancelled_order_can_accept_and_stay_cancelled(connect: Connect) -> None:
    app = make_app(SEED, cancelled_refusal="accept")
    client = connect(app)
    assert (
        client.post(FULFILLMENTS, json=fulfillment_body("GONE0001", ("MUG", 2))).status_code == 201
    )
    assert client.get(f"{API}/order/by-friendly-id/GONE0001").json()["status"] == "CANCELLED"
    assert app.state.remaining(order_id("GONE0001"), variant_id("MUG")) == 0


@pytest.mark.parametrize(("case", "found"), [("sensitive", False), ("insensitive", True)])
def test_friendly_id_case(connect: Connect, case: str, found: bool) -> None:
    client = connect(make_app(SEED, friendly_id_case=case))
    assert client.get(f"{API}/order/by-friendly-id/Ab12Cd34").status_code == 200
    response = client.get(f"{API}/order/by-friendly-id/AB12CD34")
    assert response.status_code == (200 if found else 404)


def test_pages_can_come_without_metadata(connect: Connect) -> None:
    page = connect(make_app(SEED, page_metadata=False)).get(f"{API}/order").json()
    assert list(page) == ["results"]
    assert len(page["results"]) == 2


@pytest.mark.parametrize(
    ("style", "content"), [("text", b"Unauthorized"), ("empty", b"")], ids=["text", "empty"]
)
def test_auth_errors_can_come_without_json(connect: Connect, style: str, content: bytes) -> None:
    client = connect(make_app(SEED, auth_error_body=style), auth=("test-user", "nope"))
    response = client.get(f"{API}/order")
    assert (response.status_code, response.content) == (401, content)


def test_forbidden_can_come_as_text(connect: Connect) -> None:
    client = connect(make_app(SEED, auth_error_body="text"), auth=None)
    response = client.post(FULFILLMENTS, json={}, headers={"Authorization": "Bearer tok-read"})
    assert (response.status_code, response.text) == (403, "Forbidden")


def test_schema_errors_can_come_as_text(connect: Connect) -> None:
    client = connect(make_app(SEED, schema_error_body="text"))
    response = client.post(FULFILLMENTS, json={"orderId": "not-a-uuid"})
    assert response.status_code == 400
    assert response.text.startswith("Bad Request: ")
    assert "orderId" in response.text
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


def test_status_can_stay_until_trackers_update(connect: Connect) -> None:
    client = connect(make_app(SEED, status_update="deferred"))
    before = client.get(f"{API}/order/by-friendly-id/Ab12Cd34").json()
    assert (
        client.post(FULFILLMENTS, json=fulfillment_body("Ab12Cd34", ("TEE", 2))).status_code == 201
    )
    after = client.get(f"{API}/order/by-friendly-id/Ab12Cd34").json()
    assert (after["status"], after["updatedAt"]) == ("CONFIRMED", before["updatedAt"])


# ---- Settings and flags ----------------------------------------------------------------------


def test_defaults_are_the_documented_and_likely_answers() -> None:
    settings = SandboxSettings()
    assert (settings.rate_limit, settings.rate_window, settings.rate_mode) == (100, 10.0, "refuse")
    assert not settings.send_retry_after
    assert settings.order_not_found_code == "CHECKOUT_NOT_FOUND_ERROR"
    assert settings.fulfillment_order_not_found_code == "FULFILLMENT_ORDER_NOT_FOUND"
    assert (settings.already_exists_on, settings.cancelled_refusal) == ("tracking", "quantity")
    assert (settings.status_update, settings.stall_seconds) == ("immediate", 30.0)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"error_rate": 1.5}, "error_rate must be a share between 0 and 1"),
        ({"commit_stall_rate": 0.6, "commit_drop_rate": 0.6}, "must not exceed 1"),
        ({"rate_mode": "queue"}, "rate_mode must be one of refuse, delay"),
        ({"rate_limit": 0}, "rate_limit must be at least 1"),
        ({"latency": (0.3, 0.1)}, "latency must be (min, max)"),
        ({"burst_length": 0}, "burst_length must be at least 1"),
    ],
)
def test_bad_settings_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        SandboxSettings(**changes)


def test_from_cli_reads_every_flag() -> None:
    settings = SandboxSettings.from_cli(
        latency="100ms-300ms",
        rate="50/5,delay,retry-after",
        faults="5xx=0.1,stall=0.05,drop=0.05,reset=0.02,burst=0.01,burst-length=3,"
        "stall-seconds=2,seed=7",
        options="friendly_id_case=insensitive,page_metadata=false,cancelled_refusal=code",
    )
    assert settings == SandboxSettings(
        latency=(0.1, 0.3),
        rate_limit=50,
        rate_window=5.0,
        rate_mode="delay",
        send_retry_after=True,
        error_rate=0.1,
        commit_stall_rate=0.05,
        commit_drop_rate=0.05,
        reset_rate=0.02,
        burst_rate=0.01,
        burst_length=3,
        stall_seconds=2.0,
        random_seed=7,
        friendly_id_case="insensitive",
        page_metadata=False,
        cancelled_refusal="code",
    )


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({"latency": "0.2"}, {"latency": (0.2, 0.2)}),
        ({"latency": "0.1-0.3"}, {"latency": (0.1, 0.3)}),
        ({"rate": "100/10"}, {"rate_limit": 100, "rate_window": 10.0}),
        ({"rate": "20"}, {"rate_limit": 20, "rate_window": 10.0}),
        ({"rate": "off"}, {"rate_limit": None}),
        (
            {"options": "rate_limit=none,stall_seconds=1.5"},
            {"rate_limit": None, "stall_seconds": 1.5},
        ),
    ],
)
def test_from_cli_short_forms(flags: dict[str, str], expected: dict[str, Any]) -> None:
    settings = SandboxSettings.from_cli(**flags)
    assert {name: getattr(settings, name) for name in expected} == expected


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ({"latency": "fast"}, "--latency: 'fast' is not a duration"),
        ({"latency": "0.3-0.1"}, "--latency: '0.3-0.1': the range must go from low to high"),
        ({"rate": "100 per 10"}, "--rate: '100 per 10' is not REQUESTS/SECONDS"),
        ({"rate": "0/10"}, "--rate: '0/10': requests and seconds must be more than 0"),
        ({"rate": "100/10,slow"}, "--rate: unknown option 'slow'"),
        ({"faults": "5xx=2"}, "--faults: 5xx=2: must be a share between 0 and 1"),
        ({"faults": "boom=0.1"}, "--faults: unknown fault 'boom'"),
        ({"faults": "stall"}, "--faults: 'stall' is not NAME=VALUE"),
        ({"faults": "seed=x"}, "--faults: seed='x' is not a number"),
        ({"options": "colour=blue"}, "--option: unknown setting 'colour'"),
        (
            {"options": "page_metadata=maybe"},
            "--option: page_metadata='maybe' is not true or false",
        ),
        ({"options": "status_update=later"}, "--option: status_update must be one of"),
    ],
)
def test_from_cli_errors_name_the_flag(flags: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(")):
        SandboxSettings.from_cli(**flags)
