"""Rich tables for people: fulfillments, problems, orders, errors (JSON lives with the data).

Every table is designed for 80 columns: what identifies a thing (friendly id, SKU, tracking number,
fulfillment id, status, line numbers) is never cut; only descriptive columns (customer, item names,
carrier) shrink, to one line ending in "…". Long text goes under the table as numbered notes, and
UUIDs only appear with `--wide` (they are always in the JSON).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.measure import Measurement
from rich.table import Column, Table
from rich.text import Text

from fwfulfill.api.models import Order
from fwfulfill.error_codes import Severity, counted, lookup
from fwfulfill.planning.plan import Plan, PlannedFulfillment, Problem, Status, item_text
from fwfulfill.sending.ledger import LedgerEntry, LedgerEvent, LedgerState

_Item = TypeVar("_Item")

_STATUS_STYLE = {
    Status.CREATED: "green",
    Status.ALREADY_EXISTS: "cyan",
    Status.SKIPPED: "cyan",
    Status.PLANNED: "blue",
    Status.BLOCKED: "red",
    Status.FAILED: "red",
    Status.UNCERTAIN: "yellow",
}
_SEVERITY_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "dim"}
# Items summarised on one line: the first few, then "+N more".
_ITEMS_SHOWN = 3
# The least a descriptive column gets before it is left out (`Alex Ri…`).
_TEXT_MIN_WIDTH = 8


def new_table(title: str | None = None, *, caption: str | None = None) -> Table:
    """A compact table (gh style): a rule under the header, no side borders, two spaces between
    columns, so 80 columns leave room for the identifying columns at their full width."""
    return Table(
        title=title,
        caption=caption,
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
        title_justify="left",
        caption_justify="left",
    )


def add_key_column(table: Table, header: str, *, justify: Any = "left") -> None:
    """A column that identifies something: shown whole on one line, never shrunk."""
    table.add_column(header, no_wrap=True, justify=justify)


def add_text_column(table: Table, header: str, *, justify: Any = "left") -> None:
    """A descriptive column: it gives up width first; its cells stay on one line (see `cell`)."""
    table.add_column(header, justify=justify, overflow="ellipsis", min_width=_TEXT_MIN_WIDTH)


def cell(text: str, style: str = "") -> Text:
    """One line that ends in "…" when its column is narrow, instead of wrapping."""
    return Text(text, style=style, no_wrap=True, overflow="ellipsis")


class Fitted:
    """A table that leaves out descriptive columns (`drop_first` first, then the other ones from
    the right) rather than let rich cut an identifying one when the terminal is narrow."""

    def __init__(self, table: Table, *, drop_first: tuple[str, ...] = ()) -> None:
        self.table = table
        self.drop_first = drop_first

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Table]:
        table = copy.copy(self.table)
        table.columns = [copy.copy(column) for column in table.columns]
        descriptive = [column for column in reversed(table.columns) if not column.no_wrap]
        descriptive.sort(key=lambda column: column.header not in self.drop_first)
        for column in descriptive:
            if _identifiers_whole(table, console, options):
                break
            table.columns = [kept for kept in table.columns if kept is not column]
            for index, kept in enumerate(table.columns):
                kept._index = index  # rich pads the first and last columns by their index
        yield table

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.table)


def _identifiers_whole(table: Table, console: Console, options: ConsoleOptions) -> bool:
    """Whether rich, laying TABLE out in the width it has, gives each identifying column all
    the width its longest cell needs, and each descriptive column at least its minimum."""
    # As Table.__rich_console__ lays it out: the dividers first, the columns in what is left.
    room = options.update_width(options.max_width - table._extra_width)
    widths = table._calculate_column_widths(console, room)
    if sum(widths) > room.max_width:
        return False  # rich would crop the lines on the right
    for width, column in zip(widths, table.columns, strict=True):
        measured = table._measure_column(console, options, column)
        needed = measured.maximum if column.no_wrap else (column.min_width or 1)
        if any(isinstance(item, Items) for item in column.cells):
            needed = max(needed, measured.minimum)  # its narrowest form, SKUs whole
        if width < needed:
            return False
    return True


class Notes:
    """Long texts shown under a table as `[1] ...`; a cell shows only the number. The same text
    gets the same number, so fifty rows with one reason make one note."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def ref(self, text: str) -> str:
        if not text:
            return ""
        number = self._numbers.setdefault(text, len(self._numbers) + 1)
        return f"[{number}]"

    @property
    def numbered(self) -> bool:
        return bool(self._numbers)

    def grid(self) -> Table:
        # A grid, so a long note wraps under its own text, not under its number.
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, justify="right")
        grid.add_column()
        for text, number in self._numbers.items():
            grid.add_row(f"[{number}]", Text(text))
        return grid

    def under(self, table: Table, *, drop_first: tuple[str, ...] = ()) -> RenderableType:
        fitted = Fitted(table, drop_first=drop_first)
        if not self._numbers:
            return fitted
        return Group(fitted, self.grid())


