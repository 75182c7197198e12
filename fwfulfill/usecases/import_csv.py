"""Importing a tracking CSV: read its rows, check them against the shop (or alone, offline) and plan
the fulfillments; then, after the run, the report of every input line with its outcome."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from fwfulfill.api.models import Order
from fwfulfill.csv_input.columns import ColumnMap
from fwfulfill.csv_input.content import (
    OrderContest,
    items_by_shop,
    settle_order,
    uncounted_quantity,
)
from fwfulfill.csv_input.decode import SAMPLE_ROWS, CsvFile, CsvFormat, open_source
from fwfulfill.csv_input.header import locate_header
from fwfulfill.csv_input.rows import RowsReading, read_rows
from fwfulfill.error_codes import ExitCode, counted
from fwfulfill.errors import FwfulfillError, InputError
from fwfulfill.planning.multi_box import MultiBox
from fwfulfill.planning.order_lookup import resolve_orders
from fwfulfill.planning.parse_input import OrderReference, parse_order_reference
from fwfulfill.planning.plan import Plan
from fwfulfill.planning.planner import (
    InputProblem,
    build_plan,
    offline_plan,
    problem,
    split_recorded,
)
from fwfulfill.usecases.shop import ShopConnection


@dataclass(frozen=True)
class ImportOptions:
    source: str  # a path; '-' is stdin
    encoding: str | None = None  # None: UTF-8, else cp1252 with a warning
    delimiter: str | None = None  # None: sniffed from the header
    column_map: Mapping[str, str] = field(default_factory=dict)  # field -> column, over the guess
    header_row: int | None = None  # physical line of the header; None: found from the names
    recheck_uncertain: bool = False  # send again what an earlier run left uncertain
    multi_box: MultiBox = MultiBox.REFUSE  # an order's several boxes without items


@dataclass
class CsvReading:
    """The file read: its drafts and input problems, and the facts the plan and report need."""

    rows: RowsReading
    columns: ColumnMap
    # Kept while the reading is: its text layer closes the stream when it goes.
    source: CsvFile
    # Order columns only the shop can tell apart (settled in `plan_import`), and the bytes to
    # read the rows again from when the shop picks another column than the offline guess.
    contest: OrderContest | None = None
    stream: IO[bytes] | None = None

    @property
    def format(self) -> CsvFormat:
        return self.source.format

    @property
    def widest(self) -> int:
        """The most cells of any row (the report keeps cells beyond the header)."""
        return self.source.widest


@dataclass(frozen=True)
class OrdersRead:
    orders: int
    requests: int


@dataclass
class CsvImport:
    plan: Plan
    reading: CsvReading
    orders_read: OrdersRead | None = None  # None offline, or when no line names an order

    @property
    def exit_status(self) -> int:
        """The plan's own verdict, as a dry run ends: 2 when any line is in error, else 0."""
        return int(ExitCode.INVALID_INPUT if self.plan.has_errors else ExitCode.OK)


def import_csv(
    options: ImportOptions, shop: ShopConnection | None, *, stream: IO[bytes] | None = None
) -> CsvImport:
    """Read and plan in one call. `shop` None plans offline (the file alone: no API, no ledger).
    `stream`: the file's bytes, seekable; by default `options.source` is opened."""
    if stream is not None:
        return plan_import(read_csv(options, stream), shop, options)
    with open_source(options.source) as handle:
        return plan_import(read_csv(options, handle), shop, options)


def read_csv(options: ImportOptions, stream: IO[bytes], *, online: bool = False) -> CsvReading:
    """Decode the file, find its header and columns, and read every row into drafts and input
    problems. `online`: an order column only the shop can choose is left to `plan_import`."""
    source = _open_csv(options, stream)
    found = locate_header(
        source, options.column_map, forced_line=options.header_row, shop_decides=online
    )
    reading = _read_rows(source, found.columns)
    reading.contest, reading.stream = found.contest, stream
    return reading


def _open_csv(options: ImportOptions, stream: IO[bytes]) -> CsvFile:
    return CsvFile(
        stream,
        encoding=options.encoding,
        delimiter=options.delimiter,
        through_line=options.header_row or 0,
    )


