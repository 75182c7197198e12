"""The baseline of bench_help.py: the smallest useful Typer app (one command, a --version option),
run by the same interpreter as fwfulfill. Its --help cost is what any Typer + Rich CLI pays."""

from __future__ import annotations

import typer

app = typer.Typer(add_completion=True)


def _show_version(value: bool) -> None:
    if value:
        typer.echo("minimal-app 1.0")
        raise typer.Exit()


@app.command()
def hello(
    name: str = typer.Option("world", help="Who to greet."),
    version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """Say hello."""
    typer.echo(f"hello {name}")


if __name__ == "__main__":
    app(prog_name="minimal-app")
