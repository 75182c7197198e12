"""Reading tracking CSVs as they come out of shipping tools and Excel (CSV-NOTES.md, "Decoding").

UTF-8 with or without BOM; bytes that are not UTF-8 are read as cp1252 (Windows Excel) with a
warning. An Excel `sep=;` first line names the delimiter; otherwise it is sniffed from the first
lines. Rows are streamed with the physical line they start on (line 1 is the file's first line,
whatever it holds), so memory does not grow with the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NamedTuple

from fwfulfill.csv_cells import GUARD, unguard_row
from fwfulfill.errors import InputError

_CHUNK = 1 << 20
_DELIMITERS = (",", ";", "\t", "|")
_FALLBACK_ENCODING = "cp1252"
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Cells up to 16 MiB (csv allows 128 KiB): a pasted blob in a notes column must not stop the
# import. The limit is process-wide, so it is raised only while this module reads a row.
_FIELD_SIZE_LIMIT = 1 << 24
SNIFF_LINES = 21  # the delimiter is told from this many lines (a title block and the header)
HEADER_SEARCH = 20  # the header is among the first this many non-empty lines
SAMPLE_ROWS = 200  # data rows read ahead for telling columns by content
HEAD_ROWS = HEADER_SEARCH + SAMPLE_ROWS


class CsvRow(NamedTuple):
    """One row as read (a tuple: one is made per row of a large file)."""

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


_SEP_DIRECTIVE = re.compile(r'^\ufeff?"?sep=(.)"?\r?\n?$', re.IGNORECASE)


def sep_directive(line: str) -> str | None:
    """The delimiter an Excel `sep=;` first line names, or None when the line is not one."""
    found = _SEP_DIRECTIVE.match(line.rstrip("\r\n")) if line.strip() else None
    return found.group(1) if found else None


def sniff_delimiter_of(lines: list[str], forced: str | None) -> str:
    """The delimiter of the first lines: the one that splits most of them into the same number of
    cells (a title line or decimal commas do not sway it), else the header line's."""
    if forced:
        return sniff_delimiter("", forced)
    texts = [line for line in lines if line.strip()]
    if len(texts) < 2:
        return sniff_delimiter(texts[0] if texts else "", None)

    def steadiness(delimiter: str) -> tuple[int, int]:
        counts = Counter(_count_outside_quotes(text, delimiter) for text in texts)
        counts.pop(0, None)
        if not counts:
            return (0, 0)
        cells, lines_alike = max(counts.items(), key=lambda pair: (pair[1], pair[0]))
        return (lines_alike, cells)

    best = max(_DELIMITERS, key=steadiness)
    return best if steadiness(best)[0] else ","


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
    """A header and a stream of rows, from a seekable binary handle.

    The first rows are read ahead (`head`): where the header is and which column is which are
    told from them (see `header.py` and `content.py`); `use_header` says which row is the header,
    and `rows()` then streams every row after it, the read-ahead ones first."""

    def __init__(
        self,
        handle: IO[bytes],
        *,
        encoding: str | None = None,
        delimiter: str | None = None,
        read_ahead: int = HEAD_ROWS,
        through_line: int = 0,
    ) -> None:
        chosen, fell_back = detect_encoding(handle, encoding)
        self._text = io.TextIOWrapper(handle, encoding=chosen, errors="replace", newline="")
        with _decoding(chosen):
            lines = [self._text.readline() for _ in range(SNIFF_LINES)]
            first = lines[0]
            directive = sep_directive(first)
            # `sep=;`: Excel's own word for the delimiter, above anything a sniff could say.
            forced = delimiter or directive
            sniffed = sniff_delimiter_of(lines[1:] if directive else lines, forced)
            self.format = CsvFormat(chosen, sniffed, fell_back)
            self.directive_line = 1 if directive else 0
            self._text.seek(0)
            self._reader = csv.reader(self._text, delimiter=self.format.delimiter)
            self._line = 1
            if directive:
                self._raw_row()
            self.head: list[CsvRow] = self._read_ahead(read_ahead, through_line)
        if not first:
            raise InputError("unreadable_file", "the file is empty (no header row).", target="FILE")
        self._position = 0
        self.header: tuple[str, ...] = ()
        # The most cells of any row read so far: rows may run past the header (reports keep them).
        self.widest = 0
        self.use_header(0)

    def _raw_row(self) -> CsvRow | None:
        """The next row as read (empty ones too), with the physical line it starts on."""
        try:
            cells = _next_row(self._reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            raise InputError(
                "unreadable_file", f"line {self._line}: {exc}.", target=f"line {self._line}"
            ) from None
        start, self._line = self._line, self._reader.line_num + 1
        # A cell fwfulfill's own report guarded against formulas (`'=...`) reads as written.
        return CsvRow(start, tuple(unguard_row(cells)))

    def _read_ahead(self, count: int, through_line: int) -> list[CsvRow]:
        head: list[CsvRow] = []
        filled = 0
        while filled < count or (head and head[-1].line < through_line):
            row = self._raw_row()
            if row is None:
                break
            head.append(row)
            filled += any(cell.strip() for cell in row.cells)
        return head

    @property
    def position(self) -> int:
        """Where the header is in `head`."""
        return self._position

    def release(self) -> None:
        """Let go of the stream without closing it (another reading takes it over)."""
        self._text.detach()

    @property
    def header_line(self) -> int:
        return self.head[self._position].line if self.head else 1 + self.directive_line

    def use_header(self, position: int) -> None:
        """Take `head[position]` as the header row (the first row of the file by default)."""
        self._position = position
        cells = self.head[position].cells if position < len(self.head) else ()
        self.header = tuple(cell.strip().lstrip("\ufeff") for cell in cells)
        self.widest = len(self.header)
        if not any(self.header):  # `,,,` or a blank first line
            raise InputError("empty_header", target=f"header (line {self.header_line})")

    def skipped_lines(self) -> list[int]:
        """The non-empty lines above the header (a title block), the `sep=` directive aside."""
        return [
            row.line for row in self.head[: self._position] if any(c.strip() for c in row.cells)
        ]

    def sample(self, count: int) -> list[tuple[str, ...]]:
        """Up to `count` non-empty rows after the header, from the read-ahead."""
        return sample_after(self.head, self._position, count)

    def rows(self) -> Iterator[CsvRow]:
        """Every non-empty row after the header, padded to the header's width, with the line it
        starts on."""
        with _decoding(self.format.encoding):
            yield from self._rows()

    def _rows(self) -> Iterator[CsvRow]:
        width = len(self.header)
        for row in self.head[self._position + 1 :]:
            cells = row.cells
            if not "".join(cells).strip():
                continue  # `,,,,` rows that spreadsheets leave behind
            if len(cells) < width:
                yield CsvRow(row.line, cells + ("",) * (width - len(cells)))
                continue
            self.widest = max(self.widest, len(cells))
            yield row
        # The rest of the file: what `_raw_row` does, inlined (this loop runs once per row).
        reader, limit, line = self._reader, csv.field_size_limit, self._line
        while True:
            previous = limit(_FIELD_SIZE_LIMIT)
            try:
                read = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InputError(
                    "unreadable_file", f"line {line}: {exc}.", target=f"line {line}"
                ) from None
            finally:
                limit(previous)
            start = line
            line = self._line = reader.line_num + 1
            joined = "".join(read)
            if GUARD in joined:  # a cell fwfulfill's own report guarded (`'=...`) reads as written
                read = unguard_row(read)
                joined = "".join(read)
            if not joined.strip():
                continue  # `,,,,` rows that spreadsheets leave behind
            count = len(read)
            if count < width:
                read.extend(("",) * (width - count))
            elif count > self.widest:
                self.widest = count
            yield CsvRow(start, tuple(read))


def sample_after(head: list[CsvRow], position: int, count: int) -> list[tuple[str, ...]]:
    """Up to `count` non-empty rows of `head` after `position`."""
    found: list[tuple[str, ...]] = []
    for row in head[position + 1 :]:
        if len(found) >= count:
            break
        if any(cell.strip() for cell in row.cells):
            found.append(row.cells)
    return found


def _next_row(reader: Iterator[list[str]]) -> list[str]:
    """The reader's next row, read with large cells allowed; the caller's limit restored after."""
    previous = csv.field_size_limit(_FIELD_SIZE_LIMIT)
    try:
        return next(reader)
    finally:
        csv.field_size_limit(previous)
