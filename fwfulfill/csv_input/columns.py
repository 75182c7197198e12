"""Which CSV column holds which field: the alias table of CSV-NOTES.md, and `--map field=Column`.

Headers are compared after lower-casing and dropping everything but letters and digits, so
`Order - Number`, `order_number` and `Order Number` are one name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from fwfulfill.errors import InputError

# Field -> aliases, most specific first: when two columns match one field, the earlier alias wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "order": (
        "Order - Number",
        "Order Number",
        "Order #",
        "Order ID",
        "Order Name",
        "friendly_id",
        "order_number",
        "order_id",
        "Store Order ID",
        "External Order ID",
        "external_order_id",
        # German exports (DHL, DPD, shop and ERP sheets)
        "Bestellnummer",
        "Bestell-Nr.",
        "Auftragsnummer",
        "Order",
        "reference",
        "Name",
    ),
    "tracking": (
        "Tracking Number",
        "Shipment - Tracking Number",
        "Tracking #",
        "Tracking No",
        "tracking_number",
        "tracking_code",
        "Fulfillment: Tracking Number",
        "Tracking Numbers",
        "Tracking ID",
        "Tracking Code",
        "Waybill",
        "AWB",
        "Consignment Number",
        # German: carriers with no public format (DHL Paket, Hermes, GLS) leave content unsure
        "Sendungsnummer",
        "Sendungs-Nr.",
        "Trackingnummer",
        "Paketnummer",
        "Sendungsverfolgungsnummer",
    ),
    "carrier": (
        "Carrier",
        "Tracking Company",
        "Shipping Carrier",
        "Shipping Carrier Used",
        "Courier",
        "Shipper",
        "shipment_provider",
        "Fulfillment: Tracking Company",
        "Versanddienstleister",
        "Paketdienst",
    ),
    "service": (
        "Service",
        "Shipment - Service",
        "Carrier - Service Selected",
        "method",
        "servicelevel",
        "Versandart",
    ),
    "sku": ("SKU", "Item - SKU", "Lineitem sku", "product_sku", "Artikelnummer", "Artikel-Nr."),
    "variant": ("variant_id", "variantId"),
    "quantity": (
        # What went in the box first: item rows often also carry what was ordered.
        "Quantity Shipped",
        "Qty Shipped",
        "Shipped Quantity",
        "Shipped Qty",
        "Units Shipped",
        "Shipped Units",
        "Quantity",
        "Qty",
        "Item - Qty",
        "Lineitem quantity",
        "product_qty",
        "Item Quantity",
        "Units",
        "Menge",
        "Anzahl",
    ),
    # Rows to skip, not errors: labels that are not live (voided, refunded, failed, test mode).
    "status": ("Status", "Label Status", "Shipment Status", "Transaction Status"),
    "refund_status": ("refund_status",),
    "is_return": ("is_return",),
    "test": ("test", "is_test", "test_mode", "Test Label"),
    # A transaction export's row type: a label, its refund, or money (a deposit, a fee).
    "type": ("Type", "Transaction Type"),
}
FIELDS: tuple[str, ...] = tuple(ALIASES)
REQUIRED = ("order", "tracking")
BY_NAME = "by name"
BY_MAP = "by --map"

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize_header(name: str) -> str:
    return _NOT_ALNUM.sub("", name.lower())


@dataclass(frozen=True)
class ColumnMap:
    """Field -> index of the column holding it, and the header names, for the dry-run display."""

    indexes: dict[str, int]
    headers: tuple[str, ...]
    # Field -> why its column was chosen ("by name", "by content: ..."); absent: by name.
    reasons: dict[str, str] = dataclass_field(default_factory=dict)
    header_line: int = 1  # physical line of the header

    def column_name(self, field: str) -> str:
        return self.headers[self.indexes[field]]

    def described(self) -> list[dict[str, str]]:
        """Per field read: its column and why it was chosen (the plan's JSON `columns`)."""
        return [
            {
                "field": field,
                "column": self.column_name(field),
                "reason": self.reasons.get(field, BY_NAME),
            }
            for field in FIELDS
            if field in self.indexes
        ]


def parse_map_options(values: Sequence[str]) -> dict[str, str]:
    """`--map field=Column` options as {field: column}."""
    chosen: dict[str, str] = {}
    for value in values:
        field, separator, column = value.partition("=")
        field = field.strip().lower()
        if not separator or not column.strip():
            raise InputError("invalid_option", f"{value!r} is not FIELD=COLUMN.", target="--map")
        if field not in ALIASES:
            raise InputError(
                "invalid_option",
                f"unknown field {field!r}; use one of {', '.join(FIELDS)}.",
                target="--map",
            )
        chosen[field] = column.strip()
    return chosen


def map_columns(
    headers: Sequence[str],
    overrides: Mapping[str, str] | None = None,
    *,
    header_line: int = 1,
    require: bool = True,
) -> ColumnMap:
    """A column per field by name; InputError naming the headers seen when order or tracking is
    missing (`require`)."""
    normalized = [normalize_header(header) for header in headers]
    indexes: dict[str, int] = {}
    for field, column in (overrides or {}).items():
        indexes[field] = _override_index(field, column, headers, normalized)
    taken = set(indexes.values())
    for field, aliases in ALIASES.items():
        if field in indexes:
            continue
        for alias in aliases:
            wanted = normalize_header(alias)
            index = next(
                (i for i, name in enumerate(normalized) if name == wanted and i not in taken), None
            )
            if index is not None:
                indexes[field] = index
                taken.add(index)
                break
    chosen_by_number = {
        field for field, column in (overrides or {}).items() if _is_column_number(column, headers)
    }
    for field, index in indexes.items():
        if field not in chosen_by_number:
            _refuse_twin(
                field, index, headers, normalized, set(indexes.values()), header_line=header_line
            )
    if require:
        require_fields(indexes, headers, header_line)
    return ColumnMap(indexes, tuple(headers), header_line=header_line)


def require_fields(indexes: Mapping[str, int], headers: Sequence[str], header_line: int) -> None:
    """InputError naming the headers seen and the `--map` to add when order or tracking has no
    column."""
    missing = [field for field in REQUIRED if field not in indexes]
    if missing:
        seen = ", ".join(repr(header) for header in headers) or "none"
        raise InputError(
            "missing_columns",
            f"no {' or '.join(missing)} column found (headers seen: {seen}).",
            fields={"maps": " ".join(f"--map {field}=COLUMN" for field in missing)},
            target=f"header (line {header_line})",
        )


def _is_column_number(column: str, headers: Sequence[str]) -> bool:
    """Whether `--map FIELD=COLUMN` names the column by its number (no header is called that)."""
    named = column in headers or normalize_header(column) in map(normalize_header, headers)
    return not named and column.isdigit()


def _refuse_twin(
    field: str,
    index: int,
    headers: Sequence[str],
    normalized: Sequence[str],
    taken: set[int],
    *,
    header_line: int,
) -> None:
    """A field read from a column whose name another column also has is ambiguous: refuse it
    rather than silently read the first (a column fwfulfill does not read may repeat freely)."""
    name = normalized[index]
    twin = next((i for i, other in enumerate(normalized) if other == name and i not in taken), None)
    if twin is None or not name:
        return
    first, second = sorted((index, twin))
    raise InputError(
        "duplicate_column",
        f"columns {first + 1} ({headers[first][:40]!r}) and {second + 1} "
        f"({headers[second][:40]!r}) have the same name, so which one holds the {field} is "
        f"ambiguous; --map {field}={first + 1} or --map {field}={second + 1} chooses.",
        target=f"header (line {header_line})",
    )


def _override_index(
    field: str, column: str, headers: Sequence[str], normalized: Sequence[str]
) -> int:
    if column in headers:
        return list(headers).index(column)
    wanted = normalize_header(column)
    if wanted in normalized:
        return list(normalized).index(wanted)
    if column.isdigit() and 1 <= int(column) <= len(headers):
        return int(column) - 1  # a 1-based column number, for files without a header we know
    seen = ", ".join(repr(header) for header in headers)
    raise InputError(
        "invalid_option",
        f"{field}={column}: no such column (headers seen: {seen}).",
        target="--map",
    )
