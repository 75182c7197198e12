"""fwfulfill on every Typer from the floor in pyproject to the newest: messages, prompts and the
shell completion that is answered without importing Typer."""

from __future__ import annotations

import pytest

from tests.conftest import Cli


@pytest.mark.parametrize("args", [["from-cvs"], ["orders", "lsit"], ["auth", "lgin"]])
def test_did_you_mean_is_printed_once(cli: Cli, args: list[str]) -> None:
    result = cli(*args)
    assert result.exit_code == 2, result
    assert result.stderr.count("Did you mean") == 1, result
