"""The `fwfulfill` console script: a TAB of shell completion is answered from the completion table
without importing Typer (a TAB must stay well under 120 ms); everything else runs the Typer app."""

from __future__ import annotations

import os


def main() -> None:
    from fwfulfill.cli.completion import exit_if_answered

    exit_if_answered(os.environ)
    from fwfulfill.cli.app import run

    run()
