"""CSV cells a spreadsheet will not run: the OWASP CSV-injection guard, and its inverse.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel,
LibreOffice and Google Sheets. Every CSV fwfulfill writes (reports, exports, `-o csv`) puts a single
quote before such a cell, as OWASP recommends; spreadsheets show the quote-prefixed text as text.

The guard is reversible so that a file fwfulfill wrote feeds back as it is: `unguard_cell` drops the
quote again when a cell is a quote followed by what the guard protects. A cell that already starts
with quotes before a trigger gets one more, so `unguard_cell(guard_cell(x)) == x` for every string.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Protocol

FORMULA_STARTS = frozenset("=+-@\t\r")
GUARD = "'"


def _needs_guard(cell: str) -> bool:
    """A trigger at the start, or quotes (ours or the author's) in front of one."""
    bare = cell.lstrip(GUARD)
    return bool(bare) and bare[0] in FORMULA_STARTS


def guard_cell(cell: str) -> str:
    """`cell` as a spreadsheet will show it and never evaluate it."""
    if cell and (cell[0] in FORMULA_STARTS or (cell[0] == GUARD and _needs_guard(cell))):
        return GUARD + cell
    return cell


def unguard_cell(cell: str) -> str:
    """The value `guard_cell` was given: the guard's quote removed, anything else unchanged."""
    if cell[:1] == GUARD and _needs_guard(cell):
        return cell[1:]
    return cell


def unguard_row(cells: list[str]) -> list[str]:
    """`cells` with every guarded cell read back; the same list when none is (the common case)."""
    if GUARD not in "".join(cells):  # one C-level scan; most rows never hold a quote
        return cells
    return [unguard_cell(cell) for cell in cells]


class TextSink(Protocol):
    """Where CSV text goes: an open text file or a stream."""

    def write(self, text: str, /) -> object: ...


class GuardedWriter:
    """A `csv.writer` whose every cell passes through `guard_cell`."""

    def __init__(
        self, handle: TextSink, *, delimiter: str = ",", lineterminator: str = "\r\n"
    ) -> None:
        self._writer = csv.writer(handle, delimiter=delimiter, lineterminator=lineterminator)

    def writerow(self, row: Iterable[str]) -> None:
        self._writer.writerow([guard_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[str]]) -> None:
        for row in rows:
            self.writerow(row)