def _read_rows(source: CsvFile, columns: ColumnMap) -> CsvReading:
    with _collector_paused():
        rows = read_rows(source.rows(), columns)
    skipped = source.skipped_lines()
    if skipped:
        rows.problems.insert(0, _header_problem(skipped, source.header_line))
    if source.format.fell_back:
        rows.problems.insert(0, _encoding_problem())
    counts = uncounted_quantity(columns, source.sample(SAMPLE_ROWS))
    if counts is not None:
        rows.problems.append(_quantity_problem(counts, source.header_line))
    return CsvReading(rows, columns, source)


def _quantity_problem(column: str, header_line: int) -> InputProblem:
    return InputProblem(
        problem(
            "quantity_column_unknown",
            f"no quantity column, but column {column[:40]!r} holds counts above 1: every item "
            f"counts 1 unless you add --map quantity={column[:40]!r}.",
            [header_line],
        )
    )


def _header_problem(skipped: list[int], header_line: int) -> InputProblem:
    lines = f"line {skipped[0]}" if len(skipped) == 1 else f"lines {skipped[0]}-{skipped[-1]}"
    return InputProblem(
        problem(
            "lines_before_header",
            f"{lines} before the header (line {header_line}) skipped: a title, not rows.",
            skipped,
        )
    )


def _settle_order_column(
    reading: CsvReading, shop: ShopConnection, options: ImportOptions
) -> CsvReading:
    """Online, the order column whose sampled values are this shop's orders; the rows are read
    again when that is not the column the offline reading used."""
    contest = reading.contest
    if contest is None or reading.stream is None:
        return reading
    wanted = {
        key: ref
        for values in contest.samples.values()
        for value in values
        if (ref := _reference(value)) is not None
        for key in [ref.key]
    }
    found = resolve_orders(shop.client, wanted.values()).orders

    def members(values: Sequence[str]) -> int:
        return sum(1 for v in values if (ref := _reference(v)) is not None and ref.key in found)

    columns = settle_order(reading.columns, contest, members)
    if columns.indexes == reading.columns.indexes:
        reading.columns = columns
        return reading
    return _read_again(reading, columns, options)


def _items_from_shop(
    reading: CsvReading, orders: Mapping[str, Order], options: ImportOptions
) -> CsvReading | None:
    """The rows read again with an item column that only the shop's orders could prove (a SKU
    column under a name the alias table lacks), from the orders the plan reads anyway."""
    if reading.stream is None or {"sku", "variant"} & set(reading.columns.indexes):
        return None
    sample = reading.source.sample(SAMPLE_ROWS)
    at = reading.columns.indexes["order"]
    skus: set[str] = set()
    variant_ids: set[str] = set()
    for row in sample:
        ref = _reference(row[at]) if at < len(row) else None
        order = orders.get(ref.key) if ref is not None else None
        for variant in order.variants().values() if order is not None else ():
            variant_ids.add(variant.id.lower())
            if variant.sku:
                skus.add(variant.sku.strip().upper())
    columns = items_by_shop(reading.columns, sample, skus, variant_ids)
    if columns is None:
        return None
    return _read_again(reading, columns, options)


def _read_again(reading: CsvReading, columns: ColumnMap, options: ImportOptions) -> CsvReading:
    """The rows read again from the stream with other columns (the header stays where it was)."""
    stream, position = reading.stream, reading.source.position
    assert stream is not None
    reading.source.release()  # the stream stays open for the new reading
    stream.seek(0)
    source = _open_csv(options, stream)
    source.use_header(position)
    again = _read_rows(source, columns)
    again.stream = stream
    return again


def _reference(value: str) -> OrderReference | None:
    try:
        return parse_order_reference(value)
    except InputError:
        return None


