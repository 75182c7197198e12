"""Any export without `--map` (issue 14): the rules of CSV-NOTES.md "When names are not enough:
columns by content", "Where the header is" and the rows to skip, each proven with files written
the way real exports are (title blocks, `sep=`, UTF-16 tab-separated, a decoy order id beside the
real one, a label tool's free-text reference, failed and test labels), offline and against the
sandbox over loopback HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, RunningSandbox, write_csv
from tests.test_csv_rules import UPS, UPS_2, USPS, USPS_2, USPS_3, from_csv, order, shop_of

ROYAL_1, ROYAL_2 = "TT100000017GB", "TT200000023GB"  # S10 numbers of Royal Mail, valid


def shop(start_sandbox: Any) -> RunningSandbox:
    orders = [
        order("K7M2QX4N", ("TEE", 1), ("MUG", 2)),
        order("P9T4WB2R", ("TEE", 1)),
        order("R8W1FK5Y", ("HOODIE", 1)),
        order("T6C3NH8G", ("MUG", 1)),
    ]
    running: RunningSandbox = start_sandbox(shop_of(*orders))
    return running


def boxes(document: dict[str, Any]) -> list[tuple[Any, ...]]:
    """(lines, order, tracking number, carrier, {sku: quantity}) per fulfillment."""
    return sorted(
        (
            f["lines"],
            f["friendlyId"] or f["orderReference"].lstrip("#").upper(),
            f["trackingNumber"],
            f["trackingCompany"],
            {item["sku"]: item["quantity"] for item in f["items"]},
        )
        for f in document["fulfillments"]
    )


def chosen(document: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {c["field"]: (c["column"], c["reason"]) for c in document["columns"]}


def codes(document: dict[str, Any]) -> dict[str, list[int]]:
    """Each problem code with every line it names."""
    found: dict[str, list[int]] = {}
    for problem in document["problems"]:
        found[problem["code"]] = sorted({*found.get(problem["code"], []), *problem["lines"]})
    return found


def labels(document: dict[str, Any]) -> list[tuple[Any, ...]]:
    """`boxes` without the items: a label row's items are the order's (online) or none yet."""
    return [box[:4] for box in boxes(document)]


def both(cli: Cli, start_sandbox: Any, path: Path, *args: str) -> list[dict[str, Any]]:
    """The plan offline and against the shop (a dry run); each must succeed."""
    documents = []
    for running in (None, shop(start_sandbox)):
        extra = ("--dry-run",) if running is not None else ()
        result = from_csv(cli, running, path, *extra, *args)
        assert result.exit_code == 0, result
        documents.append(result.json())
    return documents


def write_bytes(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# ---- Where the header is ----


def test_excel_sep_line_is_a_directive_naming_the_delimiter(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    # A German Excel sheet saved with "keep the delimiter": `sep=;`, `;` cells, decimal commas.
    text = (
        "sep=;\r\n"
        "Bestellnummer;Sendungsnummer;Versanddienstleister;Gewicht (kg);Porto\r\n"
        f"K7M2QX4N;{USPS};USPS;0,5;4,95\r\n"
        f"P9T4WB2R;{USPS_2};USPS;1,25;6,10\r\n"
    )
    path = write_bytes(tmp_path / "versand.csv", text, "cp1252")
    for document in both(cli, start_sandbox, path):
        assert labels(document) == [
            ([3], "K7M2QX4N", USPS, "USPS"),
            ([4], "P9T4WB2R", USPS_2, "USPS"),
        ]
        assert chosen(document)["tracking"][0] == "Sendungsnummer"
        assert "lines_before_header" not in codes(document)  # a directive, not a skipped title


def test_title_block_before_the_header_is_skipped_with_one_info_line(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    # A 3PL report: title, "Generated" line, a blank line, then the header; a totals row at the end.
    rows = [
        ["Shipment Confirmation Report"],
        ["Generated: 2026-04-24 17:02 UTC", "", "", ""],
        [],
        ["Order Number", "Ship Date", "Carrier", "Tracking Number"],
        ["K7M2QX4N", "2026-04-24", "UPS", UPS],
        ["P9T4WB2R", "2026-04-24", "USPS", USPS],
        ["Total shipments: 2", "", "", ""],
    ]
    path = write_csv(tmp_path / "report.csv", rows)
    for document in both(cli, start_sandbox, path):
        assert labels(document) == [
            ([5], "K7M2QX4N", UPS, "UPS"),
            ([6], "P9T4WB2R", USPS, "USPS"),
        ]
        found = codes(document)
        assert found["lines_before_header"] == [1, 2]  # one info line naming the title lines
        assert found["summary_row"] == [7]
        assert document["summary"]["errors"] == 0


def test_title_row_is_not_taken_for_a_header_found_by_content(cli: Cli, tmp_path: Path) -> None:
    # Unknown names under a two-cell title: the title must not pass for the header because the
    # values below it fit; the row right under a header is data.
    numbers = [(UPS, "UPS"), (UPS_2, "UPS"), (USPS, "USPS"), (USPS_2, "USPS"), (USPS_3, "USPS")]
    data = [[f"K7M2QX{n:02d}", number, carrier] for n, (number, carrier) in enumerate(numbers)]
    rows = [["Weekly shipments", "Warehouse 3"], ["Ref", "Parcel", "Via"], *data]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    document = result.json()
    assert set(chosen(document)) == {"order", "tracking", "carrier"}
    assert chosen(document)["order"][0] == "Ref"
    assert codes(document) == {"lines_before_header": [1]}
    assert len(document["fulfillments"]) == 5


def test_trailing_summary_row_is_not_an_order(cli: Cli, tmp_path: Path) -> None:
    rows = [
        ["Order Number", "Tracking Number", "Carrier", "Cost"],
        ["K7M2QX4N", UPS, "UPS", "9.10"],
        ["Total", "", "", "9.10"],
        ["2 labels", "", "", ""],
    ]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    document = result.json()
    assert boxes(document) == [([2], "K7M2QX4N", UPS, "UPS", {})]
    assert codes(document) == {"summary_row": [3, 4]}


def test_line_numbers_stay_physical(cli: Cli, tmp_path: Path) -> None:
    rows = [["Daily despatch"], [], ["Order Number", "Tracking Number"], ["K7M2QX4N", "bad"]]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 2
    errors = [p for p in result.json()["problems"] if p["severity"] == "error"]
    assert [p["lines"] for p in errors] == [[4]]  # line 1 is the file's first line, the title


def test_header_row_option_forces_the_header(cli: Cli, tmp_path: Path) -> None:
    # Line 1 would resolve (an old header kept above the real one); --header-row says which.
    rows = [
        ["Order Number", "Tracking Number"],
        ["legacy export, see below", ""],
        ["Shop order", "Parcel", "Order Number"],
        ["K7M2QX4N", UPS, "SS-1001"],
    ]
    path = write_csv(tmp_path / "t.csv", rows)
    result = from_csv(cli, None, path, "--header-row", "3", "--map", "order=Shop order")
    assert result.exit_code == 0, result
    document = result.json()
    assert boxes(document) == [([4], "K7M2QX4N", UPS, "UPS", {})]
    assert codes(document)["lines_before_header"] == [1, 2]

    result = from_csv(cli, None, path, "--header-row", "9")
    assert result.exit_code == 2
    assert result.json()["error"]["target"] == "--header-row"


def test_header_is_within_the_first_20_non_empty_lines(cli: Cli, tmp_path: Path) -> None:
    notes = [[f"note {n}"] for n in range(20)]
    rows = [*notes, ["Order Number", "Tracking Number"], ["K7M2QX4N", UPS]]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 2  # line 21 is too far down to be taken for the header
    assert result.json()["error"]["code"] == "missing_columns"
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows), "--header-row", "21")
    assert result.exit_code == 0, result


# ---- When names are not enough: columns by content ----


def test_tracking_column_found_by_its_courier_formats(cli: Cli, tmp_path: Path) -> None:
    rows = [["Order Number", "Parcel ref", "Label"], ["K7M2QX4N", UPS, "4x6"]]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    column, reason = chosen(result.json())["tracking"]
    assert column == "Parcel ref"
    assert reason == "by content: 1 of 1 values are tracking numbers"


def test_carrier_column_found_by_the_carrier_alias_table(cli: Cli, tmp_path: Path) -> None:
    rows = [
        ["Order Number", "Tracking Number", "Account", "Notes"],
        ["K7M2QX4N", UPS, "UPSDAP", "fragile"],
        ["P9T4WB2R", USPS, "USPS", ""],
    ]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    document = result.json()
    assert chosen(document)["carrier"] == (
        "Account",
        "by content: 2 of 2 values are known carriers",
    )
    assert [b[3] for b in boxes(document)] == ["UPS", "USPS"]


def test_order_column_found_by_the_shape_of_order_references_offline(
    cli: Cli, tmp_path: Path
) -> None:
    rows = [
        ["Ship ref", "Tracking Number", "Carrier"],
        ["#K7M2QX4N", UPS, "UPS"],
        ["P9T4WB2R", USPS, "USPS"],
    ]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    column, reason = chosen(result.json())["order"]
    assert column == "Ship ref"
    # Offline says that only the shop can be sure.
    assert reason.startswith("by content: 2 of 2 values are shaped like order references")
    assert "only the shop can confirm" in reason


def test_names_still_count_but_content_settles_a_decoy_order_id(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    # A 3PL's order export with item rows: its own `Order ID` beside the shop's `Store Order ID`.
    rows = [
        [
            "Order ID",
            "Store Order ID",
            "Ship Date",
            "SKU",
            "Quantity",
            "Carrier",
            "Tracking Number",
        ],
        ["104882311", "#K7M2QX4N", "2026-04-24", "TEE", "1", "USPS", USPS],
        ["104882311", "#K7M2QX4N", "2026-04-24", "MUG", "2", "USPS", USPS],
        ["104882312", "#P9T4WB2R", "2026-04-24", "TEE", "1", "UPS", UPS],
    ]
    path = write_csv(tmp_path / "3pl.csv", rows)
    for document in both(cli, start_sandbox, path):
        assert chosen(document)["order"][0] == "Store Order ID"
        assert boxes(document) == [
            ([2, 3], "K7M2QX4N", USPS, "USPS", {"TEE": 1, "MUG": 2}),
            ([4], "P9T4WB2R", UPS, "UPS", {"TEE": 1}),
        ]


def test_online_the_column_holding_this_shops_orders_beats_one_that_does_not(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    # Both columns are shaped like friendly ids; only the shop knows which are its orders.
    rows = [
        ["Batch", "Shop Ref", "Tracking Number", "Carrier"],
        ["B4TCH001", "K7M2QX4N", UPS, "UPS"],
        ["B4TCH002", "P9T4WB2R", USPS, "USPS"],
    ]
    path = write_csv(tmp_path / "t.csv", rows)
    result = from_csv(cli, shop(start_sandbox), path, "--dry-run")
    assert result.exit_code == 0, result
    document = result.json()
    assert chosen(document)["order"] == (
        "Shop Ref",
        "by content: 2 of 2 values are orders of this shop",
    )
    assert [b[1] for b in boxes(document)] == ["K7M2QX4N", "P9T4WB2R"]


def test_two_equally_good_columns_stop_and_name_the_map_that_settles_it(
    cli: Cli, tmp_path: Path
) -> None:
    rows = [
        ["Batch", "Shop Ref", "Tracking Number", "Carrier"],
        ["B4TCH001", "K7M2QX4N", UPS, "UPS"],
    ]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 2
    error = result.json()["error"]
    assert error["code"] == "ambiguous_column"
    assert "'Batch'" in error["message"]
    assert "'Shop Ref'" in error["message"]
    assert "only the shop can tell" in error["message"]  # offline says the shop would settle it
    assert "--map order='Batch' or --map order='Shop Ref'" in error["hint"]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows), "--map", "order=Shop Ref")
    assert result.exit_code == 0, result


def test_online_two_columns_of_this_shops_orders_still_stop(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    rows = [
        ["Batch", "Shop Ref", "Tracking Number", "Carrier"],
        ["P9T4WB2R", "K7M2QX4N", UPS, "UPS"],
    ]
    result = from_csv(cli, shop(start_sandbox), write_csv(tmp_path / "t.csv", rows), "--dry-run")
    assert result.exit_code == 2
    error = result.json()["error"]
    assert error["code"] == "ambiguous_column"
    assert "this shop's orders" in error["message"]
    assert "--map order='Batch' or --map order='Shop Ref'" in error["hint"]


def test_free_text_column_is_the_order_only_when_its_values_are_orders(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    # A label tool's transaction export: the merchant types the order into a free-text field.
    rows = [
        ["Date", "Transaction ID", "Tracking", "Carrier", "Custom reference", "Amount"],
        ["2026-04-24", "88123", UPS, "UPS", "K7M2QX4N", "-9.10"],
        ["2026-04-24", "88124", USPS, "USPS", "P9T4WB2R", "-4.95"],
    ]
    path = write_csv(tmp_path / "labels.csv", rows)
    online = both(cli, start_sandbox, path)[1]
    assert chosen(online)["order"] == (
        "Custom reference",
        "by content: 2 of 2 values are orders of this shop",
    )
    # Free text that is not orders is never taken for one, whatever its content's shape.
    rows = [rows[0], *[[*r[:4], "gift, leave at door", r[5]] for r in rows[1:]]]
    result = from_csv(cli, None, write_csv(tmp_path / "notes.csv", rows))
    assert result.exit_code == 2
    assert result.json()["error"]["code"] == "missing_columns"


def test_quantity_column_found_by_small_whole_numbers(cli: Cli, tmp_path: Path) -> None:
    rows = [
        ["Order Number", "Tracking Number", "Carrier", "SKU", "Units sent", "Weight (oz)"],
        ["K7M2QX4N", UPS, "UPS", "TEE", "1", "6"],
        ["K7M2QX4N", UPS, "UPS", "MUG", "2", "12"],
    ]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    document = result.json()
    assert chosen(document)["quantity"] == (
        "Units sent",
        "by content: 2 of 2 values are small whole numbers",
    )
    assert boxes(document) == [([2, 3], "K7M2QX4N", UPS, "UPS", {"TEE": 1, "MUG": 2})]


def test_online_sku_column_found_among_the_shops_items(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    # A 3PL's item rows whose SKU column has a name no alias table has.
    rows = [
        ["Store Order ID", "Item code", "Units", "Tracking Number", "Carrier"],
        ["K7M2QX4N", "TEE", "1", USPS, "USPS"],
        ["K7M2QX4N", "MUG", "1", USPS, "USPS"],
        ["K7M2QX4N", "MUG", "1", UPS, "UPS"],
    ]
    result = from_csv(cli, shop(start_sandbox), write_csv(tmp_path / "t.csv", rows), "--dry-run")
    assert result.exit_code == 0, result
    document = result.json()
    assert chosen(document)["sku"] == (
        "Item code",
        "by content: 3 of 3 values are SKUs of this shop's orders",
    )
    assert chosen(document)["quantity"][0] == "Units"
    assert boxes(document) == [
        ([2, 3], "K7M2QX4N", USPS, "USPS", {"TEE": 1, "MUG": 1}),
        ([4], "K7M2QX4N", UPS, "UPS", {"MUG": 1}),
    ]


def test_dry_run_says_which_column_was_chosen_and_why(cli: Cli, tmp_path: Path) -> None:
    rows = [["Order Number", "Parcel ref", "Account"], ["K7M2QX4N", UPS, "UPS"]]
    path = write_csv(tmp_path / "t.csv", rows)
    result = cli("from-csv", str(path), "--offline", "-o", "table")
    assert result.exit_code == 0, result
    assert "order = 'Order Number'," in result.stderr  # by name: no reason to add
    assert "tracking = 'Parcel ref' (by content: 1 of 1 values are tracking numbers)" in (
        result.stderr.replace("\n", " ")
    )


# ---- Rows to skip: labels that are not live ----


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("Status", "Voided"),
        ("Status", "Refunded"),
        ("Status", "Cancelled"),
        ("Status", "Error"),
        ("Status", "Failed"),
        ("Label Status", "Purchase failed"),
        ("refund_status", "refunded"),
        ("is_return", "true"),
        ("test", "true"),
        ("Status", "Test mode"),
    ],
)
def test_labels_that_are_not_live_are_skipped_with_an_info_line(
    cli: Cli, tmp_path: Path, column: str, value: str
) -> None:
    rows = [
        ["Order Number", "Tracking Number", "Carrier", column],
        ["K7M2QX4N", UPS, "UPS", value],
        ["P9T4WB2R", USPS, "USPS", ""],
    ]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    document = result.json()
    assert boxes(document) == [([3], "P9T4WB2R", USPS, "USPS", {})]
    assert codes(document) == {"skipped_row": [2]}


def test_failed_purchase_never_blocks_the_orders_live_label(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    # A label tool's export: a failed purchase (no number), a test label, then the good label.
    rows = [
        ["Created", "Order", "Status", "Test", "Carrier", "Service", "Tracking Number"],
        ["2026-04-24 10:01", "K7M2QX4N", "Error", "false", "USPS", "Priority Mail", ""],
        ["2026-04-24 10:02", "K7M2QX4N", "Purchased", "true", "USPS", "Priority Mail", USPS_3],
        ["2026-04-24 10:03", "K7M2QX4N", "Purchased", "false", "USPS", "Priority Mail", USPS],
        ["2026-04-24 10:04", "P9T4WB2R", "Voided", "false", "UPS", "Ground", UPS_2],
        ["2026-04-24 10:05", "P9T4WB2R", "Purchased", "false", "UPS", "Ground", UPS],
    ]
    path = write_csv(tmp_path / "labels.csv", rows)
    for document in both(cli, start_sandbox, path):
        assert labels(document) == [
            ([4], "K7M2QX4N", USPS, "USPS"),
            ([6], "P9T4WB2R", UPS, "UPS"),
        ]
        assert codes(document) == {"skipped_row": [2, 3, 5]}
        assert document["summary"]["errors"] == 0


def test_label_tool_transaction_export_refund_row_voids_its_label(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    # A label tool's transactions: money rows (a deposit), labels, and a refund row that repeats
    # the refunded label's number; the order sits in a free-text memo.
    rows = [
        ["Date", "Type", "Description", "Memo", "Tracking", "Carrier", "Amount", "Balance"],
        ["2026-04-24", "Deposit", "Added funds", "", "", "", "100.00", "100.00"],
        ["2026-04-24", "Label", "Priority Mail", "K7M2QX4N", USPS, "USPS", "-9.10", "90.90"],
        ["2026-04-24", "Label", "Ground", "P9T4WB2R", UPS, "UPS", "-12.40", "78.50"],
        ["2026-04-25", "Refund", "Ground", "P9T4WB2R", UPS, "UPS", "12.40", "90.90"],
        ["2026-04-25", "Label", "Ground", "P9T4WB2R", UPS_2, "UPS", "-12.40", "78.50"],
    ]
    path = write_csv(tmp_path / "transactions.csv", rows)
    online = both(cli, start_sandbox, path)[1]
    assert chosen(online)["order"][0] == "Memo"
    assert labels(online) == [
        ([3], "K7M2QX4N", USPS, "USPS"),
        ([6], "P9T4WB2R", UPS_2, "UPS"),
    ]
    assert codes(online) == {"skipped_row": [2, 4, 5]}
    assert online["summary"]["errors"] == 0


# ---- Real exports, no --map ----


def test_uk_postal_despatch_export_with_channel_reference_beside_its_own(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    rows = [
        [
            "Order reference",
            "Channel reference",
            "Despatch date",
            "Recipient",
            "Postcode",
            "Service",
            "Tracking number",
            "Weight (kg)",
        ],
        ["1001", "R8W1FK5Y", "24/04/2026", "E. Dubois", "SW1A 1AA", "Royal Mail Tracked 48",
         ROYAL_1, "0.4"],
        ["1002", "T6C3NH8G", "24/04/2026", "N. Kim", "EC1A 1BB", "Royal Mail Tracked 24",
         ROYAL_2, "0.2"],
    ]  # fmt: skip
    path = write_csv(tmp_path / "despatch.csv", rows)
    for document in both(cli, start_sandbox, path):
        assert chosen(document)["order"][0] == "Channel reference"
        assert labels(document) == [
            ([2], "R8W1FK5Y", ROYAL_1, "Royal Mail"),
            ([3], "T6C3NH8G", ROYAL_2, "Royal Mail"),
        ]


def test_excel_unicode_text_save_is_utf16_tab_separated(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    text = (
        "Ref\tConsignment\tCourier\tQty\r\n"
        f"K7M2QX4N\t{UPS}\tUPS\t1\r\n"
        f"P9T4WB2R\t{USPS}\tUSPS\t1\r\n"
    )
    path = tmp_path / "unicode.txt"
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    for document in both(cli, start_sandbox, path):
        assert labels(document) == [
            ([2], "K7M2QX4N", UPS, "UPS"),
            ([3], "P9T4WB2R", USPS, "USPS"),
        ]


# ---- Checked against exports written like real ones (helper h14f) ----

HERMES = ("H1000712345678901234", "H1000712345678905678")  # Hermes Germany: no public format
DHL_PAKET = "003404341610"  # a DHL Paket number: 12 digits, no public check digit


def test_a_data_row_is_never_taken_for_the_header(cli: Cli, tmp_path: Path) -> None:
    # Unknown header names over numbers of carriers with no public format: the header cannot
    # resolve by content, and a data row (its own cells an order and a number) must not pass for
    # it because the one row under it happens to fit. Say what is missing; never plan line 5 alone.
    rows = [
        ["Ref", "Parcel", "Via", "Shipped"],
        ["B5N8ZC1L", HERMES[0], "Hermes", "01.12.2026"],
        ["T6C3NH8G", HERMES[0], "Hermes", "01.12.2026"],
        ["A7F2XT4Q", HERMES[1], "Hermes", "01.12.2026"],
        ["M4Q7LS3T", DHL_PAKET, "DHL", "01.12.2026"],
    ]
    path = write_csv(tmp_path / "t.csv", rows)
    result = from_csv(cli, None, path)
    assert result.exit_code == 2, result
    error = result.json()["error"]
    assert error["code"] == "missing_columns"
    assert error["target"] == "header (line 1)"
    assert "'Parcel'" in error["message"]
    result = from_csv(cli, None, path, "--map", "tracking=Parcel", "--map", "carrier=Via")
    assert result.exit_code == 0, result
    assert labels(result.json()) == [
        ([2], "B5N8ZC1L", HERMES[0], "Hermes"),
        ([3], "T6C3NH8G", HERMES[0], "Hermes"),
        ([4], "A7F2XT4Q", HERMES[1], "Hermes"),
        ([5], "M4Q7LS3T", DHL_PAKET, "DHL"),
    ]


def test_german_header_names_are_aliases_when_content_cannot_tell(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    # A German Excel sheet (`sep=;`, cp1252, decimal commas, dd.mm.yyyy) shipped mostly by
    # Hermes and DHL Paket, whose numbers have no public format and whose carrier names are not
    # all in the carrier table: content cannot prove the columns, their German names do.
    header = "Bestellnummer;Bestelldatum;Empfänger;Versanddienstleister;Sendungsnummer;" + (
        "Artikelnummer;Artikelbezeichnung;Menge;Gewicht (kg);Versanddatum"
    )
    text = (
        f"sep=;\r\n{header}\r\n"
        f"K7M2QX4N;28.11.2026;Jonas Weber;Hermes;{HERMES[0]};TEE;Shirt Weiß;1;0,45;01.12.2026\r\n"
        f"K7M2QX4N;28.11.2026;Jonas Weber;Hermes;{HERMES[0]};MUG;Tasse 11 oz;2;0,90;01.12.2026\r\n"
        f"P9T4WB2R;29.11.2026;Zoë Müller;Hermes;{HERMES[1]};TEE;Shirt Weiß;1;0,45;01.12.2026\r\n"
        f"R8W1FK5Y;30.11.2026;Jörg Groß;DHL;{DHL_PAKET};HOODIE;Kapuzenpulli;1;0,80;01.12.2026\r\n"
    )
    path = write_bytes(tmp_path / "versand.csv", text, "cp1252")
    for document in both(cli, start_sandbox, path):
        assert {field: column for field, (column, _) in chosen(document).items()} == {
            "order": "Bestellnummer",
            "tracking": "Sendungsnummer",
            "carrier": "Versanddienstleister",
            "sku": "Artikelnummer",
            "quantity": "Menge",
        }
        assert boxes(document) == [
            ([3, 4], "K7M2QX4N", HERMES[0], "Hermes", {"TEE": 1, "MUG": 2}),
            ([5], "P9T4WB2R", HERMES[1], "Hermes", {"TEE": 1}),
            ([6], "R8W1FK5Y", DHL_PAKET, "DHL", {"HOODIE": 1}),
        ]


def test_summary_block_of_label_and_figure_rows_is_not_orders(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    # A 3PL report: a two-cell title, a date range, then the header; it ends with a summary
    # block of a label and a figure per row. Those rows are neither orders nor errors, and do not
    # count against the order column's content (3 of 3 values, not 3 of 5).
    rows = [
        ["Acme Fulfillment LLC", "Shipment report", "", "", "", ""],
        ["Date range:", "2026-11-30", "to", "2026-12-01", "", ""],
        ["Generated:", "2026-12-01 06:00", "", "", "", ""],
        [],
        ["Ship Date", "Customer Order #", "Warehouse Order", "Carrier", "Tracking", "Units"],
        ["2026-12-01", "K7M2QX4N", "WH-55012", "USPS", USPS, "3"],
        ["2026-12-01", "P9T4WB2R", "WH-55013", "UPS", UPS, "1"],
        ["2026-12-01", "R8W1FK5Y", "WH-55014", "USPS", USPS_2, "1"],
        [],
        ["", "Shipments", "3", "", "", ""],
        ["", "Units", "", "", "", "5"],
    ]
    path = write_csv(tmp_path / "report.csv", rows)
    for document in both(cli, start_sandbox, path):
        assert chosen(document)["order"][0] == "Customer Order #"
        assert labels(document) == [
            ([6], "K7M2QX4N", USPS, "USPS"),
            ([7], "P9T4WB2R", UPS, "UPS"),
            ([8], "R8W1FK5Y", USPS_2, "USPS"),
        ]
        found = codes(document)
        assert found["lines_before_header"] == [1, 2, 3]
        assert found["summary_row"] == [10, 11]
        assert document["summary"]["errors"] == 0


def test_a_column_whose_name_says_sku_is_the_item_offline_too(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    # A 3PL's item rows: its own numeric `Order ID` beside the shop's `Store Order ID`, the SKU
    # under `Seller SKU` and the quantity under `Qty Shipped Units`, one order split in two boxes.
    # Offline the SKU's name is the only evidence; without it the split order looked ambiguous.
    header = ["Order ID", "Store Order ID", "Ship Date", "Carrier", "Tracking Number"]
    header += ["Inventory Item ID", "Product Name", "Seller SKU", "Qty Shipped Units"]
    rows = [
        header,
        ["104882311", "#K7M2QX4N", "2026-12-01", "USPS", USPS, "550231", "Classic Tee", "TEE", "1"],
        ["104882311", "#K7M2QX4N", "2026-12-01", "UPS", UPS, "550240", "Logo Mug", "MUG", "2"],
        [
            "104882312",
            "#P9T4WB2R",
            "2026-12-01",
            "USPS",
            USPS_2,
            "550231",
            "Classic Tee",
            "TEE",
            "1",
        ],
    ]
    path = write_csv(tmp_path / "3pl.csv", rows)
    for document in both(cli, start_sandbox, path):
        assert chosen(document)["order"][0] == "Store Order ID"
        assert chosen(document)["sku"][0] == "Seller SKU"
        assert chosen(document)["quantity"][0] == "Qty Shipped Units"
        assert boxes(document) == [
            ([2], "K7M2QX4N", USPS, "USPS", {"TEE": 1}),
            ([3], "K7M2QX4N", UPS, "UPS", {"MUG": 2}),
            ([4], "P9T4WB2R", USPS_2, "USPS", {"TEE": 1}),
        ]
        assert document["summary"]["warnings"] == 0


@pytest.mark.parametrize(
    "status", ["Failed Attempt", "Delivery failed", "Exception: delivery error"]
)
def test_a_failed_delivery_is_a_live_label_not_a_failed_purchase(
    cli: Cli, tmp_path: Path, status: str
) -> None:
    # Label tools export the tracking status: a failed delivery attempt happened to a label that
    # was bought and shipped; only a failed or errored purchase is not live.
    rows = [
        ["Order Number", "Tracking Number", "Carrier", "Status"],
        ["K7M2QX4N", UPS, "UPS", status],
        ["P9T4WB2R", USPS, "USPS", "Error"],
    ]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    document = result.json()
    assert boxes(document) == [([2], "K7M2QX4N", UPS, "UPS", {})]
    assert codes(document) == {"skipped_row": [3]}


def test_the_shipped_quantity_beats_the_ordered_quantity(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    # A 3PL's item rows carry what was ordered and what went in the box: the box is the shipment.
    rows = [
        ["Order ID", "Store Order ID", "SKU", "Quantity", "Quantity Shipped", "Tracking Number"],
        ["104882311", "K7M2QX4N", "TEE", "1", "1", UPS],
        ["104882311", "K7M2QX4N", "MUG", "2", "1", UPS],
    ]
    rows = [[*rows[0], "Carrier"], *([*row, "UPS"] for row in rows[1:])]
    path = write_csv(tmp_path / "3pl.csv", rows)
    for document in both(cli, start_sandbox, path):
        assert chosen(document)["quantity"][0] == "Quantity Shipped"
        assert boxes(document) == [([2, 3], "K7M2QX4N", UPS, "UPS", {"TEE": 1, "MUG": 1})]


# ---- Reviewed: silent wrong plans (helper h14g) ----

PHONES = ("5125550102", "5125550113", "5125550124")  # each passes a DHL Express check digit


def test_named_tracking_column_is_not_overruled_by_check_digit_look_alikes(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    """A `Tracking Number` of a carrier with no public format (GLS) keeps its name against a
    phone column whose values happen to pass a DHL Express check digit, and against a `Label ID`
    whose values pass FedEx's: a name match is strong evidence; look-alikes are not proof."""
    rows = [
        ["Order Number", "Phone", "Label ID", "Tracking Number", "Carrier"],
        ["K7M2QX4N", PHONES[0], "986578788811", "ZA8K9RTM", "GLS"],
        ["P9T4WB2R", PHONES[1], "123456789012", "ZA8K9RTN", "GLS"],
        ["R8W1FK5Y", PHONES[2], "986578788811", "ZA8K9RTP", "GLS"],
    ]
    for document in both(cli, start_sandbox, write_csv(tmp_path / "t.csv", rows)):
        assert chosen(document)["tracking"] == ("Tracking Number", "by name")
        assert [box[2] for box in labels(document)] == ["ZA8K9RTM", "ZA8K9RTN", "ZA8K9RTP"]
    single = [rows[0], ["K7M2QX4N", PHONES[0], "986578788811", "003404341610", "DHL Paket"]]
    document = from_csv(cli, None, write_csv(tmp_path / "one.csv", single)).json()
    assert chosen(document)["tracking"] == ("Tracking Number", "by name")