def lines_label(lines: Iterable[int]) -> str:
    """`3`, `3-5`, `3, 7`: the physical lines a row or problem came from."""
    values = sorted(set(lines))
    if not values:
        return ""
    ranges: list[str] = []
    start = previous = values[0]
    for value in [*values[1:], None]:
        if value is not None and value == previous + 1:
            previous = value
            continue
        ranges.append(str(start) if start == previous else f"{start}-{previous}")
        if value is not None:
            start = previous = value
    return ", ".join(ranges)


class Items:
    """What a fulfillment holds on one line, as much as its column allows and never a SKU cut:
    `TEE-BLK-M x2, MUG-11OZ x1`; narrower, `TEE-BLK-M x2, +1 more`; narrowest, `TEE-BLK-M x2 +1`."""

    def __init__(self, items: Iterable[tuple[str, int]]) -> None:
        parts = [item_text(label, quantity) for label, quantity in items]
        self.forms = _item_forms(parts)

    def __str__(self) -> str:
        return self.forms[0]

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(cell_len(self.forms[-1]), cell_len(self.forms[0]))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        fits = (form for form in self.forms if cell_len(form) <= options.max_width)
        yield cell(next(fits, self.forms[-1]))


def _item_forms(parts: list[str]) -> list[str]:
    """The ways to write PARTS, widest first: the first few whole, the rest counted."""
    if not parts:
        return ["-"]
    most = len(parts) if len(parts) <= _ITEMS_SHOWN else _ITEMS_SHOWN - 1
    forms = []
    for shown in range(most, 0, -1):
        rest = len(parts) - shown
        forms.append(", ".join([*parts[:shown], *([f"+{rest} more"] if rest else [])]))
    if len(parts) > 1:
        forms.append(f"{parts[0]} +{len(parts) - 1}")
    return forms


def _planned_items(planned: PlannedFulfillment) -> Items:
    return Items((item.sku or item.variant_id, item.quantity) for item in planned.items)


