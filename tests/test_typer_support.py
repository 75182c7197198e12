"""fwfulfill on every Typer from the floor in pyproject to the newest: messages, prompts and the
shell completion that is answered without importing Typer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fwfulfill.cli.global_options import GLOBAL_FLAGS, GLOBAL_VALUED
from tests.conftest import Cli


@pytest.mark.parametrize("args", [["from-cvs"], ["orders", "lsit"], ["auth", "lgin"]])
def test_did_you_mean_is_printed_once(cli: Cli, args: list[str]) -> None:
    result = cli(*args)
    assert result.exit_code == 2, result
    assert result.stderr.count("Did you mean") == 1, result


# ---- shell completion from the table -------------------------------------------------------------

# (words before the cursor, the word being completed)
COMPLETIONS = [
    ([], ""),
    ([], "cr"),
    ([], "-"),
    ([], "--s"),
    (["-o"], ""),
    (["--output"], "J"),
    (["--sandbox"], ""),
    (["--sandbox"], "--"),
    (["--profile", "main", "orders"], ""),
    (["-v", "orders", "show"], "--"),
    (["create"], ""),
    (["create"], "--"),
    (["create", "D3XZFWPP"], "--t"),
    (["create", "D3XZFWPP", "--tracking"], ""),
    (["create", "D3XZFWPP", "--item", "MUG-11OZ"], "--i"),
    (["create", "-o", "json", "D3XZFWPP"], "--"),
    (["create", "--sandbox"], "--"),
    (["from-csv", "labels.csv"], "--"),
    (["from-csv", "labels.csv", "--encoding"], "u"),
    (["orders"], ""),
    (["orders"], "l"),
    (["orders", "list"], "--s"),
    (["orders", "list", "--status"], ""),
    (["orders", "export", "-o"], ""),  # the command's FILE there, not the format
    (["orders", "export", "--output"], "o"),
    (["orders", "export", "-o", "x.csv"], "--"),
    (["auth"], ""),
    (["auth", "login", "--default"], "--"),
    (["sandbox"], "s"),
    (["sandbox", "serve", "--port", "8080"], "--"),
    (["history"], "--r"),
    (["carriers"], ""),
    # Values (issue 11): statuses, carriers, --map fields, -o after the command, profiles.
    (["orders", "list", "--status"], "in"),
    (["create", "D3XZFWPP", "--carrier"], "C"),
    (["create", "D3XZFWPP", "--carrier"], ""),
    (["create", "D3XZFWPP", "--tracking"], "u"),
    (["from-csv", "labels.csv", "--map"], "t"),
]
# Global options are accepted after the command; the table offers them there, Typer does not.
COMMAND_NAMES = ("create", "from-csv", "orders", "history", "auth", "sandbox", "carriers")
GLOBAL_NAMES = frozenset({*GLOBAL_FLAGS, *GLOBAL_VALUED, "-v"})
# Typer before 0.26 answers a path argument with the typed word itself; newer ones (and the table)
# with nothing, so the shell offers files.
PATH_COMPLETIONS = [(["from-csv"], ""), (["from-csv"], "lab"), (["--sandbox", "from-csv"], "")]
# The table leaves these to Typer: `--`, attached values, stacked flags, eager options, typos.
LEFT_TO_TYPER = [
    (["--", "create"], ""),
    (["-vv", "orders"], ""),
    (["--output=json"], ""),
    ([], "--output=j"),
    (["-ojson"], ""),
    (["--version"], ""),
    (["orders", "-h"], ""),
    (["nosuch"], ""),
]
SHELL_REQUESTS = ["bash", "zsh", "fish get-args", "fish is-args", "powershell", "pwsh"]


def completion_env(request: str, args: list[str], incomplete: str) -> dict[str, str]:
    """The environment a completion script in completions/ gives `fwfulfill` for one TAB."""
    shell, _, fish_action = request.partition(" ")
    line = " ".join(["fwfulfill", *args, incomplete])
    env = {"_FWFULFILL_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": line}
    if shell == "bash":
        env = {**env, "COMP_WORDS": line, "COMP_CWORD": str(len(args) + 1)}
    if fish_action:
        env["_TYPER_COMPLETE_FISH_ACTION"] = fish_action
    if shell in ("powershell", "pwsh"):
        env["_TYPER_COMPLETE_WORD_TO_COMPLETE"] = incomplete
    return env


def typer_answer(env: dict[str, str]) -> tuple[str, int]:
    """What the Typer app itself prints for a TAB (help never wrapped: a wide terminal)."""
    from typer.testing import CliRunner

    from fwfulfill.cli.app import app

    wide = {"COLUMNS": "1000", "TERMINAL_WIDTH": "1000"}
    result = CliRunner().invoke(app, [], env={**env, **wide}, prog_name="fwfulfill")
    return result.stdout, result.exit_code


def items(text: str) -> list[str]:
    """The completions in an answer, one a line, sorted (zsh's are inside `_arguments '...'`)."""
    return sorted(text.removeprefix("_arguments '*: :((").replace("))'\n", "\n").splitlines())


def _names_a_global(line: str) -> bool:
    value = line.strip('"').split('"', 1)[0].split("\t", 1)[0].split(":::", 1)[0]
    return value in GLOBAL_NAMES


def typer_version() -> tuple[int, ...]:
    from importlib.metadata import version

    return tuple(int(part) for part in version("typer").split(".")[:2])


def test_the_committed_completion_table_matches_the_app() -> None:
    from fwfulfill.cli.completion import build_table, render_table, table_file

    assert table_file().read_text(encoding="utf-8") == render_table(build_table()), (
        "the app changed: regenerate with `.venv/bin/python -m fwfulfill.cli.completion`"
    )


@pytest.mark.parametrize("request_", SHELL_REQUESTS)
def test_completion_from_the_table_answers_as_typer_does(request_: str) -> None:
    from fwfulfill.cli.completion import answer

    cases = COMPLETIONS + (PATH_COMPLETIONS if typer_version() >= (0, 26) else [])
    for args, incomplete in cases:
        env = completion_env(request_, args, incomplete)
        answered = answer(env)
        assert answered is not None, (args, incomplete)
        text, code = answered
        typer_text, typer_code = typer_answer(env)
        # Same items; click lists -h/--help in an order that changes from run to run (a set).
        assert code == typer_code, (args, incomplete)
        ours, typers = items(text), items(typer_text)
        assert set(typers) <= set(ours), (args, incomplete)
        extra = set(ours) - set(typers)  # only the global options, only after a command
        assert all(_names_a_global(line) for line in extra), (args, incomplete, extra)
        assert not extra or any(word in COMMAND_NAMES for word in args), (args, incomplete)


@pytest.mark.parametrize(("args", "incomplete"), LEFT_TO_TYPER)
def test_completion_leaves_what_the_table_cannot_answer_exactly_to_typer(
    args: list[str], incomplete: str
) -> None:
    from fwfulfill.cli.completion import answer

    assert answer(completion_env("bash", args, incomplete)) is None


def test_completion_answers_command_names_and_option_values() -> None:
    from fwfulfill.cli.completion import answer

    assert answer(completion_env("bash", [], "cr")) == ("create\n", 0)
    assert answer(completion_env("bash", ["-o"], "")) == ("table\njson\ncsv\n", 0)
    assert answer(completion_env("bash", ["orders"], "")) == ("show\nlist\nexport\n", 0)


def test_a_completion_tab_imports_neither_typer_nor_http_models_nor_keyring() -> None:
    probe = (
        "import sys\n"
        "from fwfulfill.cli.entry import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('MODULES=' + ','.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    env = {**os.environ, **completion_env("bash", [], "cr")}
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.stdout.split() == ["create"], result.stderr
    line = next(line for line in result.stderr.splitlines() if line.startswith("MODULES="))
    loaded = set(line.removeprefix("MODULES=").split(","))
    assert not loaded & {"typer", "click", "rich", "httpx", "pydantic", "keyring"}


# ---- help of one command, shown without parsing the root's options -------------------------------


def run_console_script(*args: str) -> subprocess.CompletedProcess[str]:
    fwfulfill = Path(sys.executable).parent / "fwfulfill"
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    return subprocess.run(
        [str(fwfulfill), *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )


@pytest.mark.parametrize(
    "command", [["create"], ["from-csv"], ["orders"], ["orders", "list"], ["auth", "login"]]
)
def test_help_of_a_command_is_the_same_when_the_root_options_are_skipped(
    command: list[str],
) -> None:
    quick = run_console_script(*command, "--help")  # the root's options are not parsed
    parsed = run_console_script("--sandbox", *command, "-h")  # a root option: the usual way
    assert quick.returncode == parsed.returncode == 0, quick.stderr + parsed.stderr
    assert quick.stdout == parsed.stdout
    assert f"Usage: fwfulfill {' '.join(command)} [OPTIONS]" in quick.stdout
