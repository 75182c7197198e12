"""From CSV rows to drafts: one per (order, tracking number), with every row's problems on its line.

Shapes (CSV-NOTES.md): A, item rows, are summed per variant into their box; B, label rows without
items, become a box of "everything left"; C, several tracking numbers in one cell, is a list of such
boxes. Labels that are not live (voided, refunded, failed, test mode) and summary rows are
skipped; byte-identical rows are counted once, never summed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter

from fwfulfill.csv_input.columns import ColumnMap
from fwfulfill.csv_input.decode import CsvRow
from fwfulfill.csv_input.skipping import is_summary_row, status_not_live, type_not_label
from fwfulfill.error_codes import Severity
from fwfulfill.errors import InputError
from fwfulfill.planning.parse_input import (
    ItemReference,
    OrderReference,
    is_uuid,
    parse_order_reference,
    parse_quantity,
)
from fwfulfill.planning.plan import Problem
from fwfulfill.planning.planner import Draft, InputProblem, problem
from fwfulfill.tracking import looks_like_scientific_notation, normalize_tracking_number
from fwfulfill.tracking.shipment import Shipment, shipment

_SPLIT_TRACKING = re.compile(r"[,;|\n]+")
_TRUE = frozenset({"true", "yes", "1", "y"})
_SKIP_FIELDS = ("status", "refund_status", "is_return", "test", "type")
_Cells = dict[str, str]  # field name -> the row's text for it (absent when no column maps it)
# The fields `RowReader` reads of every row, in the order of `_Read`.
_READ_FIELDS = ("order", "tracking", "carrier", "service", "sku", "variant", "quantity")
# A row's cells for `_READ_FIELDS`: blank where no column maps the field.
_Read = tuple[str, str, str, str, str, str, str]
_MAX_SHARED_ITEMS = 4096  # distinct (SKU, variant, quantity) references shared, at most


class _Box:
    """The rows of one (order, tracking number) so far."""

    __slots__ = ("itemless_lines", "items", "label", "lines", "order")

    def __init__(self, order: OrderReference, label: Shipment) -> None:
        self.order = order
        self.label = label
        self.items: list[ItemReference] = []
        self.lines: list[int] = []
        self.itemless_lines: list[int] | None = None  # rows of the box that name no item


@dataclass
class RowsReading:
    drafts: list[Draft] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    rows: int = 0


def _label(carrier: str, number: str, service: str) -> Shipment:
    return shipment(carrier, number, service_text=service or None)


class RowReader:
    """Accumulates rows into boxes; `finish()` returns the drafts and problems.

    Per row it keeps only its line number and a shared item reference in its box (and a hash, to
    spot a repeated row): what a large file costs is its boxes, not its rows.
    """

    def __init__(self, columns: ColumnMap) -> None:
        self._columns = columns
        indexes = columns.indexes
        self._fields = tuple(indexes.items())
        self._has_skip_columns = any(name in indexes for name in _SKIP_FIELDS)
        self._has_quantity = "quantity" in indexes
        # The cells a row needs, fetched in one call: a field no column maps reads the blank
        # that `add` puts after the row's cells (index -1).
        self._width = max(indexes.values(), default=-1) + 1
        self._get = itemgetter(*(indexes.get(name, -1) for name in _READ_FIELDS))
        self._boxes: dict[tuple[str, str], _Box] = {}
        # Tracking numbers a not-live row names (a refund row repeating its label's number).
        self._dead: dict[str, int] = {}
        self._seen: set[int] = set()
        self._reading = RowsReading()
        # Warnings and infos repeated on many lines become one problem naming every line.
        self._merged: dict[tuple[str, str, str], tuple[Problem, OrderReference | None, list[int]]]
        self._merged = {}
        # Rows of one order, and of one box, follow each other: their order reference and their
        # label are read once (both are immutable, so sharing them changes nothing).
        self._last_order: tuple[str, OrderReference] | None = None
        self._last_label: tuple[tuple[str, str, str], Shipment] | None = None
        # Item references are immutable and a file repeats a few (SKU, quantity) pairs: one each.
        self._item_refs: dict[tuple[str, str, str], tuple[ItemReference, ...]] = {}

    def add(self, row: CsvRow) -> None:
        self._reading.rows += 1
        cells = row.cells
        if len(cells) < self._width:  # rows handed over unpadded (the decoder pads its own)
            cells = cells + ("",) * (self._width - len(cells))
        read: _Read = self._get((*cells, ""))
        if self._has_skip_columns and self._skipped(row, cells):
            return
        order_text, tracking = read[0], read[1]
        if not tracking.strip() and is_summary_row(cells, _order_or_item(read)):
            self._note(problem("summary_row", "a summary row, not an order: skipped.", [row.line]))
            return
        fingerprint = hash(tuple(map(str.strip, cells)))
        if fingerprint in self._seen:
            self._note(
                problem("duplicate_row", "identical to an earlier row: counted once.", [row.line])
            )
            return
        self._seen.add(fingerprint)
        last = self._last_order
        if last is not None and last[0] == order_text:
            order = last[1]
        else:
            try:
                order = parse_order_reference(order_text)
            except InputError as error:
                self._note(self._row_problem(error, row.line, "order"))
                return
            self._last_order = (order_text, order)
        self._add_for_order(row.line, read, order)

    def _skipped(self, row: CsvRow, cells: tuple[str, ...]) -> bool:
        """Whether the row is a label that is not live (noted, and its number remembered)."""
        width = len(cells)
        cell = {name: cells[index] for name, index in self._fields if index < width}
        why = not_live(cell)
        if not why:
            return False
        self._note(problem("skipped_row", f"{why}: not a live label, skipped.", [row.line]))
        number = normalize_tracking_number(cell.get("tracking", ""))
        if number and why != "not a label":
            self._dead.setdefault(number, row.line)
        return True

    def _add_for_order(self, line: int, read: _Read, order: OrderReference) -> None:
        text = read[1]
        if text.isalnum():  # one number, no separator: the common case
            numbers = [text]
        else:
            # `7,74867E+11` is one number in Excel's comma-decimal notation, not two boxes.
            parts = [text] if looks_like_scientific_notation(text) else _SPLIT_TRACKING.split(text)
            # One number written twice in a cell (`1Z..., 1z...`) is one box, not two.
            numbers = list({normalize_tracking_number(p): p for p in parts if p.strip()}.values())
            if not numbers:
                numbers = [""]  # reported as missing_tracking by the label check
        try:
            items = self._items(read[4], read[5], read[6])
        except InputError as error:
            found = self._row_problem(error, line, error.target or "quantity", order)
            self._note(found, order)
            return
        if len(numbers) > 1 and items:
            self._note(
                problem(
                    "ambiguous_packages",
                    f"{len(numbers)} tracking numbers in one cell with items: fwfulfill cannot "
                    "tell which items went in which box.",
                    [line],
                    str(order),
                ),
                order,
            )
            return
        carrier, service = read[2], read[3]
        boxes = self._boxes
        for raw_number in numbers:
            asked = (carrier, raw_number, service)
            last = self._last_label
            if last is not None and last[0] == asked:
                label = last[1]
            else:
                label = _label(carrier, raw_number, service)
                self._last_label = (asked, label)
            if label.findings and not self._label_usable(label, line, order):
                continue
            key = (order.key, label.tracking_number)
            box = boxes.get(key)
            if box is None:
                box = boxes[key] = _Box(order, label)
            box.items.extend(items)
            box.lines.append(line)
            if not items:
                if box.itemless_lines is None:
                    box.itemless_lines = []
                box.itemless_lines.append(line)

    def _label_usable(self, label: Shipment, line: int, order: OrderReference) -> bool:
        for finding in label.findings:
            message = f"tracking {label.tracking_number or '(empty)'}: {finding.message}"
            self._note(problem(finding.code, message, [line], str(order), finding.severity), order)
        return not label.has_errors

    def _items(self, sku: str, variant: str, quantity_cell: str) -> tuple[ItemReference, ...]:
        sku, variant = sku.strip(), variant.strip()
        if not sku and not variant:
            return ()  # shape B: the whole box
        quantity_text = quantity_cell if self._has_quantity else None
        key = (sku, variant, quantity_text or "")
        known = self._item_refs.get(key)
        if known is not None and quantity_text is not None:
            return known
        if variant and not is_uuid(variant):
            raise InputError(
                "invalid_variant", f"variant id {variant!r} is not a UUID.", target="variant"
            )
        quantity = (
            parse_quantity(quantity_text, target="quantity") if quantity_text is not None else 1
        )
        made = (
            ItemReference(
                sku or variant, quantity, variant_id=variant.lower() or None, sku=sku or None
            ),
        )
        if quantity_text is not None and len(self._item_refs) < _MAX_SHARED_ITEMS:
            self._item_refs[key] = made
        return made

    def _row_problem(
        self, error: InputError, line: int, field_name: str, order: OrderReference | None = None
    ) -> Problem:
        column = (
            self._columns.column_name(field_name) if field_name in self._columns.indexes else ""
        )
        where = f"column {column!r}: " if column else ""
        return problem(error.code, where + error.message, [line], str(order) if order else None)

    def _note(self, found: Problem, order: OrderReference | None = None) -> None:
        """Keep a problem; warnings repeated for one box (same message) are merged into one."""
        if found.severity is Severity.ERROR:
            self._reading.problems.append(InputProblem(found, order))
            return
        key = (found.code, found.message, order.key if order else "")
        earlier = self._merged.get(key)
        if earlier is None:
            self._merged[key] = (found, order, list(found.lines))
        else:
            earlier[2].extend(found.lines)

    def finish(self) -> RowsReading:
        reading = self._reading
        for found, order, lines in self._merged.values():
            merged = Problem(
                found.severity, found.code, found.message, tuple(sorted(set(lines))), found.order
            )
            reading.problems.append(InputProblem(merged, order))
        boxes, self._boxes = self._boxes, {}
        self._seen = set()
        dead, drafts, problems = self._dead, reading.drafts, reading.problems
        for key in list(boxes):
            box = boxes.pop(key)  # its lists are freed as its draft is made, not after the last
            label = box.label
            if dead and (dead_at := dead.get(label.tracking_number)) is not None:
                problems.append(InputProblem(_dead_box(box, dead_at), box.order))
                continue
            if box.itemless_lines and box.items:
                problems.append(InputProblem(_mixed_box(box), box.order))
            drafts.append(
                Draft(
                    box.order,
                    label.tracking_number,
                    label.tracking_company,
                    label.carrier_key,
                    tuple(box.items),
                    tuple(box.lines),
                )
            )
        return reading


def _mixed_box(box: _Box) -> Problem:
    """A box with item rows and a row without items: that row's items would be lost silently."""
    return problem(
        "mixed_box",
        f"box {box.label.tracking_number} has rows with items and this row without any: give it "
        "its SKU and quantity (or remove it if it only repeats the box).",
        box.itemless_lines or (),
        str(box.order),
    )


