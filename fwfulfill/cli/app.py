"""The `fwfulfill` command: global options and the commands under it.

Only light modules are imported here: `--help` and shell completion must not pay for httpx, pydantic
or keyring. Each command imports what it needs when it runs.
"""

from __future__ import annotations

import sys
from typing import Any

import typer
import typer.main

from fwfulfill import __version__
from fwfulfill.cli.command_group import SuggestOnceGroup
from fwfulfill.cli.completion_values import complete_profile
from fwfulfill.cli.context import AppContext
from fwfulfill.cli.global_options import hoist_global_options
from fwfulfill.cli.streams import Output, OutputFormat


class FwfulfillGroup(SuggestOnceGroup):
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return list(super().parse_args(ctx, hoist_global_options(list(args))))


app = typer.Typer(
    name="fwfulfill",
    cls=FwfulfillGroup,
    help="Mark Fourthwall orders as shipped: create fulfillments (shipment trackers) one order "
    "at a time or in bulk from the tracking CSVs that shipping tools export.\n\n"
    "Global options can be written before or after the command. Try it offline with --sandbox.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"fwfulfill {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    profile: str | None = typer.Option(
        None,
        "--profile",
        metavar="NAME",
        autocompletion=complete_profile,
        help="Shop profile to use (default: the config's default; env FWFULFILL_PROFILE).",
    ),
    sandbox: bool = typer.Option(
        False, "--sandbox", help="Use the built-in sandbox shop: offline, no credentials needed."
    ),
    api_url: str | None = typer.Option(
        None, "--api-url", metavar="URL", help="Another API base URL (https, or http to localhost)."
    ),
    output: OutputFormat | None = typer.Option(
        None,
        "--output",
        "-o",
        case_sensitive=False,
        help="table, json or csv (default: table on a terminal, json in a pipe); csv for the "
        "lists: orders list, history, from-csv.",
    ),
    no_color: bool = typer.Option(False, "--no-color", help="No colours (also NO_COLOR=1)."),
    wide: bool = typer.Option(
        False,
        "--wide",
        help="Tables also show the UUIDs of orders and variants (JSON always has them).",
    ),
    verbose: int = typer.Option(
        0,
        "--verbose",
        "-v",
        count=True,
        metavar="",
        show_default=False,
        help="Show each request and response on stderr; -vv adds headers (a counting flag).",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    ctx.obj = AppContext(
        output=Output(output, no_color=no_color, show_tracebacks=verbose > 1, wide=wide),
        profile=profile,
        sandbox=sandbox,
        api_url=api_url,
        verbose=verbose,
    )
    if output is OutputFormat.CSV:
        _refuse_csv_without_list(ctx.obj, ctx.invoked_subcommand)


def _refuse_csv_without_list(app_ctx: AppContext, command: str | None) -> None:
    """`-o csv` on a command that prints no list: one line and exit 2, before it does anything."""
    from fwfulfill.cli.csv_output import CSV_COMMANDS, refuse_csv
    from fwfulfill.cli.errors import failures_rendered

    if command is not None and command not in CSV_COMMANDS:
        with failures_rendered(app_ctx.output):
            raise refuse_csv(command)


def _register() -> None:
    """Each module of cli/commands/ adds its command (or its group of commands) by `register`."""
    from fwfulfill.cli.commands import auth, create, from_csv, history, info, orders, sandbox

    auth.register(app)
    create.register(app)
    from_csv.register(app)
    orders.register(app)
    history.register(app)
    info.register(app)
    sandbox.register(app)


_register()


def run() -> None:
    show_help_without_root_options(sys.argv[1:])
    app(prog_name="fwfulfill")


def show_help_without_root_options(args: list[str]) -> None:
    """`fwfulfill [GROUP] COMMAND --help`: print that help without parsing the root's options.

    Help needs none of them, and from typer 0.26 on, parsing them builds a pydantic validator for
    each (about 0.1 s, and pydantic on the help path). Exits when it printed the help; returns for
    any other ARGS, which the app then parses as usual.
    """
    if len(args) < 2 or args[-1] not in ("-h", "--help"):
        return
    if any(name.startswith("-") for name in args[:-1]):
        return
    command: Any = typer.main.get_command(app)
    context = command.context_class(command, info_name="fwfulfill", **command.context_settings)
    *groups, last = args[:-1]
    for name in groups:
        command = _subcommand(command, context, name)
        if command is None:
            return
        context = command.context_class(
            command, info_name=name, parent=context, **command.context_settings
        )
    target = _subcommand(command, context, last)
    if target is not None:
        target.main([args[-1]], prog_name=last, parent=context)


def _subcommand(group: Any, context: Any, name: str) -> Any:
    return group.get_command(context, name) if hasattr(group, "get_command") else None


def main() -> None:
    """`fwfulfill`: a TAB is answered from the completion table, the rest by the Typer app."""
    import os

    from fwfulfill.cli.completion import exit_if_answered

    exit_if_answered(os.environ)
    run()
