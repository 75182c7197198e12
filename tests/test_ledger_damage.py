"""The ledger and the state directory under damage: every case one line naming the file and the fix,
a documented exit code, and a truthful record of what reached the shop.

Each test damages the state as a user (or a disk, or another program) could, then runs fwfulfill
against a sandbox over loopback HTTP.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fwfulfill.planning.plan import PlannedFulfillment, PlannedItem
from fwfulfill.sending.ledger import LEDGER_FILE, Ledger
from tests.conftest import Cli, RunningSandbox, write_csv

USPS = ["9400111899223817654503", "9400111899223817654510", "9400111899223817654527"]
HEADER = ["order", "tracking_number", "carrier", "sku", "quantity"]


def state_dir() -> Path:
    return Path(os.environ["FWFULFILL_STATE_DIR"])


def ledger_path() -> Path:
    return state_dir() / LEDGER_FILE


def labels(tmp_path: Path, *rows: list[str]) -> Path:
    return write_csv(tmp_path / "labels.csv", [HEADER, *rows])


def sent(shop: RunningSandbox) -> list[str]:
    return [f["trackingNumber"] for f in shop.fulfillments() if f["trackingNumber"] in USPS]


def send_one(cli: Cli, shop: RunningSandbox, tmp_path: Path, row: int = 1) -> Any:
    order = ["K7M2QX4N", "P9T4WB2R", "K7M2QX4N"][row]
    sku = ["HOODIE-GRY-L", "STICKER-PACK", "HOODIE-GRY-L"][row]
    file = labels(tmp_path, [order, USPS[row], "USPS", sku, "1"])
    return cli("from-csv", str(file), "--yes", "-o", "json", env=shop.env())


def assert_one_line_naming(result: Any, path: Path, *words: str) -> None:
    assert "internal error" not in result.stderr, result
    assert "Traceback" not in result.stderr, result
    lines = [line for line in result.stderr.splitlines() if str(path) in line]
    assert lines, result
    for word in words:
        assert word in lines[0], result


def a_real_ledger(cli: Cli, shop: RunningSandbox, tmp_path: Path) -> bytes:
    """A ledger written by a real run (one box sent), as bytes."""
    first = send_one(cli, shop, tmp_path, row=0)
    assert first.exit_code == 0, first
    return ledger_path().read_bytes()


# ---- damaged files: refused before anything is sent, exit 2 ----


def test_truncated_ledger_is_named_with_fix(cli: Cli, start_sandbox: Any, tmp_path: Path) -> None:
    shop = start_sandbox()
    data = a_real_ledger(cli, shop, tmp_path)
    ledger_path().write_bytes(data[: len(data) // 3])
    result = send_one(cli, shop, tmp_path, row=1)
    assert result.exit_code == 2, result
    assert_one_line_naming(result, ledger_path(), "damaged", "backup")
    assert result.json()["error"]["code"] == "ledger_damaged"
    assert sent(shop) == [USPS[0]]  # the second box was not sent


def test_ledger_truncated_to_nothing_is_not_taken_for_a_new_one(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    # An empty file would otherwise become an empty ledger: every box sent before, sent again.
    shop = start_sandbox()
    a_real_ledger(cli, shop, tmp_path)
    ledger_path().write_bytes(b"")
    again = send_one(cli, shop, tmp_path, row=0)
    assert again.exit_code == 2, again
    assert_one_line_naming(again, ledger_path(), "empty", "backup")
    assert sent(shop) == [USPS[0]]


def test_garbage_ledger_is_named_with_fix(cli: Cli, start_sandbox: Any, tmp_path: Path) -> None:
    shop = start_sandbox()
    state_dir().mkdir(parents=True)
    ledger_path().write_bytes(b"these are not the bytes of a database\n" * 200)
    result = send_one(cli, shop, tmp_path, row=1)
    assert result.exit_code == 2, result
    assert_one_line_naming(result, ledger_path(), "not a SQLite database")
    assert sent(shop) == []
    history = cli("history")
    assert history.exit_code == 2, history
    assert_one_line_naming(history, ledger_path(), "not a SQLite database")


def test_ledger_path_is_directory(cli: Cli, start_sandbox: Any, tmp_path: Path) -> None:
    shop = start_sandbox()
    ledger_path().mkdir(parents=True)
    result = send_one(cli, shop, tmp_path, row=1)
    assert result.exit_code == 2, result
    assert_one_line_naming(result, ledger_path(), "directory", "Move")
    assert sent(shop) == []


def test_ledger_is_another_sqlite_database(cli: Cli, start_sandbox: Any, tmp_path: Path) -> None:
    shop = start_sandbox()
    state_dir().mkdir(parents=True)
    with sqlite3.connect(ledger_path()) as other:
        other.execute("CREATE TABLE recipes (name TEXT, minutes INTEGER)")
        other.execute("INSERT INTO recipes VALUES ('soup', 40)")
    other.close()
    result = send_one(cli, shop, tmp_path, row=1)
    assert result.exit_code == 2, result
    assert_one_line_naming(result, ledger_path(), "another program")
    assert sent(shop) == []
    with sqlite3.connect(ledger_path()) as other:  # left as it was: no tables of ours added
        tables = {row[0] for row in other.execute("SELECT name FROM sqlite_master")}
    other.close()
    assert tables == {"recipes"}


def test_ledger_of_a_newer_fwfulfill_is_refused(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox()
    a_real_ledger(cli, shop, tmp_path)
    with sqlite3.connect(ledger_path()) as db:
        db.execute("PRAGMA user_version = 99")
    db.close()
    result = send_one(cli, shop, tmp_path, row=1)
    assert result.exit_code == 2, result
    assert_one_line_naming(result, ledger_path(), "newer fwfulfill")
    assert sent(shop) == [USPS[0]]


def test_a_ledger_from_before_the_schema_check_is_still_read(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    # Ledgers written before the application id existed carry none: they are adopted, not refused.
    shop = start_sandbox()
    a_real_ledger(cli, shop, tmp_path)
    with sqlite3.connect(ledger_path()) as db:
        db.execute("PRAGMA application_id = 0")
        db.execute("PRAGMA user_version = 0")
    db.close()
    again = send_one(cli, shop, tmp_path, row=0)
    assert again.exit_code == 0, again
    assert again.json()["fulfillments"][0]["status"] == "skipped"
    assert sent(shop) == [USPS[0]]


def test_ledger_timeout_that_is_not_a_number_is_refused(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox()
    for value in ("nan", "inf", "-1", "abc"):
        result = cli("history", env={"FWFULFILL_LEDGER_TIMEOUT": value})
        assert result.exit_code == 2, result
        assert "FWFULFILL_LEDGER_TIMEOUT" in result.stderr, result
    assert sent(shop) == []


# ---- another process holds the ledger ----

_HOLDER = textwrap.dedent(
    """
    import sqlite3, sys, time
    path, wait_for_sending, hold = sys.argv[1], sys.argv[2] == "1", float(sys.argv[3])
    db = sqlite3.connect(path, isolation_level=None, timeout=30)
    if wait_for_sending:  # take the lock while the POST is in flight
        query = "SELECT count(*) FROM fulfillments WHERE state = 'sending'"
        while db.execute(query).fetchone()[0] == 0:
            time.sleep(0.01)
    db.execute("BEGIN EXCLUSIVE")
    print("locked", flush=True)
    time.sleep(hold)
    db.execute("ROLLBACK")
    """
)


@pytest.fixture
def ledger_holder() -> Iterator[Any]:
    """`ledger_holder(wait_for_sending, hold_seconds)`: another process holding the ledger's
    write lock (EXCLUSIVE), like a `sqlite3` shell or a backup tool would."""
    started: list[subprocess.Popen[str]] = []

    def start(*, wait_for_sending: bool, hold: float) -> subprocess.Popen[str]:
        with Ledger(ledger_path()):
            pass  # the ledger exists, with its tables
        holder = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _HOLDER,
                str(ledger_path()),
                str(int(wait_for_sending)),
                str(hold),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        started.append(holder)
        return holder

    yield start
    for holder in started:
        holder.wait(timeout=30)


@pytest.mark.slow
def test_ledger_locked_at_start_is_named_with_fix(
    cli: Cli, start_sandbox: Any, tmp_path: Path, ledger_holder: Any
) -> None:
    shop = start_sandbox()
    holder = ledger_holder(wait_for_sending=False, hold=5)
    assert holder.stdout.readline().strip() == "locked"
    file = labels(tmp_path, ["K7M2QX4N", USPS[0], "USPS", "HOODIE-GRY-L", "1"])
    began = time.monotonic()
    result = cli(
        "from-csv", str(file), "--yes", env={**shop.env(), "FWFULFILL_LEDGER_TIMEOUT": "0.2"}
    )
    assert time.monotonic() - began < 4.5  # gave up after the short timeout, not the holder
    assert result.exit_code == 2, result
    assert_one_line_naming(result, ledger_path(), "another program", "run again")
    assert sent(shop) == []


@pytest.mark.slow
def test_ledger_locked_after_201_keeps_created(
    cli: Cli, start_sandbox: Any, tmp_path: Path, ledger_holder: Any
) -> None:
    # Each request takes 0.8 s, so the other process takes the lock while the POST is in flight;
    # it holds it for longer than fwfulfill's every retry.
    shop = start_sandbox(latency=(0.8, 0.8))
    holder = ledger_holder(wait_for_sending=True, hold=6)
    env = {**shop.env(), "FWFULFILL_LEDGER_TIMEOUT": "0.3"}
    result = cli(
        "create", "K7M2QX4N", "--item", "HOODIE-GRY-L:1", "--tracking", f"usps:{USPS[0]}",
        "-o", "json", env=env,
    )  # fmt: skip
    assert holder.stdout.readline().strip() == "locked"
    assert result.exit_code == 6, result  # not 1: documented, and says what to keep
    document = result.json()
    (fulfillment,) = document["fulfillments"]
    assert fulfillment["status"] == "created"
    created_id = fulfillment["fulfillmentId"]
    assert created_id.startswith("ful_")
    unrecorded = document["unrecorded"]
    assert [f["fulfillmentId"] for f in unrecorded["fulfillments"]] == [created_id]
    assert created_id in result.stderr  # the user has the id, whatever happens next
    assert_one_line_naming(result, ledger_path(), created_id)
    aside = Path(unrecorded["file"])
    assert aside.parent == state_dir() / "ledger-unrecorded"
    if os.name == "posix":
        assert aside.stat().st_mode & 0o777 == 0o600

    holder.wait(timeout=30)
    # The next run knows it was created: it is recorded, with its id, and never sent again.
    (entry,) = cli.json("history", "K7M2QX4N")["fulfillments"]
    assert (entry["state"], entry["fulfillmentId"]) == ("created", created_id)
    assert not aside.exists()
    again = cli(
        "create", "K7M2QX4N", "--item", "HOODIE-GRY-L:1", "--tracking", f"usps:{USPS[0]}",
        "-o", "json", env=shop.env(),
    )  # fmt: skip
    assert again.exit_code == 0, again
    assert again.json()["fulfillments"][0]["status"] == "skipped"
    assert sent(shop) == [USPS[0]]


@pytest.mark.slow
def test_ledger_locked_after_201_without_room_aside_prints_the_id(
    cli: Cli, start_sandbox: Any, tmp_path: Path, ledger_holder: Any
) -> None:
    # Neither the ledger nor the file beside it can be written: the id is printed, and the row
    # the ledger has (`sending`) makes the next run re-check the box rather than send it blindly.
    shop = start_sandbox(latency=(0.8, 0.8))
    holder = ledger_holder(wait_for_sending=True, hold=6)
    blocker = state_dir() / "ledger-unrecorded"
    blocker.write_text("a file where the directory for unrecorded outcomes would go")
    env = {**shop.env(), "FWFULFILL_LEDGER_TIMEOUT": "0.3"}
    file = labels(tmp_path, ["K7M2QX4N", USPS[0], "USPS", "HOODIE-GRY-L", "1"])
    result = cli("from-csv", str(file), "--yes", "-o", "json", env=env)
    holder.wait(timeout=30)
    assert result.exit_code == 6, result
    document = result.json()
    created_id = document["fulfillments"][0]["fulfillmentId"]
    assert document["run"]["unrecorded"]["file"] is None
    assert document["run"]["unrecorded"]["fulfillments"][0]["fulfillmentId"] == created_id
    assert_one_line_naming(result, ledger_path(), created_id, "keep")
    blocker.unlink()
    (entry,) = cli.json("history", "K7M2QX4N")["fulfillments"]
    assert entry["state"] == "sending"  # in doubt: re-checked by the next run, never sent blindly


@pytest.mark.slow
def test_ledger_locked_mid_batch_stops_and_the_next_run_finishes_it(
    cli: Cli, start_sandbox: Any, tmp_path: Path, ledger_holder: Any
) -> None:
    # One box at a time: the lock comes while the first is in flight. That one is kept aside, the
    # other two are not sent; the next run records the first and sends the others, each once.
    shop = start_sandbox(latency=(0.5, 0.5))
    holder = ledger_holder(wait_for_sending=True, hold=5)
    file = labels(
        tmp_path,
        ["K7M2QX4N", USPS[0], "USPS", "HOODIE-GRY-L", "1"],
        ["P9T4WB2R", USPS[1], "USPS", "STICKER-PACK", "3"],
        ["D3XZFWPP", USPS[2], "USPS", "TEE-BLK-M", "1"],
    )
    env = {**shop.env(), "FWFULFILL_LEDGER_TIMEOUT": "0.3"}
    first = cli("from-csv", str(file), "--yes", "--concurrency", "1", "-o", "json", env=env)
    holder.wait(timeout=30)
    assert first.exit_code == 6, first
    document = first.json()
    assert document["run"]["notSent"] == 2
    (kept,) = document["run"]["unrecorded"]["fulfillments"]
    assert kept["status"] == "created"
    assert sent(shop) == [kept["trackingNumber"]]

    second = cli("from-csv", str(file), "--yes", "-o", "json", env=shop.env())
    assert second.exit_code == 0, second
    statuses = {f["trackingNumber"]: f["status"] for f in second.json()["fulfillments"]}
    assert statuses.pop(kept["trackingNumber"]) == "skipped"
    assert set(statuses.values()) == {"created"}
    assert sorted(sent(shop)) == sorted(USPS)  # each box exactly once


# ---- a full disk ----


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB file system (tmpfs) for the state directory: Linux, as root only."""
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs Linux and root")
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], check=False
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> None:
    with (disk / "filler").open("wb") as filler:
        try:
            while True:
                filler.write(b"\0" * 65536)
                filler.flush()
        except OSError:
            pass