def fulfillments_table(
    fulfillments: list[PlannedFulfillment],
    *,
    title: str,
    show_lines: bool,
    with_fix: bool = False,
    wide: bool = False,
) -> RenderableType:
    """One line per fulfillment; a reason (and with `with_fix`, what to do) is a note below."""
    table = new_table(title)
    notes = Notes()
    if show_lines:
        add_key_column(table, "Lines", justify="right")
    add_key_column(table, "Order")
    if wide:
        add_key_column(table, "Order id")
    add_text_column(table, "Items")
    add_text_column(table, "Carrier")
    add_key_column(table, "Tracking number")
    add_key_column(table, "Status")
    has_id = any(planned.fulfillment_id for planned in fulfillments)
    add_key_column(table, "Fulfillment id" if has_id else "Note")

    def row_of(planned: PlannedFulfillment) -> list[RenderableType]:
        reason = planned.error_message or ""
        fix = _fix_for(planned) if with_fix else ""
        if fix:
            reason = f"{reason} Fix: {fix}" if reason else fix
        row: list[RenderableType] = [
            planned.order_label,
            _planned_items(planned),
            cell(planned.tracking_company),
            planned.tracking_number,
            Text(planned.status.value, style=_STATUS_STYLE.get(planned.status, "")),
            planned.fulfillment_id or notes.ref(reason),
        ]
        if wide:
            row.insert(1, planned.order_id or "")
        if show_lines:
            row.insert(0, lines_label(planned.lines))
        return row

    if len(fulfillments) > CHUNK_ROWS:
        return ChunkedTable(table, fulfillments, row_of, notes, drop_first=("Carrier",))
    for planned in fulfillments:
        table.add_row(*row_of(planned))
    return notes.under(table, drop_first=("Carrier",))


# A table of more rows than this is laid out once and printed this many rows at a time.
CHUNK_ROWS = 1000


class _ProbedTable(Table):
    """A table that measures its columns as `probe` does (the same columns, the widest cells of
    all rows): it lays out a few rows exactly as the whole table would lay out all of them."""

    probe: Table

    def _measure_column(
        self, console: Console, options: ConsoleOptions, column: Column
    ) -> Measurement:
        return self.probe._measure_column(console, options, self.probe.columns[column._index])


class ChunkedTable(Generic[_Item]):
    """A long table printed `CHUNK_ROWS` rows at a time, each part laid out as the whole table
    would be: the rows of one part exist while it is printed, never all of them (issue 13).

    The layout needs only each column's widest cells: one pass over the rows keeps, per column,
    the cell of the largest width and the cell of the longest word (padding adds the same to
    every cell of a column, so they stay the widest); a two-row probe table with them decides
    which columns fit and how wide each is. `Output.show` prints the `parts()` one by one.
    """

    def __init__(
        self,
        template: Table,
        items: Sequence[_Item],
        row_of: Callable[[_Item], list[RenderableType]],
        notes: Notes,
        *,
        drop_first: tuple[str, ...] = (),
    ) -> None:
        self._template = template
        self._items = items
        self._row_of = row_of
        self._notes = notes
        self._drop_first = drop_first
        self._layout: Table | None = None
        for item in items:  # numbers the notes in row order, as the whole table does
            row_of(item)

    def parts(self) -> Iterator[RenderableType]:
        for start in range(0, len(self._items), CHUNK_ROWS):
            yield _Part(self, start)
        if self._notes.numbered:
            yield self._notes.grid()

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Any]:
        yield from self.parts()  # printed in one go only where `parts()` is not used

    def _probe(self, console: Console, options: ConsoleOptions) -> Table:
        """The columns that fit and a table whose measure is the whole table's, made once."""
        if self._layout is not None:
            return self._layout
        unbounded = options.update_width(10**6)
        widest: list[list[Any]] = []
        for item in self._items:
            for index, value in enumerate(self._row_of(item)):
                low, high = Measurement.get(console, unbounded, value)
                if index == len(widest):
                    widest.append([low, value, high, value])
                    continue
                kept = widest[index]
                if low > kept[0]:
                    kept[0], kept[1] = low, value
                if high > kept[2]:
                    kept[2], kept[3] = high, value
        probe = _copy_table(self._template)
        for row in ([kept[3] for kept in widest], [kept[1] for kept in widest]):
            probe.add_row(*row)
        fitted = next(
            iter(Fitted(probe, drop_first=self._drop_first).__rich_console__(console, options))
        )
        self._layout = fitted
        return fitted

    def _chunk(self, console: Console, options: ConsoleOptions, start: int) -> Table:
        probe = self._probe(console, options)
        kept = {column.header for column in probe.columns}
        chunk = _ProbedTable(
            title=self._template.title if start == 0 else None,
            show_header=start == 0,
            box=self._template.box,
            show_edge=self._template.show_edge,
            pad_edge=self._template.pad_edge,
            collapse_padding=self._template.collapse_padding,
            title_justify=self._template.title_justify,
        )
        chunk.probe = probe
        positions = [i for i, c in enumerate(self._template.columns) if c.header in kept]
        for column in probe.columns:
            copied = copy.copy(column)
            copied._cells = []
            chunk.columns.append(copied)
        for item in self._items[start : start + CHUNK_ROWS]:
            row = self._row_of(item)
            chunk.add_row(*(row[i] for i in positions))
        return chunk


