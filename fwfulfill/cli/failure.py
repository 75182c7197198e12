"""How a command fails: every error becomes a clear message and a documented exit code, never a
traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer

from fwfulfill.catalogue import ExitCode
from fwfulfill.cli.output import Output
from fwfulfill.errors import ApiError, FwfulfillError, InputError


def error_payload(error: FwfulfillError) -> dict[str, Any]:
    """The JSON shape of an error (`{"error": ...}` on stdout with `--output json`)."""
    entry = error.entry
    payload: dict[str, Any] = {
        "code": error.code,
        "title": entry.title,
        "message": error.message,
        "hint": entry.hint,
        "exitCode": int(error.exit_code),
    }
    if error.target:
        payload["target"] = error.target
    if isinstance(error, ApiError) and error.status is not None:
        payload["status"] = error.status
    if error.fields:
        payload["fields"] = dict(error.fields)
    return payload


def one_line(error: FwfulfillError) -> str:
    """`TARGET: what is wrong. What to do.` on one line; API errors start with title and code."""
    message = error.message.rstrip()
    if message and message[-1] not in ".!?)":
        message += "."
    prefix = f"{error.target}: " if error.target else ""
    if not isinstance(error, InputError) and error.code.isupper():
        prefix = f"{error.entry.title} ({error.code}): {prefix}"
    hint = error.entry.hint
    return f"{prefix}{message} {hint}" if hint and hint not in message else prefix + message


def render_error(output: Output, error: FwfulfillError) -> None:
    if output.json_mode:
        output.data({"error": error_payload(error)})
    if isinstance(error, ApiError) and not isinstance(error, InputError) and not output.json_mode:
        from fwfulfill.cli.render import error_table

        output.show_err(error_table(error))
    output.error(one_line(error))


@contextmanager
def failures_rendered(output: Output) -> Iterator[None]:
    """Turn whatever a command raises into output and an exit code."""
    from fwfulfill.config import ConfigError

    try:
        yield
    except typer.Exit:
        raise
    except FwfulfillError as error:
        render_error(output, error)
        raise typer.Exit(int(error.exit_code)) from None
    except ConfigError as error:
        output.error(str(error))
        raise typer.Exit(int(ExitCode.INVALID_INPUT)) from None
    except (KeyboardInterrupt, typer.Abort):  # Abort: Ctrl-C or end of input at a prompt
        # A program reading `-o json` gets its one document even when the run stops early.
        interrupted = FwfulfillError("interrupted")
        if output.json_mode and not output.data_written:
            output.data({"error": error_payload(interrupted)})
        output.error(one_line(interrupted))
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None

    except Exception as error:  # a bug: say so plainly, without a wall of traceback
        output.error(
            f"internal error ({type(error).__name__}: {error}). This is a bug in fwfulfill; "
            "please report it with the command you ran."
        )
        raise typer.Exit(int(ExitCode.BUG)) from None
