"""A batch against a faulty shop, and a batch killed at random instants: nothing lost or doubled.

Both run `fwfulfill from-csv` against a sandbox over loopback HTTP. The shop's limit is raised (with
the client's --rate to match) so the tests take seconds; the faults are the issue's: 10 % 5xx, 5 %
POSTs that commit and then time out, 5 % connection resets, and bursts of 429s.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from fwfulfill.sandbox.demo import large_shop_seed
from fwfulfill.sandbox.tracking_csv import write_tracking_csv
from tests.conftest import Cli, RunningSandbox

FWFULFILL = Path(sys.executable).parent / "fwfulfill"
FAST = ("--rate", "2000/1", "--yes")


def boxes(shop: RunningSandbox) -> Counter[tuple[str, str]]:
    """(order, tracking number) of every fulfillment the run created (GLS numbers only)."""
    return Counter(
        (f["orderId"], f["trackingNumber"])
        for f in shop.fulfillments()
        if f["trackingNumber"].startswith("GLS")
    )


def contents(shop: RunningSandbox) -> set[tuple[str, str, tuple[tuple[str, int], ...]]]:
    return {
        (
            f["orderId"],
            f["trackingNumber"],
            tuple(sorted((i["variantId"], i["quantity"]) for i in f["items"])),
        )
        for f in shop.fulfillments()
    }


@pytest.mark.slow
def test_500_fulfillments_through_faults_end_accounted_for_and_never_doubled(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    seed = large_shop_seed(800, seed=3)
    csv_file = tmp_path / "labels.csv"
    expected = write_tracking_csv(csv_file, seed, orders=500, by_uuid_every=7)
    assert expected == 500
    shop = start_sandbox(
        seed,
        rate_limit=2000,
        rate_window=1.0,
        error_rate=0.10,
        commit_stall_rate=0.05,
        reset_rate=0.05,
        burst_rate=0.01,
        burst_length=5,
        stall_seconds=1.0,
        random_seed=11,
    )
    env = {**shop.env(), "FWFULFILL_READ_TIMEOUT": "0.3"}

    first = cli("from-csv", str(csv_file), *FAST, "-o", "json", env=env)
    assert first.exit_code in (0, 6), first
    outcomes = Counter(f["status"] for f in first.json()["fulfillments"])
    assert sum(outcomes.values()) == 500  # every fulfillment accounted for...
    assert set(outcomes) <= {"created", "already_exists", "uncertain", "failed"}, outcomes
    assert outcomes["created"] + outcomes["already_exists"] > 450
    stats = shop.stats()
    for fault in ("5xx", "stall", "reset", "burst"):
        assert stats["faults"][fault] > 0, fault
    landed = boxes(shop)
    assert max(landed.values()) == 1  # ...and none doubled

    # The re-run re-checks what is in doubt and sends what did not land, still through faults.
    second = cli("from-csv", str(csv_file), *FAST, "-o", "json", env=env)
    assert second.exit_code in (0, 6), second
    after = boxes(shop)
    assert max(after.values()) == 1
    assert set(landed) <= set(after)

    # What stayed uncertain is never resent unasked: the user looks, then asks for one re-check.
    # With the faults gone, that run leaves each fulfillment in the shop exactly once.
    calm = start_sandbox(shop.app.state.to_dict(), rate_limit=2000, rate_window=1.0)
    third = cli(
        "from-csv",
        str(csv_file),
        *FAST,
        "--recheck-uncertain",
        "-o",
        "json",
        env={**env, **calm.env()},
    )
    assert third.exit_code == 0, third
    final = boxes(calm)
    assert len(final) == 500
    assert max(final.values()) == 1
    statuses = Counter(f["status"] for f in third.json()["fulfillments"])
    assert statuses["created"] == 500 - len(after)  # only what had never landed


def _run(csv_file: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    # 25 requests a second: a run of 120 boxes lasts ~5 s, so kills land mid-send.
    return subprocess.Popen(
        [str(FWFULFILL), "from-csv", str(csv_file), "--rate", "25/1", "--yes", "-o", "json"],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.slow
@pytest.mark.parametrize("crash_seed", [1, 2, 3])
def test_kill_9_at_random_instants_then_rerun_gives_the_same_shop_as_no_crash(
    start_sandbox: Any, tmp_path: Path, crash_seed: int
) -> None:
    seed = large_shop_seed(300, seed=5)
    csv_file = tmp_path / "labels.csv"
    write_tracking_csv(csv_file, seed, orders=120)
    settings = {"rate_limit": 2000, "rate_window": 1.0, "latency": (0.01, 0.03)}

    reference = start_sandbox(seed, **settings)
    clean_env = {**reference.env(), "FWFULFILL_STATE_DIR": str(tmp_path / "clean-state")}
    assert _run(csv_file, clean_env).wait(timeout=120) == 0
    expected = contents(reference)

    shop = start_sandbox(seed, **settings)
    env = {**shop.env(), "FWFULFILL_STATE_DIR": str(tmp_path / "crash-state")}
    rng = random.Random(crash_seed)
    kills = 0
    for _ in range(3):
        created = shop.stats()["fulfillmentsCreated"]
        process = _run(csv_file, env)
        # Kill mid-send at a random instant: once this run has created something (start-up takes
        # seconds on a loaded machine), then up to 0.8 s more.
        shop.wait_for_created(created + 1, process=process)
        time.sleep(rng.uniform(0.0, 0.8))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait(timeout=60)
        assert max(boxes(shop).values(), default=0) <= 1  # no duplicate, even mid-way
    final = _run(csv_file, env)
    assert final.wait(timeout=120) == 0
    assert kills == 3
    assert contents(shop) == expected
    assert max(boxes(shop).values()) == 1
