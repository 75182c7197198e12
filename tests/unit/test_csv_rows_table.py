"""CSV rows -> drafts and problems (`read_rows`), one row of the table per rule.

Rows are given in memory with a header, as the decoder hands them over; each case states the boxes
(`ORDER TRACKING ITEMS lines`) and the problems (`code@lines`) it expects. No file, no shop, no
CLI. The same rules end to end are in tests/test_csv_rules.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from fwfulfill.csv_input.columns import map_columns
from fwfulfill.csv_input.decode import CsvRow
from fwfulfill.csv_input.rows import RowsReading, read_rows
from tests.unit.shop import UPS, UPS_2, order_id, variant_id

HEADER = ("order", "sku", "quantity", "carrier", "tracking_number")
HEADER_STATUS = (*HEADER, "status")
UUID_ORDER = order_id("AAAA1111")


def read(header: Sequence[str], rows: Sequence[Sequence[str]]) -> RowsReading:
    lines = [CsvRow(line, tuple(cells)) for line, cells in enumerate(rows, start=2)]
    return read_rows(lines, map_columns(list(header)))


def boxes(reading: RowsReading) -> list[str]:
    shown = []
    for draft in reading.drafts:
        items = ",".join(f"{item}:{item.quantity}" for item in draft.items) or "-"
        lines = ",".join(map(str, draft.lines))
        shown.append(f"{draft.order} {draft.tracking_number} {items} @{lines}")
    return shown


def problems(reading: RowsReading) -> list[str]:
    found = reading.problems
    return sorted(f"{p.problem.code}@{','.join(map(str, p.problem.lines))}" for p in found)


def row(
    order: str = "AAAA1111", sku: str = "TEE", quantity: str = "1", tracking: str = UPS
) -> list[str]:
    return [order, sku, quantity, "UPS", tracking]


CASES: list[tuple[str, Sequence[str], list[list[str]], list[str], list[str]]] = [
    # ---- shape A: item rows, summed into their box by the planner
    ("one item row", HEADER, [row()], [f"AAAA1111 {UPS} TEE:1 @2"], []),
    (
        "item rows of one box",
        HEADER,
        [row(sku="TEE", quantity="2"), row(sku="MUG")],
        [f"AAAA1111 {UPS} TEE:2,MUG:1 @2,3"],
        [],
    ),
    (
        "two boxes of one order",
        HEADER,
        [row(), row(tracking=UPS_2)],
        [f"AAAA1111 {UPS} TEE:1 @2", f"AAAA1111 {UPS_2} TEE:1 @3"],
        [],
    ),
    (
        "a variant id instead of a SKU",
        ("order", "variant_id", "quantity", "carrier", "tracking_number"),
        [row(sku=variant_id("TEE").upper())],
        [f"AAAA1111 {UPS} {variant_id('TEE')}:1 @2"],
        [],
    ),
    (
        "a variant id that is not one",
        ("order", "variant_id", "quantity", "carrier", "tracking_number"),
        [row(sku="TEE")],
        [],
        ["invalid_variant@2"],
    ),
    # ---- shape B: a label row without items is the whole box
    ("a row without items", HEADER, [row(sku="", quantity="")], [f"AAAA1111 {UPS} - @2"], []),
    (
        "without a SKU column",
        ("order", "carrier", "tracking_number"),
        [["AAAA1111", "UPS", UPS]],
        [f"AAAA1111 {UPS} - @2"],
        [],
    ),
    (
        "a box with item rows and a row without",
        HEADER,
        [row(), row(sku="", quantity="")],
        [f"AAAA1111 {UPS} TEE:1 @2,3"],
        ["mixed_box@3"],
    ),
    # ---- shape C: several tracking numbers in one cell
    (
        "two numbers in one cell are two boxes",
        HEADER,
        [row(sku="", quantity="", tracking=f"{UPS}, {UPS_2}")],
        [f"AAAA1111 {UPS} - @2", f"AAAA1111 {UPS_2} - @2"],
        [],
    ),
    (
        "one number written twice is one box",
        HEADER,
        [row(sku="", quantity="", tracking=f"{UPS}; {UPS.lower()}")],
        [f"AAAA1111 {UPS} - @2"],
        [],
    ),
    (
        "several numbers with items cannot be split",
        HEADER,
        [row(tracking=f"{UPS}|{UPS_2}")],
        [],
        ["ambiguous_packages@2"],
    ),
    # ---- quantities: whole numbers of 1 or more
    ("1.0 is one", HEADER, [row(quantity="1.0")], [f"AAAA1111 {UPS} TEE:1 @2"], []),
    ("a padded 2", HEADER, [row(quantity=" 2 ")], [f"AAAA1111 {UPS} TEE:2 @2"], []),
    *[
        (f"quantity {text or 'blank'}", HEADER, [row(quantity=text)], [], ["invalid_quantity@2"])
        for text in ("0", "-1", "1.5", "", "two", "1e400")
    ],
    # ---- order references
    ("a # prefix is dropped", HEADER, [row(order="#aaaa1111")], [f"AAAA1111 {UPS} TEE:1 @2"], []),
    (
        "a UUID is an order id",
        HEADER,
        [row(order=UUID_ORDER.upper())],
        [f"{UUID_ORDER} {UPS} TEE:1 @2"],
        [],
    ),
    ("a blank order", HEADER, [row(order=" ")], [], ["missing_order@2"]),
    ("a broken UUID", HEADER, [row(order=UUID_ORDER[:-1])], [], ["invalid_order_reference@2"]),
    # ---- duplicates and skip markers
    (
        "identical rows are one row, never summed",
        HEADER,
        [row(quantity="2"), row(quantity="2")],
        [f"AAAA1111 {UPS} TEE:2 @2"],
        ["duplicate_row@3"],
    ),
    (
        "rows equal but for spaces are identical",
        HEADER,
        [row(), [" AAAA1111", "TEE ", "1", "UPS", UPS]],
        [f"AAAA1111 {UPS} TEE:1 @2"],
        ["duplicate_row@3"],
    ),
    (
        "a voided label is skipped",
        HEADER_STATUS,
        [[*row(), "Voided"], [*row(tracking=UPS_2), "shipped"]],
        [f"AAAA1111 {UPS_2} TEE:1 @3"],
        ["skipped_row@2"],
    ),
    # ---- Excel damage is refused, never guessed back
    (
        "an order in scientific notation",
        HEADER,
        [row(order="1.23457E+11")],
        [],
        ["excel_scientific_notation@2"],
    ),
    (
        "a tracking number in scientific notation",
        HEADER,
        [row(tracking="9.40011E+21")],
        [],
        ["excel_scientific_notation@2"],
    ),
    ("a missing tracking number", HEADER, [row(tracking="")], [], ["missing_tracking@2"]),
]


@pytest.mark.parametrize(
    ("header", "rows", "expect_boxes", "expect_problems"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_read_rows(
    header: Sequence[str],
    rows: list[list[str]],
    expect_boxes: list[str],
    expect_problems: list[str],
) -> None:
    reading = read(header, rows)
    assert boxes(reading) == expect_boxes
    assert problems(reading) == sorted(expect_problems)
    assert reading.rows == len(rows)


def test_a_bad_row_is_tied_to_its_order_so_the_planner_can_hold_the_order_back() -> None:
    reading = read(HEADER, [row(quantity="0"), row(tracking=UPS_2)])
    (bad,) = reading.problems
    assert bad.order is not None
    assert bad.order.key == "AAAA1111"
    assert "'quantity'" in bad.problem.message  # names the column to fix
