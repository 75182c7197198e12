"""The shapes `orders export` writes: fwfulfill's own columns and the label tools' presets, and
the file write itself (atomic, every cell through the CSV-injection guard).

Each preset names the public page its columns come from. Every preset keeps the order's friendly
id in a column that `from-csv` maps by name (csv_input/columns.py), and so does the tool's tracking
export, so the file the tool gives back imports with no `--map`.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fwfulfill.api.models import Order
from fwfulfill.atomic_file import check_writable, open_text_atomically, resolve_target
from fwfulfill.csv_cells import GuardedWriter
from fwfulfill.errors import InputError
from fwfulfill.planning.plan import items_text
from fwfulfill.usecases.export_columns import GENERIC_COLUMNS
from fwfulfill.usecases.export_orders import ExportItem, ExportOrder

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Ounces per unit, for tools that take one parcel weight in ounces.
_OUNCES = {
    "oz": 1.0,
    "ounce": 1.0,
    "ounces": 1.0,
    "lb": 16.0,
    "lbs": 16.0,
    "pound": 16.0,
    "pounds": 16.0,
    "g": 1 / 28.349523125,
    "gram": 1 / 28.349523125,
    "grams": 1 / 28.349523125,
    "kg": 1000 / 28.349523125,
    "kilogram": 1000 / 28.349523125,
    "kilograms": 1000 / 28.349523125,
}


@dataclass(frozen=True)
class ExportFormat:
    name: str
    per_order: bool  # one row per order (one label each), else one row per item
    header: tuple[str, ...]
    row: Callable[[ExportOrder, ExportItem | None], list[str]]
    source: str  # where the column names come from
    order_column: str  # the column holding the friendly id, in this file and in the tool's export


def _address(order: Order) -> dict[str, str]:
    """The shipping address's cells, each on one line: label importers refuse a multi-line cell."""
    address = order.shipping.address if order.shipping else None
    if address is None:
        return {}
    cells = {
        "name": address.name,
        "address1": address.address1,
        "address2": address.address2,
        "city": address.city,
        "state": address.state,
        "zip": address.zip,
        "country": (address.country or "").upper(),
        "phone": address.phone,
    }
    return {key: _one_line(value or "") for key, value in cells.items()}


def _one_line(text: str) -> str:
    """`1 Road\nBuilding B` -> `1 Road, Building B`."""
    if "\n" not in text and "\r" not in text:
        return text
    return ", ".join(part.strip() for part in _LINE_BREAK.split(text) if part.strip())


def _recipient(to: dict[str, str]) -> list[str]:
    """Name, company (Fourthwall has none), address lines, city, state, zip, country: the order
    every preset's address columns follow."""
    keys = ("name", "company", "address1", "address2", "city", "state", "zip", "country")
    return [to.get(key, "") for key in keys]


def number_text(value: float) -> str:
    """A number as a spreadsheet reads it back: no exponent, no trailing zeros."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _ounces(item: ExportItem) -> float | None:
    """One unit of the item in ounces, or None when its weight or unit is unknown."""
    factor = _OUNCES.get(item.weight_unit.strip().lower())
    if item.unit_weight is None or factor is None:
        return None
    return item.unit_weight * factor


def parcel_ounces(found: ExportOrder) -> str:
    """The order's items' weight in ounces, or "" when any item's weight or unit is unknown."""
    total = 0.0
    for item in found.items:
        ounces = _ounces(item)
        if ounces is None:
            return ""
        total += ounces * item.quantity
    return number_text(round(total, 2))


def item_ounces(item: ExportItem) -> str:
    """One unit of the item in ounces, or "" when unknown (a tool maps one unit per column)."""
    ounces = _ounces(item)
    return "" if ounces is None else number_text(round(ounces, 2))


def items_summary(found: ExportOrder) -> str:
    """`TEE-BLK-M x2, MUG-11OZ x1`: what goes in the box, for a packing note or rubber stamp."""
    return items_text((item.sku or item.name, item.quantity) for item in found.items)


def _generic(found: ExportOrder, item: ExportItem | None) -> list[str]:
    assert item is not None
    order, to = found.order, _address(found.order)
    weight = number_text(item.unit_weight) if item.unit_weight is not None else ""
    return [
        order.friendly_id,
        "",
        "",
        item.sku,
        str(item.quantity),
        item.name,
        order.created_at or "",
        *_recipient(to),
        order.email or "",
        to.get("phone", ""),
        weight,
        item.weight_unit,
    ]


def _pirateship(found: ExportOrder, item: ExportItem | None) -> list[str]:
    order, to = found.order, _address(found.order)
    return [
        order.friendly_id,
        order.created_at or "",
        *_recipient(to),
        order.email or "",
        to.get("phone", ""),
        parcel_ounces(found),
        items_summary(found),
    ]


def _shipstation(found: ExportOrder, item: ExportItem | None) -> list[str]:
    assert item is not None
    order, to = found.order, _address(found.order)
    return [
        order.friendly_id,
        order.created_at or "",
        *_recipient(to),
        to.get("phone", ""),
        order.email or "",
        item.sku,
        item.name,
        str(item.quantity),
        item_ounces(item),
    ]


def _easypost(found: ExportOrder, item: ExportItem | None) -> list[str]:
    order, to = found.order, _address(found.order)
    return [
        order.friendly_id,
        *_recipient(to),
        to.get("phone", ""),
        order.email or "",
        parcel_ounces(found),
    ]


