"""The rules of CSV-NOTES.md, one test (or group) each, named after the rule.

Each test states its shop (a small seed) and its CSV beside the plan it expects. Tests that need
no shop run `--offline`; the others run against a sandbox served over loopback HTTP.
"""

from __future__ import annotations

import csv
import uuid
from pathlib import Path
from typing import Any

import pytest

from fwfulfill.csv_input.columns import ALIASES
from tests.conftest import Cli, CliResult, RunningSandbox, columns_chosen, write_csv

USPS = "9400111899223817654305"  # valid USPS IMpb numbers
USPS_2 = "9400111899223817654312"
USPS_3 = "9400111899223817654329"
USPS_BAD_CHECK_DIGIT = "9400111899223817654306"
UPS = "1Z999AA10123456202"  # valid UPS numbers
UPS_2 = "1Z999AA10123456211"

_IDS = uuid.UUID("0b8f6d0e-52a4-4c4e-9a51-5d0c8f7e2a10")


def uid(name: str) -> str:
    return str(uuid.uuid5(_IDS, name))


def variant_id(sku: str) -> str:
    return uid(f"variant:{sku}")


def order_id(friendly_id: str) -> str:
    return uid(f"order:{friendly_id}")


def order(friendly_id: str, *lines: tuple[str, int], status: str = "CONFIRMED") -> dict[str, Any]:
    """A seed order: `order("AB12CD34", ("TEE", 2))` is two TEE, waiting for a tracker."""
    return {
        "id": order_id(friendly_id),
        "friendlyId": friendly_id,
        "status": status,
        "offers": [
            {"variant": {"id": variant_id(sku), "sku": sku, "name": sku.title(), "quantity": qty}}
            for sku, qty in lines
        ],
    }


def shop_of(*orders: dict[str, Any]) -> dict[str, Any]:
    return {
        "shop": {"name": "Rules Shop"},
        "credentials": {"username": "u", "password": "p"},
        "orders": list(orders),
    }


def from_csv(cli: Cli, shop: RunningSandbox | None, path: Path, *args: str) -> CliResult:
    """`fwfulfill from-csv PATH ARGS -o json` against `shop` (None: `--offline`)."""
    if shop is None:
        return cli("from-csv", str(path), "--offline", *args, "-o", "json")
    return cli("from-csv", str(path), *args, "-o", "json", env=shop.env())


def planned(document: dict[str, Any]) -> list[tuple[Any, ...]]:
    """(lines, friendly id, tracking number, carrier, {sku: quantity}, status) per fulfillment,
    sorted by lines and tracking number."""
    found = [
        (
            f["lines"],
            f["friendlyId"],
            f["trackingNumber"],
            f["trackingCompany"],
            {item["sku"]: item["quantity"] for item in f["items"]},
            f["status"],
        )
        for f in document["fulfillments"]
    ]
    return sorted(found, key=lambda box: (box[0], box[2]))


def problems(document: dict[str, Any]) -> list[tuple[list[int], str, str]]:
    """(lines, severity, code) per problem, sorted by line."""
    return sorted((p["lines"], p["severity"], p["code"]) for p in document["problems"])


def created(shop: RunningSandbox) -> list[dict[str, Any]]:
    """The fulfillments in the shop (these seeds start with none)."""
    return shop.fulfillments()


ITEM_HEADER = ["Order Number", "Tracking Number", "Carrier", "SKU", "Quantity"]
LABEL_HEADER = ["Order Number", "Tracking Number", "Carrier"]


# ---- Rule 1 ----


