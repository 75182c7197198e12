"""Whatever bytes a user feeds `fwfulfill from-csv`, it answers with a plan or a file error, never a
traceback, and every row of the file ends up somewhere in the plan (CSV-NOTES.md rule 8).

Hypothesis feeds random bytes and random mutations of the example files (rows deleted, duplicated,
swapped or cut short, junk cells, another delimiter, another encoding, stray quotes, newlines,
NULs and BOMs) through `--offline` and through `--sandbox --dry-run`. Derandomized: every run of
the suite tries the same inputs.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fwfulfill.csv_input.decode import CsvFile
from fwfulfill.csv_input.header import locate_header
from fwfulfill.errors import InputError
from tests.conftest import Cli, CliResult

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.csv"))
EXAMPLE_BYTES = {path.name: path.read_bytes() for path in EXAMPLES}

FUZZ = settings(
    # A deeper, random search: FWFULFILL_FUZZ_EXAMPLES=3000 FWFULFILL_FUZZ_RANDOM=1 pytest ...
    max_examples=int(os.environ.get("FWFULFILL_FUZZ_EXAMPLES", "150")),
    deadline=None,
    derandomize=not os.environ.get("FWFULFILL_FUZZ_RANDOM"),
    database=None,
    # The CLI fixtures hold no per-example state: one isolated user for all examples is fine.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def data_lines(data: bytes) -> list[int]:
    """The line each row of the file starts on, as the reader sees them (empty rows excluded)."""
    try:
        return [row.line for row in located(data).rows()]
    except InputError:
        return []


def located(data: bytes) -> CsvFile:
    """The file with its header found as from-csv finds it (a title block is not rows)."""
    source = CsvFile(io.BytesIO(data))
    try:
        locate_header(source, {})
    except InputError as error:
        if error.code != "ambiguous_column":
            raise
    return source


def check_report(report: Path, data: bytes) -> None:
    """The report has every row of the input, in order, each with its line and one outcome."""
    source = CsvFile(io.BytesIO(data))
    written = CsvFile(io.BytesIO(report.read_bytes()), delimiter=source.format.delimiter)
    at = written.header.index("fwfulfill line")  # after the widest row's cells, not the header's
    rows = [row.cells for row in written.rows()]
    assert [int(cells[at]) for cells in rows] == data_lines(data)
    assert all(cells[at + 1] for cells in rows), rows  # an outcome on every line
    kept = [row.cells for row in located(data).rows()]
    assert [cells[: len(original)] for cells, original in zip(rows, kept, strict=True)] == kept


def check_run(result: CliResult, data: bytes) -> dict[str, Any] | None:
    """The properties every run has; the plan document, or None for a file-level error."""
    assert result.exit_code in (0, 2), result  # 1 would be a traceback
    document = json.loads(result.stdout)
    if "error" in document:  # the file as a whole could not be used: one error, no plan
        assert result.exit_code == 2, result
        assert set(document) == {"error"}
        assert document["error"]["code"] in {
            "unreadable_file",
            "cannot_open_file",
            "missing_columns",
            "empty_header",
            "no_header_row",
            "duplicate_column",
            "ambiguous_column",
        }
        return None
    assert result.exit_code == (2 if document["summary"]["errors"] else 0), result
    for problem in document["problems"]:
        assert problem["lines"], problem
    for fulfillment in document["fulfillments"]:
        assert fulfillment["lines"] == sorted(set(fulfillment["lines"])), fulfillment
    placed = {line for f in document["fulfillments"] for line in f["lines"]}
    placed |= {line for p in document["problems"] for line in p["lines"]}
    missing = set(data_lines(data)) - placed
    assert not missing, f"lines {sorted(missing)} are in no fulfillment and no problem\n{result}"
    return document


def check_orders_atomic(document: dict[str, Any]) -> None:
    """Rule 7: nothing is planned for an order that has an error on any of its lines."""
    errors = [p for p in document["problems"] if p["severity"] == "error"]
    for planned in document["fulfillments"]:
        if planned["status"] != "planned":
            continue
        names = {planned["orderId"], planned["friendlyId"]} - {None}
        lines = {
            line
            for f in document["fulfillments"]
            if {f["orderId"], f["friendlyId"]} & names
            for line in f["lines"]
        }
        for error in errors:
            assert error["order"] not in names, (planned, error)
            assert not set(error["lines"]) & lines, (planned, error)


def run_both(cli: Cli, path: Path, data: bytes) -> None:
    path.write_bytes(data)
    report = path.with_name("report.csv")
    report.unlink(missing_ok=True)
    offline = cli("from-csv", str(path), "--offline", "-o", "json", "--report", str(report))
    document = check_run(offline, data)
    if document is not None:
        check_report(report, data)
    document = check_run(cli("--sandbox", "from-csv", str(path), "--dry-run", "-o", "json"), data)
    if document is not None:
        check_orders_atomic(document)


# ---- Random bytes ----

_CSV_BYTES = st.sampled_from(
    [b",", b";", b"\t", b'"', b"\r\n", b"\n", b"\r", b"\x00", b"\xef\xbb\xbf", b"#", b" ", b"E+21"]
)
_WORDS = st.sampled_from(
    [
        b"Order Number",
        b"Tracking Number",
        b"Carrier",
        b"SKU",
        b"Quantity",
        b"Status",
        b"D3XZFWPP",
        b"#K7M2QX4N",
        b"1Z999AA10123456202",
        b"9400111899223817654503",
        b"USPS",
        b"UPS",
        b"TEE-BLK-M",
        b"1",
        b"0",
        b"Voided",
        b"\xe9",
    ]
)


@pytest.mark.slow
@FUZZ
@given(data=st.binary(max_size=600))
def test_random_bytes_never_give_a_traceback(cli: Cli, tmp_path: Path, data: bytes) -> None:
    run_both(cli, tmp_path / "input.csv", data)


@pytest.mark.slow
@FUZZ
@given(parts=st.lists(st.one_of(_CSV_BYTES, _WORDS, st.binary(max_size=4)), max_size=80))
def test_csv_shaped_random_bytes_never_give_a_traceback(
    cli: Cli, tmp_path: Path, parts: list[bytes]
) -> None:
    header = b"Order Number,Tracking Number,Carrier,SKU,Quantity,Status\n"
    run_both(cli, tmp_path / "input.csv", header + b"".join(parts))


# ---- Mutations of the example files ----


def _decode(data: bytes) -> str:
    # Bytes that are not UTF-8 survive as surrogates, so that `_join` gives them back unchanged.
    return data.decode("utf-8", errors="surrogateescape")


def _rows(data: bytes) -> list[str]:
    return _decode(data).splitlines(keepends=True)


def _join(rows: list[str]) -> bytes:
    return "".join(rows).encode("utf-8", errors="surrogateescape")


def _mutate(data: bytes, operation: tuple[Any, ...]) -> bytes:
    kind, a, b, text = operation
    rows = _rows(data)
    if kind == "encode":
        return _decode(data).removeprefix("\ufeff").encode(text, errors="replace")
    if kind == "insert_bytes":
        at = a % (len(data) + 1)
        return data[:at] + text.encode("utf-8") + data[at:]
    if kind == "delimiter":
        return _join([row.replace(",", text).replace(";", text) for row in rows])
    if not rows:
        return data
    i, j = a % len(rows), b % len(rows)
    if kind == "delete":
        del rows[i]
    elif kind == "duplicate":
        rows.insert(j, rows[i])
    elif kind == "swap":
        rows[i], rows[j] = rows[j], rows[i]
    elif kind == "cut":
        rows[i] = rows[i][: b % (len(rows[i]) + 1)] + "\n"
    elif kind == "junk_cell":
        cells = rows[i].rstrip("\r\n").split(",")
        cells.insert(b % (len(cells) + 1), text)
        rows[i] = ",".join(cells) + "\n"
    return _join(rows)


_JUNK = st.sampled_from(
    ['"', "\n", "\r\n", "\x00", "\ufeff", ",", ";", "\t", '""', "9.40011E+21", "é", "#", " "]
)
_OPERATION = st.one_of(
    st.tuples(
        st.sampled_from(["delete", "duplicate", "swap", "cut", "junk_cell"]),
        st.integers(0, 200),
        st.integers(0, 200),
        st.one_of(_JUNK, st.text(max_size=8)),
    ),
    st.tuples(st.just("insert_bytes"), st.integers(0, 5000), st.just(0), _JUNK),
    st.tuples(st.just("delimiter"), st.just(0), st.just(0), st.sampled_from([";", "\t", ",", "|"])),
    st.tuples(
        st.just("encode"),
        st.just(0),
        st.just(0),
        st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]),
    ),
)


@pytest.mark.slow
@FUZZ
@given(
    name=st.sampled_from(sorted(EXAMPLE_BYTES)),
    operations=st.lists(_OPERATION, min_size=1, max_size=6),
)
def test_mutated_examples_never_give_a_traceback_and_every_row_is_placed(
    cli: Cli, tmp_path: Path, name: str, operations: list[tuple[Any, ...]]
) -> None:
    data = EXAMPLE_BYTES[name]
    for operation in operations:
        data = _mutate(data, operation)
    run_both(cli, tmp_path / "input.csv", data)


def test_the_unmutated_examples_pass_the_same_checks(cli: Cli, tmp_path: Path) -> None:
    # The properties hold for the files as shipped, and the mutation helpers keep them intact.
    for name, data in EXAMPLE_BYTES.items():
        assert data_lines(data), name
        run_both(cli, tmp_path / "input.csv", data)
        assert _mutate(data, ("swap", 0, 0, "")) == data, name
