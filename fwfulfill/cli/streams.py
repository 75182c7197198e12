"""Where output goes: data to stdout (tables for people, JSON for programs, CSV for spreadsheets),
talk to stderr.

One object per run, handed to every command, so no command prints on its own.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import Enum
from functools import cached_property
from typing import IO, TYPE_CHECKING, Any, Protocol, runtime_checkable

from fwfulfill.constants import ENV_NO_COLOR

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

# Wide enough that a table piped on purpose (`-o table | less`) is never cut at 80 columns.
_PIPE_WIDTH = 200


# Elements of a streamed array are encoded this many at a time and written in one call.
_BATCH = 512


def _element_encoder() -> Callable[[Any], str]:
    """`json.dumps` (compact, default settings) for many values: the C encoder `json.dumps` makes
    anew for every call, made once (a third of the cost of a small object). Plain `json.dumps`
    where this Python has no C encoder."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython has it
        return json.dumps
    defaults = json.JSONEncoder()
    try:
        encoder = make(
            None,  # no circular check: the elements are plain trees of dicts and lists
            defaults.default,
            json.encoder.encode_basestring_ascii,  # json.dumps' ensure_ascii=True
            None,
            defaults.key_separator,
            defaults.item_separator,
            False,
            False,
            True,
        )
    except TypeError:  # pragma: no cover - a Python whose C encoder takes other arguments
        return json.dumps

    def encode(value: Any) -> str:
        return "".join(encoder(value, 0))

    # The C encoder is not a documented API: used only where it writes what json.dumps writes.
    try:
        same = encode(_PROBE) == json.dumps(_PROBE)
    except (TypeError, ValueError):  # pragma: no cover - see above
        same = False
    return encode if same else json.dumps


# Every kind of value a plan's JSON holds, nested, with characters that are escaped.
_PROBE = {"a": [1, 2.5, None, True, False], "b": {"c": 'caf\u00e9 "q" \n'}, "d": [], "e": {}}


@runtime_checkable
class EncodesElements(Protocol):
    """An array value that writes its elements' JSON itself (`plan.FulfillmentsJson`): each text
    is what `json.dumps` writes for the element its iteration gives."""

    def texts(self) -> Iterator[str]: ...


def _write_array(write: Callable[[str], object], elements: Iterator[Any]) -> None:
    """`[a,b,...]` as `json.dumps` writes each element, separated by a bare comma, written in
    batches so a plan of 100,000 elements never exists as one string."""
    if isinstance(elements, EncodesElements):
        texts = elements.texts()
    else:
        encode = _element_encoder()
        texts = map(encode, elements)
    write("[")
    batch: list[str] = []
    separator = ""
    for text in texts:
        batch.append(text)
        if len(batch) == _BATCH:
            write(separator + ",".join(batch))
            batch.clear()
            separator = ","
    if batch:
        write(separator + ",".join(batch))
    write("]")


