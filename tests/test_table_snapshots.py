"""Every table of every command, as a person sees it at 80, 100 and 120 columns.

Each screen is compared with the committed text in tests/snapshots/. After a deliberate change,
look at the new screens and regenerate them with:

    FWFULFILL_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_table_snapshots.py

The commands run in-process against the built-in demo shop (`--sandbox`) with `-o table`; their
stdout is rendered by rich exactly as on a terminal of that width, without colour. Dates, times
and run ids (they depend on the clock) are masked with same-length placeholders, so the layout
of the screen is still what is compared.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from fwfulfill.cli import streams
from tests.conftest import Cli

SNAPSHOTS = Path(__file__).with_name("snapshots")
EXAMPLES = Path(__file__).parent.parent / "examples"
WIDTHS = (80, 100, 120)
UPDATE = os.environ.get("FWFULFILL_UPDATE_SNAPSHOTS") == "1"

_MASKS = (
    (re.compile(r"\b\d{8}-\d{6}-[0-9a-f]{6}\b"), "YYYYMMDD-HHMMSS-RUN-ID"),  # run ids
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), "YYYY-MM-DD"),
    (re.compile(r"\b\d{2}:\d{2}:\d{2}\b"), "HH:MM:SS"),
)


def _mask(text: str) -> str:
    for pattern, placeholder in _MASKS:
        text = pattern.sub(placeholder, text)
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def check_snapshot(name: str, width: int, screen: str) -> None:
    path = SNAPSHOTS / f"{name}-{width}.txt"
    screen = _mask(screen)
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"no snapshot {path.name}; run with FWFULFILL_UPDATE_SNAPSHOTS=1")
        path.parent.mkdir(exist_ok=True)
        path.write_text(screen, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8")
    assert screen == expected, f"{path.name} changed; the new screen:\n{screen}"


def widest_line(screen: str) -> int:
    return max(len(line.rstrip()) for line in screen.splitlines())


@pytest.fixture
def at_width(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Render the CLI's tables as a terminal `width` columns wide would show them."""

    def set_width(width: int) -> None:
        monkeypatch.setattr(streams, "_PIPE_WIDTH", width)

    return set_width


def sandbox_table(cli: Cli, *args: str) -> str:
    result = cli("--sandbox", "-o", "table", *args)
    assert result.stdout, result
    return result.stdout


def _send_demo_csv(cli: Cli) -> None:
    result = cli("--sandbox", "-o", "json", "from-csv", "--yes", str(EXAMPLES / "shipstation.csv"))
    assert result.exit_code == 0, result


def screens(cli: Cli, at_width: Any, width: int) -> dict[str, str]:
    """Every command's tables at WIDTH, by snapshot name."""
    at_width(width)
    damaged = str(EXAMPLES / "excel-damaged.csv")
    found = {
        "orders-list": sandbox_table(cli, "orders", "list"),
        "orders-show": sandbox_table(cli, "orders", "show", "Z9C4QP2K"),
        "from-csv-dry-run": sandbox_table(cli, "from-csv", "--dry-run", damaged),
        "create-dry-run": sandbox_table(
            cli, "create", "D3XZFWPP", "--all", "--dry-run", "-t", "usps:9400111899223817654321"
        ),
        "carriers": sandbox_table(cli, "carriers"),
    }
    found["create"] = sandbox_table(
        cli, "create", "D3XZFWPP", "--all", "-t", "usps:9400111899223817654321"
    )
    # One request at a time: the sandbox numbers fulfillments in the order they arrive.
    found["from-csv-send"] = sandbox_table(
        cli, "from-csv", "--yes", "--concurrency", "1", str(EXAMPLES / "shipstation.csv")
    )
    found["history"] = sandbox_table(cli, "history")
    found["history-order"] = sandbox_table(cli, "history", "B5N8ZC1L")
    found["sandbox-show"] = sandbox_table(cli, "sandbox", "show")
    found["from-csv-nothing-to-send"] = sandbox_table(
        cli, "from-csv", "--yes", str(EXAMPLES / "shipstation.csv")
    )
    found["auth-status"] = _auth_status(width)
    return found


def _auth_status(width: int) -> str:
    """`auth status` needs logins; its rows are built here (one that works, two that do not)."""
    from fwfulfill.cli.commands.auth import CredentialStatus, _status_table

    rows = [
        CredentialStatus(
            name="default",
            default=True,
            selected=True,
            shop_name="Sandbox Merch Co.",
            shop_domain="shop.sandbox-merch.example",
            username="sand************",
            source="keyring",
            api_url="https://api.fourthwall.com",
            check="ok",
            works=True,
        ),
        CredentialStatus(
            name="staging",
            username="stag************",
            source="file",
            api_url="https://staging.example.com/open-api",
            check="rejected",
            works=False,
            problem="the API refused the username and password (HTTP 401)",
            code="UNAUTHORIZED",
        ),
        CredentialStatus(name="old-shop", code="KEYRING_UNAVAILABLE", problem="keyring: broken"),
    ]
    console = Console(width=width, color_system=None, force_terminal=False, record=True)
    with console.capture() as captured:
        console.print(_status_table(rows))
    return captured.get()


