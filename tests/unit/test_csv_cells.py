"""The OWASP CSV-injection guard: no cell fwfulfill writes starts a formula, and each reads back."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fwfulfill.csv_cells import FORMULA_STARTS, GuardedWriter, guard_cell, unguard_cell, unguard_row

# Text heavy in the characters that matter: triggers, quotes, and ordinary letters.
ALPHABET = [*sorted(FORMULA_STARTS), "'", "a", "1", " ", '"', ","]
cells = st.text(alphabet=st.sampled_from(ALPHABET), max_size=8)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("'=already", "''=already"),
        ("O'Brien", "O'Brien"),
        ("'quoted'", "'quoted'"),
        ("9400111899223817654305", "9400111899223817654305"),
        ("", ""),
    ],
)
def test_guard_cell_prefixes_formula_starts_only(value: str, written: str) -> None:
    assert guard_cell(value) == written
    assert unguard_cell(written) == value


@given(cells)
def test_guard_cell_never_leaves_a_formula_start(value: str) -> None:
    guarded = guard_cell(value)
    assert not guarded or guarded[0] not in FORMULA_STARTS


@given(cells)
def test_unguard_cell_reads_back_every_guarded_value(value: str) -> None:
    assert unguard_cell(guard_cell(value)) == value


@given(st.lists(cells, max_size=5))
def test_unguard_row_reads_back_a_guarded_row(row: list[str]) -> None:
    assert unguard_row([guard_cell(cell) for cell in row]) == row


def test_guarded_writer_guards_every_cell_of_a_row() -> None:
    out = io.StringIO()
    GuardedWriter(out, lineterminator="\n").writerow(["=1+1", "D3XZFWPP", "-2"])
    assert out.getvalue() == "'=1+1,D3XZFWPP,'-2\n"
