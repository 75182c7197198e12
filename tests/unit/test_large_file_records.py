"""What a large file keeps (issue 13): shared immutable records, the fast paths' answers, orders
reduced to what planning reads, and the same problems in the same order as before."""

from __future__ import annotations

import pytest

from fwfulfill.api.models import Order, Variant
from fwfulfill.csv_input.columns import map_columns
from fwfulfill.csv_input.decode import CsvRow
from fwfulfill.csv_input.rows import RowsReading, read_rows
from fwfulfill.errors import InputError
from fwfulfill.planning.order_lookup import for_planning
from fwfulfill.planning.parse_input import parse_order_reference, parse_quantity
from fwfulfill.planning.planner import build_plan, offline_plan
from tests.unit.shop import UPS, UPS_2, UPS_3, box, order

HEADER = ("order", "sku", "quantity", "carrier", "tracking_number")


def _read(rows: list[tuple[str, ...]]) -> RowsReading:
    cells = [CsvRow(line, row) for line, row in enumerate(rows, start=2)]
    return read_rows(cells, map_columns(HEADER, {}))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("0007", 7),
        (" 3 ", 3),
        ("1000000", 1_000_000),
        ("2.0", 2),
        ("\N{FULLWIDTH DIGIT ONE}", 1),  # not ASCII: the long way, which reads it as before
    ],
)
def test_plain_whole_quantities_read_as_before(text: str, expected: int) -> None:
    assert parse_quantity(text) == expected


@pytest.mark.parametrize("text", ["0", "1000001", "9" * 5000, "-1", "1.5", ""])
def test_quantities_the_fast_path_leaves_alone_are_still_refused(text: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_quantity(text)
    assert raised.value.code == "invalid_quantity"


def test_friendly_ids_of_letters_and_digits_up_to_64_characters_read_as_before() -> None:
    assert parse_order_reference("ab12cd34").friendly_id == "AB12CD34"
    assert parse_order_reference("A" * 64).friendly_id == "A" * 64
    with pytest.raises(InputError) as raised:
        parse_order_reference("A" * 65)
    assert raised.value.code == "invalid_order_reference"


def test_rows_share_one_item_record_per_sku_and_quantity() -> None:
    reading = _read(
        [
            ("AAAA1111", "TEE", "2", "UPS", UPS),
            ("BBBB2222", "TEE", "2", "UPS", UPS_2),
            ("BBBB2222", "MUG", "1", "UPS", UPS_2),
        ]
    )
    first, second = reading.drafts
    assert first.items[0] is second.items[0]  # one immutable record, not one per row
    assert [str(item) for item in second.items] == ["TEE", "MUG"]
    assert second.lines == (3, 4)


def test_rows_of_one_box_apart_in_the_file_still_make_one_box() -> None:
    reading = _read(
        [
            ("AAAA1111", "TEE", "1", "UPS", UPS),
            ("BBBB2222", "TEE", "1", "UPS", UPS_2),
            ("AAAA1111", "MUG", "1", "ups", UPS),
        ]
    )
    assert [(d.order.key, d.tracking_number, d.lines) for d in reading.drafts] == [
        ("AAAA1111", UPS, (2, 4)),
        ("BBBB2222", UPS_2, (3,)),
    ]


def test_shared_tracking_warnings_come_in_the_order_their_numbers_first_appear() -> None:
    drafts = [
        box("AAAA1111", UPS_2, "TEE:1", line=2),
        box("BBBB2222", UPS, "TEE:1", line=3),
        box("CCCC3333", UPS, "TEE:1", line=4),
        box("DDDD4444", UPS_2, "TEE:1", line=5),
        box("EEEE5555", UPS_3, "TEE:1", line=6),
    ]
    plan = offline_plan(drafts, [])
    shared = [(p.message.split()[2], p.lines) for p in plan.problems if p.code == "shared_tracking"]
    assert shared == [(UPS_2, (2, 5)), (UPS, (3, 4))]


def test_an_order_reduced_for_planning_plans_exactly_as_the_full_one() -> None:
    full = Order.model_validate(
        {
            **order("AB12CD34", ("TEE", 2), ("MUG", 1)).model_dump(by_alias=True),
            "email": "ann@example.com",
            "createdAt": "2026-01-01T00:00:00Z",
            "shipping": {"address": {"name": "Ann", "address1": "1 Road", "country": "US"}},
        }
    )
    reduced = for_planning(full)
    assert reduced.shipping is not None
    assert reduced.shipping.address is not None
    assert reduced.shipping.address.address1 is None  # the address is not kept
    assert reduced.created_at is None
    drafts = [box("AB12CD34", UPS, "TEE:2"), box("AB12CD34", UPS_2, line=3)]
    plans = [build_plan(drafts, {"AB12CD34": o}) for o in (full, reduced)]
    assert plans[0].to_json() == plans[1].to_json()
    assert [(f.customer_name, f.customer_email) for f in plans[1].fulfillments] == [
        ("Ann", "ann@example.com")
    ] * 2


def test_orders_reduced_together_share_one_record_per_variant() -> None:
    shared: dict[tuple[str, str, str, int], Variant] = {}
    first = for_planning(order("AB12CD34", ("TEE", 2), ("MUG", 1)), shared)
    second = for_planning(order("EF56GH78", ("TEE", 2)), shared)
    assert first.variants() == order("AB12CD34", ("TEE", 2), ("MUG", 1)).variants()
    assert first.offers[0].variant is second.offers[0].variant  # kept once
    assert len(shared) == 2
