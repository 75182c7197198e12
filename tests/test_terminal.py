"""`from-csv` as a person sees it in a real terminal (a pty at 80 columns), and as cron sees it.

Nothing reaches customers without a person's yes or `--yes`: the question comes with a preview, `n`
sends nothing, `y` sends with a progress bar, and a run nobody can answer refuses (exit 2). A run
stopped by Ctrl-C or partly failed ends with a screenful grouped by reason.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from fwfulfill.cli.progress import clock_label, eta_seconds
from fwfulfill.sandbox.demo import large_shop_seed
from fwfulfill.sandbox.tracking_csv import write_tracking_csv

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pty is POSIX only")

FWFULFILL = str(Path(sys.executable).parent / "fwfulfill")
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "shipstation.csv"
POSTS = "POST /open-api/v1.0/fulfillments"
PROMPT = "[y/N]:"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


@dataclass
class Screen:
    text: str  # everything the terminal received, escape sequences removed
    exit_code: int


def posted(shop: Any) -> int:
    """Fulfillments the shop was asked to create (its demo data has some of its own)."""
    return int(shop.stats()["requests"].get(POSTS, 0))


def _env(shop: Any) -> dict[str, str]:
    env = {**os.environ, **shop.env(), "COLUMNS": "80", "LINES": "40", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    return env


def run_in_terminal(
    args: list[str],
    env: dict[str, str],
    answer: str | None,
    *,
    program: str = FWFULFILL,
    interrupt_when: Callable[[], bool] | None = None,
) -> Screen:
    """Run `program` with stdin, stdout and stderr on a pty of 80x40; type `answer` at the
    prompt, and Ctrl-C once `interrupt_when()` is true."""
    import fcntl
    import pty
    import struct
    import termios

    pid, master = pty.fork()
    if pid == 0:  # the child: a terminal 80 columns wide, then fwfulfill
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 80, 0, 0))
        os.execve(program, [program, *args], env)
    received = b""
    answered = False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not answered and answer is not None and PROMPT.encode() in received:
            os.write(master, answer.encode() + b"\r")
            answered = True
        if interrupt_when is not None and interrupt_when():
            os.write(master, b"\x03")  # Ctrl-C, as typed: the terminal sends SIGINT
            interrupt_when = None
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        received += chunk
    else:
        os.kill(pid, 9)
        pytest.fail("fwfulfill did not finish within 60 s:\n" + received.decode(errors="replace"))
    os.close(master)
    _, status = os.waitpid(pid, 0)
    return Screen(
        ANSI.sub("", received.decode(errors="replace")), os.waitstatus_to_exitcode(status)
    )


def test_the_question_shows_what_will_reach_customers_and_no_sends_nothing(
    start_sandbox: Any,
) -> None:
    shop = start_sandbox()
    screen = run_in_terminal(["from-csv", str(EXAMPLE)], _env(shop), answer="n")
    assert screen.exit_code == 0, screen.text
    before_question = screen.text.split(PROMPT)[0]
    assert "Shop: Sandbox Merch Co. (shop.sandbox-merch.example)" in before_question
    assert "To create: 8 fulfillments, emailing 5 customers." in before_question
    assert "Skipped as already done: 0, blocked by errors: 0, warnings: 0." in before_question
    assert "First 5 of 8:" in before_question
    # One line per fulfillment at 80 columns, nothing identifying cut.
    sample = re.search(
        r"B5N8ZC1L +Jonas Weber +TEE-WHT-S x2, POSTER-A2 x1 +UPS +1Z999AA10123456202",
        before_question,
    )
    assert sample, before_question
    assert "Sending 8" not in before_question  # the question comes before any "sending"
    assert "Create 8 fulfillments in Sandbox Merch Co.?" in before_question
    assert all(len(line) <= 80 for line in before_question.splitlines()), before_question
    assert "Nothing sent." in screen.text
    assert posted(shop) == 0


def test_the_columns_line_never_breaks_a_column_name_at_80_columns(start_sandbox: Any) -> None:
    """ShipStation's names (`Shipment - Tracking Number`) do not fit one line at 80 columns
    together: each column then gets a line of its own rather than being wrapped at a space."""
    shop = start_sandbox()
    screen = run_in_terminal(["from-csv", str(EXAMPLE), "--dry-run", "--offline"], _env(shop), None)
    assert screen.exit_code == 0, screen.text
    lines = screen.text.splitlines()
    for chosen in (
        "order = 'Order - Number'",
        "tracking = 'Shipment - Tracking Number'",
        "service = 'Shipment - Service'",
        "sku = 'Item - SKU'",
        "quantity = 'Item - Qty'",
    ):
        assert any(chosen in line for line in lines), (chosen, screen.text)
    assert all(len(line) <= 80 for line in lines), screen.text


def test_yes_at_the_question_sends_with_a_progress_bar(start_sandbox: Any) -> None:
    shop = start_sandbox()
    screen = run_in_terminal(["from-csv", str(EXAMPLE)], _env(shop), answer="y")
    assert screen.exit_code == 0, screen.text
    after_question = screen.text.split(PROMPT, 1)[1]
    assert re.search(r"Sending .*8/8", after_question), after_question
    assert posted(shop) == 8


def test_stdin_as_the_data_at_a_terminal_refuses_without_yes(
    start_sandbox: Any, tmp_path: Path
) -> None:
    """`fwfulfill from-csv - < labels.csv` at a terminal: stderr a terminal, stdin the data."""
    shop = start_sandbox()
    script = f'exec "{FWFULFILL}" from-csv - < "{EXAMPLE}"'
    screen = run_in_terminal(["-c", script], _env(shop), answer=None, program="/bin/sh")
    assert screen.exit_code == 2, screen.text
    assert "--yes" in screen.text
    assert "stdin is the CSV data" in screen.text
    assert PROMPT not in screen.text
    assert posted(shop) == 0


@pytest.mark.parametrize("stdin", ["pipe", "devnull"])
def test_a_run_nobody_can_answer_refuses_with_exit_2_and_sends_nothing(
    start_sandbox: Any, stdin: str
) -> None:
    """A cron job or a pipeline without --yes: one line naming --yes, nothing sent."""
    shop = start_sandbox()
    # A "y" in a pipe is no person's yes.
    feed: dict[str, Any] = {"input": b"y\n"} if stdin == "pipe" else {"stdin": subprocess.DEVNULL}
    result = subprocess.run(
        [FWFULFILL, "-o", "table", "from-csv", str(EXAMPLE)],
        **feed,
        capture_output=True,
        check=False,
        env=_env(shop),
        timeout=60,
    )
    assert result.returncode == 2, result
    errors = [line for line in result.stderr.decode().splitlines() if "error:" in line]
    assert len(errors) == 1, result.stderr
    assert "--yes" in errors[0]
    assert "confirmation" in errors[0] or "cannot ask" in errors[0]
    assert posted(shop) == 0


def test_yes_sends_from_a_pipe(start_sandbox: Any) -> None:
    shop = start_sandbox()
    with EXAMPLE.open("rb") as data:
        result = subprocess.run(
            [FWFULFILL, "from-csv", "-", "--yes", "-o", "json"],
            stdin=data,
            capture_output=True,
            check=False,
            env=_env(shop),
            timeout=60,
        )
    assert result.returncode == 0, result
    assert posted(shop) == 8


def end_of_run(screen: Screen) -> list[str]:
    """What is left on the terminal once the bar stopped: from the summary to the end."""
    ended = screen.text[screen.text.index("Summary") :]
    return [line.rstrip() for line in ended.rstrip().splitlines()]


@pytest.mark.slow
def test_ctrl_c_mid_run_ends_with_a_screenful_grouped_by_reason(
    start_sandbox: Any, tmp_path: Path
) -> None:
    seed = large_shop_seed(200, seed=9)
    labels = tmp_path / "labels.csv"
    write_tracking_csv(labels, seed, orders=60)
    shop = start_sandbox(seed)
    env = {**_env(shop), "FWFULFILL_STATE_DIR": str(tmp_path / "state")}
    report = tmp_path / "report.csv"
    # At 2 a second the 60 take half a minute: Ctrl-C once the shop has created one.
    screen = run_in_terminal(
        ["from-csv", str(labels), "--rate", "2/1", "--report", str(report)],
        env,
        answer="y",
        interrupt_when=lambda: shop.stats()["fulfillmentsCreated"] >= 1,
    )
    assert screen.exit_code == 130, screen.text
    after_question = screen.text.split(PROMPT, 1)[1]
    bar = re.findall(r"Sending[^\r\n]*? (\d+)/60 [^\r\n]*?ETA (\d+:\d\d:\d\d)", after_question)
    assert bar, after_question
    assert "at 2/1s" in after_question  # the limit the ETA is computed from
    # Each redraw: what is left at 2 a second (60 left: 30 s), never rich's speed guess.
    for done, eta in bar:
        assert eta == clock_label(eta_seconds(60 - int(done), 2, 1.0)), bar
    finished = int(bar[-1][0])
    shown = end_of_run(screen)
    text = "\n".join(shown)
    # A screenful, not a row per fulfillment (the paths of pytest's tmp_path wrap: not counted).
    assert len([line for line in shown if str(tmp_path) not in line]) <= 20, text
    assert all(len(line) <= 80 for line in shown), text
    not_sent = 60 - finished
    assert re.search(rf"^planned +{not_sent}$", text, re.MULTILINE), text
    grouped = re.search(
        rf"Not sent: the run stopped first +{not_sent} +[0-9A-Z]{{8}}, [0-9A-Z]{{8}}, "
        rf"\+{not_sent - 2} more",
        text,
    )
    assert grouped, text
    # A long path wraps at the 80th column, a word at a space: compared without white space.
    joined = "".join(text.split())
    assert "Toresume:fwfulfillfrom-csv" in joined
    assert "Fulllist:fwfulfillhistory--run" in joined
    assert f"Report:105lineswrittento{report}." in joined  # the report named once, by its own line
    assert int(shop.stats()["fulfillmentsCreated"]) == finished  # the bar and the shop agree


def test_a_partly_failed_run_ends_with_a_screenful_grouped_by_reason(
    start_sandbox: Any, tmp_path: Path
) -> None:
    """30 sent, 8 cancelled orders blocked, answers lost: still a screenful, nothing per row."""
    seed = large_shop_seed(200, seed=9)
    labels = tmp_path / "labels.csv"
    write_tracking_csv(labels, seed, orders=30)
    cancelled = [order for order in seed["orders"] if order["status"] == "CANCELLED"][:8]
    assert len(cancelled) == 8
    with labels.open("a", encoding="utf-8") as csv:
        for number, order in enumerate(cancelled):
            csv.write(f"{order['friendlyId']},1Z999AA1012345{number:04d},UPS,TEE-BLK-M,1\n")
    shop = start_sandbox(seed, commit_fault_first=3)
    env = {**_env(shop), "FWFULFILL_STATE_DIR": str(tmp_path / "state")}
    screen = run_in_terminal(["from-csv", str(labels), "--yes"], env, answer=None)
    assert screen.exit_code == 6, screen.text
    shown = end_of_run(screen)
    text = "\n".join(shown)
    assert len(shown) <= 20, text
    assert all(len(line) <= 80 for line in shown), text
    assert re.search(r"blocked: .* +8 +[0-9A-Z]{8}, [0-9A-Z]{8}, \+6 more", text), text
    assert re.search(r"The file has \d+ errors: `--dry-run` lists them", text), text
    assert "Full list: fwfulfill history --run " in text


def test_the_bar_says_it_waits_when_the_shop_says_slow_down(start_sandbox: Any) -> None:
    """A shop stricter than the run's --rate answers 429: the bar says it is waiting for the
    shop, not an ETA that pretends otherwise, and the run still creates everything once."""
    shop = start_sandbox(rate_limit=3, rate_window=2.0)
    before = len(shop.fulfillments())
    screen = run_in_terminal(
        ["from-csv", str(EXAMPLE), "--yes", "--rate", "100/1", "--concurrency", "1"],
        _env(shop),
        answer=None,
    )
    assert screen.exit_code == 0, screen.text
    assert re.search(r"waiting \d+s: the shop said to slow down", screen.text), screen.text
    assert shop.stats()["rateLimited"] > 0, shop.stats()
    assert len(shop.fulfillments()) == before + 8
