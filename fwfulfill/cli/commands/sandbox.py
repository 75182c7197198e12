"""`fwfulfill sandbox serve|reset|show`: the built-in fake Fourthwall shop."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from fwfulfill.cli.command_group import SuggestOnceGroup
from fwfulfill.cli.context import AppContext
from fwfulfill.cli.errors import failures_rendered
from fwfulfill.cli.help_examples import epilog
from fwfulfill.cli.options import SeedFile
from fwfulfill.error_codes import counted
from fwfulfill.errors import InputError

if TYPE_CHECKING:
    from fwfulfill.sandbox.seed import Seed

app = typer.Typer(
    help="The built-in sandbox: a local fake of the Fourthwall API to practise on.",
    no_args_is_help=True,
)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="sandbox", cls=SuggestOnceGroup)


@app.command("serve", epilog=epilog("sandbox serve"))
def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", metavar="HOST", help="Address to listen on."),
    port: int = typer.Option(
        8787, "--port", min=0, max=65535, metavar="PORT", help="Port (0: any free port)."
    ),
    seed: SeedFile = None,
    latency: str | None = typer.Option(
        None, "--latency", metavar="SECONDS", help="Added latency: 0.2, 0.1-0.3 or 100ms-300ms."
    ),
    rate: str | None = typer.Option(
        None,
        "--rate",
        metavar="N/SECONDS",
        help="Rate limit per shop (default 100/10); add ',delay' to delay instead of refuse, "
        "',retry-after' to send Retry-After; 'off' for none.",
    ),
    faults: str | None = typer.Option(
        None,
        "--faults",
        metavar="SPEC",
        help="Injected faults, comma-separated: 5xx=0.1, stall=0.05, drop=0.05, reset=0.05, "
        "burst=0.01, seed=7 (see the README).",
    ),
    option: str | None = typer.Option(
        None,
        "--option",
        metavar="NAME=VALUE,...",
        help="Unknown-API behaviours, comma-separated, like friendly_id_case=insensitive "
        "or page_metadata=false (see the README).",
    ),
    allow_remote: bool = typer.Option(
        False, "--allow-remote", help="Allow a non-loopback --host (exposes the sandbox's login)."
    ),
) -> None:
    """Serve the sandbox over HTTP on this machine until Ctrl-C."""
    app_ctx: AppContext = ctx.obj
    output = app_ctx.output
    with failures_rendered(output):
        from fwfulfill.sandbox import SandboxApp, SandboxServer
        from fwfulfill.sandbox.settings import SandboxSettings
        from fwfulfill.sandbox.state import SandboxState

        try:
            settings = SandboxSettings.from_cli(
                latency=latency, rate=rate, faults=faults, options=option
            )
        except ValueError as exc:
            raise InputError("invalid_option", str(exc)) from None
        state = SandboxState.from_seed(_load_seed(seed))
        try:
            server = SandboxServer(
                SandboxApp(state, settings), host, port, allow_remote=allow_remote
            )
        except ValueError as exc:
            raise InputError("invalid_option", str(exc), target="--host") from None
        except OSError as exc:
            raise InputError(
                "invalid_option",
                f"cannot listen on {host}:{port} ({exc.strerror}).",
                target="--port",
            ) from None
        if allow_remote:
            output.warning(f"serving on {host}: anyone who can reach it can use this login.")
        credentials = state.credentials
        output.info(f"Sandbox shop {state.shop.name} at {server.url}")
        output.info(f"  username: {credentials.username}")
        output.info(f"  password: {credentials.password}")
        output.info(
            f"Try: FOURTHWALL_API_USERNAME={credentials.username} "
            f"FOURTHWALL_API_PASSWORD={credentials.password} "
            f"fwfulfill --api-url {server.url} orders list"
        )
        output.info("Stats: GET /_sandbox/stats. Press Ctrl-C to stop.")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
        output.info("Sandbox stopped.")


@app.command("reset", epilog=epilog("sandbox reset"))
def reset(ctx: typer.Context, seed: SeedFile = None) -> None:
    """Start the --sandbox shop over (from the demo shop or a seed file)."""
    app_ctx: AppContext = ctx.obj
    with failures_rendered(app_ctx.output):
        from fwfulfill.cli.sandbox_access import sandbox_state_path
        from fwfulfill.sandbox.seed import SeedError
        from fwfulfill.sandbox.store import SandboxStateError, reset_sandbox
        from fwfulfill.sending.ledger import Ledger

        try:
            state = reset_sandbox(sandbox_state_path(), seed)
        except SandboxStateError as exc:  # the state file's place, not the seed
            raise InputError("invalid_seed", exc.problem) from None
        except SeedError as exc:
            raise InputError("invalid_seed", str(exc), target="--seed") from None
        with Ledger() as ledger:
            forgotten = ledger.forget_shop(f"sandbox:{state.shop.id}")
        snapshot = state.snapshot()
        app_ctx.output.info(
            f"Sandbox reset: {counted(len(snapshot['orders']), 'order')}, "
            f"{counted(len(snapshot['fulfillments']), 'fulfillment')}"
            + (
                f"; forgot {counted(forgotten, 'sandbox send')} in the ledger."
                if forgotten
                else "."
            )
        )


@app.command("show", epilog=epilog("sandbox show"))
def show(ctx: typer.Context) -> None:
    """Print the --sandbox shop's orders and fulfillments."""
    app_ctx: AppContext = ctx.obj
    with failures_rendered(app_ctx.output):
        from fwfulfill.cli.sandbox_access import sandbox_state_path
        from fwfulfill.sandbox.store import SandboxStateError, read_snapshot

        try:
            snapshot = read_snapshot(sandbox_state_path())
        except SandboxStateError as exc:
            raise InputError("invalid_seed", exc.problem) from None
        if app_ctx.output.json_mode:
            app_ctx.output.data(snapshot)
            return
        from fwfulfill.cli.tables import sandbox_tables

        app_ctx.output.show(*sandbox_tables(snapshot, wide=app_ctx.output.wide))


def _load_seed(path: Path | None) -> Seed:
    from fwfulfill.sandbox.demo import demo_seed
    from fwfulfill.sandbox.seed import SeedError, load_seed, parse_seed

    try:
        return load_seed(path) if path else parse_seed(demo_seed(), source="demo seed")
    except SeedError as exc:
        raise InputError("invalid_seed", str(exc), target="--seed") from None