class _Part:
    def __init__(self, table: ChunkedTable[Any], start: int) -> None:
        self._table = table
        self._start = start

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Table]:
        yield self._table._chunk(console, options, self._start)


def _copy_table(template: Table) -> Table:
    table = copy.copy(template)
    table.columns = []
    for column in template.columns:
        copied = copy.copy(column)
        copied._cells = []
        table.columns.append(copied)
    table.rows = []
    return table


def _fix_for(planned: PlannedFulfillment) -> str:
    if planned.error_code:
        return lookup(planned.error_code).hint
    if planned.status is Status.PLANNED:
        return "Not sent (the run stopped): run the same command again."
    return ""


def problems_table(problems: list[Problem]) -> RenderableType:
    """One line per problem; what it is and what to do are the numbered notes below."""
    table = new_table("Problems")
    notes = Notes()
    add_key_column(table, "Lines", justify="right")
    add_key_column(table, "Severity")
    add_key_column(table, "Order")
    add_text_column(table, "Problem")
    add_key_column(table, "Note")
    for problem in problems:
        entry = lookup(problem.code)
        hint = entry.hint
        text = problem.message if hint in problem.message else f"{problem.message} Fix: {hint}"
        table.add_row(
            lines_label(problem.lines),
            Text(problem.severity.value, style=_SEVERITY_STYLE[problem.severity]),
            problem.order or "",
            cell(entry.title),
            notes.ref(text),
        )
    return notes.under(table)


def summary_table(plan: Plan) -> Table:
    table = new_table("Summary")
    add_key_column(table, "Outcome")
    add_key_column(table, "Fulfillments", justify="right")
    for status, count in sorted(plan.counts().items()):
        table.add_row(Text(status, style=_STATUS_STYLE.get(Status(status), "")), str(count))
    return table


@dataclass(frozen=True)
class ReasonGroup:
    """Fulfillments not created for one reason: a long run ends with these, not a row each."""

    status: Status
    reason: str  # the catalogue's title, with the status when the title does not say it
    hint: str  # what to do, once for the group
    orders: tuple[str, ...]  # friendly ids, in the plan's order


# Most urgent first: uncertain ones need a look in the dashboard, planned ones only a re-run.
_REASON_ORDER = (Status.UNCERTAIN, Status.FAILED, Status.BLOCKED, Status.PLANNED)
_NOT_SENT_REASON = "Not sent: the run stopped first"


def group_by_reason(fulfillments: Iterable[PlannedFulfillment]) -> list[ReasonGroup]:
    """The fulfillments that were not created, one group per status and catalogue code."""
    grouped: dict[tuple[Status, str], list[PlannedFulfillment]] = {}
    for planned in fulfillments:
        if planned.status in _REASON_ORDER:
            grouped.setdefault((planned.status, planned.error_code or ""), []).append(planned)
    groups = [_reason_group(status, code, members) for (status, code), members in grouped.items()]
    groups.sort(key=lambda group: (_REASON_ORDER.index(group.status), -len(group.orders)))
    return groups


