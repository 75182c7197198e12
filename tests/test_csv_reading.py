"""Reading a tracking CSV as shipping tools and Excel write it: `fwfulfill from-csv FILE --offline`.

Encodings, delimiters, line endings, odd rows and column mapping (CSV-NOTES.md, "Decoding" and
"Header aliases"). `--offline` checks the file alone, so these tests need no shop.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, CliResult, columns_chosen, write_csv

USPS = "9400111899223817654305"  # a valid USPS IMpb number
UPS = "1Z999AA10123456202"  # a valid UPS number

HEADER = ["Order Number", "Tracking Number", "Carrier"]


def offline(cli: Cli, *args: str, input: str | None = None) -> CliResult:
    """`fwfulfill from-csv ... --offline -o json`."""
    return cli("from-csv", *args, "--offline", "-o", "json", input=input)


def boxes(document: dict[str, Any]) -> list[tuple[list[int], str, str, str]]:
    """Each planned fulfillment as (lines, order, tracking number, carrier sent)."""
    return [
        (f["lines"], f["friendlyId"] or f["orderId"], f["trackingNumber"], f["trackingCompany"])
        for f in document["fulfillments"]
    ]


def codes(document: dict[str, Any]) -> list[tuple[list[int], str]]:
    return [(p["lines"], p["code"]) for p in document["problems"]]


# ---- Encodings ----


def test_utf8_without_bom_is_read_as_is(cli: Cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [HEADER, ["D3XZFWPP", USPS, "Société Postale"]])
    result = offline(cli, str(path))
    document = result.json()
    assert boxes(document) == [([2], "D3XZFWPP", USPS, "Société Postale")]
    assert "encoding_fallback" not in [code for _, code in codes(document)]


def test_utf8_with_bom_from_excel_csv_utf8_finds_the_first_column(cli: Cli, tmp_path: Path) -> None:
    # Excel's "CSV UTF-8" starts with a BOM; the first header must still be "Order Number".
    path = write_csv(
        tmp_path / "bom.csv", [HEADER, ["#D3XZFWPP", USPS, "Société Postale"]], encoding="utf-8-sig"
    )
    result = offline(cli, str(path))
    assert result.exit_code == 0, result
    document = result.json()
    assert columns_chosen(document)["order"] == "Order Number"
    assert boxes(document) == [([2], "D3XZFWPP", USPS, "Société Postale")]


def test_not_utf8_falls_back_to_cp1252_with_a_warning_and_reads_accents_right(
    cli: Cli, tmp_path: Path
) -> None:
    # Excel on Windows writes cp1252: é is one byte (0xE9), the curly apostrophe 0x92, € 0x80.
    path = write_csv(
        tmp_path / "excel.csv",
        [HEADER, ["D3XZFWPP", USPS, "Société d\u2019envoi €"]],
        encoding="cp1252",
    )
    assert b"\xe9" in path.read_bytes()
    result = offline(cli, str(path))
    assert result.exit_code == 0, result  # a warning alone does not fail
    document = result.json()
    assert boxes(document) == [([2], "D3XZFWPP", USPS, "Société d\u2019envoi €")]
    (fallback,) = [p for p in document["problems"] if p["code"] == "encoding_fallback"]
    assert fallback["severity"] == "warning"
    assert fallback["lines"] == [1]
    assert "Windows-1252" in fallback["message"]


def test_utf16_with_bom_from_excel_unicode_text_is_read_as_utf16(cli: Cli, tmp_path: Path) -> None:
    # Excel's "Unicode Text" export: UTF-16 with a BOM, tab-delimited.
    path = write_csv(
        tmp_path / "unicode.txt",
        [HEADER, ["D3XZFWPP", USPS, "Société Postale"]],
        encoding="utf-16",
        delimiter="\t",
        newline="\r\n",
    )
    result = offline(cli, str(path))
    document = result.json()
    assert boxes(document) == [([2], "D3XZFWPP", USPS, "Société Postale")]
    assert codes(document) == [([2], "unknown_carrier")]  # and no encoding_fallback


def test_encoding_option_forces_latin1_without_a_warning(cli: Cli, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "latin1.csv", [HEADER, ["D3XZFWPP", USPS, "Correos España"]], encoding="latin-1"
    )
    result = offline(cli, str(path), "--encoding", "latin-1")
    assert result.exit_code == 0, result
    document = result.json()
    assert boxes(document) == [([2], "D3XZFWPP", USPS, "Correos España")]
    assert codes(document) == [([2], "unknown_carrier")]  # and no encoding_fallback


def test_encoding_option_forcing_utf8_on_cp1252_bytes_reads_on_with_replacement(
    cli: Cli, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "a.csv", [HEADER, ["D3XZFWPP", USPS, "Société"]], encoding="cp1252")
    result = offline(cli, str(path), "--encoding", "utf-8")
    assert result.exit_code == 0, result
    assert boxes(result.json()) == [([2], "D3XZFWPP", USPS, "Soci\ufffdt\ufffd")]


def test_unknown_encoding_is_an_invalid_option(cli: Cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [HEADER, ["D3XZFWPP", USPS, "USPS"]])
    result = offline(cli, str(path), "--encoding", "klingon-8")
    assert result.exit_code == 2
    error = result.json()["error"]
    assert error["code"] == "invalid_option"
    assert error["target"] == "--encoding"
    assert "klingon-8" in error["message"]


# ---- Delimiters ----


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_delimiter_is_sniffed_from_the_header(cli: Cli, tmp_path: Path, delimiter: str) -> None:
    # Comma-decimal costs in the data rows do not sway the sniff: it reads the header.
    rows = [[*HEADER, "Cost"], ["D3XZFWPP", USPS, "USPS", "6,95"], ["K7M2QX4N", UPS, "UPS", "7,10"]]
    path = write_csv(tmp_path / "a.csv", rows, delimiter=delimiter)
    result = offline(cli, str(path))
    assert result.exit_code == 0, result
    assert boxes(result.json()) == [
        ([2], "D3XZFWPP", USPS, "USPS"),
        ([3], "K7M2QX4N", UPS, "UPS"),
    ]


@pytest.mark.parametrize(
    ("delimiter", "option"), [(";", ";"), ("\t", "tab"), ("\t", "\\t"), ("|", "pipe")]
)
def test_delimiter_option_forces_one(cli: Cli, tmp_path: Path, delimiter: str, option: str) -> None:
    path = write_csv(tmp_path / "a.csv", [HEADER, ["D3XZFWPP", USPS, "USPS"]], delimiter=delimiter)
    result = offline(cli, str(path), "--delimiter", option)
    assert result.exit_code == 0, result
    assert boxes(result.json()) == [([2], "D3XZFWPP", USPS, "USPS")]


def test_forcing_the_wrong_delimiter_fails_loudly_naming_the_one_header_seen(
    cli: Cli, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "a.csv", [HEADER, ["D3XZFWPP", USPS, "USPS"]], delimiter=";")
    result = offline(cli, str(path), "--delimiter", ",")
    assert result.exit_code == 2
    error = result.json()["error"]
    assert error["code"] == "missing_columns"
    assert "'Order Number;Tracking Number;Carrier'" in error["message"]


def test_delimiter_option_of_two_characters_is_refused(cli: Cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [HEADER, ["D3XZFWPP", USPS, "USPS"]])
    result = offline(cli, str(path), "--delimiter", ";;")
    assert result.exit_code == 2
    assert result.json()["error"]["target"] == "--delimiter"


# ---- Line endings, quoted cells, odd rows ----


def test_crlf_line_endings_leave_no_carriage_return_in_cells(cli: Cli, tmp_path: Path) -> None:
    rows = [HEADER, ["D3XZFWPP", USPS, "USPS"], ["K7M2QX4N", UPS, "UPS"]]
    path = write_csv(tmp_path / "a.csv", rows, newline="\r\n")
    result = offline(cli, str(path))
    assert result.exit_code == 0, result
    assert boxes(result.json()) == [
        ([2], "D3XZFWPP", USPS, "USPS"),
        ([3], "K7M2QX4N", UPS, "UPS"),  # "UPS", not "UPS\r"
    ]


def test_quoted_multi_line_cells_are_one_row_and_later_lines_are_physical(
    cli: Cli, tmp_path: Path
) -> None:
    rows = [
        [*HEADER, "Notes"],
        ["D3XZFWPP", USPS, "USPS", "leave at the door\nring twice\r\nthanks"],  # lines 2-4
        ["K7M2QX4N", UPS, "UPS", ""],  # line 5
        ["P9T4WB2R", "", "UPS", ""],  # line 6: an error names its physical line
    ]
    path = write_csv(tmp_path / "a.csv", rows, newline="\r\n")
    result = offline(cli, str(path))
    assert result.exit_code == 2, result
    document = result.json()
    assert boxes(document) == [([2], "D3XZFWPP", USPS, "USPS"), ([5], "K7M2QX4N", UPS, "UPS")]
    assert codes(document) == [([6], "missing_tracking")]
    assert document["summary"]["rows"] == 3


def test_short_rows_are_padded_with_empty_cells(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text(f"Order Number,Tracking Number,Carrier\nD3XZFWPP,{UPS}\nK7M2QX4N\n")
    result = offline(cli, str(path))
    assert result.exit_code == 2, result
    document = result.json()
    # Line 2 has no carrier cell: UPS is inferred from the 1Z number, with a warning.
    assert boxes(document) == [([2], "D3XZFWPP", UPS, "UPS")]
    assert sorted(codes(document)) == [([2], "carrier_inferred"), ([3], "missing_tracking")]


def test_rows_of_empty_cells_are_ignored_and_not_counted(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text(
        "Order Number,Tracking Number,Carrier\n"
        ",,\n"  # line 2
        f"D3XZFWPP,{USPS},USPS\n"
        " , ,\n"  # line 4
        "\n"  # line 5
        f"K7M2QX4N,{UPS},UPS\n"
    )
    result = offline(cli, str(path))
    assert result.exit_code == 0, result
    document = result.json()
    assert boxes(document) == [([3], "D3XZFWPP", USPS, "USPS"), ([6], "K7M2QX4N", UPS, "UPS")]
    assert document["problems"] == []
    assert document["summary"]["rows"] == 2


def test_dash_reads_the_csv_from_stdin(cli: Cli) -> None:
    text = f"Order Number,Tracking Number,Carrier\nD3XZFWPP,{USPS},USPS\n"
    result = offline(cli, "-", input=text)
    assert result.exit_code == 0, result
    assert boxes(result.json()) == [([2], "D3XZFWPP", USPS, "USPS")]


def test_stdin_report_still_lists_every_line(cli: Cli, tmp_path: Path) -> None:
    # stdin cannot be read twice; fwfulfill keeps a copy for --report.
    text = f"Order Number,Tracking Number,Carrier\nD3XZFWPP,{USPS},USPS\nK7M2QX4N,,UPS\n"
    report = tmp_path / "report.csv"
    result = offline(cli, "-", "--report", str(report), input=text)
    assert result.exit_code == 2, result
    with report.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [
        (row["Order Number"], row["fwfulfill line"], row["fwfulfill outcome"]) for row in rows
    ] == [("D3XZFWPP", "2", "planned"), ("K7M2QX4N", "3", "blocked")]
    assert rows[1]["fwfulfill error code"] == "missing_tracking"


def test_empty_file_is_an_unreadable_file(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = offline(cli, str(path))
    assert result.exit_code == 2
    error = result.json()["error"]
    assert error["code"] == "unreadable_file"
    assert "empty" in error["message"]


def test_header_only_file_plans_nothing_and_succeeds(cli: Cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [HEADER])
    result = offline(cli, str(path))
    assert result.exit_code == 0, result
    document = result.json()
    assert document["fulfillments"] == []
    assert document["problems"] == []
    assert document["summary"]["rows"] == 0


def test_missing_file_is_named(cli: Cli, tmp_path: Path) -> None:
    result = offline(cli, str(tmp_path / "nope.csv"))
    assert result.exit_code == 2
    error = result.json()["error"]
    # Issue 11: its own code, so the hint is about the path, not --encoding/--delimiter.
    assert error["code"] == "cannot_open_file"
    assert "nope.csv" in error["message"]
    assert "--encoding" not in error["hint"]


# ---- Columns ----


def test_no_order_or_tracking_column_names_the_headers_seen_and_the_map_to_use(
    cli: Cli, tmp_path: Path
) -> None:
    # Names the alias table does not know, and values no content rule can tell either.
    rows = [["Ref", "Parcel", "Carrier"], ["shop 7", "parcel 12", "USPS"]]
    path = write_csv(tmp_path / "a.csv", rows)
    result = cli("from-csv", str(path), "--offline", "-o", "table")
    assert result.exit_code == 2
    assert "'Ref', 'Parcel', 'Carrier'" in result.stderr
    assert "--map order=COLUMN --map tracking=COLUMN" in result.stderr
    assert result.stdout == ""


def test_only_the_missing_column_is_asked_for(cli: Cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [["Order Number", "Parcel"], ["D3XZFWPP", "P-12"]])
    result = offline(cli, str(path))
    assert result.exit_code == 2
    error = result.json()["error"]
    assert error["code"] == "missing_columns"
    assert error["target"] == "header (line 1)"
    assert "no tracking column" in error["message"]
    # Issue 11: what happened in the message, what to do in the hint, each said once.
    assert "--map" not in error["message"]
    assert error["hint"] == "Name it with --map tracking=COLUMN."


def test_map_names_columns_the_alias_table_does_not_know(cli: Cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [["Ref", "Parcel", "Via"], ["D3XZFWPP", USPS, "USPS"]])
    result = offline(
        cli, str(path), "--map", "order=Ref", "--map", "tracking=Parcel", "--map", "carrier=Via"
    )
    assert result.exit_code == 0, result
    document = result.json()
    assert columns_chosen(document) == {"order": "Ref", "tracking": "Parcel", "carrier": "Via"}
    assert boxes(document) == [([2], "D3XZFWPP", USPS, "USPS")]


def test_map_matches_column_names_ignoring_case_and_spacing(cli: Cli, tmp_path: Path) -> None:
    rows = [["Shop Ref", "Parcel No.", "Carrier"], ["D3XZFWPP", USPS, "USPS"]]
    path = write_csv(tmp_path / "a.csv", rows)
    result = offline(cli, str(path), "--map", "ORDER=shop_ref", "--map", " tracking = PARCEL NO ")
    assert result.exit_code == 0, result
    assert columns_chosen(result.json())["order"] == "Shop Ref"
    assert columns_chosen(result.json())["tracking"] == "Parcel No."


def test_map_overrides_an_alias_match(cli: Cli, tmp_path: Path) -> None:
    # "Order Number" is the shipping tool's own number; the shop's order is in "Shop Order".
    rows = [["Order Number", "Shop Order", *HEADER[1:]], ["SS-1001", "D3XZFWPP", USPS, "USPS"]]
    path = write_csv(tmp_path / "a.csv", rows)
    result = offline(cli, str(path), "--map", "order=Shop Order")
    assert result.exit_code == 0, result
    document = result.json()
    assert columns_chosen(document)["order"] == "Shop Order"
    assert boxes(document) == [([2], "D3XZFWPP", USPS, "USPS")]


def test_map_by_column_number_for_headers_nobody_would_alias(cli: Cli, tmp_path: Path) -> None:
    rows = [["a", "b", "c"], ["D3XZFWPP", USPS, "USPS"]]
    path = write_csv(tmp_path / "a.csv", rows)
    result = offline(
        cli, str(path), "--map", "order=1", "--map", "tracking=2", "--map", "carrier=3"
    )
    assert result.exit_code == 0, result
    assert boxes(result.json()) == [([2], "D3XZFWPP", USPS, "USPS")]


def test_map_of_an_unknown_field_lists_the_fields(cli: Cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [HEADER, ["D3XZFWPP", USPS, "USPS"]])
    result = offline(cli, str(path), "--map", "colour=Carrier")
    assert result.exit_code == 2
    error = result.json()["error"]
    assert error["code"] == "invalid_option"
    assert error["target"] == "--map"
    assert "'colour'" in error["message"]
    assert "order, tracking, carrier" in error["message"]


@pytest.mark.parametrize("value", ["order", "order=", "=Order Number"])
def test_map_without_field_and_column_is_refused(cli: Cli, tmp_path: Path, value: str) -> None:
    path = write_csv(tmp_path / "a.csv", [HEADER, ["D3XZFWPP", USPS, "USPS"]])
    result = offline(cli, str(path), "--map", value)
    assert result.exit_code == 2
    assert result.json()["error"]["target"] == "--map"


def test_map_of_a_column_that_is_not_there_names_the_headers(cli: Cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [HEADER, ["D3XZFWPP", USPS, "USPS"]])
    result = offline(cli, str(path), "--map", "sku=Item Code")
    assert result.exit_code == 2
    message = result.json()["error"]["message"]
    assert "Item Code" in message
    assert "'Order Number', 'Tracking Number', 'Carrier'" in message


def test_dry_run_json_shows_the_columns_chosen(cli: Cli, tmp_path: Path) -> None:
    rows = [
        [
            "Order - Number",
            "Item - SKU",
            "Item - Qty",
            "Shipment - Service",
            "Shipment - Tracking Number",
            "Notes",
        ],
        ["B5N8ZC1L", "TEE-WHT-S", "2", "UPS® Ground", UPS, "D3XZFWPP gift"],
    ]
    path = write_csv(tmp_path / "a.csv", rows)
    result = offline(cli, str(path))
    assert result.exit_code == 0, result
    assert columns_chosen(result.json()) == {
        "order": "Order - Number",
        "tracking": "Shipment - Tracking Number",
        "service": "Shipment - Service",
        "sku": "Item - SKU",
        "quantity": "Item - Qty",
    }


def test_table_output_shows_the_columns_chosen_on_stderr(cli: Cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [HEADER, ["D3XZFWPP", USPS, "USPS"]])
    result = cli("from-csv", str(path), "--offline", "-o", "table")
    assert result.exit_code == 0, result
    assert (
        "Columns (by name unless said): order = 'Order Number', "
        "tracking = 'Tracking Number', carrier = 'Carrier'" in result.stderr
    )
    assert "D3XZFWPP" in result.stdout
