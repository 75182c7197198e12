"""How a command fails: every error becomes a clear message and a documented exit code, never a
traceback unless asked for (-vv or FWFULFILL_DEBUG=1, to report a bug)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer

from fwfulfill.cli.streams import Output
from fwfulfill.constants import ENV_DEBUG
from fwfulfill.error_codes import ExitCode, hint
from fwfulfill.errors import ApiError, FwfulfillError, InputError


def error_payload(error: FwfulfillError) -> dict[str, Any]:
    """The JSON shape of an error (`{"error": ...}` on stdout with `--output json`)."""
    entry = error.entry
    payload: dict[str, Any] = {
        "code": error.code,
        "title": entry.title,
        "message": error.message,
        "hint": hint(error.code, error.fields, error.target),
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
    to_do = hint(error.code, error.fields, error.target)
    return f"{prefix}{message} {to_do}" if to_do and to_do not in message else prefix + message


def render_error(output: Output, error: FwfulfillError) -> None:
    if output.json_mode:
        output.data({"error": error_payload(error)})
    output.error(one_line(error))


@contextmanager
def failures_rendered(output: Output) -> Iterator[None]:
    """Turn whatever a command raises into output and an exit code."""
    from fwfulfill.auth.config import ConfigError

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

    except Exception as error:  # a bug: say so plainly; the traceback only when asked for
        render_bug(output, error)
        raise typer.Exit(int(ExitCode.BUG)) from None


def render_bug(output: Output, error: Exception) -> None:
    """One line naming the bug; before it, with -vv or FWFULFILL_DEBUG, the traceback (as httpie's
    --traceback). Both are scrubbed of every secret the run held: exception text can quote one."""
    hint = f" (-vv or {ENV_DEBUG}=1 shows the traceback)"
    if output.show_tracebacks or debug_requested(os.environ):
        import traceback

        from rich.text import Text

        lines = traceback.format_exception(type(error), error, error.__traceback__)
        output.err.print(Text(scrubbed("".join(lines)).rstrip()), soft_wrap=True)
        hint = ""
    output.error(
        scrubbed(
            f"internal error ({type(error).__name__}: {error}). This is a bug in fwfulfill; "
            f"please report it with the command you ran{hint}."
        )
    )


def debug_requested(env: Any) -> bool:
    return env.get(ENV_DEBUG, "") not in ("", "0")


# `Basic <token>`, `Bearer <token>`, and `scheme://user:password@` in URLs.
_AUTHORIZATION = re.compile(r"\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]{6,}", re.IGNORECASE)
_URL_USERINFO = re.compile(r"(\w+://)[^/\s@]+@")
_SHORTEST_SECRET = 8


def scrubbed(text: str) -> str:
    """`text` without the secrets the process held, in any form they travel in."""
    from urllib.parse import quote

    from fwfulfill.auth.credentials import held_secrets

    # Longest first, so a secret inside another is not half-replaced. Shorter strings than any real
    # password or token (test doubles like "p") would blank ordinary words: left to the patterns.
    for secret in sorted(held_secrets(), key=len, reverse=True):
        if len(secret) < _SHORTEST_SECRET:
            continue
        for form in {secret, quote(secret, safe="")}:
            text = text.replace(form, "[redacted]")
    text = _AUTHORIZATION.sub(r"\1 [redacted]", text)
    return _URL_USERINFO.sub(r"\1[redacted]@", text)