def test_named_tracking_column_is_overruled_only_by_enough_proof(cli: Cli, tmp_path: Path) -> None:
    """A `Tracking #` column of notes (clearly not tracking numbers) gives way to a column proven
    on three values; proven on one value, it is a real choice and the --map settles it."""
    rows = [
        ["Order Number", "Tracking #", "Parcel ref", "Carrier"],
        ["K7M2QX4N", "left at door", UPS, "UPS"],
        ["P9T4WB2R", "signed", USPS, "USPS"],
        ["R8W1FK5Y", "n/a", USPS_2, "USPS"],
    ]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    assert chosen(result.json())["tracking"][0] == "Parcel ref"
    result = from_csv(cli, None, write_csv(tmp_path / "one.csv", rows[:2]))
    assert result.exit_code == 2, result
    error = result.json()["error"]
    assert error["code"] == "ambiguous_column"
    assert "'Tracking #'" in error["message"]
    assert "'Parcel ref'" in error["message"]


def test_a_tracking_pattern_alone_never_chooses_the_tracking_column(
    cli: Cli, tmp_path: Path
) -> None:
    """Without a tracking alias, a phone column (every 10-digit number fits the DHL Express
    pattern; these fail its check digit) is not taken: exit 2 naming the --map. On rows whose
    carrier is stated (GLS), a DHL Express check-digit pass is another carrier's look-alike."""
    rows = [
        ["Bestellnummer", "Telefon", "Paket-ID", "Versanddienstleister"],
        ["K7M2QX4N", "5125550134", "JJD000390007881234567", "DHL Paket"],
        ["P9T4WB2R", "6045550188", "JJD000390007881234568", "DHL Paket"],
        ["R8W1FK5Y", "2075550199", "JJD000390007881234569", "DHL Paket"],
    ]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 2, result
    assert result.json()["error"]["code"] == "missing_columns"
    assert "--map tracking=" in result.stderr
    gls = [
        ["Order Number", "Telefon", "Carrier"],
        *([o, p, "GLS"] for o, p in zip(("K7M2QX4N", "P9T4WB2R", "R8W1FK5Y"), PHONES, strict=True)),
    ]
    result = from_csv(cli, None, write_csv(tmp_path / "gls.csv", gls))
    assert result.exit_code == 2, result
    assert result.json()["error"]["code"] == "missing_columns"