FORMATS: dict[str, ExportFormat] = {
    "generic": ExportFormat(
        "generic",
        per_order=False,
        header=GENERIC_COLUMNS,
        row=_generic,
        source="fwfulfill's own format (`fwfulfill template`)",
        order_column="order",
    ),
    # Pirate Ship: "When uploading a spreadsheet to create labels, you can map columns of your
    # spreadsheet data" (https://support.pirateship.com/en/articles/1804193-what-are-rubber-stamps-
    # and-how-do-i-use-them); one row is one label. Pirate Ship publishes no fixed header list, so
    # the columns are named as in its own shipment export (`Recipient`, `Address Line 1`,
    # `Zipcode`, `Order ID`, `Weight (oz)`), where a label's `Order ID` and `Tracking Number` come
    # back. `Order Items` is for a Rubber Stamp.
    "pirateship": ExportFormat(
        "pirateship",
        per_order=True,
        header=(
            "Order ID",
            "Order Date",
            "Recipient",
            "Company",
            "Address Line 1",
            "Address Line 2",
            "City",
            "State",
            "Zipcode",
            "Country",
            "Email",
            "Phone",
            "Weight (oz)",
            "Order Items",
        ),
        row=_pirateship,
        source="https://support.pirateship.com/en/articles/1804193-what-are-rubber-stamps-and-how-do-i-use-them",
        order_column="Order ID",
    ),
    # ShipStation: "Your CSV headings do not need to match ShipStation's. You will map them ...
    # ShipStation will combine rows using the same order number into a single order"
    # (https://help.shipstation.com/hc/en-us/articles/360036323571), so one row per item. The
    # headings are ShipStation's own `Group - Field` names of its order and shipment exports, whose
    # `Order - Number` and `Shipment - Tracking Number` come back in the tracking export. Its import
    # maps one weight unit for the whole column, so every row's weight is in ounces.
    "shipstation": ExportFormat(
        "shipstation",
        per_order=False,
        header=(
            "Order - Number",
            "Order - Date",
            "Ship To - Name",
            "Ship To - Company",
            "Ship To - Address 1",
            "Ship To - Address 2",
            "Ship To - City",
            "Ship To - State",
            "Ship To - Postal Code",
            "Ship To - Country",
            "Ship To - Phone",
            "Customer - Email",
            "Item - SKU",
            "Item - Name",
            "Item - Qty",
            "Item - Unit Weight (oz)",
        ),
        row=_shipstation,
        source="https://help.shipstation.com/hc/en-us/articles/360036323571",
        order_column="Order - Number",
    ),
    # EasyPost publishes no spreadsheet import format that we could find. This preset is one
    # shipment per row with EasyPost's API field names: Shipment `reference`, Address `name`,
    # `company`, `street1`, `street2`, `city`, `state`, `zip`, `country` (ISO), `phone`, `email`
    # (https://docs.easypost.com/docs/addresses), Parcel `weight` in ounces
    # (https://docs.easypost.com/docs/parcels), for a script or integration that buys the labels;
    # its shipment report gives `reference` and `tracking_code` back.
    "easypost": ExportFormat(
        "easypost",
        per_order=True,
        header=(
            "reference",
            "to_address.name",
            "to_address.company",
            "to_address.street1",
            "to_address.street2",
            "to_address.city",
            "to_address.state",
            "to_address.zip",
            "to_address.country",
            "to_address.phone",
            "to_address.email",
            "parcel.weight",
        ),
        row=_easypost,
        source="https://docs.easypost.com/docs/addresses",
        order_column="reference",
    ),
}
FORMAT_NAMES: tuple[str, ...] = tuple(FORMATS)


def export_format(name: str) -> ExportFormat:
    found = FORMATS.get(name.strip().lower())
    if found is None:
        raise InputError(
            "invalid_option",
            f"unknown format {name!r}; use one of {', '.join(FORMAT_NAMES)}.",
            target="--format",
        )
    return found


def export_rows(shape: ExportFormat, orders: Iterable[ExportOrder]) -> list[list[str]]:
    """The file's rows, the header first."""
    rows: list[list[str]] = [list(shape.header)]
    for found in orders:
        if shape.per_order:
            rows.append(shape.row(found, None))
        else:
            rows.extend(shape.row(found, item) for item in found.items)
    return rows


def csv_text(rows: Sequence[Sequence[str]]) -> str:
    """The rows as CSV text (CRLF, as RFC 4180 and Excel), every cell guarded."""
    buffer = io.StringIO()
    GuardedWriter(buffer).writerows(rows)
    return buffer.getvalue()


def check_export_target(path: Path, *, force: bool) -> None:
    """Refuse, before anything is read from the shop, a file that could not be written (a
    directory, a device: --force would not help, so that is said first) or that exists (unless
    `force`)."""
    resolve_target(path)
    if not force and os.path.lexists(path):
        # The catalogue's hint says what to do: --force or another file.
        raise InputError("export_file_exists", f"{path} already exists.", target="--output")
    check_writable(path)


def write_export(text: str, path: Path, *, excel: bool, force: bool = False) -> None:
    """Write `text` to `path` whole (UTF-8, with a BOM for Excel); 0600 when new: it holds
    customers' names and addresses. Without `force` a file that appeared at `path` since
    `check_export_target` (while the orders were read) is refused, never replaced."""
    encoding = "utf-8-sig" if excel else "utf-8"
    try:
        with open_text_atomically(path, encoding=encoding, newline="", replace=force) as out:
            out.write(text)
    except FileExistsError:
        raise InputError(
            "export_file_exists",
            f"{path} appeared while the orders were read; nothing was written to it.",
            target="--output",
        ) from None
