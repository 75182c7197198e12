"""`-o csv` rows alone: one row per JSON object, made one at a time (a large plan is never held
as one text, and the JSON streaming of from-csv keeps working beside it)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from fwfulfill.cli.csv_output import PLAN_COLUMNS, items_cell, plan_rows


def endless_plan() -> Iterator[dict[str, Any]]:
    for number in itertools.count(2):
        yield {
            "lines": [number],
            "orderId": None,
            "friendlyId": "AB12CD34",
            "orderReference": "#ab12cd34",
            "items": [{"variantId": "v1", "sku": "TEE", "name": "Tee", "quantity": 2}],
            "trackingNumber": f"TRACK{number}",
            "trackingCompany": "UPS",
            "status": "planned",
            "fulfillmentId": None,
            "error": None,
        }


def test_plan_rows_are_made_one_at_a_time_from_a_generator() -> None:
    first, second = itertools.islice(plan_rows(endless_plan()), 2)  # never ends if not lazy
    assert len(first) == len(PLAN_COLUMNS)
    assert dict(zip(PLAN_COLUMNS, first, strict=True)) == {
        "lines": "2",
        "order": "#ab12cd34",
        "friendly id": "AB12CD34",
        "order id": "",
        "items": "TEE x2",
        "carrier": "UPS",
        "tracking number": "TRACK2",
        "status": "planned",
        "fulfillment id": "",
        "error code": "",
        "error message": "",
    }
    assert second[0] == "3"


def test_items_cell_names_an_item_by_sku_else_variant_id_else_name() -> None:
    items = [
        {"sku": "TEE", "variantId": "v1", "quantity": 2},
        {"sku": "", "variantId": "v2", "quantity": 1},
        {"sku": None, "variantId": "", "name": "Mug", "quantity": 3},
    ]
    assert items_cell(items) == "TEE x2, v2 x1, Mug x3"
