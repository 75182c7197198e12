"""Facts with one definition (issue 10, "one home per fact"): every place that uses one reads it
from its home, so these tests pin the home and check each user against it."""

from __future__ import annotations

import ast
import csv
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fwfulfill.api.statuses import ORDER_STATUSES
from fwfulfill.error_codes import CATALOGUE, Severity, lookup
from fwfulfill.planning.planner import problem
from tests.conftest import Cli

PACKAGE = Path(__file__).resolve().parents[1] / "fwfulfill"

# ---- order statuses: api/statuses.py ----


@pytest.mark.parametrize("status", ORDER_STATUSES)
def test_orders_list_accepts_every_api_status(cli: Cli, status: str) -> None:
    result = cli("--sandbox", "orders", "list", "--status", status.lower().replace("_", "-"))
    assert result.exit_code == 0, result
    assert {order["status"] for order in result.json()["orders"]} <= {status}


def test_orders_status_help_and_refusal_list_exactly_the_api_statuses(cli: Cli) -> None:
    listed = ", ".join(ORDER_STATUSES)
    refused = cli("--sandbox", "orders", "list", "--status", "LOST")
    assert refused.exit_code == 2
    assert listed in refused.stderr
    assert refused.stderr.count(ORDER_STATUSES[0]) == 1  # said once, not again in the hint
    from fwfulfill.cli.completion_table import TABLE

    help_text = _option_help(TABLE, ["orders", "list"], "--status")
    assert help_text == f"Only these statuses (repeat): {listed}."
    assert ORDER_STATUSES[0] not in lookup("invalid_status").hint


def _option_help(table: Any, path: list[str], option: str) -> str:
    """The help the completion table (generated from the Typer app) keeps for `option`."""
    for name in path:
        table = table["commands"][name]
    return str(next(entry["help"] for entry in table["options"] if option in entry["opts"]))


# ---- severity: error_codes.Severity, each code's default in its catalogue entry ----

# The codes that are warnings or infos unless their check says otherwise (before issue 10 this
# list lived in the planner).
WARNINGS = {
    "unknown_carrier",
    "carrier_inferred",
    "tracking_check_digit",
    "tracking_format_unknown",
    "order_already_shipped",
    "whole_order_partly_shipped",
    "shared_tracking",
    "duplicate_row",
    "encoding_fallback",
    "ambiguous_packages_offline",
    "multi_box_first",
    "quantity_column_unknown",
}
INFOS = {"skipped_row", "already_fulfilled", "summary_row", "lines_before_header"}


def test_the_catalogue_says_which_codes_are_warnings_and_infos() -> None:
    by_severity = {
        severity: {code for code, entry in CATALOGUE.items() if entry.severity is severity}
        for severity in Severity
    }
    assert by_severity[Severity.WARNING] == WARNINGS
    assert by_severity[Severity.INFO] == INFOS


@pytest.mark.parametrize(
    ("code", "severity"),
    [
        ("duplicate_row", Severity.WARNING),
        ("skipped_row", Severity.INFO),
        ("order_not_found", Severity.ERROR),
        ("SOMETHING_FOURTHWALL_ADDS_LATER", Severity.ERROR),
    ],
)
def test_a_problem_takes_its_severity_from_the_catalogue(code: str, severity: Severity) -> None:
    assert problem(code, "message").severity is severity


def test_a_check_may_say_otherwise() -> None:
    assert problem("duplicate_row", "m", severity=Severity.ERROR).severity is Severity.ERROR


def _literal_codes(call_names: set[str]) -> set[tuple[str, str]]:
    """(file, code) for every call `name("code", ...)` in the package."""
    found: set[tuple[str, str]] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            first = node.args[0]
            if name in call_names and isinstance(first, ast.Constant):
                found.add((path.name, str(first.value)))
    return found


def test_every_problem_and_finding_code_has_a_catalogue_entry() -> None:
    codes = _literal_codes({"problem", "Finding"})
    assert len(codes) > 20  # the walk found the planner's and the checks' codes
    missing = sorted((file, code) for file, code in codes if code not in CATALOGUE)
    assert not missing


# ---- csv.field_size_limit: raised only while a row is read ----


def test_importing_the_csv_reader_leaves_the_process_wide_field_limit_alone() -> None:
    probe = "import csv, fwfulfill.csv_input.decode; print(csv.field_size_limit())"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert int(result.stdout) == 128 * 1024  # the csv module's own default


def test_a_huge_cell_is_read_and_the_callers_limit_restored(tmp_path: Path) -> None:
    from fwfulfill.csv_input.decode import CsvFile

    blob = "x" * (1 << 20)
    file = tmp_path / "labels.csv"
    file.write_text(f"order,tracking,notes\nD3XZFWPP,1Z999AA10123456784,{blob}\n", "utf-8")
    before = csv.field_size_limit(1000)
    try:
        with file.open("rb") as handle:
            rows = list(CsvFile(handle).rows())
        after = csv.field_size_limit()
    finally:
        csv.field_size_limit(before)
    assert [len(cell) for cell in rows[0].cells] == [8, 18, len(blob)]
    assert after == 1000
