"""Reading tracking CSVs as they come out of shipping tools and Excel (CSV-NOTES.md, "Decoding").

UTF-8 with or without BOM; bytes that are not UTF-8 are read as cp1252 (Windows Excel) with a
warning. The delimiter is sniffed from the header line. Rows are streamed with the physical line
they start on (the header is line 1), so memory does not grow with the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from fwfulfill.csv_cells import unguard_cell, unguard_row
from fwfulfill.errors import InputError

_CHUNK = 1 << 20
_DELIMITERS = (",", ";", "\t", "|")
_FALLBACK_ENCODING = "cp1252"
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Cells up to 16 MiB (csv allows 128 KiB): a pasted blob in a notes column must not stop the
# import. The limit is process-wide, so it is raised only while this module reads a row.
_FIELD_SIZE_LIMIT = 1 << 24


@dataclass(frozen=True)
class CsvRow:
    line: int  # physical line the row starts on (header = 1)
    cells: tuple[str, ...]


@dataclass(frozen=True)
class CsvFormat:
    encoding: str
    delimiter: str
    fell_back: bool  # not UTF-8: read as cp1252


def _utf8_ok(handle: IO[bytes]) -> bool:
    """Whether the whole stream decodes as UTF-8 (read in chunks, nothing kept)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := handle.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(handle: IO[bytes], forced: str | None) -> tuple[str, bool]:
    """(encoding, fell_back); `utf-8-sig` reads both UTF-8 and Excel's "CSV UTF-8" with its BOM."""
    if forced:
        try:
            codec = codecs.lookup(forced)
        except (LookupError, ValueError):  # ValueError: a NUL in the name
            raise InputError(
                "invalid_option", f"unknown encoding {forced[:40]!r}.", target="--encoding"
            ) from None
        if not codec._is_text_encoding:  # rot13, hex, base64, zlib...: bytes-to-bytes codecs
            raise InputError(
                "invalid_option",
                f"{forced!r} is not a text encoding; use one like utf-8, cp1252 or latin-1.",
                target="--encoding",
            )
        return forced, False
    handle.seek(0)
    if handle.read(2) in _UTF16_BOMS:
        handle.seek(0)
        return "utf-16", False  # Excel's "Unicode Text": its BOM says so; cp1252 would be garbage
    handle.seek(0)
    ok = _utf8_ok(handle)
    handle.seek(0)
    return ("utf-8-sig", False) if ok else (_FALLBACK_ENCODING, True)


def sniff_delimiter(header_line: str, forced: str | None) -> str:
    if forced:
        named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
        delimiter = named.get(forced.lower(), forced)
        if len(delimiter) != 1:
            raise InputError(
                "invalid_option",
                f"{forced!r} is not one character (use ',', ';', tab or '|').",
                target="--delimiter",
            )
        return delimiter
    counts = {d: _count_outside_quotes(header_line, d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


@contextmanager
def _decoding(encoding: str) -> Iterator[None]:
    """A decoder that refuses the bytes even with errors="replace" (UTF-32 without its BOM) is the
    user's choice of --encoding going wrong, not a crash."""
    try:
        yield
    except UnicodeError as exc:
        raise InputError(
            "unreadable_file",
            f"the file cannot be read as {encoding} ({exc}).",
            target="--encoding",
        ) from None


@contextmanager
def open_source(path: str) -> Iterator[IO[bytes]]:
    """The file's bytes, seekable; `-` is stdin, spooled to a temporary file to be read twice."""
    if path == "-":
        stdin = getattr(sys.stdin, "buffer", None)
        if stdin is None:  # `<&-`: the process has no stdin at all
            raise InputError("cannot_open_file", "stdin is closed.", target="FILE")
        with tempfile.SpooledTemporaryFile(max_size=16 * _CHUNK) as spool:
            shutil.copyfileobj(stdin, spool)
            spool.seek(0)
            yield spool
        return
    try:
        handle = Path(path).open("rb")  # noqa: SIM115 - closed by the `with` below, after yield
    except FileNotFoundError:
        raise InputError("cannot_open_file", f"no such file: {path}.", target="FILE") from None
    except IsADirectoryError:
        raise InputError("cannot_open_file", f"{path} is a directory.", target="FILE") from None
    except OSError as exc:
        raise InputError(
            "cannot_open_file", f"cannot open {path}: {exc.strerror}.", target="FILE"
        ) from None
    with handle:
        yield handle


class CsvFile:
    """A header and a stream of rows, from a seekable binary handle."""

    def __init__(
        self, handle: IO[bytes], *, encoding: str | None = None, delimiter: str | None = None
    ) -> None:
        chosen, fell_back = detect_encoding(handle, encoding)
        self._text = io.TextIOWrapper(handle, encoding=chosen, errors="replace", newline="")
        with _decoding(chosen):
            first = self._text.readline()
            self.format = CsvFormat(chosen, sniff_delimiter(first, delimiter), fell_back)
            self._text.seek(0)
            self._reader = csv.reader(self._text, delimiter=self.format.delimiter)
            try:
                header = _next_row(self._reader)
            except (StopIteration, csv.Error):
                header = []
        self.header: tuple[str, ...] = tuple(
            unguard_cell(cell.strip().lstrip("\ufeff")) for cell in header
        )
        # The most cells of any row read so far: rows may run past the header (reports keep them).
        self.widest = len(self.header)
        if not first:
            raise InputError("unreadable_file", "the file is empty (no header row).", target="FILE")
        if not any(self.header):  # `,,,` or a blank first line
            raise InputError("empty_header", target="header (line 1)")

    def rows(self) -> Iterator[CsvRow]:
        """Every non-empty row, padded to the header's width, with the line it starts on."""
        with _decoding(self.format.encoding):
            yield from self._rows()

    def _rows(self) -> Iterator[CsvRow]:
        width = len(self.header)
        line = self._reader.line_num + 1
        while True:
            try:
                cells = _next_row(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InputError(
                    "unreadable_file", f"line {line}: {exc}.", target=f"line {line}"
                ) from None
            start, line = line, self._reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue  # `,,,,` rows that spreadsheets leave behind
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            elif len(cells) > self.widest:
                self.widest = len(cells)
            yield CsvRow(start, tuple(unguard_row(cells)))


def _next_row(reader: Iterator[list[str]]) -> list[str]:
    """The reader's next row, read with large cells allowed; the caller's limit restored after."""
    previous = csv.field_size_limit(_FIELD_SIZE_LIMIT)
    try:
        return next(reader)
    finally:
        csv.field_size_limit(previous)
