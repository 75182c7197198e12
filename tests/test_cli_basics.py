"""The CLI's shape: start-up cost, global options anywhere, streams, completions, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli

ROOT = Path(__file__).resolve().parents[1]
FWFULFILL = Path(sys.executable).parent / "fwfulfill"
HEAVY = ("httpx", "pydantic", "keyring")


def _modules_after(args: list[str], env: dict[str, str] | None = None) -> set[str]:
    """Top-level modules loaded by `fwfulfill ARGS` in a fresh interpreter."""
    probe = (
        "import sys\n"
        "from fwfulfill.cli.app import main\n"
        f"sys.argv = ['fwfulfill', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('MODULES=' + ','.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )
    line = next(line for line in result.stderr.splitlines() if line.startswith("MODULES="))
    return set(line.removeprefix("MODULES=").split(","))


@pytest.mark.parametrize("args", [["--help"], ["create", "--help"], ["from-csv", "--help"]])
def test_help_does_not_import_http_models_or_keyring(args: list[str]) -> None:
    loaded = _modules_after(args)
    assert "fwfulfill" in loaded
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_shell_completion_does_not_import_http_models_or_keyring() -> None:
    env = {"_FWFULFILL_COMPLETE": "complete_bash", "COMP_WORDS": "fwfulfill cr", "COMP_CWORD": "1"}
    loaded = _modules_after([], env)
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


@pytest.mark.parametrize(
    ("shell", "file"),
    [
        ("bash", "fwfulfill.bash"),
        ("zsh", "fwfulfill.zsh"),
        ("fish", "fwfulfill.fish"),
        ("powershell", "fwfulfill.ps1"),
    ],
)
def test_committed_completion_scripts_match_what_the_app_generates(shell: str, file: str) -> None:
    generated = subprocess.run(
        [str(FWFULFILL)],
        env={**os.environ, "_FWFULFILL_COMPLETE": f"source_{shell}"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert generated.strip(), "the app generated no completion script"
    assert (ROOT / "completions" / file).read_text() == generated, (
        f"regenerate: _FWFULFILL_COMPLETE=source_{shell} fwfulfill > completions/{file}"
    )


def test_bash_completion_completes_command_names() -> None:
    result = subprocess.run(
        [str(FWFULFILL)],
        env={
            **os.environ,
            "_FWFULFILL_COMPLETE": "complete_bash",
            "COMP_WORDS": "fwfulfill from",
            "COMP_CWORD": "1",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "from-csv" in result.stdout.split()


def test_version(cli: Cli) -> None:
    from fwfulfill import __version__

    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"fwfulfill {__version__}"


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fwfulfill", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("fwfulfill ")


def test_global_options_work_after_the_command(cli: Cli) -> None:
    before = cli("--sandbox", "-o", "json", "orders", "show", "D3XZFWPP")
    after = cli("orders", "show", "D3XZFWPP", "--sandbox", "--output=json")
    assert before.exit_code == after.exit_code == 0, after
    assert json.loads(before.stdout) == json.loads(after.stdout)


def test_data_goes_to_stdout_and_talk_to_stderr(cli: Cli) -> None:
    result = cli("--sandbox", "-v", "orders", "list", "-n", "3")
    assert result.exit_code == 0, result
    document = json.loads(result.stdout)  # not a terminal: JSON, and only JSON
    assert len(document["orders"]) == 3
    assert "> GET" in result.stderr
    assert "< 200" in result.stderr


def test_verbose_headers_redact_authorization(cli: Cli) -> None:
    result = cli("--sandbox", "-vv", "orders", "list", "-n", "1")
    assert result.exit_code == 0, result
    assert "authorization: Basic [redacted]" in result.stderr.lower().replace("basic", "Basic")
    assert "sandbox-password" not in result.stderr


def test_table_output_in_a_pipe_is_not_cut_at_80_columns(cli: Cli) -> None:
    # UUIDs are in tables only with --wide (issue 11); that widest table stays whole in a pipe.
    result = cli("--sandbox", "-o", "table", "--wide", "orders", "show", "D3XZFWPP")
    assert result.exit_code == 0, result
    assert "ffb7f11d-e8d3-5da3-898e-23f7b33f9754" in result.stdout  # a 36-character id, whole
    assert "e6dcf005-3395-5f7e-b601-df08927ed20a" in result.stdout  # and a variant's


def test_no_color_flag_and_env(cli: Cli) -> None:
    for args, env in ((["--no-color"], {}), ([], {"NO_COLOR": "1"})):
        result = cli(*args, "--sandbox", "-o", "table", "orders", "list", "-n", "2", env=env)
        assert result.exit_code == 0
        assert "\x1b[" not in result.stdout + result.stderr


def test_usage_error_is_exit_2(cli: Cli) -> None:
    assert cli("create").exit_code == 2
    assert cli("no-such-command").exit_code == 2
    assert cli("--output", "yaml", "orders", "list").exit_code == 2


def test_orders_list_filters_by_status_and_pages(cli: Cli) -> None:
    shipped = cli("--sandbox", "orders", "list", "--status", "shipped", "--status", "delivered")
    statuses = {order["status"] for order in json.loads(shipped.stdout)["orders"]}
    assert statuses == {"SHIPPED", "DELIVERED"}
    everything = json.loads(cli("--sandbox", "orders", "list", "-n", "500").stdout)["orders"]
    assert len(everything) == 28
    assert cli("--sandbox", "orders", "list", "--status", "LOST").exit_code == 2
    assert cli("--sandbox", "orders", "list", "--since", "yesterday-ish").exit_code == 2


def test_orders_list_since_and_email(cli: Cli) -> None:
    # The demo shop is dated back from today (issue 11), so a relative --since finds its orders.
    week_ago = (datetime.now(timezone.utc) - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    recent = json.loads(cli("--sandbox", "orders", "list", "--since", "7d").stdout)
    assert 20 <= len(recent["orders"]) < 28
    assert all(o["createdAt"] >= week_ago for o in recent["orders"])
    alex = json.loads(
        cli("--sandbox", "orders", "list", "--email", "alex.rivera@example.com").stdout
    )
    assert {o["customer"]["name"] for o in alex["orders"]} == {"Alex Rivera"}


def test_orders_show_gives_what_to_pass_to_item(cli: Cli) -> None:
    order = json.loads(cli("--sandbox", "orders", "show", "#h2v6rj9d").stdout)
    assert order["friendlyId"] == "H2V6RJ9D"
    assert order["customer"] == {"name": "Mia Thompson", "country": "AU"}
    lines = [(i["sku"], i["quantity"]) for i in order["items"]]
    assert lines == [("TEE-BLK-L", 1), ("TEE-BLK-L", 2)]


def test_a_bug_is_exit_1_with_a_plain_message_not_a_traceback(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(arguments: object) -> object:
        raise RuntimeError("something impossible")

    monkeypatch.setattr("fwfulfill.cli.commands.create.parse_create", broken)
    result = cli("--sandbox", "create", "D3XZFWPP", "--all", "--tracking", "ups:1Z999AA10123456202")
    assert result.exit_code == 1
    assert "internal error (RuntimeError: something impossible)" in result.stderr
    assert "bug in fwfulfill" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("flags", "env"),
    [((), {"FWFULFILL_DEBUG": "1"}), (("-vv",), {}), (("-vv",), {"FWFULFILL_DEBUG": "0"})],
)
def test_fwfulfill_debug_or_vv_shows_a_bugs_traceback(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, flags: tuple[str, ...], env: dict[str, str]
) -> None:
    def broken(arguments: object) -> object:
        raise RuntimeError("something impossible")

    monkeypatch.setattr("fwfulfill.cli.commands.create.parse_create", broken)
    command = ("--sandbox", "create", "D3XZFWPP", "--all", "--tracking", "ups:1Z999AA10123456202")
    plain = cli(*command, env={"FWFULFILL_DEBUG": "0"})
    assert plain.exit_code == 1, plain
    assert "Traceback" not in plain.stderr
    assert "-vv or FWFULFILL_DEBUG=1 shows the traceback" in plain.stderr

    result = cli(*flags, *command, env=env)
    assert result.exit_code == 1, result
    assert result.stderr.startswith("Traceback (most recent call last):"), result
    assert "in broken" in result.stderr  # the frame that raised
    assert "RuntimeError: something impossible" in result.stderr
    # The one line still ends the output, so a user sees what happened last.
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: internal error (RuntimeError: something impossible)")
    assert result.stdout == ""


def test_waiting_for_the_shop_is_said_on_stderr_without_verbose(
    cli: Cli, start_sandbox: Any
) -> None:
    # A shop that allows 3 requests a second; back-to-back commands soon get a 429.
    shop = start_sandbox(rate_limit=3, rate_window=1.0, send_retry_after=True)
    runs = [cli("orders", "show", "H2V6RJ9D", env=shop.env()) for _ in range(6)]
    assert all(run.exit_code == 0 for run in runs)
    assert any("waiting 1.0s: rate limited by the shop (429)" in run.stderr for run in runs)


def test_a_url_with_a_password_in_it_is_refused(cli: Cli) -> None:
    result = cli("--api-url", "https://user:secret@api.example.com", "orders", "list")
    assert result.exit_code == 2, result
    assert "secret" not in result.stdout + result.stderr


def test_environment_credentials_never_go_to_a_profile_url(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fwfulfill.auth.config import Config, Profile, save_config
    from fwfulfill.cli.context import AppContext
    from fwfulfill.cli.streams import Output
    from fwfulfill.constants import API_BASE_URL

    save_config(Config(profiles={"default": Profile("default", api_url="http://127.0.0.1:9")}))
    with_env = AppContext(
        Output(None), env={"FOURTHWALL_API_USERNAME": "u", "FOURTHWALL_API_PASSWORD": "p"}
    )
    assert with_env.base_url() == API_BASE_URL
    stored = AppContext(Output(None), env={})
    assert stored.base_url() == "http://127.0.0.1:9"


def test_an_encoding_that_cannot_read_the_file_is_an_input_error(cli: Cli, tmp_path: Path) -> None:
    file = tmp_path / "t.csv"
    file.write_text("order,tracking\nA,1\n", encoding="utf-8")
    result = cli("from-csv", str(file), "--offline", "--encoding", "utf-32")
    assert result.exit_code == 2, result
    assert "--encoding" in result.stderr
    assert "internal error" not in result.stderr


def test_a_reader_that_goes_away_does_not_change_the_outcome() -> None:
    import io

    from fwfulfill.cli.streams import Output, OutputFormat

    class ClosedPipe(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError

    closed = ClosedPipe()
    output = Output(OutputFormat.JSON, stdout=closed)
    output.data({"ok": True})  # swallowed: the run goes on to its own exit code
    output.data_fields([("a", iter([1, 2]))])
    assert output._stdout_file is not closed  # later data goes to the null device
