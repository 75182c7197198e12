"""CSV on stdout is UTF-8 bytes with the writer's own line ends, whatever stdout's text encoding
and newline translation (a redirected stdout on Windows: cp1252, "\\n" written as CRLF)."""

from __future__ import annotations

import io

from fwfulfill.cli.streams import Output, OutputFormat


def windows_redirected_stdout() -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding="cp1252", newline="\r\n")


def written(stdout: io.TextIOWrapper) -> bytes:
    stdout.flush()
    buffer = stdout.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue()


def test_export_csv_crlf_on_a_text_mode_stdout_is_not_doubled() -> None:
    stdout = windows_redirected_stdout()
    Output(OutputFormat.TABLE, stdout=stdout).text("\ufefforder,name\r\nD3XZFWPP,Zoë 🎉\r\n")
    assert written(stdout) == "\ufefforder,name\r\nD3XZFWPP,Zoë 🎉\r\n".encode()


def test_o_csv_rows_on_a_cp1252_stdout_are_utf8_with_single_line_ends() -> None:
    stdout = windows_redirected_stdout()
    Output(OutputFormat.CSV, stdout=stdout).data_rows(["name"], [["Zoë 🎉"], ["+1"]])
    data = written(stdout)
    assert "Zoë 🎉".encode() in data
    assert b"\r\r\n" not in data
    assert data.replace(b"\r\n", b"\n") == "name\nZoë 🎉\n'+1\n".encode()


def test_a_stdout_without_a_byte_buffer_still_gets_the_text() -> None:
    stdout = io.StringIO()
    Output(OutputFormat.CSV, stdout=stdout).data_rows(["name"], [["Zoë 🎉"]])
    assert stdout.getvalue() == "name\nZoë 🎉\n"
