"""`identify` tries a number only against the formats that can match its length and first two
characters (issue 13): it must find exactly the matches of trying every format of that length."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fwfulfill.tracking import identify, normalize_tracking_number
from fwfulfill.tracking.identify import (
    FormatMatch,
    _candidates,
    _match,
    _plausible,
    _shapes,
    _widths,
)
from tests.unit.test_tracking_fast_paths import _numbers

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
CARRIERS: tuple[str | None, ...] = (
    None,
    "usps",
    "ups",
    "fedex",
    "dhl_express",
    "dhl_ecommerce",
    "canada_post",
    "amazon",
)
CARRIERS += ("lasership", "ontrac", "purolator", "dpd", "royal_mail")


def _every_format_tried(number: str, for_carrier: str | None) -> list[FormatMatch]:
    """`identify` as it was: every format whose lengths admit the number."""
    normalized = normalize_tracking_number(number)
    if not normalized:
        return []
    return [
        match
        for fmt, pattern, use in _candidates(len(normalized), for_carrier)
        if (found := pattern.fullmatch(normalized)) is not None
        and (match := _match(fmt, use, normalized, found)) is not None
    ]


def _synthetic() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synthetic_csv", BENCHMARKS / "synthetic_csv.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _benchmark_numbers() -> list[str]:
    """The tracking numbers of both 10,000-row benchmark files (shape a and shape b)."""
    synthetic = _synthetic()
    shape_a = [row[1] for row in synthetic.rows(10_000)]
    shape_b = [row[1] for row in synthetic.many_orders_rows(10_000, 7_500)]
    return sorted(set(shape_a + shape_b))


def test_identify_finds_what_trying_every_format_finds_on_the_tracking_test_data() -> None:
    numbers = [*_numbers(), "", " ", "1Z", "94", "GM", "1LS7", "-", "9" * 22, "LX1234567890"]
    for number in numbers:
        for carrier in CARRIERS:
            assert identify(number, for_carrier=carrier) == _every_format_tried(number, carrier), (
                number,
                carrier,
            )


def test_identify_finds_what_trying_every_format_finds_on_the_benchmark_files() -> None:
    for number in _benchmark_numbers():
        for carrier in (None, "usps", "ups", "fedex", "dhl_express"):
            assert identify(number, for_carrier=carrier) == _every_format_tried(number, carrier), (
                number,
                carrier,
            )


def test_every_courier_example_is_tried_against_its_own_format() -> None:
    for fmt, pattern, _ in _widths():
        for example in fmt.valid_examples:
            number = normalize_tracking_number(example)
            if pattern.fullmatch(number) is None:
                continue  # an example the compact regex does not take (checked elsewhere)
            tried = {id(f) for f, _, _ in _plausible(len(number), number[:2], None)}
            assert id(fmt) in tried, (fmt.format_id, number)


# Hypothesis cannot draw texts for regexes with lookarounds; the shapes leave lookarounds out
# (only ever adding shapes), and those formats' numbers are covered by the tests above.
_GENERATED = [
    index for index, (_, pattern, _) in enumerate(_widths()) if "(?=" not in pattern.pattern
]
_GENERATED = [index for index in _GENERATED if "(?!" not in _widths()[index][1].pattern]


@pytest.mark.parametrize("index", _GENERATED, ids=lambda i: _widths()[i][0].format_id)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(data=st.data())
def test_no_text_a_format_matches_is_left_out_of_its_tries(index: int, data: st.DataObject) -> None:
    """Whatever the regex fully matches, of any length and first characters, it is tried on."""
    fmt, pattern, _ = _widths()[index]
    text = data.draw(st.from_regex(pattern, fullmatch=True))
    assert pattern.fullmatch(text) is not None
    tried = {id(f) for f, _, _ in _plausible(len(text), text[:2], None)}
    low, high = _widths()[index][2]
    assert low <= len(text) <= high
    assert id(fmt) in tried, (fmt.format_id, text)


def test_a_22_digit_usps_number_starting_94_is_tried_against_one_regex() -> None:
    assert [f.format_id for f, _, _ in _plausible(22, "94", "usps")] == ["usps_impb_n"]


def test_regexes_the_shapes_do_not_follow_are_tried_on_every_number() -> None:
    for unknown in (r"A+", r"(?i)ab", r"(?i:a)b", r"(a)\1"):
        assert _shapes(re.compile(unknown)) is None, unknown
    # \d matches other scripts' digits too: any character at each position.
    assert _shapes(re.compile(r"\d{3}")) == frozenset({(3, (None, None))})
    assert _shapes(re.compile(r"(?:1Z|42)?[0-9]")) == frozenset(
        {
            (1, (frozenset("0123456789"),)),
            (3, (frozenset("1"), frozenset("Z"))),
            (3, (frozenset("4"), frozenset("2"))),
        }
    )
