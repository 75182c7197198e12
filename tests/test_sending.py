"""Sending a plan: outcomes, the ledger, the report, history, --fail-fast and interruption.

Each test states its shop and CSV beside its expectation, and runs `fwfulfill from-csv` against a
sandbox over loopback HTTP.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fwfulfill.sandbox.demo import demo_seed, large_shop_seed
from fwfulfill.sandbox.tracking_csv import write_tracking_csv
from fwfulfill.sending.ledger import Ledger
from tests.conftest import Cli, RunningSandbox, write_csv

USPS = ["9400111899223817654503", "9400111899223817654510", "9400111899223817654527"]
HEADER = ["order", "tracking_number", "carrier", "sku", "quantity"]


def labels(tmp_path: Path, *rows: list[str]) -> Path:
    return write_csv(tmp_path / "labels.csv", [HEADER, *rows])


def test_outcomes_and_json_shape_after_sending(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop: RunningSandbox = start_sandbox()
    file = labels(
        tmp_path,
        ["K7M2QX4N", USPS[0], "USPS", "HOODIE-GRY-L", "1"],
        ["P9T4WB2R", USPS[1], "USPS", "STICKER-PACK", "3"],
        ["V6T3RD9B", USPS[2], "USPS", "TEE-BLK-M", "1"],  # cancelled: blocked
    )
    result = cli("from-csv", str(file), "--yes", "-o", "json", env=shop.env())
    assert result.exit_code == 6, result  # something was not created
    document = result.json()
    by_order = {f["friendlyId"]: f for f in document["fulfillments"]}
    assert by_order["K7M2QX4N"]["status"] == "created"
    assert by_order["K7M2QX4N"]["fulfillmentId"].startswith("ful_")
    assert by_order["V6T3RD9B"]["status"] == "blocked"
    assert by_order["V6T3RD9B"]["error"]["code"] == "order_cancelled"
    assert document["summary"]["byStatus"] == {"blocked": 1, "created": 2}
    assert document["run"]["interrupted"] is False
    assert len([f for f in shop.fulfillments() if f["trackingNumber"] in USPS]) == 2


def test_every_send_is_in_the_ledger_and_in_history(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox()
    file = labels(tmp_path, ["K7M2QX4N", USPS[0], "USPS", "HOODIE-GRY-L", "1"])
    run = cli("from-csv", str(file), "--yes", "-o", "json", env=shop.env()).json()
    run_id = run["run"]["id"]
    history = cli.json("history", "K7M2QX4N")
    (entry,) = history["fulfillments"]
    assert entry["state"] == "created"
    assert entry["trackingNumber"] == USPS[0]
    assert entry["fulfillmentId"] == run["fulfillments"][0]["fulfillmentId"]
    assert [e["state"] for e in history["events"]] == ["sending", "created"]
    assert cli.json("history", "--run", run_id)["fulfillments"] == [entry]
    assert cli.json("history", "--run", "no-such-run")["fulfillments"] == []
    table = cli("history", "-o", "table")
    assert "K7M2QX4N" in table.stdout
    assert "created" in table.stdout


def test_a_lost_answer_is_recorded_in_doubt_then_rechecked_once(
    tmp_path: Path, start_sandbox: Any, cli: Cli
) -> None:
    # Every POST commits and then stalls past the client's timeout.
    shop = start_sandbox(commit_stall_rate=1.0, stall_seconds=0.5)
    file = labels(tmp_path, ["K7M2QX4N", USPS[0], "USPS", "HOODIE-GRY-L", "1"])
    env = {**shop.env(), "FWFULFILL_READ_TIMEOUT": "0.2"}
    result = cli("from-csv", str(file), "--yes", "-o", "json", env=env)
    assert result.exit_code == 0, result
    (fulfillment,) = result.json()["fulfillments"]
    assert fulfillment["status"] == "already_exists"  # the one re-send found it
    events = [e["state"] for e in cli.json("history", "K7M2QX4N")["events"]]
    assert events == ["sending", "in_doubt", "already_exists"]
    assert len([f for f in shop.fulfillments() if f["trackingNumber"] == USPS[0]]) == 1
    assert shop.stats()["requests"]["POST /open-api/v1.0/fulfillments"] == 2


def test_quantity_too_high_after_a_lost_answer_is_uncertain_never_a_failure(
    tmp_path: Path, start_sandbox: Any, cli: Cli
) -> None:
    # A shop that never answers ALREADY_EXISTS: the re-send can only say the items are gone.
    shop = start_sandbox(commit_stall_rate=1.0, stall_seconds=0.5, already_exists_on="never")
    file = labels(tmp_path, ["K7M2QX4N", USPS[0], "USPS", "HOODIE-GRY-L", "1"])
    env = {**shop.env(), "FWFULFILL_READ_TIMEOUT": "0.2"}
    result = cli("from-csv", str(file), "--yes", "-o", "json", env=env)
    assert result.exit_code == 6, result
    (fulfillment,) = result.json()["fulfillments"]
    assert fulfillment["status"] == "uncertain"
    assert fulfillment["error"]["code"] == "OUTCOME_UNCERTAIN"
    assert "0 left" in fulfillment["error"]["message"]
    assert len([f for f in shop.fulfillments() if f["trackingNumber"] == USPS[0]]) == 1

    # The next run does not send it again: it stays uncertain until someone has looked.
    calm = start_sandbox(shop.app.state.to_dict())
    again = cli("from-csv", str(file), "--yes", "-o", "json", env=calm.env())
    assert again.exit_code == 6, again
    (held,) = again.json()["fulfillments"]
    assert held["status"] == "uncertain"
    assert "--recheck-uncertain" in held["error"]["message"]
    assert calm.stats()["requests"].get("POST /open-api/v1.0/fulfillments", 0) == 0

    # Asked to, it re-checks once, against a shop that answers ALREADY_EXISTS: settled, no double.
    checked = cli(
        "from-csv", str(file), "--yes", "--recheck-uncertain", "-o", "json", env=calm.env()
    )
    assert checked.exit_code == 0, checked
    assert checked.json()["fulfillments"][0]["status"] == "already_exists"
    assert len([f for f in calm.fulfillments() if f["trackingNumber"] == USPS[0]]) == 1


def test_report_lists_every_line_beside_its_columns(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox()
    file = labels(
        tmp_path,
        ["K7M2QX4N", USPS[0], "USPS", "HOODIE-GRY-L", "1"],
        ["P9T4WB2R", USPS[1], "USPS", "NO-SUCH-SKU", "1"],
        ["R8W1FK5Y", USPS[2], "USPS", "CAP-NVY", "0"],
    )
    report = tmp_path / "report.csv"
    result = cli(
        "-o", "table", "from-csv", str(file), "--yes", "--report", str(report), env=shop.env()
    )
    assert result.exit_code == 6, result
    # Where to look is said once: the history command, then the report's own line.
    assert "Full list: fwfulfill history --run " in result.stderr
    assert result.stderr.count(str(report)) == 1, result.stderr
    with report.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["order"] for row in rows] == ["K7M2QX4N", "P9T4WB2R", "R8W1FK5Y"]
    assert rows[0]["fwfulfill outcome"] == "created"
    assert rows[0]["fwfulfill fulfillment id"].startswith("ful_")
    assert rows[1]["fwfulfill outcome"] == "blocked"
    assert rows[1]["fwfulfill error code"] == "variant_not_on_order"
    assert rows[2]["fwfulfill error code"] == "invalid_quantity"
    # Fixed lines fed back as they are: what was created is skipped, the rest sent.
    rows[1]["sku"], rows[2]["quantity"] = "STICKER-PACK", "1"
    fixed = tmp_path / "fixed.csv"
    with fixed.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    again = cli("from-csv", str(fixed), "--yes", "-o", "json", env=shop.env())
    assert again.exit_code == 0, again
    assert sorted(f["status"] for f in again.json()["fulfillments"]) == [
        "created",
        "created",
        "skipped",
    ]


def test_fail_fast_stops_at_the_first_failure(cli: Cli, start_sandbox: Any, tmp_path: Path) -> None:
    seed = demo_seed()
    # Another tool shipped the hoodie of K7M2QX4N: Fourthwall refuses, fwfulfill could not know.
    order = next(o for o in seed["orders"] if o["friendlyId"] == "K7M2QX4N")
    seed["fulfillments"].append(
        {
            "orderId": order["id"],
            "trackingNumber": "ELSEWHERE-1",
            "trackingCompany": "UPS",
            "items": [{"variantId": order["offers"][0]["variant"]["id"], "quantity": 1}],
        }
    )
    shop = start_sandbox(seed)
    rows = [["K7M2QX4N", USPS[0], "USPS", "HOODIE-GRY-L", "1"]]
    rows += [
        [o, f"GLS00000{i}", "GLS", "", ""]
        for i, o in enumerate(
            ["P9T4WB2R", "B5N8ZC1L", "H2V6RJ9D", "M4Q7LS3T", "R8W1FK5Y", "T6C3NH8G"]
        )
    ]
    file = labels(tmp_path, *rows)
    result = cli(
        "from-csv",
        str(file),
        "--yes",
        "--fail-fast",
        "--concurrency",
        "1",
        "-o",
        "json",
        env=shop.env(),
    )
    assert result.exit_code == 6, result
    document = result.json()
    statuses = {f["friendlyId"]: f["status"] for f in document["fulfillments"]}
    assert statuses["K7M2QX4N"] == "failed"
    assert "planned" in statuses.values()  # the rest was not sent
    assert "--fail-fast" in document["run"]["stoppedBecause"]
    failed = next(f for f in document["fulfillments"] if f["status"] == "failed")
    assert failed["error"]["code"] == "FULFILLMENT_VARIANT_QUANTITY_TO_HIGH"


@pytest.mark.slow
def test_ctrl_c_finishes_what_is_in_flight_and_says_how_to_resume(
    start_sandbox: Any, tmp_path: Path
) -> None:
    seed = large_shop_seed(200, seed=9)
    file = tmp_path / "labels.csv"
    write_tracking_csv(file, seed, orders=60)
    shop = start_sandbox(seed, latency=(0.05, 0.05))
    env = {
        **os.environ,
        **shop.env(),
        "FWFULFILL_STATE_DIR": str(tmp_path / "state"),
        "FWFULFILL_CONFIG_DIR": str(tmp_path / "c"),
    }
    command = [
        str(Path(sys.executable).parent / "fwfulfill"),
        "from-csv",
        str(file),
        "--yes",
        "--rate",
        "20/1",
        "-o",
        "json",
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    shop.wait_for_created(1, process=process)  # mid-send: 59 boxes still to go at 20 a second
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr.decode()
    document = json.loads(stdout)
    assert document["run"]["interrupted"] is True
    statuses = [f["status"] for f in document["fulfillments"]]
    assert "created" in statuses
    assert "planned" in statuses
    assert "To resume: fwfulfill from-csv" in stderr.decode()
    # Everything reported created is in the shop, and nothing is in doubt in the ledger.
    created = {f["trackingNumber"] for f in document["fulfillments"] if f["status"] == "created"}
    landed = {
        f["trackingNumber"] for f in shop.fulfillments() if f["trackingNumber"].startswith("GLS")
    }
    assert created == landed
    with Ledger(tmp_path / "state" / "ledger.sqlite3") as ledger:
        states = {entry.state for entry in ledger.find()}
    # Nothing left in doubt: what was sent is created, what was waiting for a slot is not_sent.
    assert states <= {"created", "not_sent"}
    assert "created" in states
    resumed = subprocess.run(command, env=env, capture_output=True, timeout=120, check=False)
    assert resumed.returncode == 0, resumed.stderr.decode()
    assert (
        len(
            {
                f["trackingNumber"]
                for f in shop.fulfillments()
                if f["trackingNumber"].startswith("GLS")
            }
        )
        == 60
    )


@pytest.mark.slow
def test_the_client_paces_itself_so_the_shop_never_answers_429(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    # The shop allows 20 requests per second; the run needs ~60 requests.
    seed = large_shop_seed(200, seed=4)
    file = tmp_path / "labels.csv"
    write_tracking_csv(file, seed, orders=50)
    shop = start_sandbox(seed, rate_limit=20, rate_window=1.0)
    result = cli("from-csv", str(file), "--yes", "--rate", "20/1", "-o", "json", env=shop.env())
    assert result.exit_code == 0, result
    stats = shop.stats()
    assert stats["rateLimited"] == 0
    assert stats["fulfillmentsCreated"] == 50
    posts = stats["requests"]["POST /open-api/v1.0/fulfillments"]
    assert posts == 50


@pytest.mark.slow
@pytest.mark.parametrize("retry_after", [True, False])
def test_a_shop_shared_with_other_apps_answers_429_and_the_run_waits(
    cli: Cli, start_sandbox: Any, tmp_path: Path, retry_after: bool
) -> None:
    # The client believes it may send 50/s, the shop allows 10/s: 429s come, the run still ends.
    seed = large_shop_seed(120, seed=6)
    file = tmp_path / "labels.csv"
    write_tracking_csv(file, seed, orders=20)
    shop = start_sandbox(seed, rate_limit=10, rate_window=1.0, send_retry_after=retry_after)
    result = cli("from-csv", str(file), "--yes", "--rate", "50/1", "-o", "json", env=shop.env())
    assert result.exit_code == 0, result
    assert shop.stats()["rateLimited"] > 0
    assert {f["status"] for f in result.json()["fulfillments"]} == {"created"}
    assert shop.stats()["fulfillmentsCreated"] == 20


@pytest.fixture
def at_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """stdin, stdout and stderr are a terminal (so a run asks before sending)."""
    from fwfulfill.cli import confirmation
    from fwfulfill.cli import streams as output

    monkeypatch.setattr(confirmation, "is_terminal", lambda stream: True)
    monkeypatch.setattr(output, "is_terminal", lambda stream: True)


@pytest.mark.usefixtures("at_a_terminal")
def test_a_terminal_run_asks_before_sending_and_no_sends_nothing(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox()
    file = labels(tmp_path, ["K7M2QX4N", USPS[0], "USPS", "HOODIE-GRY-L", "1"])
    result = cli("from-csv", str(file), input="n\n", env=shop.env())
    assert "Create 1 fulfillment in Sandbox Merch Co.?" in result.stderr
    assert "Nothing sent." in result.stderr
    assert result.exit_code == 0, result
    assert shop.stats()["requests"].get("POST /open-api/v1.0/fulfillments", 0) == 0


@pytest.mark.usefixtures("at_a_terminal")
def test_no_to_a_file_with_errors_exits_2_as_a_dry_run_would(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox()
    file = labels(
        tmp_path,
        ["K7M2QX4N", USPS[0], "USPS", "HOODIE-GRY-L", "1"],
        ["NOPE1234", USPS[1], "USPS", "MUG-11OZ", "1"],
    )
    result = cli("from-csv", str(file), input="n\n", env=shop.env())
    told = result.stderr
    # The errors first, then what will be sent, then the question.
    assert told.index("NOPE1234") < told.index("To create: 1 fulfillment, emailing 1 customer.")
    assert "blocked by errors: 1" in told
    assert told.index("K7M2QX4N") < told.index("Create 1 fulfillment in Sandbox Merch Co.?")
    assert "Nothing sent." in told
    assert result.exit_code == 2, result
    assert shop.stats()["requests"].get("POST /open-api/v1.0/fulfillments", 0) == 0


def test_a_report_never_overwrites_its_input(cli: Cli, start_sandbox: Any, tmp_path: Path) -> None:
    shop = start_sandbox()
    file = labels(tmp_path, ["K7M2QX4N", USPS[0], "USPS", "HOODIE-GRY-L", "1"])
    before = file.read_bytes()
    result = cli("from-csv", str(file), "--yes", "--report", str(file), env=shop.env())
    assert result.exit_code == 2, result
    assert "--report" in result.stderr
    assert file.read_bytes() == before
    assert shop.stats()["requests"].get("POST /open-api/v1.0/fulfillments", 0) == 0


@pytest.mark.slow
def test_two_runs_at_once_cannot_both_send(start_sandbox: Any, tmp_path: Path, cli: Cli) -> None:
    # A shop that never answers ALREADY_EXISTS: only the lock keeps a second run from doubling.
    seed = large_shop_seed(200, seed=2)
    file = tmp_path / "labels.csv"
    write_tracking_csv(file, seed, orders=30)
    shop = start_sandbox(seed, already_exists_on="never")
    state = str(Path(os.environ["FWFULFILL_STATE_DIR"]))
    env = {**os.environ, **shop.env(), "FWFULFILL_STATE_DIR": state}
    command = [
        str(Path(sys.executable).parent / "fwfulfill"),
        "from-csv",
        str(file),
        "--yes",
        "--rate",
        "5/1",
        "-o",
        "json",
    ]
    first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        # Sending, so it holds the lock, with ~6 s of boxes to go for the second run to collide.
        shop.wait_for_created(1, process=first)
        second = cli("from-csv", str(file), "--yes", "-o", "json", env=shop.env())
        assert second.exit_code == 2, second
        assert "another fwfulfill run" in second.stderr
    finally:
        first.wait(timeout=120)
    landed = [
        f["trackingNumber"] for f in shop.fulfillments() if f["trackingNumber"].startswith("GLS")
    ]
    assert len(landed) == len(set(landed)) == 30


@pytest.mark.usefixtures("at_a_terminal")
def test_ctrl_d_at_the_confirmation_sends_nothing(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox()
    file = labels(tmp_path, ["K7M2QX4N", USPS[0], "USPS", "HOODIE-GRY-L", "1"])
    result = cli("from-csv", str(file), input="", env=shop.env())  # end of input at the prompt
    assert result.exit_code == 130, result
    assert "internal error" not in result.stderr
    assert shop.stats()["requests"].get("POST /open-api/v1.0/fulfillments", 0) == 0
