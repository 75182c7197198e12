"""The ledger and the state directory under damage: every case one line naming the file and the fix,
a documented exit code, and a truthful record of what reached the shop.

Each test damages the state as a user (or a disk, or another program) could, then runs fwfulfill
against a sandbox over loopback HTTP.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fwfulfill.ledger import LEDGER_FILE
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


# ---- the state directory and its locks ----


def test_locks_dir_is_a_file(cli: Cli, start_sandbox: Any, tmp_path: Path) -> None:
    shop = start_sandbox()
    state_dir().mkdir(parents=True)
    (state_dir() / "locks").write_text("not a directory")
    result = send_one(cli, shop, tmp_path, row=1)
    assert result.exit_code == 2, result
    assert_one_line_naming(result, state_dir() / "locks", "not a directory", "Move")
    assert sent(shop) == []


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