def test_a_file_without_header_row_stops_instead_of_losing_its_first_row(
    cli: Cli, tmp_path: Path
) -> None:
    """Every candidate row is data: the first row is not taken for the header (its label would be
    dropped silently); exit 2, one line that says to add a header."""
    rows = [
        ["K7M2QX4N", USPS, "USPS"],
        ["P9T4WB2R", USPS_2, "USPS"],
        ["R8W1FK5Y", UPS, "UPS"],
    ]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 2, result
    assert result.json()["error"]["code"] == "no_header_row"
    assert result.stderr.strip().splitlines()[-1] == (
        "error: no header row: line 1 looks like data. "
        "Add a header line naming the columns, like order,tracking_number,carrier."
    )
    dated = [["2026-04-24", "Alex Rivera", "K7M2QX4N", "USPS", USPS, "6.95"]] * 2
    result = from_csv(cli, None, write_csv(tmp_path / "dated.csv", dated))
    assert result.exit_code == 2, result
    assert result.json()["error"]["code"] == "no_header_row"


def test_a_row_naming_the_order_column_is_the_header_even_when_a_field_falls_short(
    cli: Cli, tmp_path: Path
) -> None:
    """`Order Number, Parcel No, Courier`: the order and carrier resolve by name, the tracking
    column by content falls short (3 of 4: DHL Paket's JJD numbers have no public format). That
    row is still the header: the shortfall is raised there, never handed to the first data row
    (which would lose that row and plan the others under made-up column names)."""
    rows = [
        ["Order Number", "Parcel No", "Courier"],
        ["QWERTYUI", "JJD000390007881234567", "DHL Paket"],
        ["K7M2QX4N", USPS, "USPS"],
        ["P9T4WB2R", USPS_2, "USPS"],
        ["R8W1FK5Y", UPS, "UPS"],
    ]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 2, result
    error = result.json()["error"]
    assert error["code"] == "missing_columns"
    assert error["target"] == "header (line 1)"
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows), "--map", "tracking=Parcel No")
    assert result.exit_code == 0, result
    assert len(result.json()["fulfillments"]) == 4