@pytest.mark.parametrize("width", WIDTHS)
def test_every_table_matches_its_snapshot(cli: Cli, at_width: Any, width: int) -> None:
    for name, screen in screens(cli, at_width, width).items():
        assert widest_line(screen) <= width, f"{name} is wider than {width}:\n{screen}"
        check_snapshot(name, width, screen)


def test_wide_brings_back_the_uuids(cli: Cli, at_width: Any) -> None:
    at_width(200)
    order = cli.json("--sandbox", "orders", "show", "D3XZFWPP")
    variant = order["items"][0]["variantId"]

    assert order["id"] not in sandbox_table(cli, "orders", "list")
    assert variant not in sandbox_table(cli, "orders", "show", "D3XZFWPP")
    assert order["id"] in sandbox_table(cli, "orders", "list", "--wide")
    assert variant in sandbox_table(cli, "--wide", "orders", "show", "D3XZFWPP")


def _words(screen: str) -> set[str]:
    return set(re.split(r"[\s,]+", screen))


def test_no_identifying_cell_is_cut_at_80_columns(cli: Cli, at_width: Any) -> None:
    """Every friendly id, SKU, tracking number and fulfillment id of the fixture data appears
    whole on the 80-column screens (the JSON of the same commands says what they are)."""
    at_width(80)
    orders = cli.json("--sandbox", "orders", "list")["orders"]
    listed = _words(sandbox_table(cli, "orders", "list"))
    assert {order["friendlyId"] for order in orders} <= listed
    for order in orders:
        shown = _words(sandbox_table(cli, "orders", "show", order["friendlyId"]))
        assert {item["sku"] for item in order["items"]} <= shown, order["friendlyId"]

    plan_args = ("from-csv", "--dry-run", str(EXAMPLES / "excel-damaged.csv"))
    plan = cli.json("--sandbox", *plan_args)
    shown = _words(sandbox_table(cli, *plan_args))
    for planned in plan["fulfillments"]:
        assert {planned["friendlyId"], planned["trackingNumber"]} <= shown, planned
    for problem in plan["problems"]:
        assert {str(line) for line in problem["lines"]} <= shown | {""}, problem

    created = cli.json(
        "--sandbox", "create", "D3XZFWPP", "--all", "-t", "usps:9400111899223817654321"
    )
    fulfillment_id = created["fulfillments"][0]["fulfillmentId"]
    _send_demo_csv(cli)
    snapshot = cli.json("--sandbox", "sandbox", "show")
    shown_sandbox = _words(sandbox_table(cli, "sandbox", "show"))
    shown_history = _words(sandbox_table(cli, "history"))
    assert fulfillment_id in shown_sandbox
    assert fulfillment_id in shown_history
    for fulfillment in snapshot["fulfillments"]:
        whole = {fulfillment["id"], fulfillment["trackingNumber"]}
        assert whole <= shown_sandbox, fulfillment
    for entry in cli.json("history")["fulfillments"]:
        assert {entry["friendlyId"], entry["trackingNumber"]} <= shown_history, entry
        if entry["fulfillmentId"]:
            assert entry["fulfillmentId"] in shown_history, entry


def _items_whole_or_counted(screen: str, tracking: str, skus: list[str]) -> None:
    """On the line of TRACKING, each SKU is whole, or counted in a `+N` with the others left out;
    the line never ends an item in "…". With the Items column left out, no SKU shows at all."""
    line = next(line for line in screen.splitlines() if tracking in _words(line))
    words = _words(line)
    shown = [sku for sku in skus if sku in words]
    hidden = len(skus) - len(shown)
    assert "…" not in line, line
    if shown and hidden:
        assert f"+{hidden}" in words, (line, skus)
    if not shown:
        header = next(h for h in screen.splitlines() if "Tracking number" in h)
        assert "Items" not in header, (line, skus)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_sku_is_cut_in_item_summaries(cli: Cli, at_width: Any, width: int) -> None:
    """Items summaries keep every SKU they show whole (`TEE-WHT-S x2 +1`) at every width: a
    box of several SKUs is the case that used to show `TEE-BLK-M …`."""
    at_width(width)
    plan_args = ("from-csv", "--dry-run", str(EXAMPLES / "shipstation.csv"))
    plan = sandbox_table(cli, *plan_args)
    for planned in cli.json("--sandbox", *plan_args)["fulfillments"]:
        names = [item["sku"] for item in planned["items"]]
        _items_whole_or_counted(plan, planned["trackingNumber"], names)

    _send_demo_csv(cli)
    skus = {
        order["id"]: {item["variantId"]: item["sku"] for item in order["items"]}
        for order in cli.json("--sandbox", "orders", "list")["orders"]
    }
    several = 0
    sandbox = sandbox_table(cli, "sandbox", "show")
    history = sandbox_table(cli, "history")
    for entry in cli.json("history")["fulfillments"]:
        names = [skus[entry["orderId"]][item["variantId"]] for item in entry["items"]]
        several += len(names) > 1
        _items_whole_or_counted(sandbox, entry["trackingNumber"], names)
        _items_whole_or_counted(history, entry["trackingNumber"], names)
    assert several, "the fixture needs a box of several SKUs"
