"""The persisted in-process sandbox behind `--sandbox`: one command sees what the last one did,
`reset` starts over, `show` reads the snapshot, and writes are atomic."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from fwfulfill.sandbox import (
    IN_PROCESS_BASE_URL,
    InProcessTransport,
    SandboxApp,
    SeedError,
    open_sandbox,
    read_snapshot,
    reset_sandbox,
)
from fwfulfill.sandbox.demo import order_id, variant_id

from .shop import API, order, seed

README_BODY = {
    "orderId": order_id("D3XZFWPP"),
    "items": [
        {"variantId": variant_id("TEE-BLK-M"), "quantity": 1},
        {"variantId": variant_id("MUG-11OZ"), "quantity": 1},
    ],
    "shippingLabel": {"trackingNumber": "9400111899223817654321", "trackingCompany": "USPS"},
}


def client_for(app: SandboxApp, username: str, password: str) -> httpx.Client:
    return httpx.Client(
        transport=InProcessTransport(app), base_url=IN_PROCESS_BASE_URL, auth=(username, password)
    )


def run_readme_example(state_path: Path) -> httpx.Response:
    """What `fwfulfill --sandbox create D3XZFWPP --item TEE-BLK-M:1 --item MUG-11OZ ...` sends."""
    app, credentials = open_sandbox(state_path)
    with client_for(app, credentials.username, credentials.password) as client:
        return client.post(f"{API}/fulfillments", json=README_BODY)


def test_first_use_creates_the_demo_shop(tmp_path: Path) -> None:
    state_path = tmp_path / "state" / "sandbox.json"
    app, credentials = open_sandbox(state_path)
    assert state_path.is_file()
    assert (credentials.username, credentials.password) == ("sandbox-api-user", "sandbox-password")
    assert credentials.tokens["sandbox-token-readonly"] == frozenset({"order_read"})
    assert app.state.order_by_friendly_id("D3XZFWPP") is not None


def test_a_second_command_sees_what_the_first_did(tmp_path: Path) -> None:
    state_path = tmp_path / "sandbox.json"
    assert run_readme_example(state_path).status_code == 201
    again = run_readme_example(state_path)
    assert again.status_code == 400
    assert again.json()["code"] == "FULFILLMENT_ALREADY_EXISTS"
    app, _ = open_sandbox(state_path)
    readme = app.state.order_by_friendly_id("D3XZFWPP")
    assert readme is not None
    assert readme["status"] == "SHIPPED"


def test_show_prints_orders_and_fulfillments(tmp_path: Path) -> None:
    state_path = tmp_path / "sandbox.json"
    created = run_readme_example(state_path).json()["fulfillmentId"]
    snapshot = read_snapshot(state_path)
    assert set(snapshot) == {"orders", "fulfillments"}
    assert snapshot["fulfillments"][-1] == {
        "id": created,
        "orderId": order_id("D3XZFWPP"),
        "trackingNumber": "9400111899223817654321",
        "trackingCompany": "USPS",
        "items": README_BODY["items"],
    }
    assert len(snapshot["orders"]) >= 25


def test_reset_starts_over_from_the_demo(tmp_path: Path) -> None:
    state_path = tmp_path / "sandbox.json"
    run_readme_example(state_path)
    reset_sandbox(state_path)
    assert run_readme_example(state_path).status_code == 201


def test_reset_from_a_seed_file(tmp_path: Path) -> None:
    seed_path = tmp_path / "seed.json"
    seed_path.write_text(json.dumps(seed(order("MINE0001", "CONFIRMED", ("TEE", 1)))))
    state_path = tmp_path / "sandbox.json"
    reset_sandbox(state_path, seed_path)
    snapshot = read_snapshot(state_path)
    assert [o["friendlyId"] for o in snapshot["orders"]] == ["MINE0001"]
    _, credentials = open_sandbox(state_path)
    assert credentials.username == "test-user"


def test_a_bad_seed_leaves_the_old_state_alone(tmp_path: Path) -> None:
    state_path = tmp_path / "sandbox.json"
    run_readme_example(state_path)
    before = state_path.read_text()
    bad = tmp_path / "bad.json"
    bad.write_text('{"orders": [{"id": "x"}]}')
    with pytest.raises(SeedError, match=r"bad\.json: orders\[0\]\.id: must be a UUID"):
        reset_sandbox(state_path, bad)
    assert state_path.read_text() == before


def test_a_damaged_state_file_says_how_to_recover(tmp_path: Path) -> None:
    state_path = tmp_path / "sandbox.json"
    state_path.write_text("{half a file")
    with pytest.raises(SeedError, match="sandbox reset"):
        open_sandbox(state_path)


def test_saves_leave_no_temporary_files(tmp_path: Path) -> None:
    state_path = tmp_path / "sandbox.json"
    app, credentials = open_sandbox(state_path)
    with client_for(app, credentials.username, credentials.password) as client:
        for number in range(3):
            body = {**README_BODY, "items": README_BODY["items"][:1]}
            body["shippingLabel"] = {"trackingNumber": f"T{number}", "trackingCompany": "UPS"}
            client.post(f"{API}/fulfillments", json=body)
    assert [path.name for path in tmp_path.iterdir()] == ["sandbox.json"]
    assert json.loads(state_path.read_text())["fulfillments"][-1]["trackingNumber"] == "T0"


def test_refused_requests_do_not_rewrite_the_file(tmp_path: Path) -> None:
    state_path = tmp_path / "sandbox.json"
    app, credentials = open_sandbox(state_path)
    written = state_path.stat().st_mtime_ns
    state_path.write_text(state_path.read_text())  # a marker: any save would change the text
    marker = state_path.read_text()
    with client_for(app, credentials.username, credentials.password) as client:
        client.post(f"{API}/fulfillments", json={**README_BODY, "orderId": order_id("NOPE")})
        client.get(f"{API}/order")
    assert state_path.read_text() == marker
    assert written > 0
