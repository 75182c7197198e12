"""What a person reads: counts in the right number, and each failure said once (issue 11).

A message says what happened, its hint what to do; neither repeats the other.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fwfulfill.error_codes import counted
from tests.conftest import Cli, write_csv

USPS = "9400111899223817654503"


@pytest.mark.parametrize(
    ("count", "noun", "plural", "said"),
    [
        (0, "request", None, "0 requests"),
        (1, "request", None, "1 request"),
        (2, "request", None, "2 requests"),
        (1, "box", "boxes", "1 box"),
        (3, "box", "boxes", "3 boxes"),
    ],
)
def test_counted(count: int, noun: str, plural: str | None, said: str) -> None:
    assert counted(count, noun, plural) == said


def one_label(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "labels.csv",
        [
            ["Order Number", "Tracking Number", "Carrier", "SKU", "Qty"],
            ["K7M2QX4N", USPS, "USPS", "HOODIE-GRY-L", "1"],
        ],
    )


def test_one_of_everything_is_singular(cli: Cli, tmp_path: Path) -> None:
    file = one_label(tmp_path)
    dry = cli("--sandbox", "from-csv", str(file), "--dry-run", "-o", "table")
    assert dry.exit_code == 0, dry
    assert "Read 1 order with 1 request." in dry.stderr
    assert "1 row -> 1 fulfillment (1 planned); 0 errors, 0 warnings." in dry.stderr

    sent = cli("--sandbox", "from-csv", str(file), "--yes", "-o", "table")
    assert sent.exit_code == 0, sent
    assert "Sending 1 fulfillment." in sent.stderr

    again = cli("--sandbox", "from-csv", str(file), "--dry-run", "-o", "json")
    (skipped,) = [p for p in again.json()["problems"] if p["code"] == "already_fulfilled"]
    assert skipped["message"] == "1 box was already created by an earlier run; skipped."

    reset = cli("--sandbox", "sandbox", "reset")
    assert "Sandbox reset: 28 orders, " in reset.stderr
    assert "forgot 1 sandbox send in the ledger." in reset.stderr


def test_orders_list_title_counts_one_order(cli: Cli) -> None:
    found = cli("--sandbox", "orders", "list", "--email", "nobody@example.com", "-o", "table")
    assert found.exit_code == 0, found
    assert "0 orders" in found.stdout
    one = cli("--sandbox", "orders", "list", "-n", "1", "-o", "table")
    assert re.search(r"^\s*1 order\s*$", one.stdout, re.MULTILINE), one


def _error_line(stderr: str) -> str:
    (line,) = [line for line in stderr.splitlines() if line.startswith("error:")]
    return line


def test_a_bad_since_says_the_forms_once(cli: Cli) -> None:
    result = cli("--sandbox", "orders", "list", "--since", "yesterday", "-o", "table")
    assert result.exit_code == 2
    line = _error_line(result.stderr)
    assert line == (
        "error: --since: 'yesterday' is not a date. "
        "Write it like 2026-11-01, 2026-11-01T08:00:00Z, 7d or 24h."
    )


def test_a_missing_column_names_the_map_once(cli: Cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [["Order Number", "Parcel"], ["D3XZFWPP", "P-12"]])
    result = cli("from-csv", str(path), "--offline", "-o", "table")
    assert result.exit_code == 2
    line = _error_line(result.stderr)
    assert line.count("--map") == 1, line
    assert line.endswith("Name it with --map tracking=COLUMN."), line


def test_a_map_to_no_such_column_names_the_option_once(cli: Cli) -> None:
    examples = Path(__file__).resolve().parent.parent / "examples" / "shipstation.csv"
    result = cli("from-csv", str(examples), "--offline", "--map", "order=Nope", "-o", "table")
    assert result.exit_code == 2
    line = _error_line(result.stderr)
    assert line.startswith("error: --map: order=Nope: no such column (headers seen: "), line


def test_a_cancelled_order_is_said_once(cli: Cli) -> None:
    result = cli(
        "--sandbox", "create", "V6T3RD9B", "--all", "--tracking", f"usps:{USPS}", "-o", "table"
    )
    assert result.exit_code == 2, result
    line = _error_line(result.stderr)
    assert line.count("cancelled") == 1, line
    assert line.count("nothing is sent") == 1, line


@pytest.mark.parametrize("make", ["missing", "directory"])
def test_a_file_that_cannot_be_opened_says_so_without_encoding_advice(
    cli: Cli, tmp_path: Path, make: str
) -> None:
    path = tmp_path / "labels.csv"
    if make == "directory":
        path.mkdir()
    result = cli("from-csv", str(path), "--offline", "-o", "table")
    assert result.exit_code == 2
    line = _error_line(result.stderr)
    assert str(path) in line
    assert ("no such file" if make == "missing" else "is a directory") in line
    assert "--encoding" not in line, line
    assert "--delimiter" not in line, line
    assert "Check the path" in line


def test_an_api_error_in_table_mode_is_said_once_on_stderr(cli: Cli) -> None:
    # C4L8VR2M's shirts were shipped by another tool: fwfulfill cannot know, Fourthwall refuses.
    result = cli(
        "--sandbox",
        "create",
        "C4L8VR2M",
        "--item",
        "TEE-BLK-M:2",
        "--tracking",
        f"usps:{USPS}",
        "-o",
        "table",
    )
    assert result.exit_code == 3, result
    everything = result.stdout + result.stderr
    assert everything.count("Quantity too high (FULFILLMENT_VARIANT_QUANTITY_TO_HIGH)") == 1
    assert everything.count("Lower the quantity to what is left") == 1, everything
    assert "What it means" not in everything
    assert "FULFILLMENT_VARIANT_QUANTITY_TO_HIGH" not in result.stdout
