"""Where the header is (CSV-NOTES.md, "Where the header is").

3PL and carrier reports start with a title, a "Generated: ..." line and a blank line; the header is
the first row, among the first 20 non-empty lines, in which the order and tracking columns resolve
(by name or by content). What comes before it is skipped; `--header-row N` says it outright.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fwfulfill.csv_input.columns import BY_MAP, BY_NAME, ColumnMap, map_columns
from fwfulfill.csv_input.content import (
    OrderContest,
    choose_columns,
    order_shape,
    tracking_shape,
)
from fwfulfill.csv_input.decode import HEADER_SEARCH, SAMPLE_ROWS, CsvFile, sample_after
from fwfulfill.errors import InputError

# Errors that say "not this row": the next candidate may be the header.
_NOT_THE_HEADER = frozenset({"missing_columns", "invalid_option", "empty_header"})


@dataclass(frozen=True)
class HeaderFound:
    columns: ColumnMap
    contest: OrderContest | None


def locate_header(
    source: CsvFile,
    overrides: Mapping[str, str] | None,
    *,
    forced_line: int | None = None,
    shop_decides: bool = False,
) -> HeaderFound:
    """Choose the header row of `source` (`source.use_header`) and its columns. When no row of
    the first lines resolves, the file's first row is the header and its error is raised."""
    if forced_line is not None:
        return _at_line(source, overrides, forced_line, shop_decides)
    candidates = [
        position
        for position, row in enumerate(source.head)
        if sum(1 for cell in row.cells if cell.strip()) >= 2
    ]
    first_is_data = False
    for position in _within_search(source, candidates):
        found = _try(source, position, overrides, shop_decides)
        if isinstance(found, HeaderFound):
            source.use_header(position)
            return found
        first_is_data = first_is_data or (found == _DATA and position == candidates[0])
    if first_is_data:  # no row names the columns: the file has no header, and the first row
        line = source.head[candidates[0]].line  # is not to be lost as one
        raise InputError("no_header_row", fields={"line": line})
    source.use_header(0)
    return _columns(source, 0, overrides, shop_decides)


def _within_search(source: CsvFile, candidates: list[int]) -> list[int]:
    """The candidate rows among the first HEADER_SEARCH non-empty rows."""
    non_empty = [p for p, row in enumerate(source.head) if any(c.strip() for c in row.cells)]
    limit = non_empty[HEADER_SEARCH - 1] if len(non_empty) >= HEADER_SEARCH else len(source.head)
    return [position for position in candidates if position <= limit]


_DATA = "data"  # `_try`: the row is data, not a header


def _try(
    source: CsvFile, position: int, overrides: Mapping[str, str] | None, shop_decides: bool
) -> HeaderFound | str | None:
    """The row's columns when it is the header; `_DATA` when it is a data row; None otherwise."""
    try:
        found = _columns(source, position, overrides, shop_decides)
    except InputError as error:
        if error.code in _NOT_THE_HEADER and not _names_a_required_field(
            source, position, overrides
        ):
            return None
        raise  # this row is the header (its columns are ambiguous, or one is missing): say so
    if _data_taken_for_header(source, position, found.columns):
        return _DATA
    return found


def _names_a_required_field(
    source: CsvFile, position: int, overrides: Mapping[str, str] | None
) -> bool:
    """The row names the order or the tracking column (an alias, or --map): it is the header,
    whatever else it lacks; a later row, data, must not be taken for it."""
    header = tuple(cell.strip().lstrip("\ufeff") for cell in source.head[position].cells)
    try:
        named = map_columns(header, overrides, require=False)
    except InputError:
        return False
    return any(field in named.indexes for field in ("order", "tracking"))


def _data_taken_for_header(source: CsvFile, position: int, columns: ColumnMap) -> bool:
    """Columns found by content alone under a row that is data (it holds a tracking number, or
    its own cell in such a column fits the field as the values under it do), or over a row whose
    value does not fit (that row is the real header, below a title)."""
    by_content = [
        field
        for field in ("order", "tracking")
        if columns.reasons.get(field, BY_NAME) not in (BY_NAME, BY_MAP)
    ]
    if not by_content:
        return False
    cells = source.head[position].cells
    if any(tracking_shape(cell)[0] for cell in cells if cell.strip()):
        return True
    shapes = {"order": order_shape, "tracking": tracking_shape}
    if any(shapes[field](_cell(cells, columns.indexes[field]))[0] for field in by_content):
        return True  # a header names its column; a cell that is an order reference is data
    following = sample_after(source.head, position, SAMPLE_ROWS)
    for field in by_content:
        at = columns.indexes[field]
        first = next((cell for row in following if (cell := _cell(row, at).strip())), "")
        if first and not shapes[field](first)[1]:
            return True  # the first value under it does not fit: that row is a header itself
    return False


def _cell(cells: tuple[str, ...], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def _columns(
    source: CsvFile, position: int, overrides: Mapping[str, str] | None, shop_decides: bool
) -> HeaderFound:
    row = source.head[position] if position < len(source.head) else None
    line = row.line if row is not None else 1 + source.directive_line
    header = tuple(cell.strip().lstrip("\ufeff") for cell in row.cells) if row else ()
    if not any(header):
        raise InputError("empty_header", target=f"header (line {line})")
    sample = sample_after(source.head, position, SAMPLE_ROWS)
    columns, contest = choose_columns(
        header, sample, overrides, header_line=line, shop_decides=shop_decides
    )
    return HeaderFound(columns, contest)


def _at_line(
    source: CsvFile, overrides: Mapping[str, str] | None, line: int, shop_decides: bool
) -> HeaderFound:
    position = next((p for p, row in enumerate(source.head) if row.line == line), None)
    if position is None or not any(c.strip() for c in source.head[position].cells):
        raise InputError(
            "invalid_option",
            f"no header row starts on line {line} (it is empty, inside a cell, or past the end).",
            target="--header-row",
        )
    source.use_header(position)
    return _columns(source, position, overrides, shop_decides)
