"""`fwfulfill history [ORDER] [--run RUN]`: what the ledger knows fwfulfill sent."""

from __future__ import annotations

import typer

from fwfulfill.cli.context import AppContext
from fwfulfill.cli.errors import failures_rendered
from fwfulfill.cli.help_examples import epilog


def register(root: typer.Typer) -> None:
    root.command("history", epilog=epilog("history"))(history)


def history(
    ctx: typer.Context,
    order: str | None = typer.Argument(
        None, metavar="[ORDER]", help="Only this order (UUID or friendly id)."
    ),
    run: str | None = typer.Option(
        None, "--run", metavar="RUN", help="Only what this run sent (its id is in its summary)."
    ),
) -> None:
    """Show the fulfillments fwfulfill sent (from its local ledger), and each step of an order's."""
    app_ctx: AppContext = ctx.obj
    with failures_rendered(app_ctx.output):
        from fwfulfill.planning.parse_input import parse_order_reference
        from fwfulfill.sending.ledger import Ledger

        key = parse_order_reference(order, target="ORDER").key if order else None
        with Ledger() as ledger:
            entries = ledger.find(order=key, run_id=run)
            events = ledger.events(entries, run) if (key or run) else []
        if app_ctx.output.json_mode:
            app_ctx.output.data(
                {
                    "fulfillments": [entry.to_json() for entry in entries],
                    "events": [event.to_json() for event in events],
                }
            )
            return
        if app_ctx.output.csv_mode:  # the fulfillments; the steps are in the JSON and tables
            from fwfulfill.cli.csv_output import HISTORY_COLUMNS, history_rows

            rows = history_rows(entry.to_json() for entry in entries)
            app_ctx.output.data_rows(HISTORY_COLUMNS, rows)
            return
        from fwfulfill.cli.tables import history_tables

        if not entries:
            app_ctx.output.info(
                "The ledger has no fulfillments" + (" for that." if key or run else ".")
            )
            return
        app_ctx.output.show(*history_tables(entries, events, wide=app_ctx.output.wide))
