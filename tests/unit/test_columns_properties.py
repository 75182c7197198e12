"""Property (issue 14): the plan of a valid file does not depend on its column order, on its order,
tracking and carrier columns having names fwfulfill knows (content tells them), nor on decoy
columns added beside them (the tool's own ids, notes, weights)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fwfulfill.csv_input.columns import normalize_header
from fwfulfill.usecases.import_csv import ImportOptions, import_csv

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"
# Valid files of each shape (excel-damaged.csv is about damage, not columns).
VALID = (
    "shipstation.csv",
    "shopify.csv",
    "pirateship.csv",
    "easypost.csv",
    "3pl-multi-tracking.csv",
    "fwfulfill-format.csv",
)
# Columns content can tell, by field: renamed to names no alias table has.
RENAMABLE = {
    "order": ("order", "ordernumber", "ordername", "orderid", "reference", "orderminusnumber"),
    "tracking": ("trackingnumber", "trackingnumbers", "trackingcode", "shipmenttrackingnumber"),
    "carrier": ("carrier", "trackingcompany", "shippingcarrier"),
}
UNKNOWN_NAMES = ("Col A", "Ref 2", "Parcel", "Sent with", "Kennung", "X")
DECOYS: dict[str, tuple[str, ...]] = {
    "Order ID": ("104882311", "104882312", "104882313"),
    "Internal Ref": ("SS-1001", "SS-1002", "SS-1003"),
    "Notes": ("gift", "", "leave at door"),
    "Weight (oz)": ("6.5", "12", "3.25"),
    "Shipment ID": ("shp_0a1b2c", "shp_0a1b2d", "shp_0a1b2e"),
}


def read(name: str) -> list[list[str]]:
    text = (EXAMPLES / name).read_text(encoding="utf-8-sig")
    return [row for row in csv.reader(io.StringIO(text, newline="")) if row]


def plan_of(rows: list[list[str]]) -> dict[str, Any]:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    imported = import_csv(
        ImportOptions("x.csv"), None, stream=io.BytesIO(buffer.getvalue().encode())
    )
    document = imported.plan.to_json()
    document.pop("columns")
    return document


def renamable(header: list[str]) -> list[int]:
    known = {alias for aliases in RENAMABLE.values() for alias in aliases}
    return [i for i, name in enumerate(header) if normalize_header(name) in known]


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    name=st.sampled_from(VALID),
    data=st.data(),
)
def test_column_order_unknown_names_and_decoys_give_the_same_plan(name: str, data: Any) -> None:
    rows = read(name)
    expected = plan_of(rows)
    header, body = rows[0], rows[1:]
    taken = {normalize_header(h) for h in header}
    # Decoy columns, with names the file does not have yet.
    decoys = data.draw(st.lists(st.sampled_from(sorted(DECOYS)), unique=True, max_size=3))
    for decoy in decoys:
        if normalize_header(decoy) in taken:
            continue
        header = [*header, decoy]
        values = DECOYS[decoy]
        body = [[*row, values[i % len(values)]] for i, row in enumerate(body)]
    # Known names of the fields content can tell, renamed to unknown ones.
    for index in data.draw(st.lists(st.sampled_from(renamable(rows[0])), unique=True)):
        header[index] = data.draw(st.sampled_from(UNKNOWN_NAMES)) + f" {index}"
    # Any column order.
    order = data.draw(st.permutations(range(len(header))))
    shuffled = [[row[i] if i < len(row) else "" for i in order] for row in [header, *body]]
    assert plan_of(shuffled) == expected