def test_a_row_with_an_order_reference_or_an_item_is_never_a_summary_row(
    cli: Cli, tmp_path: Path
) -> None:
    """`Total Wine & More` is a customer's company, beside its order reference: the row is an
    order whose tracking number is missing (an error), not a summary row skipped with an info."""
    rows = [
        ["Company", "Order Number", "Tracking Number", "Carrier"],
        ["Total Wine & More", "K7M2QX4N", "", "USPS"],
        ["Totally Rad LLC", "P9T4WB2R", USPS, "USPS"],
        ["Total", "", "", ""],
    ]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 2, result
    assert codes(result.json()) == {"missing_tracking": [2], "summary_row": [4]}
    # An item row without its order (`Tour Poster`, SKU 10024, 1) is not a summary either: the
    # missing order is said, the item is not dropped in silence.
    items = [
        ["Order - Number", "Item - Name", "Item - SKU", "Item - Qty", "Tracking Number", "Carrier"],
        ["K7M2QX4N", "Classic Tee", "TEE", "1", UPS, "UPS"],
        ["", "Tour Poster", "10024", "1", "", ""],
    ]
    result = from_csv(cli, None, write_csv(tmp_path / "items.csv", items))
    assert result.exit_code == 2, result
    assert codes(result.json()) == {"missing_order": [3]}