def _reason_group(status: Status, code: str, members: list[PlannedFulfillment]) -> ReasonGroup:
    orders = tuple(planned.order_label for planned in members)
    if not code:
        if status is Status.PLANNED:
            return ReasonGroup(status, _NOT_SENT_REASON, "Run the same command again.", orders)
        return ReasonGroup(status, status.value.capitalize(), "", orders)
    entry = lookup(code)
    said = status.value in entry.title.lower()
    reason = entry.title if said else f"{status.value}: {entry.title}"
    return ReasonGroup(status, reason, entry.hint, orders)


def first_few(labels: tuple[str, ...], shown: int = 3) -> str:
    """`D3XZFWPP, K7M2QX4N, +1 more`: the first orders of a group on one line."""
    if len(labels) <= shown:
        return ", ".join(labels)
    return ", ".join([*labels[: shown - 1], f"+{len(labels) - shown + 1} more"])


def reasons_table(groups: list[ReasonGroup]) -> RenderableType:
    """One line per reason: how many, the first few orders, and what to do as a note below."""
    table = new_table("Not created, by reason")
    notes = Notes()
    add_text_column(table, "Reason")
    add_key_column(table, "Count", justify="right")
    add_key_column(table, "First orders")
    add_key_column(table, "Fix")
    for group in groups:
        table.add_row(
            cell(group.reason, _STATUS_STYLE.get(group.status, "")),
            str(len(group.orders)),
            first_few(group.orders),
            notes.ref(group.hint),
        )
    return notes.under(table)


def order_table(order: Order, *, wide: bool = False) -> RenderableType:
    address = f"{order.customer_name} ({order.country})" if order.country else order.customer_name
    title = f"Order {order.friendly_id}" + (f"  {order.id}" if wide else "")
    table = new_table(title, caption=f"{order.status}  ·  {address or 'no shipping address'}")
    add_key_column(table, "SKU")
    add_text_column(table, "Name")
    add_key_column(table, "Ordered", justify="right")
    if wide:
        add_key_column(table, "Variant id")
    for offer in order.offers:
        variant = offer.variant
        row: list[str | Text] = [
            variant.sku,
            cell(variant.name or offer.name),
            str(variant.quantity),
        ]
        if wide:
            row.append(variant.id)
        table.add_row(*row)
    return Fitted(table)


def orders_table(orders: list[Order], *, wide: bool = False) -> RenderableType:
    table = new_table(counted(len(orders), "order"))
    add_key_column(table, "Friendly id")
    add_key_column(table, "Status")
    add_text_column(table, "Customer")
    add_key_column(table, "Country")
    add_key_column(table, "Items", justify="right")
    add_key_column(table, "Created")
    if wide:
        add_key_column(table, "Order id")
    for order in orders:
        created = (order.created_at or "")[:19].replace("T", " ")
        row: list[str | Text] = [
            order.friendly_id,
            order.status,
            cell(order.customer_name),
            order.country,
            str(sum(order.ordered_quantities().values())),
            created if wide else created[:10],
        ]
        if wide:
            row.append(order.id)
        table.add_row(*row)
    return Fitted(table)


def sandbox_tables(
    snapshot: dict[str, Any], *, wide: bool = False
) -> tuple[RenderableType, RenderableType]:
    """The sandbox's orders and fulfillments, from its `show` snapshot."""
    orders = new_table(f"Sandbox orders ({len(snapshot['orders'])})")
    add_key_column(orders, "Friendly id")
    add_key_column(orders, "Status")
    add_text_column(orders, "Items")
    if wide:
        add_key_column(orders, "Order id")
    friendly: dict[str, str] = {}
    skus: dict[str, str] = {}
    for order in snapshot["orders"]:
        friendly[order["id"]] = order["friendlyId"]
        skus.update({offer["variant"]["id"]: offer["variant"]["sku"] for offer in order["offers"]})
        items = Items(
            (offer["variant"]["sku"], offer["variant"]["quantity"]) for offer in order["offers"]
        )
        row: list[RenderableType] = [order["friendlyId"], order["status"], items]
        if wide:
            row.append(order["id"])
        orders.add_row(*row)
    fulfillments = new_table(f"Sandbox fulfillments ({len(snapshot['fulfillments'])})")
    add_key_column(fulfillments, "Fulfillment id")
    add_key_column(fulfillments, "Order")
    add_text_column(fulfillments, "Carrier")
    add_key_column(fulfillments, "Tracking number")
    add_text_column(fulfillments, "Items")
    for fulfillment in snapshot["fulfillments"]:
        items = Items(
            (skus.get(item["variantId"], item["variantId"]), item["quantity"])
            for item in fulfillment["items"]
        )
        fulfillments.add_row(
            fulfillment["id"],
            friendly.get(fulfillment["orderId"], fulfillment["orderId"]),
            cell(fulfillment["trackingCompany"]),
            fulfillment["trackingNumber"],
            items,
        )
    return Fitted(orders), Fitted(fulfillments, drop_first=("Carrier",))


