"""`fwfulfill orders export`: open orders out to a label tool, and its tracking file back.

Each round trip runs against a sandbox shop over loopback HTTP: `orders export --format F` ->
a simulated label tool buys one label per order and writes its tracking export (the columns that
tool's export uses) -> `from-csv --yes` -> every exported item is fulfilled exactly once, and a
second export is empty.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fwfulfill.sandbox.demo import demo_seed
from tests.conftest import Cli, CliResult

API = "/open-api/v1.0"
Rows = list[dict[str, str]]


def read_rows(text: str) -> tuple[list[str], Rows]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    return header, [dict(zip(header, row, strict=True)) for row in reader]


def export(cli: Cli, shop: Any, *args: str) -> CliResult:
    return cli("orders", "export", *args, env=shop.env())


def exported(cli: Cli, shop: Any, *args: str) -> tuple[list[str], Rows]:
    result = export(cli, shop, *args)
    assert result.exit_code == 0, result
    return read_rows(result.stdout)


def write_rows(path: Path, header: list[str], rows: Rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


# ---- the simulated label tools: one label (tracking number) per order -------------------------


def _labels(rows: Rows, order_column: str) -> dict[str, str]:
    orders = dict.fromkeys(row[order_column] for row in rows)
    return {order: f"GLS{index:09d}" for index, order in enumerate(orders, start=1)}


def generic_tool(header: list[str], rows: Rows) -> tuple[list[str], Rows]:
    """A person fills tracking_number and carrier into fwfulfill's own file."""
    labels = _labels(rows, "order")
    return header, [
        {**row, "tracking_number": labels[row["order"]], "carrier": "GLS"} for row in rows
    ]


def pirateship_tool(header: list[str], rows: Rows) -> tuple[list[str], Rows]:
    """Pirate Ship's shipment export: a row per label; `Order ID`, `Carrier`, `Tracking Number`."""
    labels = _labels(rows, "Order ID")
    out = ["Created Date", "Recipient", "Order ID", "Carrier", "Service", "Tracking Number"]
    return out, [
        {
            "Created Date": "2026-11-30",
            "Recipient": row["Recipient"],
            "Order ID": row["Order ID"],
            "Carrier": "GLS",
            "Service": "Parcel",
            "Tracking Number": labels[row["Order ID"]],
        }
        for row in rows
    ]


def shipstation_tool(header: list[str], rows: Rows) -> tuple[list[str], Rows]:
    """ShipStation's shipment export: item rows with `Order - Number`, `Item - SKU`,
    `Item - Qty`, `Shipment - Service` and `Shipment - Tracking Number`."""
    labels = _labels(rows, "Order - Number")
    out = [
        "Order - Number",
        "Ship To - Name",
        "Item - SKU",
        "Item - Qty",
        "Shipment - Service",
        "Shipment - Tracking Number",
    ]
    return out, [
        {
            "Order - Number": row["Order - Number"],
            "Ship To - Name": row["Ship To - Name"],
            "Item - SKU": row["Item - SKU"],
            "Item - Qty": row["Item - Qty"],
            "Shipment - Service": "GLS Parcel",
            "Shipment - Tracking Number": labels[row["Order - Number"]],
        }
        for row in rows
    ]


def easypost_tool(header: list[str], rows: Rows) -> tuple[list[str], Rows]:
    """EasyPost's shipment report: `reference`, `tracking_code`, `carrier`."""
    labels = _labels(rows, "reference")
    out = ["created_at", "id", "tracking_code", "status", "reference", "carrier", "to_name"]
    return out, [
        {
            "created_at": "2026-11-30T10:00:00Z",
            "id": f"shp_{index}",
            "tracking_code": labels[row["reference"]],
            "status": "pre_transit",
            "reference": row["reference"],
            "carrier": "GLS",
            "to_name": row["to_address.name"],
        }
        for index, row in enumerate(rows)
    ]


LabelTool = Callable[[list[str], Rows], tuple[list[str], Rows]]
TOOLS: dict[str, tuple[LabelTool, str, bool]] = {
    # format: (the tool, its order column, one row per order)
    "generic": (generic_tool, "order", False),
    "pirateship": (pirateship_tool, "Order ID", True),
    "shipstation": (shipstation_tool, "Order - Number", False),
    "easypost": (easypost_tool, "reference", True),
}