def plan_import(
    reading: CsvReading, shop: ShopConnection | None, options: ImportOptions
) -> CsvImport:
    """Plan the fulfillments: against the shop and its ledger, or offline when `shop` is None."""
    with _collector_paused():
        if shop is None:
            rows = reading.rows
            imported = CsvImport(
                offline_plan(rows.drafts, rows.problems, options.multi_box), reading
            )
        else:
            reading = _settle_order_column(reading, shop, options)
            imported = _plan_with_shop(reading, shop, options)
    imported.plan.rows_read = imported.reading.rows.rows
    imported.plan.multi_box = options.multi_box.value
    imported.plan.columns = imported.reading.columns.described()
    return imported


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Reading and planning make hundreds of thousands of small objects without cycles; the cyclic
    collector would walk them over and over (40 % of a 100,000-row dry run). Reference counting
    frees them all the same. Afterwards the collector is as it was, and what the phase kept joins
    the oldest generation at once (freeze then unfreeze: nothing stays frozen), rather than being
    walked again by the young collections that follow (0.6 s of that dry run)."""
    was_enabled = gc.isenabled()
    nothing_frozen = gc.get_freeze_count() == 0
    gc.disable()
    try:
        yield
    finally:
        if nothing_frozen:  # never thaw what the caller froze
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


def _encoding_problem() -> InputProblem:
    return InputProblem(
        problem(
            "encoding_fallback",
            "the file is not UTF-8; it was read as Windows-1252 (Excel on Windows).",
            [1],
        )
    )


def _plan_with_shop(reading: CsvReading, shop: ShopConnection, options: ImportOptions) -> CsvImport:
    rows = reading.rows
    # Orders whose every box the ledger records as created need no read (a re-run costs nothing).
    recorded = shop.ledger.view_by_references(
        shop.shop_key, {draft.order.key for draft in rows.drafts}
    )
    drafts, skipped = split_recorded(rows.drafts, recorded)
    references = [draft.order for draft in drafts]
    references += [item.order for item in rows.problems if item.order is not None]
    resolution = resolve_orders(shop.client, references)
    with_items = _items_from_shop(reading, resolution.orders, options)
    if with_items is not None:  # the same orders, now with their items: nothing read again
        reading, rows = with_items, with_items.rows
        drafts, skipped = split_recorded(rows.drafts, recorded)
    history = shop.ledger.view(
        shop.shop_key,
        {order.id for order in resolution.orders.values()},
        recheck_uncertain=options.recheck_uncertain,
    )
    missing = {key: problem(error.code, error.message) for key, error in resolution.missing.items()}
    plan = build_plan(
        drafts,
        resolution.orders,
        history=history,
        input_problems=rows.problems,
        missing=missing,
        related=resolution.related,
        multi_box=options.multi_box,
    )
    if skipped:
        plan.fulfillments.extend(skipped)
        lines = [line for planned in skipped for line in planned.lines]
        were = "was" if len(skipped) == 1 else "were"
        message = (
            f"{counted(len(skipped), 'box', 'boxes')} {were} already created by an earlier run; "
            "skipped."
        )
        plan.problems.append(problem("already_fulfilled", message, lines))
    orders_read = OrdersRead(len(resolution.orders), resolution.requests) if references else None
    return CsvImport(plan, reading, orders_read)


def check_report_path(report: Path, input_file: str) -> None:
    """Refuse a report that would overwrite the input, or that cannot be written (`''`, a
    directory, a device or pipe, a missing or read-only folder): before anything is read or sent,
    not after."""
    from fwfulfill.atomic_file import check_writable

    # os.path's checks answer False for a name too long or holding a NUL; Path's would raise.
    same = input_file != "-" and os.path.exists(input_file) and os.path.exists(report)
    if same and os.path.samefile(report, input_file):
        raise InputError(
            "invalid_option",
            "the report would overwrite the input file; name another file.",
            target="--report",
        )
    if not str(report) or report == Path("."):
        raise InputError("file_not_writable", "a report needs a file name.", target="--report")
    try:
        check_writable(report)
    except FwfulfillError as error:
        raise InputError(error.code, error.message, target="--report") from None


@dataclass(frozen=True)
class ReportWritten:
    path: Path
    lines: int = 0
    failure: FwfulfillError | None = None  # not written: why (the run's outcome stands)


def write_import_report(
    path: Path, stream: IO[bytes], options: ImportOptions, imported: CsvImport
) -> ReportWritten:
    """Write every input line with its outcome, from a fresh read of `stream` (the file's bytes).
    A failure here is returned, never raised: what was sent is in the plan and the ledger."""
    from fwfulfill.csv_input.report import line_outcomes, write_report

    stream.seek(0)
    source = _open_csv(options, stream)
    source.use_header(imported.reading.source.position)
    try:
        lines = write_report(
            path, source, line_outcomes(imported.plan), width=imported.reading.widest
        )
    except FwfulfillError as exc:  # the target became a directory or a device meanwhile
        return ReportWritten(path, failure=_not_written(exc.message))
    except OSError as exc:  # a full disk, a folder gone
        return ReportWritten(
            path, failure=_not_written(f"cannot write {path}: {exc.strerror or exc}")
        )
    return ReportWritten(path, lines)


def _not_written(reason: str) -> FwfulfillError:
    return FwfulfillError("report_not_written", reason, target="--report")