def history_tables(
    entries: list[LedgerEntry], events: list[LedgerEvent], *, wide: bool = False
) -> list[RenderableType]:
    """One table per run (its id in the title, whole), then the steps of what was asked for."""
    runs: dict[str, list[LedgerEntry]] = {}
    for entry in entries:
        runs.setdefault(entry.run_id, []).append(entry)
    tables: list[RenderableType] = []
    for run_id, in_run in runs.items():
        title = f"Run {run_id}: {counted(len(in_run), 'fulfillment')}"
        tables.append(_history_table(title, in_run, wide=wide))
    if events:
        tables.append(_steps_table(events, wide=wide))
    return tables


def _steps_table(events: list[LedgerEvent], *, wide: bool) -> RenderableType:
    """Each step, oldest first; all on one day: the date in the title, each step its time."""
    days = {event.at[:10] for event in events}
    one_day = len(days) == 1 and not wide
    table = new_table(f"Steps on {next(iter(days))}" if one_day else "Steps")
    add_key_column(table, "At")
    add_key_column(table, "Tracking number")
    add_key_column(table, "State")
    add_key_column(table, "Fulfillment id / code")
    if wide:
        add_key_column(table, "Run")
    for event in events:
        at = event.at.replace("T", " ")[:19]
        row: list[str | Text] = [
            at[11:] if one_day else at,
            event.tracking_number,
            Text(event.state.value, style=_LEDGER_STYLE.get(event.state, "")),
            event.fulfillment_id or event.api_code or "",
        ]
        if wide:
            row.append(event.run_id)
        table.add_row(*row)
    return Fitted(table)


def _history_table(title: str, entries: list[LedgerEntry], *, wide: bool) -> RenderableType:
    table = new_table(title)
    notes = Notes()
    add_key_column(table, "Order")
    if wide:
        add_key_column(table, "Order id")
    add_key_column(table, "Tracking number")
    add_text_column(table, "Carrier")
    add_text_column(table, "Items")
    add_key_column(table, "State")
    add_key_column(table, "Fulfillment id")
    for entry in entries:
        items = Items(
            (entry.skus.get(variant) or variant, quantity)
            for variant, quantity in entry.items.items()
        )
        problem = f"{entry.api_code}: {entry.message}" if entry.message else entry.api_code or ""
        row: list[RenderableType] = [
            entry.friendly_id or entry.order_id,
            entry.tracking_number,
            cell(entry.tracking_company),
            items,
            Text(entry.state.value, style=_LEDGER_STYLE.get(entry.state, "")),
            entry.fulfillment_id or notes.ref(problem),
        ]
        if wide:
            row.insert(1, entry.order_id)
        table.add_row(*row)
    return notes.under(table, drop_first=("Carrier",))


_LEDGER_STYLE = {
    LedgerState.CREATED: "green",
    LedgerState.ALREADY_EXISTS: "cyan",
    LedgerState.FAILED: "red",
    LedgerState.UNCERTAIN: "yellow",
    LedgerState.IN_DOUBT: "yellow",
    LedgerState.SENDING: "yellow",
}
