"""The README is a contract: its examples run as written against the demo shop, and its exit-code
table says what the code does.

Every `fwfulfill ...` line of a `sh` block runs here with `--sandbox`, in README order, in one
sandbox shop (as a reader trying them one after another would), from a folder holding a copy of
`examples/`. A line whose comment says `exit N` must exit N; every other line must exit 0.
"""

from __future__ import annotations

import re
import shlex
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Cli, CliResult

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")

# Lines that cannot run as a plain in-process command, and why.
NOT_RUN = {
    "sandbox serve": "serves until stopped; tests/sandbox covers it",
    "--api-url http://127.0.0.1:8787": "needs the served sandbox of the line before",
    "asks before sending": "asks on a terminal; the pty tests answer it",
}


def readme_commands() -> list[tuple[str, int]]:
    """(the command after `fwfulfill`, the exit code its comment documents, else 0)."""
    commands: list[tuple[str, int]] = []
    for block in re.findall(r"```sh\n(.*?)```", README, re.S):
        for line in block.splitlines():
            if "fwfulfill " not in line or any(skip in line for skip in NOT_RUN):
                continue
            command = line.rsplit("fwfulfill ", 1)[1].removeprefix("--sandbox ")
            documented = re.search(r"#\s*exit (\d+)", command)
            commands.append((command, int(documented.group(1)) if documented else 0))
    return commands


def run_readme_line(cli: Cli, command: str) -> CliResult:
    words = shlex.split(command, comments=True)
    if ">" in words:  # a shell redirect: the test reads stdout itself
        words = words[: words.index(">")]
    return cli("--sandbox", *words)


def test_the_readme_has_the_examples_this_test_runs() -> None:
    commands = [command for command, _ in readme_commands()]
    assert len(commands) >= 10, commands
    for verb in ("create", "from-csv", "orders show", "orders list"):
        assert any(command.startswith(verb) for command in commands), verb
    assert not any("..." in command for command in commands), "a placeholder in an example"


def test_every_readme_example_runs_against_the_demo_shop(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    for command, expected in readme_commands():
        result = run_readme_line(cli, command)
        assert result.exit_code == expected, f"fwfulfill {command}\n{result}"
        assert "internal error" not in result.stderr, f"fwfulfill {command}\n{result}"


def test_orders_list_since_7d_in_the_readme_finds_demo_orders(cli: Cli) -> None:
    found = cli(
        "--sandbox", "orders", "list", "--status", "confirmed", "--since", "7d", "-o", "json"
    )
    assert found.exit_code == 0, found
    assert len(found.json()["orders"]) >= 5


# ---- The exit-code table ----------------------------------------------------------------------


def exit_code_rows() -> dict[int, str]:
    section = README.split("## Exit codes", 1)[1].split("\n\n", 2)[1]
    rows = re.findall(r"^\| (\d+) \| (.*) \|$", section, re.M)
    return {int(code): meaning for code, meaning in rows}


def test_the_table_lists_every_exit_code_the_code_has() -> None:
    from fwfulfill.error_codes import ExitCode

    assert set(exit_code_rows()) == {int(code) for code in ExitCode}


Produce = Callable[[Cli, pytest.MonkeyPatch, Path], CliResult]


def _bug(cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliResult:
    def broken(arguments: object) -> object:
        raise RuntimeError("something impossible")

    monkeypatch.setattr("fwfulfill.cli.commands.create.parse_create", broken)
    return cli("--sandbox", "create", "D3XZFWPP", "--all", "--tracking", "ups:1Z999AA10123456202")


def _interrupted(cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliResult:
    def ctrl_c(arguments: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr("fwfulfill.cli.commands.create.parse_create", ctrl_c)
    return cli("--sandbox", "create", "D3XZFWPP", "--all", "--tracking", "ups:1Z999AA10123456202")


def _unreachable(cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliResult:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        "FOURTHWALL_API_USERNAME": "sandbox-api-user",
        "FOURTHWALL_API_PASSWORD": "sandbox-password",
        "FWFULFILL_MAX_RETRY_WAIT": "0",
    }
    return cli("--api-url", f"http://127.0.0.1:{port}", "orders", "list", env=env)


def _command(*args: str) -> Produce:
    def run(cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliResult:
        shutil.copytree(ROOT / "examples", tmp_path / "examples", dirs_exist_ok=True)
        monkeypatch.chdir(tmp_path)
        return cli(*args)

    return run


USPS = "usps:9400111899223817654305"

# (the case, words of its README row, a command that produces it); each case's words must be in
# its own code's row and in no other.
EXIT_CASES: list[tuple[int, str, Produce]] = [
    (0, "success", _command("--sandbox", "orders", "show", "D3XZFWPP")),
    (1, "a bug", _bug),
    (2, "order not found", _command("--sandbox", "orders", "show", "NOPE1234")),
    (2, "a bad argument", _command("--sandbox", "orders", "list", "--status", "LOST")),
    (
        2,
        "a dry run with errors in the file",
        _command("--sandbox", "from-csv", "examples/excel-damaged.csv", "--dry-run"),
    ),
    (
        2,
        "no one to ask and no `--yes`",
        # The test runner's stdin is no terminal: a cron job, as far as fwfulfill can tell.
        _command("--sandbox", "from-csv", "examples/shipstation.csv"),
    ),
    (
        3,
        "quantity too high",
        # Shipped by another tool before: fwfulfill cannot know, Fourthwall refuses.
        _command("--sandbox", "create", "C4L8VR2M", "--item", "TEE-BLK-M:2", "--tracking", USPS),
    ),
    (4, "credentials missing", _command("orders", "list")),
    (5, "network", _unreachable),
    (
        6,
        "blocked by errors in the file",
        _command("--sandbox", "from-csv", "examples/excel-damaged.csv", "--yes"),
    ),
    (130, "interrupted", _interrupted),
]


@pytest.mark.parametrize(
    ("code", "words", "produce"), EXIT_CASES, ids=[f"{c}-{w}" for c, w, _ in EXIT_CASES]
)
def test_each_documented_exit_code_is_what_the_command_exits_with(
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    *,
    code: int,
    words: str,
    produce: Produce,
) -> None:
    rows = exit_code_rows()
    assert words in rows[code], f"README exit code {code}: {rows[code]!r} lacks {words!r}"
    elsewhere = [other for other, meaning in rows.items() if other != code and words in meaning]
    assert not elsewhere, f"{words!r} is also listed under {elsewhere}"
    result = produce(cli, monkeypatch, tmp_path)
    assert result.exit_code == code, result
