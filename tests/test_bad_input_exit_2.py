"""Bad input never ends in exit 1 (a bug): one line naming what is wrong, exit 2, nothing sent.

Each test is one item of issue 9 ("Never exit 1 for input"), run as a user runs it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, RunningSandbox, write_csv

ROOT = Path(__file__).resolve().parents[1]
FWFULFILL = Path(sys.executable).parent / "fwfulfill"
LABELS = [["order", "tracking_number", "carrier"], ["D3XZFWPP", "1Z999AA10123456202", "UPS"]]
POSIX_ONLY = pytest.mark.skipif(os.name == "nt", reason="POSIX shells and signals")


def assert_refused(result: Any, *needles: str) -> None:
    """Exit 2, one `error:` line that names what is wrong, no traceback."""
    assert result.exit_code == 2, result
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result
    for needle in needles:
        assert needle in errors[0], result
    assert "internal error" not in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def no_requests(shop: RunningSandbox) -> bool:
    return not any(shop.stats()["requests"].values())


@pytest.mark.parametrize("codec", ["rot13", "hex", "base64", "zlib", "bz2", "uu", "quopri"])
def test_encoding_naming_a_non_text_codec_is_exit_2(cli: Cli, tmp_path: Path, codec: str) -> None:
    file = write_csv(tmp_path / "labels.csv", LABELS)
    result = cli("from-csv", str(file), "--offline", "--encoding", codec)
    assert_refused(result, "--encoding", f"'{codec}' is not a text encoding")


def test_orders_list_since_999999d_overflow_is_exit_2(cli: Cli) -> None:
    result = cli("--sandbox", "orders", "list", "--since", "999999d")
    assert_refused(result, "--since", "'999999d' is outside the calendar")


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_keyring_timeout_nan_or_inf_is_exit_2(cli: Cli, value: str) -> None:
    result = cli("auth", "status", "--offline", env={"FWFULFILL_KEYRING_TIMEOUT": value})
    assert_refused(result, "FWFULFILL_KEYRING_TIMEOUT", repr(value))


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "1e308"])
def test_read_timeout_negative_nan_inf_or_huge_is_exit_2(
    cli: Cli, start_sandbox: Any, value: str
) -> None:
    shop = start_sandbox()
    env = {**shop.env(), "FWFULFILL_READ_TIMEOUT": value}
    result = cli("orders", "list", "-o", "json", env=env)
    assert_refused(result, "FWFULFILL_READ_TIMEOUT", repr(value))
    assert result.json()["error"]["code"] == "invalid_environment"
    assert no_requests(shop)


def test_numeric_environment_variables_share_one_parser(cli: Cli, start_sandbox: Any) -> None:
    """The retry budget is read like the timeouts: garbage is named, not silently replaced."""
    shop = start_sandbox()
    result = cli("orders", "list", env={**shop.env(), "FWFULFILL_MAX_RETRY_WAIT": "soon"})
    assert_refused(result, "FWFULFILL_MAX_RETRY_WAIT", "'soon'")
    assert no_requests(shop)


@POSIX_ONLY
def test_from_csv_dash_with_stdin_closed_is_exit_2(tmp_path: Path) -> None:
    command = f"{shlex.quote(str(FWFULFILL))} from-csv - --offline -o table <&-"
    result = subprocess.run(
        ["sh", "-c", command],
        capture_output=True,
        text=True,
        env={**os.environ, "FWFULFILL_STATE_DIR": str(tmp_path / "state")},
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: FILE: stdin is closed"), result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("how", ["in-process", "process"])
def test_password_stdin_with_non_utf8_bytes_is_exit_2(
    cli: Cli, shop_url: str, tmp_path: Path, how: str
) -> None:
    args = ["auth", "login", "--username", "sandbox-api-user", "--password-stdin"]
    args += ["--insecure-storage", "--api-url", shop_url, "-o", "table"]
    garbage = b"sandbox-\xff\xfepassword\n"
    if how == "in-process":
        from typer.testing import CliRunner

        from fwfulfill.cli.app import app

        outcome = CliRunner().invoke(app, args, input=garbage, env=cli.env)
        code, stderr = outcome.exit_code, outcome.stderr
    else:  # a real process reads stdin with surrogateescape (UTF-8 mode): the bytes get through
        done = subprocess.run(
            [str(FWFULFILL), *args],
            input=garbage,
            capture_output=True,
            env={**os.environ, **cli.env, "PYTHONUTF8": "1"},
            timeout=60,
            check=False,
        )
        code, stderr = done.returncode, done.stderr.decode()
    assert code == 2, stderr
    assert stderr.startswith("error: --password-stdin: the password on stdin is not utf-8 text")
    assert "Traceback" not in stderr
    config = Path(cli.env["FWFULFILL_CONFIG_DIR"])
    assert not (config / "credentials-insecure.json").exists()  # nothing stored


@pytest.fixture
def shop_url(start_sandbox: Any) -> str:
    return str(start_sandbox().url)


@pytest.mark.parametrize("latency", ["nan", "inf", "0.1-inf", "nan-1"])
def test_sandbox_serve_latency_nan_or_inf_is_exit_2(tmp_path: Path, latency: str) -> None:
    # A subprocess: before the fix the server started (and served until killed).
    command = [str(FWFULFILL), "sandbox", "serve", "--port", "0", "--latency", latency]
    process = subprocess.Popen(
        [*command, "-o", "table"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "FWFULFILL_STATE_DIR": str(tmp_path / "state")},
    )
    try:
        _, stderr = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"sandbox serve --latency {latency} started serving")
    assert process.returncode == 2, stderr
    assert stderr.startswith(f"error: --latency: '{latency}' is not a duration"), stderr


@POSIX_ONLY
def test_sigint_during_planning_with_json_prints_one_json_document(
    start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(latency=(3.0, 3.0))  # every order read takes 3 s: time to press Ctrl-C
    file = write_csv(tmp_path / "labels.csv", LABELS)
    process = subprocess.Popen(
        [str(FWFULFILL), "from-csv", str(file), "--dry-run", "-o", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **shop.env(), "FWFULFILL_STATE_DIR": str(tmp_path / "state")},
    )
    deadline = time.monotonic() + 30
    while not set(shop.stats()["requests"]) - {"current_shop"}:  # reading the orders: planning
        assert time.monotonic() < deadline, "the order was never read"
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    document = json.loads(stdout)  # exactly one document
    assert document["error"]["code"] == "interrupted"
    assert document["error"]["exitCode"] == 130
    assert "Traceback" not in stderr


def test_resume_command_keeps_recheck_uncertain_yes_and_every_run_option(tmp_path: Path) -> None:
    """The command printed after Ctrl-C, parsed back by fwfulfill, is the interrupted run."""
    from typer.main import get_command

    from fwfulfill.cli.app import app, hoist_global_options
    from fwfulfill.cli.context import AppContext
    from fwfulfill.cli.csv_import import FromCsvOptions, _resume_command
    from fwfulfill.cli.streams import Output, OutputFormat
    from fwfulfill.planning.multi_box import MultiBox

    options = FromCsvOptions(
        file=str(tmp_path / "my labels.csv"),
        dry_run=False,
        offline=False,
        encoding="cp1252",
        delimiter=";",
        column_map=("order=Ref", "tracking=AWB"),
        rate="50/10",
        concurrency=3,
        fail_fast=True,
        yes=True,
        report=tmp_path / "out.csv",
        recheck_uncertain=True,
        multi_box=MultiBox.FIRST,
    )
    context = AppContext(
        output=Output(OutputFormat.JSON), profile="outlet", api_url="http://127.0.0.1:8765"
    )
    words = shlex.split(_resume_command(context, options))
    assert words[0] == "fwfulfill"
    root: Any = get_command(app)
    hoisted = hoist_global_options(words[1:])
    split = hoisted.index("from-csv")
    with root.make_context("fwfulfill", hoisted[: split + 1]) as parsed:
        assert parsed.params["profile"] == "outlet"
        assert parsed.params["api_url"] == "http://127.0.0.1:8765"
        assert parsed.params["output"] == "json"
        command = root.commands["from-csv"]
        with command.make_context("from-csv", hoisted[split + 1 :], parent=parsed) as sub:
            given = sub.params
    assert given["file"] == options.file
    assert given["multi_box"] is MultiBox.FIRST
    assert tuple(given["column_map"]) == options.column_map
    assert Path(given["report"]) == options.report
    for field in (
        "encoding",
        "delimiter",
        "rate",
        "concurrency",
        "fail_fast",
        "yes",
        "recheck_uncertain",
    ):
        assert given[field] == getattr(options, field), field


def test_not_sent_is_in_the_readme_states() -> None:
    from fwfulfill.sending import ledger

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### `fwfulfill history", 1)[1].split("\n### ", 1)[0]
    states = {*ledger.DONE_STATES, *ledger.DOUBT_STATES, ledger.UNCERTAIN_STATE}
    states |= {ledger.NOT_SENT_STATE, "failed"}
    documented = set(re.findall(r"`([a-z_]+)`", section))
    assert states <= documented, states - documented


def test_header_of_only_commas_says_it_has_no_column_names(cli: Cli, tmp_path: Path) -> None:
    file = tmp_path / "labels.csv"
    file.write_text(",,,\nD3XZFWPP,1Z999AA10123456202,UPS,\n", encoding="utf-8")
    result = cli("from-csv", str(file), "--offline")
    assert_refused(result, "header (line 1)", "no column names")
    assert "empty" not in result.stderr


def test_an_empty_file_still_says_it_is_empty(cli: Cli, tmp_path: Path) -> None:
    file = tmp_path / "labels.csv"
    file.write_bytes(b"")
    assert_refused(cli("from-csv", str(file), "--offline"), "the file is empty")


def test_duplicate_column_names_of_a_mapped_field_are_refused_naming_both_positions(
    cli: Cli, tmp_path: Path
) -> None:
    file = write_csv(
        tmp_path / "labels.csv",
        [
            ["Order Number", "tracking_number", "carrier", "order number"],
            ["D3XZFWPP", "1Z999AA10123456202", "UPS", "B5N8ZC1L"],
        ],
    )
    result = cli("from-csv", str(file), "--offline", "-o", "json")
    assert_refused(result, "columns 1 ('Order Number') and 4 ('order number')", "order")
    assert result.json()["error"]["code"] == "duplicate_column"
    # The user settles it by number.
    chosen = cli("from-csv", str(file), "--offline", "--map", "order=4", "-o", "json")
    assert chosen.exit_code == 0, chosen
    assert chosen.json()["fulfillments"][0]["friendlyId"] == "B5N8ZC1L"


def test_duplicate_column_names_that_fwfulfill_does_not_read_are_ignored(
    cli: Cli, tmp_path: Path
) -> None:
    file = write_csv(
        tmp_path / "labels.csv",
        [
            ["Notes", "order", "tracking_number", "Notes", "carrier"],
            ["a", "D3XZFWPP", "1Z999AA10123456202", "b", "UPS"],
        ],
    )
    result = cli("from-csv", str(file), "--offline", "-o", "json")
    assert result.exit_code == 0, result
    assert result.json()["fulfillments"][0]["friendlyId"] == "D3XZFWPP"


def test_from_csv_with_a_file_name_too_long_and_a_report_is_exit_2(
    cli: Cli, tmp_path: Path
) -> None:
    """Found by the fuzz test: a 5,000-character input name crashed the report's checks."""
    long_name = str(tmp_path / ("x" * 5000))
    result = cli("from-csv", long_name, "--report", str(tmp_path / "out.csv"), "--offline")
    assert_refused(result, "FILE")


@pytest.mark.parametrize("token", ["١٢", "\x80abc", "to ken"])
def test_access_token_with_characters_no_header_can_carry_is_exit_2(
    cli: Cli, start_sandbox: Any, token: str
) -> None:
    """Found by the fuzz test: a non-ASCII token crashed while building the Authorization header."""
    shop = start_sandbox()
    env = {"FOURTHWALL_ACCESS_TOKEN": token, "FWFULFILL_API_URL": shop.url}
    result = cli("orders", "list", env=env)
    assert_refused(result, "FOURTHWALL_ACCESS_TOKEN holds characters no access token has")
    assert token not in result.stderr + result.stdout  # never echoed: it is a secret
    assert no_requests(shop)