def fulfilled(shop: Any, before: int) -> list[dict[str, Any]]:
    """The fulfillments created since the shop had `before` of them."""
    return list(shop.fulfillments()[before:])


def open_items(shop: Any) -> Counter[tuple[str, str]]:
    """(order id, variant id) -> units of the demo shop's exportable orders (nothing shipped)."""
    seed = demo_seed()
    shipped = {f["orderId"] for f in seed["fulfillments"]}
    wanted: Counter[tuple[str, str]] = Counter()
    for order in seed["orders"]:
        if order["status"] in ("CONFIRMED", "PARTIALLY_IN_PRODUCTION", "IN_PRODUCTION"):
            assert order["id"] not in shipped
            for offer in order["offers"]:
                wanted[(order["id"], offer["variant"]["id"])] += offer["variant"]["quantity"]
    return wanted


@pytest.mark.parametrize("fmt", list(TOOLS))
def test_round_trip_fulfils_every_exported_item_exactly_once(
    cli: Cli, start_sandbox: Any, tmp_path: Path, fmt: str
) -> None:
    shop = start_sandbox()
    tool, order_column, per_order = TOOLS[fmt]
    header, rows = exported(cli, shop, "--format", fmt)
    orders = {row[order_column] for row in rows}
    assert len(orders) == 17  # every open demo order with nothing shipped
    if per_order:
        assert len(rows) == len(orders)

    before = len(shop.fulfillments())
    tracking = write_rows(tmp_path / f"{fmt}-tracking.csv", *tool(header, rows))
    result = cli("from-csv", str(tracking), "--yes", "-o", "json", env=shop.env())
    assert result.exit_code == 0, result
    document = result.json()
    assert [p for p in document["problems"] if p["severity"] == "error"] == []

    created = fulfilled(shop, before)
    assert len(created) == len(orders)  # one label per order, none twice
    assert len({f["trackingNumber"] for f in created}) == len(orders)
    sent: Counter[tuple[str, str]] = Counter()
    for fulfillment in created:
        for item in fulfillment["items"]:
            sent[(fulfillment["orderId"], item["variantId"])] += item["quantity"]
    assert sent == open_items(shop)

    again_header, again = exported(cli, shop, "--format", fmt)
    assert again_header == header
    assert again == []


def test_each_preset_names_its_source_and_keeps_the_friendly_id_in_a_column_from_csv_maps() -> None:
    from fwfulfill.csv_input.columns import map_columns
    from fwfulfill.usecases.export_formats import FORMATS

    # The column each tool's tracking export adds (the generic file has its own).
    tracking = {
        "generic": "tracking_number",
        "pirateship": "Tracking Number",
        "shipstation": "Shipment - Tracking Number",
        "easypost": "tracking_code",
    }
    assert set(tracking) == set(FORMATS)
    for name, shape in FORMATS.items():
        assert shape.order_column in shape.header, name
        assert shape.source, name
        extra = [] if tracking[name] in shape.header else [tracking[name]]
        mapped = map_columns([*shape.header, *extra])
        assert mapped.column_name("order") == shape.order_column, name
        assert mapped.column_name("tracking") == tracking[name], name


def test_the_generic_export_is_the_template_format(cli: Cli, start_sandbox: Any) -> None:
    template_header, _ = read_rows(cli("template").stdout)
    header, _ = exported(cli, start_sandbox(), "--format", "generic")
    assert header == template_header


def test_the_export_reads_pages_only_each_order_once(cli: Cli, start_sandbox: Any) -> None:
    shop = start_sandbox()
    exported(cli, shop)
    requests = shop.stats()["requests"]
    assert requests == {f"GET {API}/shops/current": 1, f"GET {API}/order": 1}


def test_stdout_is_the_default_when_it_is_not_a_terminal(cli: Cli, start_sandbox: Any) -> None:
    result = export(cli, start_sandbox())
    assert result.exit_code == 0, result
    assert result.stdout.startswith("order,tracking_number,carrier,sku,quantity,")
    assert "Exported 17 orders (31 items to ship) to stdout as generic" in result.stderr
    assert "the addresses of 8 customers" in result.stderr


