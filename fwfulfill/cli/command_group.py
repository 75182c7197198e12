"""The click group class of `fwfulfill` and of its groups of commands (auth, orders, sandbox)."""

from __future__ import annotations

from typing import Any

from typer.core import TyperGroup


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