@pytest.mark.parametrize(
    "status",
    [
        "Partially Refunded",
        "Shipped - Partially Refunded",
        "Failed to deliver",
        "Undeliverable",
        "Address Error - Returned",
        "Cancelled order item removed",
    ],
)
def test_a_partial_refund_or_a_delivery_failure_is_a_live_label(
    cli: Cli, tmp_path: Path, status: str
) -> None:
    """A partial refund is an order event (an item, the shipping fee), not a voided label; a
    parcel that could not be delivered or came back was bought and shipped. Only a status that
    says the label is void, refunded, cancelled, a failed purchase or a test skips the row."""
    rows = [
        ["Order Number", "Tracking Number", "Carrier", "Status"],
        ["K7M2QX4N", UPS, "UPS", status],
        ["P9T4WB2R", USPS, "USPS", "Refunded"],
        ["R8W1FK5Y", USPS_2, "USPS", "Error"],
    ]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    document = result.json()
    assert boxes(document) == [([2], "K7M2QX4N", UPS, "UPS", {})]
    assert codes(document) == {"skipped_row": [3, 4]}


def test_the_shipped_quantity_column_is_found_or_its_absence_warned(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    """`Ordered Qty` beside `Shipped Qty`: the shipped one is the quantity, by name. A file whose
    count column has a name no rule knows (`Shipped`) does not count every item 1 in silence:
    one warning for the file names the column and the --map."""
    rows = [
        ["Order Number", "SKU", "Ordered Qty", "Shipped Qty", "Tracking Number", "Carrier"],
        ["K7M2QX4N", "TEE", "1", "1", UPS, "UPS"],
        ["K7M2QX4N", "MUG", "3", "2", UPS, "UPS"],
    ]
    for document in both(cli, start_sandbox, write_csv(tmp_path / "t.csv", rows)):
        assert chosen(document)["quantity"] == ("Shipped Qty", "by name")
        assert boxes(document) == [([2, 3], "K7M2QX4N", UPS, "UPS", {"TEE": 1, "MUG": 2})]
    unknown = [
        ["Order Number", "SKU", "Shipped", "Tracking Number", "Carrier"],
        ["K7M2QX4N", "TEE", "1", UPS, "UPS"],
        ["K7M2QX4N", "MUG", "2", UPS, "UPS"],
    ]
    document = from_csv(cli, None, write_csv(tmp_path / "u.csv", unknown)).json()
    warned = [p for p in document["problems"] if p["code"] == "quantity_column_unknown"]
    assert len(warned) == 1
    assert "--map quantity='Shipped'" in warned[0]["message"]


def test_online_the_shop_decides_between_a_named_decoy_and_an_unnamed_order_column(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    """A 3PL's own `Order ID` (order-shaped, not this shop's) beside `Channel Order` (a name no
    rule knows, holding the shop's orders): online the shop's orders decide; offline the name
    stands, as only the shop could tell."""
    rows = [
        ["Order ID", "Channel Order", "Tracking Number", "Carrier"],
        ["SB4K7Q2M", "K7M2QX4N", UPS, "UPS"],
        ["SB4K7Q3N", "P9T4WB2R", USPS, "USPS"],
        ["SB4K7Q4P", "R8W1FK5Y", USPS_2, "USPS"],
    ]
    path = write_csv(tmp_path / "t.csv", rows)
    offline = from_csv(cli, None, path).json()
    assert chosen(offline)["order"] == ("Order ID", "by name")
    result = from_csv(cli, shop(start_sandbox), path, "--dry-run")
    assert result.exit_code == 0, result
    online = result.json()
    assert chosen(online)["order"] == (
        "Channel Order",
        "by content: 3 of 3 values are orders of this shop",
    )
    assert [box[1] for box in labels(online)] == ["K7M2QX4N", "P9T4WB2R", "R8W1FK5Y"]


@pytest.mark.parametrize("kind", ["Store Credit Replacement", "Label (credit card)"])
def test_a_type_that_names_a_label_is_a_label_however_it_was_paid(
    cli: Cli, tmp_path: Path, kind: str
) -> None:
    """`credit` names money only when nothing in the type names a label: a replacement shipment
    paid with store credit was bought and shipped."""
    rows = [
        ["Order Number", "Tracking Number", "Carrier", "Type"],
        ["K7M2QX4N", UPS, "UPS", kind],
        ["", "", "", "Credit Card Payment"],
    ]
    result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result
    document = result.json()
    assert boxes(document) == [([2], "K7M2QX4N", UPS, "UPS", {})]
    assert codes(document) == {"skipped_row": [3]}


def test_one_or_two_short_check_digit_passes_never_choose_the_tracking_column(
    cli: Cli, tmp_path: Path
) -> None:
    """Never decide on 1-2 values: a phone number passes a DHL Express check digit one time in
    seven, so one or two such values choose nothing (exit 2, the --map); a distinctive `1Z...`
    on one row still does."""
    for count in (1, 2):
        rows = [
            ["Order Number", "Telefon", "Notiz"],
            *(["K7M2QX4N", phone, "leave at door"] for phone in PHONES[:count]),
        ]
        result = from_csv(cli, None, write_csv(tmp_path / "t.csv", rows))
        assert result.exit_code == 2, result
        assert result.json()["error"]["code"] == "missing_columns"
    rows = [["Order Number", "Parcel ref", "Account"], ["K7M2QX4N", UPS, "UPS"]]
    result = from_csv(cli, None, write_csv(tmp_path / "ups.csv", rows))
    assert result.exit_code == 0, result
    assert chosen(result.json())["tracking"][0] == "Parcel ref"
