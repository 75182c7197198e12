"""Every command's --help (issue 11): fits 80 columns without "…" cuts, ends with real examples that
run against the sandbox, and shows -v as the counting flag it is."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fwfulfill.cli.help_examples import EXAMPLES
from tests.conftest import Cli

ROOT = Path(__file__).resolve().parent.parent
FWFULFILL = Path(sys.executable).parent / "fwfulfill"
GROUPS = [[], ["auth"], ["orders"], ["sandbox"]]
COMMANDS = [command.split() for command in EXAMPLES]


def help_text(command: list[str], columns: int) -> str:
    env = {**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1", "TERMINAL_WIDTH": str(columns)}
    result = subprocess.run(
        [str(FWFULFILL), *command, "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_every_command_has_examples() -> None:
    from fwfulfill.cli.completion_table import TABLE

    leaves = [
        f"{name} {sub}".strip()
        for name, entry in TABLE["commands"].items()
        for sub in (entry["commands"] or {"": entry})
    ]
    assert sorted(leaves) == sorted(EXAMPLES)
    for command, examples in EXAMPLES.items():
        assert 2 <= len(examples) <= 4, command


@pytest.mark.parametrize("columns", [80, 100])
@pytest.mark.parametrize("command", COMMANDS + GROUPS, ids=lambda c: " ".join(c) or "fwfulfill")
def test_help_fits_without_cuts(command: list[str], columns: int) -> None:
    text = help_text(command, columns)
    assert "…" not in text, text
    widest = max(len(line.rstrip()) for line in text.splitlines())
    assert widest <= columns, text


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_ends_with_its_examples_each_on_one_line(command: list[str]) -> None:
    lines = [line.strip() for line in help_text(command, 80).splitlines() if line.strip()]
    examples = list(EXAMPLES[" ".join(command)])
    assert lines[-len(examples) - 1 :] == ["Examples:", *examples]


def test_from_csv_help_says_dash_reads_stdin() -> None:
    text = " ".join(help_text(["from-csv"], 80).split())
    assert "'-' reads it from stdin" in text
    assert "fwfulfill --sandbox from-csv - --offline < examples/pirateship.csv" in text


def test_verbose_is_shown_as_a_counting_flag() -> None:
    text = help_text([], 80)
    (line,) = [line for line in text.splitlines() if "--verbose" in line]
    assert "<int>" not in line
    assert "INTEGER" not in text
    assert "[default: 0]" not in text
    assert "-vv" in " ".join(text.split())


# Examples that need a served sandbox or a login are shown, not run here.
RUNNABLE = [
    example
    for examples in EXAMPLES.values()
    for example in examples
    if "--sandbox" in example or example.split()[1] in ("template", "carriers")
]


def test_the_examples_run_against_the_sandbox(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(RUNNABLE) >= 20
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    for example in RUNNABLE:
        words = shlex.split(example, comments=True)[1:]
        stdin = None
        if "<" in words:
            stdin = Path(words[words.index("<") + 1]).read_text(encoding="utf-8")
            words = words[: words.index("<")]
        if ">" in words:
            words = words[: words.index(">")]
        result = cli(*words, input=stdin)
        assert result.exit_code == 0, f"{example}\n{result}"


def test_orders_group_help_names_export_and_its_line_has_no_docstring_break() -> None:
    text = help_text(["orders"], 200)
    assert "export" in text.split("Commands")[0].lower()  # the group's own line mentions it
    export_line = next(line for line in text.splitlines() if line.strip("│ ").startswith("export"))
    assert export_line.rstrip(" │").endswith((".", ")")), text  # the whole sentence on one line