def test_one_order_one_customer_in_the_words(cli: Cli, start_sandbox: Any) -> None:
    result = export(cli, start_sandbox(), "--order", "K7M2QX4N")
    assert result.exit_code == 0, result
    assert "Exported 1 order (1 item to ship) to stdout" in result.stderr
    assert "the addresses of 1 customer." in result.stderr


def test_an_error_never_lands_in_the_csv_on_stdout(cli: Cli, start_sandbox: Any) -> None:
    """`orders export > open.csv` failing leaves the file empty and says why on stderr only."""
    shop = start_sandbox()
    for args in (("--order", "NOSUCH99"), ("--status", "lost")):
        result = export(cli, shop, *args)
        assert result.exit_code == 2, result
        assert result.stdout == "", result
        assert result.stderr.startswith("error:"), result


@pytest.mark.skipif(sys.platform == "win32", reason="pty is POSIX only")
def test_a_terminal_without_output_refuses_naming_output(start_sandbox: Any) -> None:
    from tests.test_terminal import _env, run_in_terminal

    shop = start_sandbox()
    screen = run_in_terminal(["orders", "export"], _env(shop), None)
    assert screen.exit_code == 2, screen.text
    assert "--output" in screen.text
    assert "Harbour Street" not in screen.text
    assert f"GET {API}/order" not in shop.stats()["requests"]


