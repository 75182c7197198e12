"""The `fwfulfill` command: global options and the commands under it.

Only light modules are imported here: `--help` and shell completion must not pay for httpx, pydantic
or keyring. Each command imports what it needs when it runs.
"""

from __future__ import annotations

import sys
from typing import Any

import typer
import typer.main
from typer.core import TyperGroup

from fwfulfill import __version__
from fwfulfill.cli.context import AppContext
from fwfulfill.cli.global_options import hoist_global_options
from fwfulfill.cli.streams import Output, OutputFormat


class SuggestOnceGroup(TyperGroup):
    """A command group whose "No such command" error suggests a close name once: typer before 0.26
    writes "Did you mean ...?" into the message, and click 8.4+ adds its own when it prints it."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except Exception as error:  # click's UsageError; typer >= 0.26 has its own copy of click
            if "Did you mean" in str(getattr(error, "message", "")) and hasattr(
                error, "possibilities"
            ):
                error.possibilities = None
            raise


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
        help="table or json (default: table on a terminal, json in a pipe).",
    ),
    no_color: bool = typer.Option(False, "--no-color", help="No colours (also NO_COLOR=1)."),
    verbose: int = typer.Option(
        0,
        "--verbose",
        "-v",
        count=True,
        help="Show each request and response on stderr (-vv: headers).",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    ctx.obj = AppContext(
        output=Output(output, no_color=no_color, show_tracebacks=verbose > 1),
        profile=profile,
        sandbox=sandbox,
        api_url=api_url,
        verbose=verbose,
    )


def _register() -> None:
    from fwfulfill.cli.commands.auth import app as auth_app
    from fwfulfill.cli.commands.create import create
    from fwfulfill.cli.commands.from_csv import from_csv
    from fwfulfill.cli.commands.history import history
    from fwfulfill.cli.commands.info import carriers, template
    from fwfulfill.cli.commands.orders import app as orders_app
    from fwfulfill.cli.commands.sandbox import app as sandbox_app

    app.add_typer(auth_app, name="auth", cls=SuggestOnceGroup)
    app.command("create")(create)
    app.command("from-csv")(from_csv)
    app.add_typer(orders_app, name="orders", cls=SuggestOnceGroup)
    app.command("history")(history)
    app.command("template")(template)
    app.command("carriers")(carriers)
    app.add_typer(sandbox_app, name="sandbox", cls=SuggestOnceGroup)


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