def _dead_box(box: _Box, line: int) -> Problem:
    """A label that another row voids or refunds (a transaction export's refund row)."""
    return problem(
        "skipped_row",
        f"label {box.label.tracking_number} is voided or refunded on line {line}: not live, "
        "skipped.",
        box.lines,
        str(box.order),
    )


def not_live(cell: _Cells) -> str:
    """Why the row's label is not live (voided, refunded, failed, a test), or "" when it is."""
    status = cell.get("status", "")
    if status and (word := status_not_live(status)):
        return word
    kind = cell.get("type", "")
    if kind and (word := status_not_live(kind) or type_not_label(kind)):
        return word
    if cell.get("refund_status", "").strip().lower() == "refunded":
        return "refunded"
    if cell.get("is_return", "").strip().lower() in _TRUE:
        return "a return"
    if cell.get("test", "").strip().lower() in _TRUE:
        return "a test label"
    return ""


def read_rows(rows: Iterable[CsvRow], columns: ColumnMap) -> RowsReading:
    reader = RowReader(columns)
    for row in rows:
        reader.add(row)
    return reader.finish()


def _order_or_item(read: _Read) -> str:
    """The row's order, SKU or variant cell, whichever is filled: such a row is not a summary."""
    return read[0].strip() or read[4].strip() or read[5]
