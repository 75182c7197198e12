"""`-o csv`: `orders list`, `history` and `from-csv`'s plan and outcomes as CSV for a spreadsheet.

Each list's CSV parses with `csv.DictReader` and says what its `-o json` says; cells a spreadsheet
would run as formulas are guarded; errors stay on stderr with the same exit codes; commands that
print no list refuse `-o csv` before doing anything. Against a sandbox over loopback HTTP.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from fwfulfill.csv_cells import unguard_cell
from tests.conftest import Cli, CliResult, write_csv
from tests.sandbox.shop import order, seed

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+1", "-1", "@x"]


def rows_of(result: CliResult) -> list[dict[str, str]]:
    """The CSV on stdout, read as a spreadsheet import would (no guard removed)."""
    return list(csv.DictReader(io.StringIO(result.stdout)))


def items_text(items: list[dict[str, Any]]) -> str:
    return ", ".join(f"{i['sku'] or i['variantId']} x{i['quantity']}" for i in items)


def text(value: Any) -> str:
    return "" if value is None else str(value)


def both(cli: Cli, *args: str, env: dict[str, str] | None = None) -> tuple[CliResult, CliResult]:
    """The same command with `-o csv` and with `-o json`."""
    return cli(*args, "-o", "csv", env=env), cli(*args, "-o", "json", env=env)


# ---- orders list ---------------------------------------------------------------------------------


def test_orders_list_csv_says_what_the_json_says(cli: Cli, start_sandbox: Any) -> None:
    shop = start_sandbox()
    as_csv, as_json = both(cli, "orders", "list", "-n", "100", env=shop.env())
    assert as_csv.exit_code == as_json.exit_code == 0, as_csv
    expected = [
        {
            "friendly id": o["friendlyId"],
            "order id": o["id"],
            "status": o["status"],
            "created at": text(o["createdAt"]),
            "customer": text(o["customer"]["name"]),
            "country": text(o["customer"]["country"]),
            "email": text(o["email"]),
            "items": items_text(o["items"]),
        }
        for o in as_json.json()["orders"]
    ]
    assert len(expected) == 28  # the whole demo shop
    assert rows_of(as_csv) == expected


def test_orders_list_csv_guards_formula_cells(cli: Cli, start_sandbox: Any) -> None:
    address = {"name": FORMULAS[0], "address1": "1 Main St", "city": "X", "country": "US"}
    shop = start_sandbox(
        seed(
            order("AB12CD34", "CONFIRMED", ("+1", 1), ("-1", 1), ("@x", 1)),
            order("CD34EF56", "CONFIRMED", ("TEE", 1), shipping={"address": address}),
        )
    )
    result = cli("orders", "list", "-o", "csv", env=shop.env())
    assert result.exit_code == 0, result
    by_id = {row["friendly id"]: row for row in rows_of(result)}
    assert by_id["AB12CD34"]["items"] == "'+1 x1, -1 x1, @x x1"
    assert by_id["CD34EF56"]["customer"] == "'" + FORMULAS[0]
    assert unguard_cell(by_id["CD34EF56"]["customer"]) == FORMULAS[0]


def test_orders_list_csv_error_stays_on_stderr_with_exit_2(cli: Cli, start_sandbox: Any) -> None:
    shop = start_sandbox()
    result = cli("orders", "list", "--status", "bogus", "-o", "csv", env=shop.env())
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "--status" in result.stderr


# ---- history -------------------------------------------------------------------------------------


def test_history_csv_says_what_the_json_says(cli: Cli, start_sandbox: Any) -> None:
    shop = start_sandbox()
    sent = cli("from-csv", str(EXAMPLES / "pirateship.csv"), "--yes", env=shop.env())
    assert sent.exit_code == 0, sent
    as_csv, as_json = both(cli, "history", env=shop.env())
    assert as_csv.exit_code == as_json.exit_code == 0, as_csv
    expected = [
        {
            "friendly id": text(e["friendlyId"]),
            "order id": e["orderId"],
            "items": items_text(e["items"]),
            "carrier": e["trackingCompany"],
            "tracking number": e["trackingNumber"],
            "status": e["state"],
            "fulfillment id": text(e["fulfillmentId"]),
            "error code": text(e["code"]),
            "error message": text(e["message"]),
            "run": e["runId"],
            "updated at": e["updatedAt"],
        }
        for e in as_json.json()["fulfillments"]
    ]
    assert len(expected) == 4
    assert rows_of(as_csv) == expected


def test_history_csv_guards_formula_cells(cli: Cli, start_sandbox: Any, tmp_path: Path) -> None:
    skus = [(sku, 1) for sku in FORMULAS]
    shop = start_sandbox(seed(order("AB12CD34", "CONFIRMED", *skus)))
    file = write_csv(
        tmp_path / "t.csv", [["order", "tracking"], ["AB12CD34", "1Z999AA10123456202"]]
    )
    assert cli("from-csv", str(file), "--yes", env=shop.env()).exit_code == 0
    result = cli("history", "-o", "csv", env=shop.env())
    (row,) = rows_of(result)
    assert row["items"].startswith("'=HYPERLINK(")
    assert unguard_cell(row["items"]) == ", ".join(f"{sku} x1" for sku in FORMULAS)


def test_history_csv_of_an_empty_ledger_is_a_header_alone(cli: Cli) -> None:
    result = cli("history", "-o", "csv")
    assert result.exit_code == 0, result
    assert result.stdout.splitlines() == [
        "friendly id,order id,items,carrier,tracking number,status,fulfillment id,error code,"
        "error message,run,updated at"
    ]


# ---- from-csv ------------------------------------------------------------------------------------


def plan_expected(document: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {
            "lines": " ".join(map(str, f["lines"])),
            "order": f["orderReference"],
            "friendly id": text(f["friendlyId"]),
            "order id": text(f["orderId"]),
            "items": items_text(f["items"]),
            "carrier": f["trackingCompany"],
            "tracking number": f["trackingNumber"],
            "status": f["status"],
            "fulfillment id": text(f["fulfillmentId"]),
            "error code": text((f["error"] or {}).get("code")),
            "error message": text((f["error"] or {}).get("message")),
        }
        for f in document["fulfillments"]
    ]


@pytest.mark.parametrize("name", ["shipstation.csv", "excel-damaged.csv", "3pl-multi-tracking.csv"])
def test_from_csv_dry_run_csv_says_what_the_json_says(
    cli: Cli, start_sandbox: Any, name: str
) -> None:
    shop = start_sandbox()
    as_csv, as_json = both(cli, "from-csv", str(EXAMPLES / name), "--dry-run", env=shop.env())
    assert as_csv.exit_code == as_json.exit_code, as_csv  # 2 for the files with errors
    expected = plan_expected(as_json.json())
    assert expected
    assert rows_of(as_csv) == expected
    problems = as_json.json()["problems"]
    if any(p["severity"] == "error" for p in problems):  # the problems are talk, on stderr
        assert as_csv.exit_code == 2
        assert "Problems" in as_csv.stderr


def test_from_csv_outcomes_csv_says_what_the_json_says(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    file = EXAMPLES / "shipstation.csv"
    first, second = start_sandbox(), start_sandbox()  # the same shop twice: one run each way
    as_csv = cli("from-csv", str(file), "--yes", "-o", "csv", env=first.env())
    # A ledger of its own, or the second run would skip what the first one sent.
    elsewhere = {**second.env(), "FWFULFILL_STATE_DIR": str(tmp_path / "other-state")}
    as_json = cli("from-csv", str(file), "--yes", "-o", "json", env=elsewhere)
    assert as_csv.exit_code == as_json.exit_code == 0, as_csv
    assert len(first.fulfillments()) == len(second.fulfillments())

    def stable(row: dict[str, str]) -> dict[str, str]:  # ids differ between two shops
        return {**row, "fulfillment id": row["fulfillment id"][:4]}

    rows = rows_of(as_csv)
    assert {row["status"] for row in rows} == {"created"}
    assert [stable(r) for r in rows] == [stable(r) for r in plan_expected(as_json.json())]
    assert "Summary" in as_csv.stderr  # the summary is talk, on stderr


def test_from_csv_csv_guards_formula_cells_and_they_read_back(cli: Cli, tmp_path: Path) -> None:
    rows = [
        ["order", "tracking_number", "carrier", "sku", "quantity"],
        ["AB12CD34", "9400111899223817654305", "USPS", FORMULAS[0], "1"],
        ["BC23DE45", "9400111899223817654312", "USPS", FORMULAS[1], "1"],
        ["CD34EF56", "9400111899223817654329", "USPS", FORMULAS[2], "1"],
        ["DE45FG67", "1Z999AA10123456202", "UPS", FORMULAS[3], "1"],
    ]
    result = cli("from-csv", str(write_csv(tmp_path / "t.csv", rows)), "--offline", "-o", "csv")
    assert result.exit_code == 0, result
    items = [row["items"] for row in rows_of(result)]
    assert items == [f"'{sku} x1" for sku in FORMULAS]
    assert [unguard_cell(cell) for cell in items] == [f"{sku} x1" for sku in FORMULAS]


def test_from_csv_csv_error_run_keeps_its_exit_code_and_stderr(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    result = cli("from-csv", str(missing), "--offline", "-o", "csv")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert str(missing) in result.stderr
    assert "Traceback" not in result.stderr


# ---- commands without a list ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["create", "D3XZFWPP", "--all", "-t", "usps:9400111899223817654305"],
        ["orders", "show", "D3XZFWPP"],
        ["carriers"],
        ["sandbox", "show"],
        ["sandbox", "reset"],
        ["auth", "status", "--offline"],
    ],
    ids=lambda command: " ".join(command[:2]),
)
def test_commands_without_a_list_refuse_csv_before_doing_anything(
    cli: Cli, command: list[str]
) -> None:
    for args in (["--sandbox", "-o", "csv", *command], ["--sandbox", *command, "--output=csv"]):
        result = cli(*args)
        assert result.exit_code == 2, result
        assert result.stdout == ""
        (line,) = result.stderr.splitlines()
        assert line.startswith("error: --output: `fwfulfill ")
        assert "no CSV output" in line
    shown = cli("--sandbox", "sandbox", "show", "-o", "json").json()
    created = [f for f in shown["fulfillments"] if f["trackingNumber"] == "9400111899223817654305"]
    assert created == []  # `create -o csv` sent nothing


def test_template_is_csv_already_and_takes_csv(cli: Cli) -> None:
    result = cli("template", "-o", "csv")
    assert result.exit_code == 0, result
    assert rows_of(result)[0]["order"] == "D3XZFWPP"