def test_output_file_is_written_whole_and_not_replaced_without_force(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox()
    target = tmp_path / "labels.csv"
    first = export(cli, shop, "--output", str(target))
    assert first.exit_code == 0, first
    assert first.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("order,tracking_number,")
    if sys.platform != "win32":
        assert target.stat().st_mode & 0o777 == 0o600  # names and addresses

    target.write_text("mine\n", encoding="utf-8")
    refused = export(cli, shop, "--output", str(target))
    assert refused.exit_code == 2, refused
    assert len(refused.stderr.strip().splitlines()) == 1
    assert "--force" in refused.stderr
    assert target.read_text(encoding="utf-8") == "mine\n"

    forced = export(cli, shop, "--output", str(target), "--force")
    assert forced.exit_code == 0, forced
    assert target.read_text(encoding="utf-8").startswith("order,")


def test_a_file_made_while_the_orders_were_read_is_not_replaced_without_force(
    tmp_path: Path,
) -> None:
    """The target is checked before the shop is read and again as the file is placed: a file
    another program wrote there meanwhile is refused (exit 2), never replaced."""
    from fwfulfill.errors import InputError
    from fwfulfill.usecases.export_formats import check_export_target, write_export

    target = tmp_path / "labels.csv"
    check_export_target(target, force=False)  # free when the export starts
    target.write_text("theirs\n", encoding="utf-8")  # written while the orders are read
    with pytest.raises(InputError) as refused:
        write_export("order,sku\n", target, excel=False)
    assert refused.value.code == "export_file_exists"
    assert str(target) in refused.value.message
    assert target.read_text(encoding="utf-8") == "theirs\n"
    assert [p.name for p in tmp_path.iterdir()] == ["labels.csv"]

    write_export("order,sku\n", target, excel=False, force=True)
    assert target.read_text(encoding="utf-8") == "order,sku\n"


def test_excel_writes_utf8_with_a_bom(cli: Cli, start_sandbox: Any, tmp_path: Path) -> None:
    shop = start_sandbox()
    plain, excel = tmp_path / "plain.csv", tmp_path / "excel.csv"
    assert export(cli, shop, "--output", str(plain)).exit_code == 0
    assert export(cli, shop, "--output", str(excel), "--excel").exit_code == 0
    assert excel.read_bytes() == b"\xef\xbb\xbf" + plain.read_bytes()
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")


FORMULAS = {
    "name": '=HYPERLINK("http://evil.example","x")',
    "address1": "+1 Main Street",
    "city": "-1",
    "state": "@x",
}


def _seed_with_formulas() -> dict[str, Any]:
    seed = demo_seed()
    order = next(o for o in seed["orders"] if o["friendlyId"] == "D3XZFWPP")
    order["shipping"] = {"address": {**order["shipping"]["address"], **FORMULAS}}
    return seed


@pytest.mark.parametrize("fmt", list(TOOLS))
def test_formula_cells_are_guarded_in_every_format(cli: Cli, start_sandbox: Any, fmt: str) -> None:
    shop = start_sandbox(_seed_with_formulas())
    result = export(cli, shop, "--format", fmt, "--order", "D3XZFWPP")
    assert result.exit_code == 0, result
    _, rows = read_rows(result.stdout)
    cells = {cell for row in rows for cell in row.values()}
    for value in FORMULAS.values():
        assert value not in cells
        assert "'" + value in cells
    assert not any(cell[:1] in "=+-@" for cell in cells if cell)


def test_a_guarded_export_still_feeds_back(cli: Cli, start_sandbox: Any, tmp_path: Path) -> None:
    shop = start_sandbox(_seed_with_formulas())
    header, rows = exported(cli, shop, "--order", "D3XZFWPP")
    before = len(shop.fulfillments())
    path = write_rows(tmp_path / "back.csv", *generic_tool(header, rows))
    result = cli("from-csv", str(path), "--yes", "-o", "json", env=shop.env())
    assert result.exit_code == 0, result
    assert len(fulfilled(shop, before)) == 1


def test_status_since_until_and_order_narrow_the_export(cli: Cli, start_sandbox: Any) -> None:
    shop = start_sandbox()
    _, confirmed = exported(cli, shop, "--status", "in-production", "--format", "easypost")
    assert sorted(row["reference"] for row in confirmed) == ["7MBC4NDS", "A7F2XT4Q", "Y3J9PM6V"]

    named = export(cli, shop, "--order", "#d3xzfwpp", "--order", "B5N8ZC1L", "--order", "G2R7BN9X")
    assert named.exit_code == 0, named
    assert (
        sorted(row["order"] for row in read_rows(named.stdout)[1])
        == ["B5N8ZC1L"] * 3 + ["D3XZFWPP"] * 2
    )
    assert "order G2R7BN9X is SHIPPED" in named.stderr

    _, everything = exported(cli, shop, "-f", "easypost")
    dates = sorted(row["order_date"] for row in exported(cli, shop)[1])
    middle = dates[len(dates) // 2]
    _, newer = exported(cli, shop, "--since", middle, "-f", "easypost")
    _, older = exported(cli, shop, "--until", middle, "-f", "easypost")
    assert 0 < len(newer) < len(everything)
    assert 0 < len(older) < len(everything)
    assert {r["reference"] for r in newer}.isdisjoint(r["reference"] for r in older)


def test_bad_narrowing_options_exit_2_naming_the_option(cli: Cli, start_sandbox: Any) -> None:
    shop = start_sandbox()
    for args, named in (
        (("--status", "lost"), "--status"),
        (("--since", "yesterday"), "--since"),
        (("--until", "soon"), "--until"),
        (("--order", "NOPE0000"), "--order"),
        (("--format", "fedex"), "--format"),
    ):
        result = export(cli, shop, *args)
        assert result.exit_code == 2, (args, result)
        assert named in result.stderr, (args, result)


def test_what_fwfulfill_sent_is_subtracted_and_a_partly_shipped_order_keeps_the_rest(
    cli: Cli, start_sandbox: Any
) -> None:
    shop = start_sandbox()
    sent = cli(
        "create", "D3XZFWPP", "--item", "TEE-BLK-M:1", "--tracking", "GLS:GLS000000777",
        env=shop.env(),
    )  # fmt: skip
    assert sent.exit_code == 0, sent
    # Now PARTIALLY_SHIPPED: exported only when asked, less what fwfulfill sent.
    _, rows = exported(cli, shop, "--order", "D3XZFWPP", "--status", "partially_shipped")
    assert [(row["sku"], row["quantity"]) for row in rows] == [("MUG-11OZ", "1")]


def test_partly_shipped_orders_of_another_tool_are_left_out_unless_asked(
    cli: Cli, start_sandbox: Any
) -> None:
    shop = start_sandbox()
    result = export(cli, shop)
    assert "2 partly shipped orders left out: what was shipped outside" in result.stderr
    _, rows = read_rows(result.stdout)
    assert not {"C4L8VR2M", "E9G5KW1S"} & {row["order"] for row in rows}
    _, asked = exported(cli, shop, "--status", "partially_shipped")
    assert {row["order"] for row in asked} == {"C4L8VR2M", "E9G5KW1S"}


def test_no_personal_data_in_what_the_export_says(cli: Cli, start_sandbox: Any) -> None:
    shop = start_sandbox()
    result = export(cli, shop, "-v")
    assert result.exit_code == 0
    for word in ("Harbour Street", "@example.com", "Mia Thompson"):
        assert word not in result.stderr


def test_named_orders_are_read_one_by_one_without_the_list(cli: Cli, start_sandbox: Any) -> None:
    shop = start_sandbox()
    exported(cli, shop, "--order", "D3XZFWPP", "--order", "d3xzfwpp", "--order", "B5N8ZC1L")
    requests = shop.stats()["requests"]
    assert f"GET {API}/order" not in requests
    assert requests[f"GET {API}/order/by-friendly-id/{{friendlyId}}"] == 2  # each order once


@pytest.mark.skipif(sys.platform == "win32", reason="pty is POSIX only")
def test_on_a_terminal_with_output_it_writes_the_file_and_says_so(
    start_sandbox: Any, tmp_path: Path
) -> None:
    from tests.test_terminal import _env, run_in_terminal

    target = tmp_path / "labels.csv"
    screen = run_in_terminal(
        ["orders", "export", "--output", str(target)], _env(start_sandbox()), None
    )
    assert screen.exit_code == 0, screen.text
    assert "Exported 17 orders (31 items to ship)" in screen.text
    assert "Harbour Street" not in screen.text
    assert target.read_text(encoding="utf-8").count("Harbour Street") == 31


def test_a_partly_shipped_order_fwfulfill_sent_part_of_is_not_exported_by_default(
    cli: Cli, start_sandbox: Any
) -> None:
    """Another tool may have shipped the rest: the API cannot say, so only `--status
    partially_shipped` exports it (what fwfulfill's ledger says is left), with a warning."""
    shop = start_sandbox()
    sent = cli(
        "create", "C4L8VR2M", "--item", "MUG-11OZ:1", "--tracking", "usps:9400111899223817654305",
        env=shop.env(),
    )  # fmt: skip
    assert sent.exit_code == 0, sent
    for args in ((), ("--order", "C4L8VR2M")):
        result = export(cli, shop, *args)
        assert result.exit_code == 0, result
        assert "C4L8VR2M" not in {row["order"] for row in read_rows(result.stdout)[1]}, args
        warnings = [line for line in result.stderr.splitlines() if "partly shipped" in line]
        assert len(warnings) == 1, result.stderr
        assert "C4L8VR2M" in warnings[0]
        assert "--status partially_shipped" in warnings[0]
    asked = export(cli, shop, "--status", "partially_shipped", "--order", "C4L8VR2M")
    assert asked.exit_code == 0, asked
    skus = [row["sku"] for row in read_rows(asked.stdout)[1]]
    assert "TEE-BLK-M" in skus
    assert "MUG-11OZ" not in skus
    assert "order C4L8VR2M is partly shipped" in asked.stderr


@pytest.mark.parametrize("status", ["cancelled", "shipped", "delivered", "completed"])
def test_a_status_that_takes_no_more_fulfillments_is_refused(
    cli: Cli, start_sandbox: Any, status: str
) -> None:
    shop = start_sandbox()
    result = export(cli, shop, "--status", status)
    assert result.exit_code == 2, result
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "--status" in lines[0]
    assert "PARTIALLY_SHIPPED" in lines[0]
    assert "CONFIRMED" in lines[0]
    assert f"GET {API}/order" not in shop.stats()["requests"]


def _seed_with_emoji_name(tmp_path: Path) -> Path:
    seed = demo_seed()
    order = next(o for o in seed["orders"] if o["friendlyId"] == "D3XZFWPP")
    order["shipping"]["address"]["name"] = "Zoë 🎉 Rivera"
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed), encoding="utf-8")
    return path