def test_full_disk_names_enospc(
    cli: Cli, start_sandbox: Any, tmp_path: Path, small_disk: Path
) -> None:
    shop = start_sandbox()
    state = small_disk / "state"
    with Ledger(state / LEDGER_FILE):
        pass
    fill(small_disk)
    file = labels(tmp_path, ["K7M2QX4N", USPS[0], "USPS", "HOODIE-GRY-L", "1"])
    result = cli(
        "from-csv",
        str(file),
        "--yes",
        "-o",
        "json",
        env={**shop.env(), "FWFULFILL_STATE_DIR": str(state)},
    )
    assert result.exit_code == 2, result
    assert_one_line_naming(result, state / LEDGER_FILE, "no space left", "Free")
    assert "cannot rollback" not in result.stderr
    assert sent(shop) == []


def test_full_disk_while_recording_names_enospc(tmp_path: Path) -> None:
    # SQLite's own "disk full" (SQLITE_FULL), reached through a page limit on any platform: the
    # error names the file and the disk, never "cannot rollback - no transaction is active".
    from fwfulfill.sending.ledger import LedgerError

    path = tmp_path / LEDGER_FILE
    with Ledger(path) as ledger:
        run_id = ledger.start_run("shop", "test")
        pages = ledger._db.execute("PRAGMA page_count").fetchone()[0]
        ledger._db.execute(f"PRAGMA max_page_count = {pages}")
        planned = PlannedFulfillment(
            "K7M2QX4N", USPS[0], "USPS", [PlannedItem("v" * 36, 1)], order_id="o" * 36
        )
        planned.friendly_id = "x" * 30000  # a row that needs new pages
        with pytest.raises(LedgerError) as caught:
            ledger.record("shop", run_id, planned, "sending")
    assert caught.value.code == "ledger_disk_full"
    assert str(path) in f"{caught.value.target} {caught.value.message}"
    assert "rollback" not in caught.value.message


