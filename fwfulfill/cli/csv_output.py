"""`-o csv`: the lists (`orders list`, `history`, `from-csv`'s plan and outcomes) as CSV, one row
per order or fulfillment, for pasting into a spreadsheet.

Each row is made from the same JSON object the `-o json` document holds, so both say the same
facts; rows are generated one at a time, so a plan of 100,000 fulfillments is never one text.
Every cell goes through the CSV-injection guard (`Output.data_rows`). Commands without a list
refuse `-o csv` (`refuse_csv`) before they do anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from fwfulfill.cli.streams import Output
from fwfulfill.errors import InputError
from fwfulfill.planning.plan import items_text

# The commands (as `fwfulfill COMMAND`) that print a list; `orders` has one (`orders list`).
CSV_COMMANDS = frozenset({"from-csv", "history", "orders", "template"})

# One fulfillment, as both `from-csv`'s plan and `history` give it.
_FULFILLMENT_COLUMNS = (
    "friendly id",
    "order id",
    "items",
    "carrier",
    "tracking number",
    "status",
    "fulfillment id",
    "error code",
    "error message",
)
PLAN_COLUMNS = ("lines", "order", *_FULFILLMENT_COLUMNS)  # "order": as the file named it
HISTORY_COLUMNS = (*_FULFILLMENT_COLUMNS, "run", "updated at")
ORDER_COLUMNS = (
    "friendly id",
    "order id",
    "status",
    "created at",
    "customer",
    "country",
    "email",
    "items",
)

Json = Mapping[str, Any]


def refuse_csv(command: str) -> InputError:
    """The error for `-o csv` on a command that prints no list."""
    return InputError(
        "csv_not_supported",
        f"`fwfulfill {command}` prints no list, so it has no CSV output.",
        target="--output",
    )


def items_cell(items: Iterable[Json]) -> str:
    """`TEE-BLK-M x2, MUG-11OZ x1`: every item (SKU, else variant id, else name) and quantity."""
    return items_text(
        (item.get("sku") or item.get("variantId") or item.get("name") or "?", item["quantity"])
        for item in items
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _fulfillment_cells(record: Json, status: Any, code: Any, message: Any) -> list[str]:
    """The `_FULFILLMENT_COLUMNS` cells of a plan's fulfillment or a ledger entry."""
    return [
        _text(record["friendlyId"]),
        _text(record["orderId"]),
        items_cell(record["items"]),
        _text(record["trackingCompany"]),
        _text(record["trackingNumber"]),
        _text(status),
        _text(record["fulfillmentId"]),
        _text(code),
        _text(message),
    ]


def plan_rows(fulfillments: Iterable[Json]) -> Iterator[list[str]]:
    """`from-csv`'s fulfillments (the JSON objects of its plan), one row each."""
    for found in fulfillments:
        error = found.get("error") or {}
        yield [
            " ".join(str(line) for line in found["lines"]),
            _text(found["orderReference"]),
            *_fulfillment_cells(found, found["status"], error.get("code"), error.get("message")),
        ]


def history_rows(entries: Iterable[Json]) -> Iterator[list[str]]:
    """`history`'s fulfillments (the ledger's entries as JSON), one row each."""
    for entry in entries:
        yield [
            *_fulfillment_cells(entry, entry["state"], entry["code"], entry["message"]),
            _text(entry["runId"]),
            _text(entry["updatedAt"]),
        ]


def order_rows(orders: Iterable[Json]) -> Iterator[list[str]]:
    """`orders list`'s orders (`order_summary` objects), one row each."""
    for order in orders:
        customer = order.get("customer") or {}
        yield [
            _text(order["friendlyId"]),
            _text(order["id"]),
            _text(order["status"]),
            _text(order["createdAt"]),
            _text(customer.get("name")),
            _text(customer.get("country")),
            _text(order["email"]),
            items_cell(order["items"]),
        ]


def write_plan(output: Output, fulfillments: Iterable[Json]) -> None:
    output.data_rows(PLAN_COLUMNS, plan_rows(fulfillments))
