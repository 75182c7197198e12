"""The files in `examples/` against the demo shop: `fwfulfill --sandbox from-csv examples/X.csv`.

One file per row shape and per export style of CSV-NOTES.md (messy ones included). Each test states
the plan a user sees in the dry run, then sends the clean files for real and runs them again: the
second run creates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, CliResult, RunningSandbox, columns_chosen

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@dataclass(frozen=True)
class Expected:
    """The dry run of one example: columns chosen, fulfillments and problems, as table rows."""

    columns: dict[str, str]
    fulfillments: list[str]  # "lines | order | tracking number | carrier | SKU:QTY ... | status"
    problems: list[str]  # "lines | severity | code"

    @property
    def clean(self) -> bool:
        return not any(" | error | " in found for found in self.problems)

    def boxes(self, status: str | None = None) -> list[str]:
        return sorted(box for box in self.fulfillments if status is None or _status(box) == status)


def _status(box: str) -> str:
    return box.rsplit(" | ", 1)[1]


def _tracking(box: str) -> str:
    return box.split(" | ")[2]


EXPECTED: dict[str, Expected] = {
    # Shape A, Shopify-style app: `#` order names, a BOM, `1.0` quantities, two boxes of one order.
    "shopify.csv": Expected(
        columns={
            "order": "Order Name",
            "tracking": "Tracking Number",
            "carrier": "Tracking Company",
            "sku": "SKU",
            "quantity": "Quantity",
        },
        fulfillments=[
            "2,3 | Z9C4QP2K | 1Z999AA10123456257 | UPS | TEE-BLK-L:1 TEE-BLK-M:3 | planned",
            "4,5 | Z9C4QP2K | 1Z999AA10123456266 | UPS | MUG-11OZ:2 STICKER-PACK:1 | planned",
            "6,7 | W1Z5GD7K | 9400111899223817654589 | USPS | HOODIE-GRY-L:1 TEE-BLK-M:2 | planned",
        ],
        problems=[],
    ),
    # Shape A, ShipStation: "Group - Field" headers, carrier from the service, no carrier column.
    "shipstation.csv": Expected(
        columns={
            "order": "Order - Number",
            "tracking": "Shipment - Tracking Number",
            "service": "Shipment - Service",
            "sku": "Item - SKU",
            "quantity": "Item - Qty",
        },
        fulfillments=[
            "2 | K7M2QX4N | 9400111899223817654503 | USPS | HOODIE-GRY-L:1 | planned",
            "3 | P9T4WB2R | 9400111899223817654510 | USPS | STICKER-PACK:3 | planned",
            "4,5 | B5N8ZC1L | 1Z999AA10123456202 | UPS | POSTER-A2:1 TEE-WHT-S:2 | planned",
            "6 | B5N8ZC1L | 1Z999AA10123456211 | UPS | CAP-NVY:1 | planned",
            "7 | H2V6RJ9D | 9400111899223817654527 | USPS | TEE-BLK-L:3 | planned",
            "8 | M4Q7LS3T | 986578788800 | FedEx | MUG-11OZ:2 | planned",
            "9 | M4Q7LS3T | 986578788811 | FedEx | MUG-11OZ:2 | planned",
            # C4L8VR2M is partly shipped outside fwfulfill: the rows say what is left.
            "10,11 | C4L8VR2M | 9400111899223817654534 | USPS | HOODIE-GRY-L:1 MUG-11OZ:1 "
            "| planned",
        ],
        problems=[],
    ),
    # Shape A, fwfulfill's own format (`fwfulfill template`), and one label row (shape B).
    "fwfulfill-format.csv": Expected(
        columns={
            "order": "order",
            "tracking": "tracking_number",
            "carrier": "carrier",
            "sku": "sku",
            "quantity": "quantity",
        },
        fulfillments=[
            "2,3 | D3XZFWPP | 9400111899223817654633 | USPS | MUG-11OZ:1 TEE-BLK-M:1 | planned",
            # E9G5KW1S is partly shipped outside fwfulfill: its rows must say what is left.
            "4,5 | E9G5KW1S | 9400111899223817654640 | USPS | CAP-NVY:1 POSTER-A2:1 | planned",
            # A label row: all of H2V6RJ9D, whose TEE-BLK-L is on two lines (1 + 2).
            "6 | H2V6RJ9D | 9400111899223817654657 | USPS | TEE-BLK-L:3 | planned",
        ],
        problems=[],
    ),
    # Shape B, Pirate Ship: one row per label, no items, the voided label stays in the export.
    "pirateship.csv": Expected(
        columns={
            "order": "Order ID",
            "tracking": "Tracking Number",
            "carrier": "Carrier",
            "service": "Service",
            "status": "Status",
        },
        fulfillments=[
            "2 | R8W1FK5Y | 9400111899223817654541 | USPS | CAP-NVY:1 STICKER-PACK:1 | planned",
            "4 | T6C3NH8G | 9400111899223817654565 | USPS | POSTER-A2:2 | planned",
            "5 | F5W8MK3R | 1Z999AA10123456220 | UPS | TEE-WHT-S:1 | planned",
            "6 | 8QRT5YLX | 1Z999AA10123456239 | UPS | CAP-NVY:2 POSTER-A2:1 | planned",
        ],
        problems=["3 | info | skipped_row"],
    ),
    # Shape B, EasyPost: the order in `reference` (`#`, lower case), carriers as account tokens.
    "easypost.csv": Expected(
        columns={
            "order": "reference",
            "tracking": "tracking_code",
            "carrier": "carrier",
            "service": "service",
            "status": "status",
        },
        fulfillments=[
            "2 | 2HVK9ZEA | 9400111899223817654572 | USPS | HOODIE-GRY-L:1 MUG-11OZ:2 | planned",
            "3 | 7MBC4NDS | 1Z999AA10123456248 | UPS | POSTER-A2:3 | planned",
            "4 | 4JWX6GTU | 0073000000002000 | Canada Post | HOODIE-GRY-L:1 TEE-BLK-L:1 | planned",
        ],
        problems=[],
    ),
    # Shape C, a 3PL: two tracking numbers in one cell and no items: which box holds what?
    "3pl-multi-tracking.csv": Expected(
        columns={
            "order": "order_id",
            "tracking": "Tracking Numbers",
            "carrier": "Shipping Carrier",
        },
        fulfillments=[
            "2 | A7F2XT4Q | 1Z999AA10123456275 | UPS |  | blocked",
            "2 | A7F2XT4Q | 1Z999AA10123456284 | UPS |  | blocked",
            "3 | Y3J9PM6V | 9400111899223817654596 | USPS | TEE-BLK-L:1 TEE-BLK-M:1 TEE-WHT-S:1 "
            "| planned",
        ],
        problems=["2 | error | ambiguous_packages"],
    ),
    # Excel on Windows: cp1252, `;`, CRLF, an empty row, a duplicate, and every kind of damage.
    "excel-damaged.csv": Expected(
        columns={
            "order": "Order Number",
            "tracking": "Tracking Number",
            "carrier": "Carrier",
            "sku": "SKU",
            "quantity": "Qty",
        },
        fulfillments=[
            "6 | R8W1FK5Y | 9400111899223817654602 | USPS | CAP-NVY:1 | blocked",
            "9 | V6T3RD9B | 9400111899223817654619 | USPS | TEE-BLK-M:1 | blocked",
            "10 | T6C3NH8G | 9400111899223817654626 | Bob's Couriers | POSTER-A2:2 | planned",
        ],
        problems=[
            "1 | warning | encoding_fallback",
            "2 | error | excel_scientific_notation",  # 9.40011E+21
            "3 | error | excel_precision_loss",  # 9400111899223820000000
            "4 | error | excel_leading_zero_lost",  # Canada Post 73000000002017
            "6 | error | order_has_errors",  # line 8 of the same order has an error
            "7 | warning | duplicate_row",
            "8 | error | invalid_quantity",  # 0
            "9 | error | order_cancelled",
            "10 | warning | unknown_carrier",
            "11 | error | tracking_format_mismatch",  # a 1Z number given as USPS
        ],
    ),
}
CLEAN = sorted(name for name, expected in EXPECTED.items() if expected.clean)
MESSY = sorted(name for name, expected in EXPECTED.items() if not expected.clean)


def from_csv(cli: Cli, shop: RunningSandbox, name: str, *args: str) -> CliResult:
    """`fwfulfill from-csv examples/NAME ARGS -o json` against the demo shop."""
    return cli("from-csv", str(EXAMPLES / name), *args, "-o", "json", env=shop.env())


def _lines(lines: list[int]) -> str:
    return ",".join(map(str, lines))


def boxes(document: dict[str, Any]) -> list[str]:
    """The fulfillments of a plan as table rows (items sorted by SKU)."""
    return sorted(
        " | ".join(
            [
                _lines(f["lines"]),
                f["friendlyId"],
                f["trackingNumber"],
                f["trackingCompany"],
                " ".join(sorted(f"{i['sku']}:{i['quantity']}" for i in f["items"])),
                f["status"],
            ]
        )
        for f in document["fulfillments"]
    )


def problems(document: dict[str, Any]) -> list[str]:
    return sorted(
        f"{_lines(p['lines'])} | {p['severity']} | {p['code']}" for p in document["problems"]
    )


def new_fulfillments(shop: RunningSandbox, before: list[dict[str, Any]]) -> list[dict[str, Any]]:
    known = {f["id"] for f in before}
    return [f for f in shop.fulfillments() if f["id"] not in known]


def test_every_example_file_has_an_expected_plan() -> None:
    assert sorted(path.name for path in EXAMPLES.glob("*.csv")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_dry_run_of_each_example_shows_the_expected_plan(
    cli: Cli, start_sandbox: Any, name: str
) -> None:
    shop = start_sandbox()
    before = shop.fulfillments()
    expected = EXPECTED[name]
    result = from_csv(cli, shop, name, "--dry-run")
    assert result.exit_code == (0 if expected.clean else 2), result
    document = result.json()
    assert columns_chosen(document) == expected.columns
    assert boxes(document) == expected.boxes()
    assert problems(document) == sorted(expected.problems)
    assert shop.fulfillments() == before  # a dry run sends nothing


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_offline_check_of_each_example_finds_the_same_boxes_and_the_file_problems(
    cli: Cli, name: str
) -> None:
    # `--offline` reads no order: it groups the same boxes and finds the problems of the file
    # alone; cancelled orders, the items of label rows and what is left need the shop.
    result = cli("from-csv", str(EXAMPLES / name), "--offline", "-o", "json")
    document = result.json()
    expected = EXPECTED[name]

    def label(box: str) -> tuple[str, ...]:
        lines, _, tracking, carrier, _, _ = box.split(" | ")
        return (lines, tracking, carrier)

    assert sorted(map(label, boxes(document))) == sorted(map(label, expected.fulfillments))
    # Offline, several boxes without items are a warning (the ledger at send time decides which
    # are new); online the same boxes are an error.
    offline = {
        found.replace("warning | ambiguous_packages_offline", "error | ambiguous_packages")
        for found in problems(document)
    }
    assert offline <= set(expected.problems)


@pytest.mark.parametrize("name", CLEAN)
def test_clean_example_creates_exactly_its_plan_and_a_second_run_creates_nothing(
    cli: Cli, start_sandbox: Any, name: str
) -> None:
    shop = start_sandbox()
    before = shop.fulfillments()
    expected = EXPECTED[name]

    first = from_csv(cli, shop, name, "--yes")
    assert first.exit_code == 0, first
    assert boxes(first.json()) == [
        box.replace(" | planned", " | created") for box in expected.boxes("planned")
    ]
    stored = new_fulfillments(shop, before)
    assert sorted(f["trackingNumber"] for f in stored) == sorted(
        map(_tracking, expected.boxes("planned"))
    )

    again = from_csv(cli, shop, name, "--yes")
    assert again.exit_code == 0, again
    assert {f["status"] for f in again.json()["fulfillments"]} == {"skipped"}
    assert new_fulfillments(shop, before) == stored


@pytest.mark.parametrize("name", MESSY)
def test_messy_example_sends_only_its_clean_orders_and_never_a_damaged_number(
    cli: Cli, start_sandbox: Any, name: str
) -> None:
    shop = start_sandbox()
    before = shop.fulfillments()
    result = from_csv(cli, shop, name, "--yes")
    assert result.exit_code == 6, result  # sent what it could; the file has errors
    expected = EXPECTED[name]
    assert boxes(result.json()) == sorted(
        box.replace(" | planned", " | created") for box in expected.fulfillments
    )
    stored = new_fulfillments(shop, before)
    assert sorted(f["trackingNumber"] for f in stored) == sorted(
        map(_tracking, expected.boxes("planned"))
    )


def test_the_template_is_a_file_from_csv_reads_cleanly(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    template = cli("template")
    assert template.exit_code == 0, template
    path = tmp_path / "mine.csv"
    path.write_text(template.stdout)
    result = cli("from-csv", str(path), "--dry-run", "-o", "json", env=start_sandbox().env())
    assert result.exit_code == 0, result
    document = result.json()
    assert columns_chosen(document) == {
        "order": "order",
        "tracking": "tracking_number",
        "carrier": "carrier",
        "sku": "sku",
        "quantity": "quantity",
    }
    assert document["problems"] == []
    assert [f["status"] for f in document["fulfillments"]] == ["planned"]
