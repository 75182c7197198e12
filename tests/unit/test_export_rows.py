"""The export's rows from orders built in Python: what is left per item, weights, the row shape of
each format, and `--output` staying the export's own after the command (no sandbox, no HTTP)."""

from __future__ import annotations

from typing import Any

import pytest

from fwfulfill.api.models import Order
from fwfulfill.cli.global_options import hoist_global_options
from fwfulfill.usecases.export_formats import (
    FORMATS,
    export_rows,
    items_summary,
    number_text,
    parcel_ounces,
)
from fwfulfill.usecases.export_orders import ExportOrder, ExportResult, _items_left


def make_order(
    friendly_id: str, *lines: tuple[str, int], weight: Any = None, city: str = "Austin"
) -> Order:
    offers = [
        {
            "variant": {
                "id": f"v-{sku}",
                "sku": sku,
                "name": f"{sku} name",
                "quantity": quantity,
                **({"weight": weight} if weight is not None else {}),
            }
        }
        for sku, quantity in lines
    ]
    address = {"name": "Ann", "address1": "1 Road", "city": city, "country": "us", "zip": "1"}
    return Order.model_validate(
        {
            "id": f"o-{friendly_id}",
            "friendlyId": friendly_id,
            "status": "CONFIRMED",
            "offers": offers,
            "shipping": {"address": address},
            "createdAt": "2026-11-30T09:00:00.000Z",
        }
    )


def found(order: Order, sent: dict[str, int] | None = None) -> ExportOrder:
    return ExportOrder(order, _items_left(order, sent or {}))


@pytest.mark.parametrize(
    ("lines", "sent", "left"),
    [
        ((("TEE", 2), ("MUG", 1)), {}, [("TEE", 2), ("MUG", 1)]),
        ((("TEE", 1), ("TEE", 2)), {}, [("TEE", 3)]),  # two lines of one variant: one item
        ((("TEE", 2), ("MUG", 1)), {"v-TEE": 1}, [("TEE", 1), ("MUG", 1)]),
        ((("TEE", 2), ("MUG", 1)), {"v-TEE": 2}, [("MUG", 1)]),  # nothing left: no row
        ((("TEE", 2),), {"v-TEE": 5}, []),  # more recorded than ordered: nothing, never negative
    ],
)
def test_quantity_left_is_ordered_less_what_the_ledger_says_was_sent(
    lines: tuple[tuple[str, int], ...], sent: dict[str, int], left: list[tuple[str, int]]
) -> None:
    items = _items_left(make_order("A1", *lines), sent)
    assert [(item.sku, item.quantity) for item in items] == left


@pytest.mark.parametrize(
    ("weight", "ounces"),
    [
        ({"value": 0.3, "unit": "kg"}, "21.16"),  # 2 x 0.3 kg
        ({"value": 100, "unit": "g"}, "7.05"),
        ({"value": 1, "unit": "LB"}, "32"),
        ({"value": "4", "unit": "oz"}, "8"),  # a number sent as text
        ({"value": 1, "unit": "stone"}, ""),  # a unit we cannot convert: left empty
        ({"value": None, "unit": "kg"}, ""),
        ("heavy", ""),  # not an object: unknown, the order still reads
    ],
)
def test_per_order_formats_sum_the_weight_in_ounces(weight: Any, ounces: str) -> None:
    assert parcel_ounces(found(make_order("A1", ("TEE", 2), weight=weight))) == ounces


def test_numbers_are_written_without_exponent_or_trailing_zeros() -> None:
    assert [number_text(v) for v in (0.3, 2.0, 1e6, 0.00001, 12.3456789)] == [
        "0.3",
        "2",
        "1000000",
        "0",
        "12.3457",
    ]


@pytest.mark.parametrize(
    ("name", "rows"), [(name, 2 if s.per_order else 3) for name, s in FORMATS.items()]
)
def test_each_format_writes_a_row_per_item_or_per_order_under_its_header(
    name: str, rows: int
) -> None:
    orders = [found(make_order("A1", ("TEE", 2), ("MUG", 1))), found(make_order("B2", ("CAP", 1)))]
    written = export_rows(FORMATS[name], orders)
    assert written[0] == list(FORMATS[name].header)
    assert len(written) == 1 + rows
    assert all(len(row) == len(written[0]) for row in written)
    column = written[0].index(FORMATS[name].order_column)
    assert [row[column] for row in written[1:]][:1] == ["A1"]


def test_items_summary_names_sku_and_quantity() -> None:
    assert items_summary(found(make_order("A1", ("TEE", 2), ("MUG", 1)))) == "TEE x2, MUG x1"


def test_customers_are_counted_by_address_not_by_order() -> None:
    result = ExportResult(
        orders=[
            found(make_order("A1", ("TEE", 1))),
            found(make_order("B2", ("MUG", 1))),  # the same person, the same address
            found(make_order("C3", ("CAP", 1), city="Boston")),
        ]
    )
    assert (len(result.orders), result.items, result.customers) == (3, 3, 2)


@pytest.mark.parametrize(
    ("command", "hoisted"),
    [
        ("orders export --output o.csv", "orders export --output o.csv"),
        ("orders export --output=o.csv -v", "-v orders export --output=o.csv"),
        ("orders export -o o.csv --sandbox", "--sandbox orders export -o o.csv"),
        ("orders export -oo.csv", "orders export -oo.csv"),
        ("-o json orders export -o o.csv", "-o json orders export -o o.csv"),
        ("--profile p orders export --output -", "--profile p orders export --output -"),
        ("orders list --output json", "--output json orders list"),
        ("--output json orders export", "--output json orders export"),
    ],
)
def test_output_after_orders_export_is_the_file_everywhere_else_the_global_format(
    command: str, hoisted: str
) -> None:
    assert hoist_global_options(command.split()) == hoisted.split()


def test_shipstation_item_weight_is_in_ounces_one_unit_for_the_column() -> None:
    """ShipStation maps one weight unit per column: every row's weight is in ounces, as the
    per-order presets write it, never a per-row unit."""
    shape = FORMATS["shipstation"]
    orders = [
        found(make_order("A1", ("TEE", 2), weight={"value": 0.3, "unit": "kg"})),
        found(make_order("B2", ("MUG", 1), weight={"value": 1, "unit": "lb"})),
        found(make_order("C3", ("CAP", 1), weight={"value": 1, "unit": "stone"})),
    ]
    header, *rows = export_rows(shape, orders)
    assert "Item - Weight Unit" not in header
    column = header.index("Item - Unit Weight (oz)")
    assert [row[column] for row in rows] == ["10.58", "16", ""]  # 0.3 kg each; unknown: empty


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_multi_line_address_is_one_line_in_every_format(fmt: str) -> None:
    order = make_order("A1", ("TEE", 1))
    address = order.shipping.address if order.shipping else None
    assert address is not None
    address.address1 = "1 Road\r\nBuilding B"
    address.address2 = "Floor 3\nSuite 5"
    address.name = "Ann\rLee"
    _, *rows = export_rows(FORMATS[fmt], [found(order)])
    cells = [cell for row in rows for cell in row]
    assert not any("\n" in cell or "\r" in cell for cell in cells), cells
    assert "1 Road, Building B" in cells
    assert "Floor 3, Suite 5" in cells
    assert "Ann, Lee" in cells
