"""The use cases `import a CSV` and `send a plan`, called from Python as a script would: no Typer,
no terminal. The shop is the demo sandbox in process; the ledger a file of the test's own."""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fwfulfill.auth.credentials import Credentials
from fwfulfill.planning.plan import Status
from fwfulfill.sandbox import SandboxApp, SandboxSettings, SandboxState, parse_seed
from fwfulfill.sandbox.demo import demo_seed
from fwfulfill.sandbox.transport import IN_PROCESS_BASE_URL, InProcessTransport
from fwfulfill.usecases.import_csv import (
    ImportOptions,
    OrdersRead,
    import_csv,
    write_import_report,
)
from fwfulfill.usecases.send_plan import SendOptions, send_plan
from fwfulfill.usecases.shop import ShopConnection, ShopSettings, open_shop

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CLEAN = EXAMPLES / "fwfulfill-format.csv"  # 3 boxes of 3 open demo orders, no problem
DAMAGED = EXAMPLES / "excel-damaged.csv"  # cp1252, Excel-mangled numbers: errors and 1 good box
POST = "POST /open-api/v1.0/fulfillments"


def _boxes(plan: Any) -> list[tuple[tuple[int, ...], str, str, str]]:
    return [
        (planned.lines, planned.order_label, planned.tracking_number, planned.status.value)
        for planned in plan.fulfillments
    ]


@pytest.fixture
def sandbox() -> SandboxApp:
    state = SandboxState.from_seed(parse_seed(demo_seed(), source="test seed"))
    return SandboxApp(state, SandboxSettings())


@pytest.fixture
def shop(sandbox: SandboxApp, tmp_path: Path) -> Iterator[ShopConnection]:
    accepted = sandbox.state.credentials
    settings = ShopSettings(
        IN_PROCESS_BASE_URL,
        Credentials(accepted.username, accepted.password),
        transport=InProcessTransport(sandbox),
        requests=1000,
        window=1.0,
        ledger_path=tmp_path / "ledger.sqlite",
    )
    with open_shop(settings) as connection:
        yield connection


def _posts(sandbox: SandboxApp) -> int:
    return int(sandbox.stats.to_dict()["requests"].get(POST, 0))


# ---- import: read and plan ----


def test_offline_import_of_an_example_plans_its_boxes_from_the_file_alone() -> None:
    imported = import_csv(ImportOptions(source=str(CLEAN)), None)
    assert _boxes(imported.plan) == [
        ((2, 3), "D3XZFWPP", "9400111899223817654633", "planned"),
        ((4, 5), "E9G5KW1S", "9400111899223817654640", "planned"),
        ((6,), "H2V6RJ9D", "9400111899223817654657", "planned"),
    ]
    assert imported.plan.problems == []
    assert imported.plan.rows_read == 5
    assert {c["field"]: c["column"] for c in imported.plan.columns}["tracking"] == "tracking_number"
    assert imported.orders_read is None  # offline: no order read
    assert imported.exit_status == 0


def test_offline_import_of_a_damaged_file_says_its_problems_and_exit_status_2() -> None:
    imported = import_csv(ImportOptions(source=str(DAMAGED)), None)
    codes = [found.code for found in imported.plan.problems]
    assert codes[0] == "encoding_fallback"  # the first thing to know about the file
    assert {"excel_scientific_notation", "excel_precision_loss", "invalid_quantity"} <= set(codes)
    assert imported.reading.format.fell_back
    assert imported.reading.format.delimiter == ";"
    assert imported.plan.has_errors
    assert imported.exit_status == 2


def test_import_reads_a_stream_and_the_column_map_overrides_the_guess(tmp_path: Path) -> None:
    text = "ref,awb,carrier,sku,quantity,order\nD3XZFWPP,9400111899223817654633,USPS,MUG-11OZ,1,x\n"
    options = ImportOptions(source="labels", column_map={"order": "ref", "tracking": "awb"})
    stream = io.BytesIO(text.encode())
    imported = import_csv(options, None, stream=stream)
    assert _boxes(imported.plan) == [((2,), "D3XZFWPP", "9400111899223817654633", "planned")]
    assert {c["field"]: c["column"] for c in imported.plan.columns}["order"] == "ref"

    # The report reads the same stream again: every line with its outcome beside its columns.
    written = write_import_report(tmp_path / "report.csv", stream, options, imported)
    assert (written.lines, written.failure) == (1, None)
    with (tmp_path / "report.csv").open(encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["ref"], row["fwfulfill line"], row["fwfulfill outcome"]) == (
        "D3XZFWPP",
        "2",
        "planned",
    )


def test_online_dry_plan_resolves_every_order_and_sends_nothing(
    shop: ShopConnection, sandbox: SandboxApp
) -> None:
    imported = import_csv(ImportOptions(source=str(CLEAN)), shop)
    assert [box[1:] for box in _boxes(imported.plan)] == [
        ("D3XZFWPP", "9400111899223817654633", "planned"),
        ("E9G5KW1S", "9400111899223817654640", "planned"),
        ("H2V6RJ9D", "9400111899223817654657", "planned"),
    ]
    assert all(planned.order_id for planned in imported.plan.fulfillments)
    # The box with no SKU takes what is left of its order: three TEE-BLK-L.
    (whole,) = imported.plan.fulfillments[2].items
    assert (whole.sku, whole.quantity) == ("TEE-BLK-L", 3)
    assert imported.orders_read == OrdersRead(orders=3, requests=imported.orders_read.requests)
    assert imported.exit_status == 0
    assert _posts(sandbox) == 0


