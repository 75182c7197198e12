"""Exceptions that carry a catalogue code, so every layer fails the same way and the CLI renders one
way."""

from __future__ import annotations

from fwfulfill.error_codes import Entry, ExitCode, explain, lookup


class FwfulfillError(Exception):
    """A failure with a catalogue code; `message` is safe to show (it never holds a secret)."""

    def __init__(
        self,
        code: str,
        message: str | None = None,
        *,
        fields: dict[str, object] | None = None,
        target: str | None = None,
    ) -> None:
        self.code = code
        self.fields: dict[str, object] = dict(fields or {})
        self.target = target  # what the error is about: an argument, a file line, an order
        self.message = message or explain(code, self.fields)
        super().__init__(self.message)

    @property
    def entry(self) -> Entry:
        return lookup(self.code)

    @property
    def exit_code(self) -> ExitCode:
        return self.entry.exit_code


class InputError(FwfulfillError):
    """The user's input is wrong; nothing was sent for it."""

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.INVALID_INPUT


class ApiError(FwfulfillError):
    """The API gave a definite answer that is not success (or could not be reached at all)."""

    def __init__(
        self,
        code: str,
        message: str | None = None,
        *,
        status: int | None = None,
        fields: dict[str, object] | None = None,
        body_excerpt: str = "",
    ) -> None:
        super().__init__(code, message, fields=fields)
        self.status = status
        self.body_excerpt = body_excerpt


class OutcomeUnknown(ApiError):
    """A request was (maybe) delivered but no answer came: it may or may not have taken effect."""