class OutputFormat(str, Enum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"  # the lists only (orders list, history, from-csv); other commands refuse it


class Output:
    """The run's stdout and stderr, and the format chosen for data."""

    def __init__(
        self,
        requested: OutputFormat | None,
        *,
        no_color: bool = False,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
        show_tracebacks: bool = False,
        wide: bool = False,
    ) -> None:
        self.wide = wide  # --wide: tables also show UUIDs
        # A bug's traceback on stderr too (-vv; FWFULFILL_DEBUG=1 also turns it on, cli/failure.py).
        self.show_tracebacks = show_tracebacks
        self._stdout_file = stdout or sys.stdout
        self._stderr_file = stderr or sys.stderr
        self.stdout_is_terminal = is_terminal(self._stdout_file)
        self.stderr_is_terminal = is_terminal(self._stderr_file)
        self.requested = requested  # what --output asked for (None: chosen by the terminal)
        # Tables only for a terminal unless asked for; a pipe gets JSON.
        self.format = requested or (
            OutputFormat.TABLE if self.stdout_is_terminal else OutputFormat.JSON
        )
        self.color = not (no_color or os.environ.get(ENV_NO_COLOR))
        self.data_written = False  # one JSON document per run: an error after data adds none

    # Rich loads on first use: `--version` and shell completion never pay for it.
    @cached_property
    def out(self) -> Console:
        from rich.console import Console

        return Console(
            file=self._stdout_file,
            no_color=not self.color,
            highlight=False,
            width=None if self.stdout_is_terminal else _PIPE_WIDTH,
            soft_wrap=False,
        )

    @cached_property
    def err(self) -> Console:
        from rich.console import Console

        return Console(
            file=self._stderr_file,
            no_color=not self.color,
            highlight=False,
            stderr=True,
            width=None if self.stderr_is_terminal else _PIPE_WIDTH,
        )

    @property
    def json_mode(self) -> bool:
        return self.format is OutputFormat.JSON

    @property
    def csv_mode(self) -> bool:
        return self.format is OutputFormat.CSV

    # ---- data (stdout) ----

    def data_rows(self, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
        """Write a CSV (`-o csv`): the header, then each row as `rows` yields it (a large plan is
        never held as text), every cell guarded against spreadsheet formulas."""
        from fwfulfill.csv_cells import GuardedWriter

        self.data_written = True
        try:
            stream, binary = self._csv_stdout()
            # Bytes carry the platform's line end as written; a text stream translates "\n".
            writer = GuardedWriter(stream, lineterminator=os.linesep if binary else "\n")
            writer.writerow(header)
            writer.writerows(rows)
            self._stdout_file.flush()
        except BrokenPipeError:
            self._stdout_closed()

    def _csv_stdout(self) -> tuple[_Utf8Bytes | IO[str], bool]:
        """Where a CSV goes on stdout: UTF-8 bytes straight to `stdout.buffer` when there is one
        (a redirected stdout on Windows is cp1252, which has no emoji, and its text mode would
        turn CRLF into CR CR LF), else the text stream itself."""
        buffer = getattr(self._stdout_file, "buffer", None)
        if buffer is None:
            return self._stdout_file, False
        self._stdout_file.flush()  # text written before goes first
        return _Utf8Bytes(buffer), True

    def _stdout_closed(self) -> None:
        """The reader went away (`| head`): stop writing data, keep the run and its exit code."""
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stdout_file.fileno())
        except (OSError, ValueError, AttributeError):
            pass  # not a real file (tests): writes below go nowhere anyway
        self._stdout_file = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the run
        self.__dict__.pop("out", None)  # the table console is rebuilt on the new file

    def data_fields(self, fields: Iterable[tuple[str, Any]]) -> None:
        self.data_written = True
        try:
            self._write_fields(fields)
        except BrokenPipeError:
            self._stdout_closed()

    def _write_fields(self, fields: Iterable[tuple[str, Any]]) -> None:
        """Write one JSON object from (key, value) pairs; a value that is an iterator is written
        element by element, so a plan of 100,000 rows never exists as one string in memory."""
        if self.stdout_is_terminal:
            self.data({k: list(v) if isinstance(v, Iterator) else v for k, v in fields})
            return
        write = self._stdout_file.write
        write("{")
        for position, (key, value) in enumerate(fields):
            write(("," if position else "") + json.dumps(key) + ":")
            if isinstance(value, Iterator):
                _write_array(write, value)
            else:
                write(json.dumps(value))
        write("}\n")
        self._stdout_file.flush()

    def data(self, payload: Any) -> None:
        self.data_written = True
        try:
            self._write_data(payload)
        except BrokenPipeError:
            self._stdout_closed()

    def _write_data(self, payload: Any) -> None:
        """Write one JSON document to stdout: indented for a terminal, compact for a program (the
        compact form is written by the C encoder, ten times faster on a large plan)."""
        indent = 2 if self.stdout_is_terminal else None
        self._stdout_file.write(json.dumps(payload, indent=indent) + "\n")
        self._stdout_file.flush()

    def stdout_carries_text(self) -> None:
        """stdout is a file's text (`orders export`'s CSV), never a JSON document: an error goes
        to stderr only, so `orders export > open.csv` never leaves JSON in the CSV."""
        self.format = OutputFormat.TABLE

    def text(self, text: str) -> None:
        """Data that is already text (a CSV): written to stdout as it is, as UTF-8 bytes with its
        own line ends when stdout has a byte buffer (see `_csv_stdout`)."""
        self.data_written = True
        try:
            self._csv_stdout()[0].write(text)
            self._stdout_file.flush()
        except BrokenPipeError:
            self._stdout_closed()

    def show(self, *renderables: RenderableType) -> None:
        try:
            for renderable in renderables:
                # A long table comes in parts, each printed (and let go) before the next is made.
                parts = getattr(renderable, "parts", None)
                for part in parts() if callable(parts) else (renderable,):
                    self.out.print(part)
        except BrokenPipeError:
            self._stdout_closed()

    # ---- talk (stderr) ----

    def info(self, message: str) -> None:
        self.err.print(_escape(message))

    def info_items(self, title: str, items: Sequence[str]) -> None:
        """`title a, b, c` on one line when it fits the screen, else the title and then one item
        per line: an item (a column's name) is never broken across two lines."""
        from rich.cells import cell_len

        line = f"{title} {', '.join(items)}"
        if not items or cell_len(line) <= self.err.width:
            self.info(line)
            return
        self.info(title)
        for item in items:
            self.info(f"  {item}")

    def success(self, message: str) -> None:
        self.err.print(f"[green]{_escape(message)}[/green]")

    def warning(self, message: str) -> None:
        self.err.print(f"[yellow]warning:[/yellow] {_escape(message)}")

    def error(self, message: str) -> None:
        self.err.print(f"[bold red]error:[/bold red] {_escape(message)}", soft_wrap=True)

    def show_err(self, *renderables: RenderableType) -> None:
        for renderable in renderables:
            self.err.print(renderable)


class _Utf8Bytes:
    """A text sink that writes UTF-8 bytes to a byte stream (a character no UTF-8 can hold, a lone
    surrogate, becomes U+FFFD rather than a crash)."""

    def __init__(self, buffer: IO[bytes]) -> None:
        self._buffer = buffer

    def write(self, text: str) -> int:
        self._buffer.write(text.encode("utf-8", "replace"))
        return len(text)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