def test_the_collector_is_back_as_it_was_and_nothing_is_frozen() -> None:
    assert gc.isenabled()
    import_csv(ImportOptions(source=str(CLEAN)), None)
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # the plan is not pinned for the life of the process
    gc.disable()
    try:
        import_csv(ImportOptions(source=str(CLEAN)), None)
        assert not gc.isenabled()  # a caller's choice is left alone
    finally:
        gc.enable()


def test_what_a_caller_froze_stays_frozen() -> None:
    kept = [[index] for index in range(100)]
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen >= len(kept)
        import_csv(ImportOptions(source=str(CLEAN)), None)
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


# ---- send ----


def test_send_creates_every_box_and_a_rerun_skips_them(
    shop: ShopConnection, sandbox: SandboxApp
) -> None:
    done: list[str] = []
    with shop.exclusive():
        imported = import_csv(ImportOptions(source=str(CLEAN)), shop)
        sent = send_plan(
            imported.plan,
            shop,
            SendOptions(source="test"),
            on_done=lambda planned: done.append(planned.tracking_number),
        )
    assert sent.exit_status == 0
    assert sent.run_id is not None
    assert sent.run is not None
    assert not sent.run.not_sent
    assert not sent.run.interrupted
    assert {planned.status for planned in sent.sent} == {Status.CREATED}
    assert sent.counts == {"created": 3}
    assert sent.unrecorded_json() is None
    assert sorted(done) == sorted(planned.tracking_number for planned in sent.sent)
    assert _posts(sandbox) == 3
    recorded = shop.ledger.find(run_id=sent.run_id)
    assert {(entry.friendly_id, entry.state) for entry in recorded} == {
        ("D3XZFWPP", "created"),
        ("E9G5KW1S", "created"),
        ("H2V6RJ9D", "created"),
    }
    assert {entry.fulfillment_id for entry in recorded} == {p.fulfillment_id for p in sent.sent}

    # Again: the ledger says all were created; no order is read, nothing is sent, no run starts.
    with shop.exclusive():
        again = import_csv(ImportOptions(source=str(CLEAN)), shop)
        resent = send_plan(again.plan, shop, SendOptions(source="test"))
    assert {planned.status for planned in again.plan.fulfillments} == {Status.SKIPPED}
    assert [found.code for found in again.plan.problems] == ["already_fulfilled"]
    assert again.orders_read is None
    assert (resent.run_id, resent.exit_status, resent.sent) == (None, 0, [])
    assert _posts(sandbox) == 3


def test_a_plan_with_only_errors_gives_exit_status_2_and_sends_nothing(
    shop: ShopConnection, sandbox: SandboxApp, tmp_path: Path
) -> None:
    file = tmp_path / "bad.csv"
    file.write_text(
        "order,tracking_number,carrier,sku,quantity\n"
        "V6T3RD9B,9400111899223817654619,USPS,TEE-BLK-M,1\n"  # a cancelled order
        "D3XZFWPP,9400111899223817654633,USPS,NO-SUCH-SKU,1\n"  # not on the order
    )
    with shop.exclusive():
        imported = import_csv(ImportOptions(source=str(file)), shop)
        sent = send_plan(imported.plan, shop, SendOptions(source="test"))
    assert {planned.status for planned in imported.plan.fulfillments} == {Status.BLOCKED}
    assert {"order_cancelled", "variant_not_on_order"} <= {p.code for p in imported.plan.problems}
    assert imported.exit_status == 2
    assert (sent.run_id, sent.exit_status) == (None, 2)
    assert _posts(sandbox) == 0
    assert shop.ledger.find() == []


def test_errors_beside_a_good_box_send_the_good_box_and_give_exit_status_6(
    shop: ShopConnection, sandbox: SandboxApp
) -> None:
    with shop.exclusive():
        imported = import_csv(ImportOptions(source=str(DAMAGED)), shop)
        sent = send_plan(imported.plan, shop, SendOptions(source="test"))
    assert [(p.order_label, p.status) for p in sent.sent] == [("T6C3NH8G", Status.CREATED)]
    assert sent.exit_status == 6  # sent what could be, the rest needs fixing
    assert _posts(sandbox) == 1


def test_setting_the_cancel_event_stops_the_run_like_ctrl_c(
    shop: ShopConnection, sandbox: SandboxApp
) -> None:
    def stop_after_first(_: Any) -> None:
        shop.client.cancel.set()

    with shop.exclusive():
        imported = import_csv(ImportOptions(source=str(CLEAN)), shop)
        sent = send_plan(
            imported.plan,
            shop,
            SendOptions(source="test", concurrency=1),
            on_done=stop_after_first,
        )
    assert sent.run is not None
    assert sent.run.interrupted
    assert sent.exit_status == 130
    assert [p.status for p in sent.sent] == [Status.CREATED, Status.PLANNED, Status.PLANNED]
    assert len(sent.run.not_sent) == 2
    assert _posts(sandbox) == 1
    assert [entry.state for entry in shop.ledger.find(run_id=sent.run_id)] == ["created"]


def test_sending_needs_the_shops_lock_taken_before_planning(shop: ShopConnection) -> None:
    imported = import_csv(ImportOptions(source=str(CLEAN)), shop)
    with pytest.raises(RuntimeError, match="exclusive"):
        send_plan(imported.plan, shop, SendOptions(source="test"))
    assert {planned.status for planned in imported.plan.fulfillments} == {Status.PLANNED}


def test_a_second_run_cannot_take_the_lock_while_the_first_holds_it(
    shop: ShopConnection,
) -> None:
    from fwfulfill.errors import FwfulfillError

    with shop.exclusive():
        assert shop.holds_lock
        with pytest.raises(FwfulfillError) as refused, shop.exclusive():
            pass
    assert refused.value.code == "shop_busy"
    assert not shop.holds_lock