def _fwfulfill_process(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """fwfulfill as its own process with a cp1252 stdout (what a redirected stdout is on
    Windows), against the --sandbox shop seeded with an emoji in a name."""
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    reset = [sys.executable, "-m", "fwfulfill", "--sandbox", "sandbox", "reset"]
    seeded = subprocess.run(
        [*reset, "--seed", str(_seed_with_emoji_name(tmp_path))],
        capture_output=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert seeded.returncode == 0, seeded.stderr
    return subprocess.run(
        [sys.executable, "-m", "fwfulfill", "--sandbox", *args],
        capture_output=True, env=env, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("excel", [False, True])
def test_csv_to_a_non_utf8_stdout_is_utf8_bytes_not_a_crash(tmp_path: Path, excel: bool) -> None:
    args = ["orders", "export", "--order", "D3XZFWPP", "--output", "-"]
    done = _fwfulfill_process(tmp_path, *args, *(["--excel"] if excel else []))
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert done.stdout.startswith(b"\xef\xbb\xbforder," if excel else b"order,")
    assert "Zoë 🎉 Rivera".encode() in done.stdout
    assert done.stdout.count(b"\r\n") == done.stdout.count(b"\n") == 3  # header and two items
    assert b"\r\r\n" not in done.stdout


def test_o_csv_to_a_non_utf8_stdout_is_utf8_bytes_not_a_crash(tmp_path: Path) -> None:
    done = _fwfulfill_process(tmp_path, "orders", "list", "-o", "csv")
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert "Zoë 🎉 Rivera".encode() in done.stdout
    assert b"\r\r\n" not in done.stdout


@pytest.mark.parametrize("option", ["-o", "--output"])
def test_o_after_orders_export_names_the_file_as_output_does(
    cli: Cli, start_sandbox: Any, tmp_path: Path, option: str
) -> None:
    target = tmp_path / "x.csv"
    result = export(cli, start_sandbox(), option, str(target))
    assert result.exit_code == 0, result
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("order,")


@pytest.mark.parametrize(
    "args", [("-o", "csv"), ("--output", "json"), ("-oJSON",), ("--output=table",)]
)
def test_a_format_name_as_the_export_file_is_refused_not_written(
    cli: Cli, start_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    shop = start_sandbox()
    result = export(cli, shop, *args)
    assert result.exit_code == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "orders export always writes CSV" in lines[0]
    assert "--output open-orders.csv" in lines[0]
    assert list(tmp_path.iterdir()) == []
    assert f"GET {API}/order" not in shop.stats()["requests"]


def test_an_existing_export_file_is_refused_saying_force_once(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    target = tmp_path / "gen.csv"
    target.write_text("mine\n", encoding="utf-8")
    result = export(cli, start_sandbox(), "--output", str(target))
    assert result.exit_code == 2, result
    assert result.stderr.lower().count("add --force") == 1, result.stderr
    assert "already exists" in result.stderr


@pytest.mark.parametrize("kind", ["directory", "device"])
def test_a_directory_or_device_as_export_file_says_what_it_is_not_already_exists(
    cli: Cli, start_sandbox: Any, tmp_path: Path, kind: str
) -> None:
    if kind == "device" and sys.platform == "win32":
        pytest.skip("no /dev/null on Windows")
    target = str(tmp_path) if kind == "directory" else "/dev/null"
    shop = start_sandbox()
    result = export(cli, shop, "--output", target)
    assert result.exit_code == 2, result
    assert "already exists" not in result.stderr
    assert "--force" not in result.stderr
    assert ("is a directory" if kind == "directory" else "not a regular file") in result.stderr
    assert f"GET {API}/order" not in shop.stats()["requests"]


def test_a_date_only_until_takes_in_that_whole_day(cli: Cli, start_sandbox: Any) -> None:
    shop = start_sandbox()
    _, rows = exported(cli, shop)
    last = max(rows, key=lambda row: row["order_date"])
    day = last["order_date"][:10]
    assert last["order_date"] > day + "T00:00:00"  # made during that day, not at midnight
    _, until_day = exported(cli, shop, "--until", day)
    assert last["order"] in {row["order"] for row in until_day}
    _, named = exported(cli, shop, "--until", day, "--order", last["order"])
    assert [row["order"] for row in named] == [last["order"]] * len(named)
    assert named
    _, until_stamp = exported(cli, shop, "--until", day + "T00:00:00Z")  # a timestamp is exact
    assert last["order"] not in {row["order"] for row in until_stamp}


def test_one_partly_shipped_order_is_counted_in_the_singular(cli: Cli, start_sandbox: Any) -> None:
    result = export(cli, start_sandbox(), "--order", "C4L8VR2M")
    assert result.exit_code == 0, result
    assert "warning: 1 partly shipped order left out" in result.stderr