# ---- the state directory and its locks ----


def test_locks_dir_is_a_file(cli: Cli, start_sandbox: Any, tmp_path: Path) -> None:
    shop = start_sandbox()
    state_dir().mkdir(parents=True)
    (state_dir() / "locks").write_text("not a directory")
    result = send_one(cli, shop, tmp_path, row=1)
    assert result.exit_code == 2, result
    assert_one_line_naming(result, state_dir() / "locks", "not a directory", "Move")
    assert sent(shop) == []


def test_state_dir_is_a_file(cli: Cli, start_sandbox: Any, tmp_path: Path) -> None:
    shop = start_sandbox()
    state_dir().parent.mkdir(parents=True)
    state_dir().write_text("not a directory")
    result = send_one(cli, shop, tmp_path, row=1)
    assert result.exit_code == 2, result
    assert_one_line_naming(result, state_dir(), "not a directory", "FWFULFILL_STATE_DIR")
    assert sent(shop) == []
    history = cli("history")
    assert history.exit_code == 2, history


def test_lock_file_is_a_directory(cli: Cli, start_sandbox: Any, tmp_path: Path) -> None:
    shop = start_sandbox()
    locks = state_dir() / "locks"
    locks.mkdir(parents=True)
    first = send_one(cli, shop, tmp_path, row=0)  # creates the shop's lock file
    assert first.exit_code == 0, first
    (lock,) = locks.iterdir()
    lock.unlink()
    lock.mkdir()
    result = send_one(cli, shop, tmp_path, row=1)
    assert result.exit_code == 2, result
    assert_one_line_naming(result, lock, "Move")
    assert sent(shop) == [USPS[0]]


def test_state_dir_unwritable(cli: Cli, start_sandbox: Any, tmp_path: Path) -> None:
    if os.name != "posix":
        pytest.skip("POSIX modes")
    shop = start_sandbox()
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    if os.geteuid() == 0:  # root writes anywhere: a read-only file system stops it
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(readonly)], check=False
        )
        if done.returncode != 0:
            pytest.skip("cannot mount a read-only tmpfs here")
    else:
        readonly.chmod(0o500)
    try:
        file = labels(tmp_path, ["K7M2QX4N", USPS[0], "USPS", "HOODIE-GRY-L", "1"])
        result = cli(
            "from-csv", str(file), "--yes", env={**shop.env(), "FWFULFILL_STATE_DIR": str(readonly)}
        )
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", "-l", str(readonly)], check=False)
        else:
            readonly.chmod(0o700)
    assert result.exit_code == 2, result
    assert_one_line_naming(result, readonly, "cannot be written", "FWFULFILL_STATE_DIR")
    assert sent(shop) == []
