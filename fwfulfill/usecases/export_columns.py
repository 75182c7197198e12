"""The columns of fwfulfill's own CSV format, apart from the export code: `fwfulfill template`
prints them at start-up speed (no pydantic, no httpx)."""

from __future__ import annotations

# fwfulfill's own format, one row per item: what `fwfulfill template` prints and `from-csv`
# reads. The label tool (or a person) fills tracking_number and carrier; the rest is read back by
# name (order, sku, quantity) or ignored. No column may share a name with another field's alias
# (`Name` and `Status` are aliases), hence recipient_name.
GENERIC_COLUMNS: tuple[str, ...] = (
    "order",
    "tracking_number",
    "carrier",
    "sku",
    "quantity",
    "item_name",
    "order_date",
    "recipient_name",
    "company",
    "address1",
    "address2",
    "city",
    "state",
    "postal_code",
    "country",
    "email",
    "phone",
    "unit_weight",
    "weight_unit",
)