def test_rule_1_order_reference_trimmed_hash_dropped_upper_cased_never_a_number(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(
        shop_of(
            order("AB12CD34", ("TEE", 1)),
            order("00418297", ("TEE", 1)),  # digits with leading zeros: text, not 418297
            order("6240E103", ("TEE", 1)),  # looks like a number in E notation; it is not
            order("ZZ99YY88", ("TEE", 1)),
        )
    )
    rows = [
        LABEL_HEADER,
        ["  #ab12cd34 ", USPS, "USPS"],
        ["00418297", USPS_2, "USPS"],
        ["6240e103", USPS_3, "USPS"],
        [f" {order_id('ZZ99YY88').upper()} ", UPS, "UPS"],  # a UUID matches the order's id
    ]
    result = from_csv(cli, shop, write_csv(tmp_path / "t.csv", rows), "--dry-run")
    assert result.exit_code == 0, result
    document = result.json()
    assert [(f["friendlyId"], f["orderId"]) for f in document["fulfillments"]] == [
        ("AB12CD34", order_id("AB12CD34")),
        ("00418297", order_id("00418297")),
        ("6240E103", order_id("6240E103")),
        ("ZZ99YY88", order_id("ZZ99YY88")),
    ]
    assert document["problems"] == []


# ---- Rule 2 ----


def test_rule_2_one_fulfillment_per_order_and_tracking(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(shop_of(order("AB12CD34", ("TEE", 3), ("MUG", 1), ("CAP", 1))))
    spaced = f"{UPS[:6]} {UPS[6:12]} {UPS[12:]}".lower()
    rows = [
        ITEM_HEADER,
        ["AB12CD34", UPS, "UPS", "TEE", "1"],
        ["#AB12CD34", spaced, "ups", "TEE", "2"],  # the same box, written differently: summed
        ["ab12cd34", f"'{UPS}", "UPS", "MUG", "1"],  # Excel's text marker is dropped
        ["AB12CD34", UPS_2, "UPS", "CAP", "1"],  # another box
    ]
    result = from_csv(cli, shop, write_csv(tmp_path / "t.csv", rows), "--dry-run")
    assert result.exit_code == 0, result
    assert planned(result.json()) == [
        ([2, 3, 4], "AB12CD34", UPS, "UPS", {"TEE": 3, "MUG": 1}, "planned"),
        ([5], "AB12CD34", UPS_2, "UPS", {"CAP": 1}, "planned"),
    ]


def test_rule_2_variant_id_and_sku_that_disagree_are_an_error(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(
        shop_of(order("AB12CD34", ("TEE", 1), ("MUG", 1)), order("CD34EF56", ("TEE", 1)))
    )
    rows = [
        ["order_id", "tracking_number", "carrier", "variant_id", "sku", "quantity"],
        ["AB12CD34", USPS, "USPS", variant_id("TEE"), "MUG", "1"],  # they disagree
        ["CD34EF56", USPS_2, "USPS", variant_id("TEE").upper(), "tee", "1"],  # they agree
    ]
    result = from_csv(cli, shop, write_csv(tmp_path / "t.csv", rows), "--dry-run")
    assert result.exit_code == 2, result
    document = result.json()
    assert problems(document) == [([2], "error", "variant_sku_mismatch")]
    assert planned(document) == [
        ([2], "AB12CD34", USPS, "USPS", {}, "blocked"),
        ([3], "CD34EF56", USPS_2, "USPS", {"TEE": 1}, "planned"),
    ]


@pytest.mark.parametrize("quantity", ["0", "-1", "1.5", "", "two", "1e400"])
def test_rule_2_quantity_must_be_a_positive_integer(
    cli: Cli, tmp_path: Path, quantity: str
) -> None:
    rows = [ITEM_HEADER, ["AB12CD34", USPS, "USPS", "TEE", quantity]]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 2, result
    document = result.json()
    assert problems(document) == [([2], "error", "invalid_quantity")]
    assert "'Quantity'" in document["problems"][0]["message"]  # names the column
    assert document["fulfillments"] == []


@pytest.mark.parametrize(("quantity", "expected"), [("1.0", 1), (" 2 ", 2), ("3.00", 3)])
def test_rule_2_whole_quantities_written_as_decimals_are_fine(
    cli: Cli, tmp_path: Path, quantity: str, expected: int
) -> None:
    rows = [ITEM_HEADER, ["AB12CD34", USPS, "USPS", "TEE", quantity]]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    (fulfillment,) = result.json()["fulfillments"]
    assert fulfillment["items"][0]["quantity"] == expected


def test_rule_2_a_sku_named_by_two_variants_of_the_order_needs_the_variant_id(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    seed_order = order("AB12CD34", ("TEE", 1), ("MUG", 1))
    seed_order["offers"][1]["variant"]["sku"] = "TEE"  # two variants share a SKU
    shop = start_sandbox(shop_of(seed_order))
    rows = [ITEM_HEADER, ["AB12CD34", USPS, "USPS", "TEE", "1"]]
    result = from_csv(cli, shop, write_csv(tmp_path / "t.csv", rows), "--dry-run")
    assert result.exit_code == 2, result
    assert problems(result.json()) == [([2], "error", "sku_ambiguous")]


# ---- Rule 3 ----


def test_rule_3_summed_quantity_must_not_exceed_ordered(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(shop_of(order("AB12CD34", ("MUG", 2)), order("CD34EF56", ("MUG", 2))))
    rows = [
        ITEM_HEADER,
        ["AB12CD34", USPS, "USPS", "MUG", "2"],  # 2 + 1 in two boxes: 3 of 2 ordered
        ["AB12CD34", USPS_2, "USPS", "MUG", "1"],
        ["CD34EF56", UPS, "UPS", "MUG", "1"],  # 1 + 1 of 2: fine
        ["CD34EF56", UPS_2, "UPS", "MUG", "1"],
    ]
    result = from_csv(cli, shop, write_csv(tmp_path / "t.csv", rows), "--dry-run")
    assert result.exit_code == 2, result
    document = result.json()
    assert problems(document) == [([2, 3], "error", "quantity_exceeds_order")]
    assert "3 x MUG" in document["problems"][0]["message"]
    assert [box[5] for box in planned(document)] == ["blocked", "blocked", "planned", "planned"]


def test_rule_3_what_fwfulfill_already_sent_is_no_longer_left(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(shop_of(order("AB12CD34", ("MUG", 2))))
    first = write_csv(
        tmp_path / "monday.csv", [ITEM_HEADER, ["AB12CD34", USPS, "USPS", "MUG", "1"]]
    )
    assert from_csv(cli, shop, first, "--yes").exit_code == 0
    rows = [ITEM_HEADER, ["AB12CD34", USPS_2, "USPS", "MUG", "2"]]
    result = from_csv(cli, shop, write_csv(tmp_path / "tuesday.csv", rows), "--dry-run")
    assert result.exit_code == 2, result
    (found,) = result.json()["problems"]
    assert found["code"] == "quantity_exceeds_order"
    assert "only 1 left of 2 ordered (1 already sent by fwfulfill)" in found["message"]


# ---- Rule 4 ----


def test_rule_4_row_without_items_means_all_remaining_items(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(shop_of(order("AB12CD34", ("TEE", 2), ("MUG", 1), ("CAP", 1))))
    monday = write_csv(tmp_path / "monday.csv", [ITEM_HEADER, ["AB12CD34", UPS, "UPS", "CAP", "1"]])
    assert from_csv(cli, shop, monday, "--yes").exit_code == 0
    rows = [
        ITEM_HEADER,
        ["AB12CD34", UPS_2, "UPS", "TEE", "1"],  # one TEE in this box...
        ["AB12CD34", USPS, "USPS", "", ""],  # ...and everything else in this one
    ]
    result = from_csv(cli, shop, write_csv(tmp_path / "tuesday.csv", rows), "--dry-run")
    assert result.exit_code == 0, result
    assert planned(result.json()) == [
        ([2], "AB12CD34", UPS_2, "UPS", {"TEE": 1}, "planned"),
        ([3], "AB12CD34", USPS, "USPS", {"TEE": 1, "MUG": 1}, "planned"),
    ]


def test_rule_4_a_label_row_for_an_order_with_nothing_left_is_an_error(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(shop_of(order("AB12CD34", ("TEE", 1))))
    monday = write_csv(tmp_path / "monday.csv", [LABEL_HEADER, ["AB12CD34", UPS, "UPS"]])
    assert from_csv(cli, shop, monday, "--yes").exit_code == 0
    tuesday = write_csv(tmp_path / "tuesday.csv", [LABEL_HEADER, ["AB12CD34", UPS_2, "UPS"]])
    result = from_csv(cli, shop, tuesday, "--dry-run")
    assert result.exit_code == 2, result
    assert problems(result.json()) == [
        ([2], "error", "nothing_left"),
        ([2], "warning", "order_already_shipped"),  # the shop marked it SHIPPED on Monday
    ]


# ---- Rule 5 ----


def test_rule_5_tracking_number_already_fulfilled_is_skipped(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(shop_of(order("AB12CD34", ("TEE", 1)), order("CD34EF56", ("MUG", 1))))
    rows = [LABEL_HEADER, ["AB12CD34", USPS, "USPS"], ["CD34EF56", UPS, "UPS"]]
    path = write_csv(tmp_path / "t.csv", rows)

    first = from_csv(cli, shop, path, "--yes")
    assert first.exit_code == 0, first
    assert [f["status"] for f in first.json()["fulfillments"]] == ["created", "created"]
    assert len(created(shop)) == 2

    again = from_csv(cli, shop, path, "--yes")
    assert again.exit_code == 0, again  # a safe re-run, not an error
    document = again.json()
    assert [f["status"] for f in document["fulfillments"]] == ["skipped", "skipped"]
    assert {p["severity"] for p in document["problems"]} == {"info"}
    assert {line for p in document["problems"] for line in p["lines"]} == {2, 3}
    assert {p["code"] for p in document["problems"]} == {"already_fulfilled"}
    assert len(created(shop)) == 2  # nothing new in the shop


# ---- Rule 6 ----


def test_rule_6_cancelled_unknown_orders_and_variants_not_on_order_are_errors(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(
        shop_of(
            order("CANC1234", ("TEE", 1), status="CANCELLED"),
            order("AB12CD34", ("TEE", 1)),
            order("CD34EF56", ("TEE", 1)),
            order("EF56GH78", ("MUG", 1)),
        )
    )
    rows = [
        ["Order Number", "Tracking Number", "Carrier", "SKU", "variant_id"],
        ["CANC1234", USPS, "USPS", "TEE", ""],
        ["NOPE0000", USPS_2, "USPS", "TEE", ""],
        ["AB12CD34", USPS_3, "USPS", "MUG", ""],  # a SKU the order does not have
        ["CD34EF56", UPS, "UPS", "", variant_id("MUG")],  # a variant the order does not have
        ["EF56GH78", UPS_2, "UPS", "MUG", ""],  # other orders go on
    ]
    result = from_csv(cli, shop, write_csv(tmp_path / "t.csv", rows), "--dry-run")
    assert result.exit_code == 2, result
    document = result.json()
    assert problems(document) == [
        ([2], "error", "order_cancelled"),
        ([3], "error", "order_not_found"),
        ([4], "error", "variant_not_on_order"),
        ([5], "error", "variant_not_on_order"),
    ]
    assert [(box[0], box[5]) for box in planned(document)] == [
        ([2], "blocked"),
        ([3], "blocked"),
        ([4], "blocked"),
        ([5], "blocked"),
        ([6], "planned"),
    ]


# ---- Rule 7 ----


@pytest.mark.parametrize(
    ("bad_row", "code"),
    [
        (["MUG", "1", "USPS", USPS_2], "variant_not_on_order"),  # found while planning
        (["TEE", "0", "USPS", USPS_2], "invalid_quantity"),  # found while reading the row
        (["TEE", "1", "USPS", UPS_2], "tracking_format_mismatch"),  # found in the label
    ],
    ids=["planning", "reading", "label"],
)
def test_rule_7_an_error_on_any_row_blocks_the_whole_order_even_named_differently(
    cli: Cli, start_sandbox: Any, tmp_path: Path, bad_row: list[str], code: str
) -> None:
    shop = start_sandbox(shop_of(order("AB12CD34", ("TEE", 2)), order("CD34EF56", ("TEE", 1))))
    sku, quantity, carrier, tracking = bad_row
    rows = [
        ["Order Number", "SKU", "Quantity", "Carrier", "Tracking Number"],
        ["AB12CD34", "TEE", "1", "USPS", USPS],  # clean, by friendly id
        [order_id("AB12CD34"), sku, quantity, carrier, tracking],  # the same order, by UUID
        ["CD34EF56", "TEE", "1", "UPS", UPS],  # another order: goes on
    ]
    path = write_csv(tmp_path / "t.csv", rows)
    result = from_csv(cli, shop, path, "--yes")
    assert result.exit_code == 6, result  # sent what it could; the file has errors
    document = result.json()
    statuses = {f["trackingNumber"]: f["status"] for f in document["fulfillments"]}
    assert statuses[USPS] == "blocked"
    assert statuses[UPS] == "created"
    assert problems(document) == [([2], "error", "order_has_errors"), ([3], "error", code)]
    assert [f["orderId"] for f in created(shop)] == [order_id("CD34EF56")]


# ---- Rule 8 ----


def test_rule_8_every_row_ends_in_the_report_with_one_outcome(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(
        shop_of(
            order("AB12CD34", ("TEE", 1), ("MUG", 1)),
            order("CD34EF56", ("TEE", 1)),
            order("EF56GH78", ("TEE", 1)),
        )
    )
    rows = [
        ["Order Number", "Tracking Number", "Carrier", "SKU", "Quantity", "Status"],
        ["AB12CD34", USPS, "USPS", "TEE", "1", "Shipped"],  # 2: created (with line 3)
        ["AB12CD34", USPS, "USPS", "MUG", "1", "Shipped"],  # 3
        ["AB12CD34", USPS, "USPS", "MUG", "1", "Shipped"],  # 4: duplicate of 3
        ["CD34EF56", UPS, "UPS", "TEE", "1", "Voided"],  # 5: voided label
        ["CD34EF56", UPS_2, "UPS", "TEE", "0", "Shipped"],  # 6: bad quantity
        ["", "", "", "", "", ""],  # 7: empty, not a row
        ["NOPE0000", USPS_2, "USPS", "TEE", "1", "Shipped"],  # 8: unknown order
        ["EF56GH78", USPS_3, "USPS", "TEE", "1", "Shipped"],  # 9: created
    ]
    report = tmp_path / "report.csv"
    result = from_csv(
        cli, shop, write_csv(tmp_path / "t.csv", rows), "--yes", "--report", str(report)
    )
    assert result.exit_code == 6, result
    with report.open(encoding="utf-8-sig", newline="") as handle:
        reported = list(csv.DictReader(handle))
    columns = ("fwfulfill line", "Order Number", "fwfulfill outcome", "fwfulfill error code")
    outcomes = [tuple(row[column] for column in columns) for row in reported]
    assert outcomes == [
        ("2", "AB12CD34", "created", ""),
        ("3", "AB12CD34", "created", ""),
        ("4", "AB12CD34", "skipped", "duplicate_row"),
        ("5", "CD34EF56", "skipped", "skipped_row"),
        ("6", "CD34EF56", "blocked", "invalid_quantity"),
        ("8", "NOPE0000", "blocked", "order_not_found"),  # the physical line: 7 was empty
        ("9", "EF56GH78", "created", ""),
    ]
    ids = {f["id"] for f in created(shop)}
    assert {
        row["fwfulfill fulfillment id"] for row in reported if row["fwfulfill outcome"] == "created"
    } == ids
    # Every data line of the input is in the JSON too: in a fulfillment or in a problem.
    document = result.json()
    seen = {line for f in document["fulfillments"] for line in f["lines"]}
    seen |= {line for p in document["problems"] for line in p["lines"]}
    assert seen == {2, 3, 4, 5, 6, 8, 9}


# ---- Row shapes ----


def test_shape_a_shipstation_item_rows_are_summed_per_variant_into_their_box(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(shop_of(order("AB12CD34", ("TEE", 2), ("MUG", 1), ("CAP", 1))))
    rows = [
        [
            "Order - Number",
            "Item - SKU",
            "Item - Options",
            "Item - Qty",
            "Shipment - Service",
            "Shipment - Tracking Number",
        ],
        ["AB12CD34", "TEE", "front print", "1", "UPS® Ground", UPS],
        ["AB12CD34", "MUG", "", "1", "UPS® Ground", UPS],
        ["AB12CD34", "TEE", "back print", "1", "UPS® Ground", UPS],  # the same variant again
        ["AB12CD34", "CAP", "", "1", "USPS Priority Mail", USPS],
    ]
    result = from_csv(cli, shop, write_csv(tmp_path / "t.csv", rows), "--dry-run")
    assert result.exit_code == 0, result
    document = result.json()
    assert planned(document) == [
        ([2, 3, 4], "AB12CD34", UPS, "UPS", {"TEE": 2, "MUG": 1}, "planned"),
        ([5], "AB12CD34", USPS, "USPS", {"CAP": 1}, "planned"),
    ]
    assert document["problems"] == []


def test_shape_b_label_rows_take_all_that_is_left_of_each_order(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(
        shop_of(order("AB12CD34", ("TEE", 2), ("MUG", 1)), order("CD34EF56", ("CAP", 1)))
    )
    rows = [
        ["Order ID", "Carrier", "Service", "Tracking Number", "Status"],  # Pirate Ship
        ["AB12CD34", "USPS", "Priority Mail", USPS, "Shipped"],
        ["CD34EF56", "UPS", "Ground", UPS, "Shipped"],
    ]
    result = from_csv(cli, shop, write_csv(tmp_path / "t.csv", rows), "--dry-run")
    assert result.exit_code == 0, result
    assert planned(result.json()) == [
        ([2], "AB12CD34", USPS, "USPS", {"TEE": 2, "MUG": 1}, "planned"),
        ([3], "CD34EF56", UPS, "UPS", {"CAP": 1}, "planned"),
    ]


def test_shape_b_two_or_more_new_boxes_for_one_order_is_ambiguous(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(
        shop_of(order("AB12CD34", ("TEE", 2), ("MUG", 1)), order("CD34EF56", ("CAP", 1)))
    )
    rows = [
        LABEL_HEADER,
        ["AB12CD34", UPS, "UPS"],
        ["AB12CD34", UPS_2, "UPS"],
        ["CD34EF56", USPS, "USPS"],
    ]
    result = from_csv(cli, shop, write_csv(tmp_path / "t.csv", rows), "--dry-run")
    assert result.exit_code == 2, result
    document = result.json()
    assert problems(document) == [([2, 3], "error", "ambiguous_packages")]
    assert planned(document) == [
        ([2], "AB12CD34", UPS, "UPS", {}, "blocked"),
        ([3], "AB12CD34", UPS_2, "UPS", {}, "blocked"),
        ([4], "CD34EF56", USPS, "USPS", {"CAP": 1}, "planned"),
    ]


@pytest.mark.parametrize(
    "separator", [", ", "; ", " | ", "\n"], ids=["comma", "semicolon", "pipe", "newline"]
)
def test_shape_c_several_tracking_numbers_in_one_cell_are_several_boxes(
    cli: Cli, start_sandbox: Any, tmp_path: Path, separator: str
) -> None:
    shop = start_sandbox(shop_of(order("AB12CD34", ("TEE", 2), ("MUG", 1))))
    rows = [
        ["order_id", "Tracking Numbers", "Shipping Carrier"],
        ["AB12CD34", separator.join([UPS, UPS_2]), "UPS"],
    ]
    result = from_csv(cli, shop, write_csv(tmp_path / "t.csv", rows), "--dry-run")
    assert result.exit_code == 2, result  # two new boxes, no items: which went where?
    document = result.json()
    assert planned(document) == [
        ([2], "AB12CD34", UPS, "UPS", {}, "blocked"),
        ([2], "AB12CD34", UPS_2, "UPS", {}, "blocked"),
    ]
    assert problems(document) == [([2], "error", "ambiguous_packages")]


def test_shape_c_with_one_box_already_sent_leaves_one_new_box_for_the_rest(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(shop_of(order("AB12CD34", ("TEE", 2), ("MUG", 1))))
    monday = write_csv(tmp_path / "monday.csv", [ITEM_HEADER, ["AB12CD34", UPS, "UPS", "TEE", "2"]])
    assert from_csv(cli, shop, monday, "--yes").exit_code == 0
    rows = [
        ["order_id", "Tracking Numbers", "Shipping Carrier"],
        ["AB12CD34", f"{UPS}, {UPS_2}", "UPS"],
    ]
    result = from_csv(cli, shop, write_csv(tmp_path / "tuesday.csv", rows), "--dry-run")
    assert result.exit_code == 0, result
    assert planned(result.json()) == [
        ([2], "AB12CD34", UPS, "UPS", {"TEE": 2}, "skipped"),  # what Monday's run sent
        ([2], "AB12CD34", UPS_2, "UPS", {"MUG": 1}, "planned"),
    ]


def test_shape_c_one_number_written_twice_in_a_cell_is_one_box(cli: Cli, tmp_path: Path) -> None:
    rows = [LABEL_HEADER, ["AB12CD34", f"{UPS}, {UPS.lower()}", "UPS"]]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    assert planned(result.json()) == [([2], "AB12CD34", UPS, "UPS", {}, "planned")]


def test_shape_c_with_items_is_ambiguous(cli: Cli, tmp_path: Path) -> None:
    rows = [ITEM_HEADER, ["AB12CD34", f"{UPS}; {UPS_2}", "UPS", "TEE", "2"]]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 2, result
    assert problems(result.json()) == [([2], "error", "ambiguous_packages")]


def test_offline_check_warns_about_a_shared_tracking_number_too(cli: Cli, tmp_path: Path) -> None:
    rows = [LABEL_HEADER, ["AB12CD34", UPS, "UPS"], ["CD34EF56", UPS, "UPS"]]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    assert problems(result.json()) == [([2, 3], "warning", "shared_tracking")]


def test_several_orders_may_share_one_tracking_number_with_a_warning(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(shop_of(order("AB12CD34", ("TEE", 1)), order("CD34EF56", ("MUG", 1))))
    rows = [LABEL_HEADER, ["AB12CD34", UPS, "UPS"], ["CD34EF56", UPS, "UPS"]]
    result = from_csv(cli, shop, write_csv(tmp_path / "t.csv", rows), "--yes")
    assert result.exit_code == 0, result  # a warning does not fail
    document = result.json()
    assert problems(document) == [([2, 3], "warning", "shared_tracking")]
    assert [f["status"] for f in document["fulfillments"]] == ["created", "created"]
    assert sorted(f["orderId"] for f in created(shop)) == sorted(
        [order_id("AB12CD34"), order_id("CD34EF56")]
    )


# ---- Rows to skip, duplicates ----


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("Status", "Voided"),
        ("Status", "REFUNDED"),
        ("Status", " void "),
        ("refund_status", "refunded"),
        ("is_return", "true"),
        ("is_return", "Yes"),
    ],
)
def test_skip_markers_skip_the_row_with_an_info_line(
    cli: Cli, tmp_path: Path, column: str, value: str
) -> None:
    rows = [
        [*LABEL_HEADER, column],
        ["AB12CD34", UPS, "UPS", value],
        ["AB12CD34", UPS_2, "UPS", ""],
    ]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    document = result.json()
    assert [f["trackingNumber"] for f in document["fulfillments"]] == [UPS_2]
    assert problems(document) == [([2], "info", "skipped_row")]


@pytest.mark.parametrize(
    ("column", "value"), [("Status", "Shipped"), ("is_return", "false"), ("refund_status", "none")]
)
def test_other_status_values_are_not_skip_markers(
    cli: Cli, tmp_path: Path, column: str, value: str
) -> None:
    rows = [[*LABEL_HEADER, column], ["AB12CD34", UPS, "UPS", value]]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    assert [f["trackingNumber"] for f in result.json()["fulfillments"]] == [UPS]


def test_byte_identical_rows_are_collapsed_with_a_warning_never_summed(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(shop_of(order("AB12CD34", ("TEE", 1), ("MUG", 1))))
    rows = [
        ITEM_HEADER,
        ["AB12CD34", UPS, "UPS", "TEE", "1"],
        ["AB12CD34", UPS, "UPS", "TEE", "1"],  # identical: summing would ask 2 of 1
        ["AB12CD34 ", UPS, " UPS", "TEE", "1 "],  # identical after trimming
        ["AB12CD34", UPS, "UPS", "MUG", "1"],
    ]
    result = from_csv(cli, shop, write_csv(tmp_path / "t.csv", rows), "--dry-run")
    assert result.exit_code == 0, result
    document = result.json()
    assert planned(document) == [([2, 5], "AB12CD34", UPS, "UPS", {"TEE": 1, "MUG": 1}, "planned")]
    assert problems(document) == [([3, 4], "warning", "duplicate_row")]


# ---- Header aliases ----

_ALIAS_CASES = [(field, alias) for field, aliases in ALIASES.items() for alias in aliases]
_SAMPLE = {
    "order": "AB12CD34",
    "tracking": UPS,
    "carrier": "UPS",
    "service": "UPS Ground",
    "sku": "TEE",
    "variant": variant_id("TEE"),
    "quantity": "2",
    "status": "Shipped",
    "refund_status": "",
    "is_return": "false",
    "test": "false",
    "type": "Label",
}


@pytest.mark.parametrize(
    ("field", "alias"), _ALIAS_CASES, ids=[f"{f}={a}" for f, a in _ALIAS_CASES]
)
def test_each_header_alias_maps_its_field(cli: Cli, tmp_path: Path, field: str, alias: str) -> None:
    others = {"order": "Order Number", "tracking": "Tracking Number"}
    header = {name: column for name, column in others.items() if name != field}
    header[field] = alias
    rows = [list(header.values()), [_SAMPLE[name] for name in header]]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    assert columns_chosen(result.json())[field] == alias


@pytest.mark.parametrize(
    "written", ["ORDER NUMBER", "order-number", "Order_Number", " Order  Number "]
)
def test_headers_match_after_dropping_case_spaces_and_punctuation(
    cli: Cli, tmp_path: Path, written: str
) -> None:
    rows = [[written, "Tracking Number", "Carrier"], ["AB12CD34", UPS, "UPS"]]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    assert columns_chosen(result.json())["order"] == written.strip()


def test_never_take_an_order_reference_from_notes_or_free_text_columns(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(shop_of(order("AB12CD34", ("TEE", 1)), order("CD34EF56", ("TEE", 1))))
    rows = [
        ["Notes", "Order Number", "Tracking Number", "Carrier", "Line Item Properties"],
        ["reship of CD34EF56", "AB12CD34", UPS, "UPS", '{"order": "CD34EF56"}'],
    ]
    result = from_csv(cli, shop, write_csv(tmp_path / "t.csv", rows), "--dry-run")
    assert result.exit_code == 0, result
    document = result.json()
    assert columns_chosen(document)["order"] == "Order Number"
    assert [f["friendlyId"] for f in document["fulfillments"]] == ["AB12CD34"]

    # Without an order column, a note that mentions an order is not used: the file is refused
    # (a free-text column is the order's only when its values are orders: see "columns by content").
    rows = [["Notes", "Tracking Number", "Carrier"], ["reship of CD34EF56", UPS, "UPS"]]
    result = from_csv(cli, shop, write_csv(tmp_path / "notes.csv", rows), "--dry-run")
    assert result.exit_code == 2
    assert result.json()["error"]["code"] == "missing_columns"


# ---- Excel damage ----


@pytest.mark.parametrize(
    ("cells", "code"),
    [
        (["AB12CD34", "9.40011E+21", "USPS"], "excel_scientific_notation"),
        (["AB12CD34", "7,74867E+11", "FedEx"], "excel_scientific_notation"),  # comma locale
        (["6.24E+106", USPS, "USPS"], "excel_scientific_notation"),  # the order id 6240E103
        (["AB12CD34", "9400111899223820000000", "USPS"], "excel_precision_loss"),
        (["AB12CD34", "73000000002017", "Canada Post"], "excel_leading_zero_lost"),
    ],
    ids=[
        "tracking-notation",
        "tracking-notation-comma",
        "order-notation",
        "precision",
        "canada-post",
    ],
)
def test_excel_damage_is_rejected_with_a_hint_about_text_columns(
    cli: Cli, start_sandbox: Any, tmp_path: Path, cells: list[str], code: str
) -> None:
    shop = start_sandbox(shop_of(order("AB12CD34", ("TEE", 1)), order("CD34EF56", ("TEE", 1))))
    rows = [LABEL_HEADER, cells, ["CD34EF56", UPS, "UPS"]]
    result = from_csv(cli, shop, write_csv(tmp_path / "t.csv", rows), "--yes")
    assert result.exit_code == 6, result  # the clean order is sent, the file has an error
    document = result.json()
    (damage,) = document["problems"]
    assert (damage["lines"], damage["severity"], damage["code"]) == ([2], "error", code)
    assert "formatted as Text" in damage["message"]
    assert [f["orderId"] for f in created(shop)] == [order_id("CD34EF56")]  # never sent


def test_a_canada_post_number_that_lost_its_zeros_is_still_a_valid_fedex_number(
    cli: Cli, tmp_path: Path
) -> None:
    # Only "stated carrier is Canada Post, and 0 + number validates" catches the damage.
    rows = [
        LABEL_HEADER,
        ["AB12CD34", "73000000002017", "FedEx"],
        ["CD34EF56", "0073000000002017", "Canada Post"],
    ]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    # Not an error: at most a warning that 14 digits is no FedEx shape.
    assert problems(result.json()) == [([2], "warning", "tracking_format_unknown")]


def test_excel_damage_order_id_that_lost_its_leading_zeros(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(shop_of(order("00418297", ("TEE", 1))))
    rows = [LABEL_HEADER, ["418297", UPS, "UPS"]]
    result = from_csv(cli, shop, write_csv(tmp_path / "t.csv", rows), "--yes")
    assert result.exit_code == 2, result
    document = result.json()
    (damage,) = document["problems"]
    assert (damage["lines"], damage["code"]) == ([2], "excel_leading_zero_lost")
    assert "00418297" in damage["message"]
    assert "formatted as Text" in damage["message"]
    (blocked,) = document["fulfillments"]
    assert blocked["status"] == "blocked"
    assert blocked["error"]["code"] == "excel_leading_zero_lost"
    assert created(shop) == []


# ---- Carriers ----


@pytest.mark.parametrize("provider", ["Stamps.com", "stamps", "Endicia", "Pitney Bowes"])
def test_label_providers_mean_usps(cli: Cli, tmp_path: Path, provider: str) -> None:
    rows = [LABEL_HEADER, ["AB12CD34", USPS, provider]]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    document = result.json()
    assert [f["trackingCompany"] for f in document["fulfillments"]] == ["USPS"]
    assert document["problems"] == []


@pytest.mark.parametrize(
    ("token", "number", "sent"),
    [
        ("USPS", USPS, "USPS"),
        ("UPSDAP", UPS, "UPS"),
        ("CanadaPost", "0073000000002000", "Canada Post"),
        ("RoyalMail", "RB123456785GB", "Royal Mail"),
        ("DHLExpress", "3318810025", "DHL Express"),
    ],
)
def test_easypost_account_tokens_name_their_carrier(
    cli: Cli, tmp_path: Path, token: str, number: str, sent: str
) -> None:
    rows = [["reference", "tracking_code", "carrier"], ["#ab12cd34", number, token]]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    document = result.json()
    assert [f["trackingCompany"] for f in document["fulfillments"]] == [sent]
    assert document["problems"] == []


@pytest.mark.parametrize(
    ("service", "number", "sent"),
    [
        ("USPS Priority Mail", USPS, "USPS"),
        ("UPS® Ground", UPS, "UPS"),
        ("FedEx Home Delivery", "986578788800", "FedEx"),
        ("Priority Mail", USPS, "USPS"),
    ],
)
def test_carrier_from_the_service_columns_first_word_when_there_is_no_carrier_column(
    cli: Cli, tmp_path: Path, service: str, number: str, sent: str
) -> None:
    rows = [
        ["Order - Number", "Shipment - Service", "Shipment - Tracking Number"],
        ["AB12CD34", service, number],
    ]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    document = result.json()
    assert [f["trackingCompany"] for f in document["fulfillments"]] == [sent]
    assert document["problems"] == []


@pytest.mark.parametrize(
    ("number", "sent"),
    [
        (UPS, "UPS"),
        ("TBA000000000000", "Amazon Logistics"),
        ("RB123456785GB", "Royal Mail"),
        ("GM2951173225174494", "DHL eCommerce"),
    ],
)
def test_carrier_inferred_from_a_distinctive_number_with_a_warning(
    cli: Cli, tmp_path: Path, number: str, sent: str
) -> None:
    rows = [["Order Number", "Tracking Number"], ["AB12CD34", number]]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    document = result.json()
    assert [f["trackingCompany"] for f in document["fulfillments"]] == [sent]
    (warning,) = document["problems"]
    assert (warning["severity"], warning["code"]) == ("warning", "carrier_inferred")
    assert sent in warning["message"]


def test_no_carrier_is_ever_picked_from_a_check_digit_pass(cli: Cli, tmp_path: Path) -> None:
    # A valid USPS number is only digits: weak evidence, so the carrier stays missing.
    rows = [["Order Number", "Tracking Number"], ["AB12CD34", USPS]]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 2, result
    assert problems(result.json()) == [([2], "error", "missing_carrier")]


def test_distinctive_format_contradiction_is_an_error(cli: Cli, tmp_path: Path) -> None:
    rows = [LABEL_HEADER, ["AB12CD34", UPS, "USPS"]]  # USPS stated on a 1Z number
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 2, result
    document = result.json()
    (found,) = document["problems"]
    assert (found["severity"], found["code"]) == ("error", "tracking_format_mismatch")
    assert "belongs to UPS" in found["message"]
    assert document["fulfillments"] == []


def test_check_digit_failure_is_a_warning_and_the_number_is_sent_as_written(
    cli: Cli, tmp_path: Path
) -> None:
    rows = [LABEL_HEADER, ["AB12CD34", USPS_BAD_CHECK_DIGIT, "USPS"]]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    document = result.json()
    assert [f["trackingNumber"] for f in document["fulfillments"]] == [USPS_BAD_CHECK_DIGIT]
    assert problems(document) == [([2], "warning", "tracking_check_digit")]


def test_unknown_carrier_passes_through_with_a_warning(cli: Cli, tmp_path: Path) -> None:
    rows = [LABEL_HEADER, ["AB12CD34", "BC-000123", "Bob's Couriers"]]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    document = result.json()
    assert [f["trackingCompany"] for f in document["fulfillments"]] == ["Bob's Couriers"]
    assert problems(document) == [([2], "warning", "unknown_carrier")]


def test_rule_7_a_row_that_lost_its_leading_zeros_holds_back_the_order_it_names(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    # `418297` is `00418297` after Excel: its error must stop the order's clean row too.
    shop = start_sandbox(shop_of(order("00418297", ("TEE", 1), ("MUG", 1))))
    rows = [ITEM_HEADER, ["418297", UPS, "UPS", "TEE", "1"], ["00418297", UPS_2, "UPS", "MUG", "1"]]
    result = from_csv(cli, shop, write_csv(tmp_path / "t.csv", rows), "--dry-run")
    assert result.exit_code == 2, result
    statuses = {f["trackingNumber"]: f["status"] for f in result.json()["fulfillments"]}
    assert statuses == {UPS: "blocked", UPS_2: "blocked"}
    assert ([3], "error", "order_has_errors") in problems(result.json())


def test_a_box_without_items_on_a_partly_shipped_order_is_warned_about(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    # fwfulfill knows only what it sent itself: another tool may have shipped part of the order.
    shop = start_sandbox(shop_of(order("AB12CD34", ("TEE", 2), status="PARTIALLY_SHIPPED")))
    rows = [LABEL_HEADER, ["AB12CD34", UPS, "UPS"]]
    result = from_csv(cli, shop, write_csv(tmp_path / "t.csv", rows), "--dry-run")
    assert result.exit_code == 0, result  # a warning, not an error
    assert ([2], "warning", "whole_order_partly_shipped") in problems(result.json())


def test_a_box_with_item_rows_and_a_row_without_items_is_an_error(cli: Cli, tmp_path: Path) -> None:
    # The second row's items would otherwise be lost silently from the box.
    rows = [ITEM_HEADER, ["AB12CD34", UPS, "UPS", "TEE", "1"], ["AB12CD34", UPS, "UPS", "", "1"]]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 2, result
    assert ([3], "error", "mixed_box") in problems(result.json())


@pytest.mark.parametrize("placeholder", ["PENDING", "TBD", "0", "12345"])
def test_a_placeholder_tracking_number_is_never_sent(
    cli: Cli, tmp_path: Path, placeholder: str
) -> None:
    rows = [LABEL_HEADER, ["AB12CD34", placeholder, "USPS"]]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 2, result
    assert ([2], "error", "invalid_tracking") in problems(result.json())
