"""The per-label shortcuts of issue 13: regexes without unnamed groups, the mod10 rule as a plain
function. Each answers exactly as what it replaces."""

from __future__ import annotations

import random
import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fwfulfill.tracking import normalize_tracking_number
from fwfulfill.tracking.checksums import checksum_function, mod10
from fwfulfill.tracking.courier_data import load_formats
from fwfulfill.tracking.identify import _widths, without_unnamed_groups


def _data_regex(index: int) -> re.Pattern[str]:
    """The courier data's regex as main compiled it for a normalised number (no `\\s*`)."""
    fmt = _widths()[index][0]
    return re.compile(fmt.pattern.pattern.replace("\\s*", ""), fmt.pattern.flags)


def _near_misses(number: str, rng: random.Random) -> list[str]:
    """The number with one character changed, dropped or added, and cut at each end."""
    alphabet = string.digits + "AZ"
    out = [number[1:], number[:-1], number + rng.choice(alphabet), rng.choice(alphabet) + number]
    for _ in range(8):
        at = rng.randrange(len(number)) if number else 0
        out.append(number[:at] + rng.choice(alphabet) + number[at + 1 :])
    return out


def _numbers_for(index: int) -> list[str]:
    rng = random.Random(index)
    examples = [n for fmt in load_formats() for n in fmt.valid_examples + fmt.invalid_examples]
    numbers = [normalize_tracking_number(n) for n in examples]
    numbers += [miss for n in numbers for miss in _near_misses(n, rng)]
    numbers += ["".join(rng.choices(string.digits, k=rng.randint(8, 42))) for _ in range(500)]
    return [n for n in numbers if n]


def _same_answers(data: re.Pattern[str], compact: re.Pattern[str], number: str) -> None:
    full, short = data.fullmatch(number), compact.fullmatch(number)
    assert (full is None) is (short is None), (data.pattern, number)
    if full is not None and short is not None:
        assert full.groupdict() == short.groupdict(), (data.pattern, number)


@pytest.mark.parametrize("index", range(len(_widths())), ids=lambda i: _widths()[i][0].format_id)
def test_regex_without_unnamed_groups_matches_and_captures_as_the_data_regex(index: int) -> None:
    """Same named groups; over the courier data's own valid and invalid numbers of every format,
    near misses of them and random digits: the same fullmatch outcome and the same groupdict."""
    data, compact = _data_regex(index), _widths()[index][1]
    assert list(compact.groupindex) == list(data.groupindex)
    assert "(" not in re.sub(r"\\.|\[(?:\^?\]|[^]])*?\]|\(\?", "", compact.pattern)
    for number in _numbers_for(index):
        _same_answers(data, compact, number)


_GENERATED = [index for index in range(len(_widths())) if "(?=" not in _data_regex(index).pattern]


@pytest.mark.parametrize("index", _GENERATED, ids=lambda i: _widths()[i][0].format_id)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(data=st.data())
def test_regex_without_unnamed_groups_captures_as_the_data_regex_on_generated_numbers(
    index: int, data: st.DataObject
) -> None:
    """Numbers drawn from the data's regex itself (those without lookarounds, which hypothesis
    cannot draw from) give the same groups."""
    regex = _data_regex(index)
    number = data.draw(st.from_regex(regex, fullmatch=True))
    _same_answers(regex, _widths()[index][1], number)


@pytest.mark.parametrize(
    ("pattern", "rewritten"),
    [
        (r"([0-9]){3}", r"(?:[0-9]){3}"),
        (r"(?P<A>(1)(?=(2)))(?:(3))(?!(4))", r"(?P<A>(?:1)(?=(?:2)))(?:(?:3))(?!(?:4))"),
        (r"\((a)\)", r"\((?:a)\)"),
        (r"\\(a)", r"\\(?:a)"),
        (r"[(](a)", r"[(](?:a)"),
        (r"[]()](a)", r"[]()](?:a)"),
        (r"[^]()](a)", r"[^]()](?:a)"),
        (r"[\](](a)", r"[\](](?:a)"),
        (r"[a-z(](?<=(b))", r"[a-z(](?<=(?:b))"),
        (r"(a)\1", r"(a)\1"),  # a back reference counts the groups: unchanged
        (r"(a)?(?(1)b|c)", r"(a)?(?(1)b|c)"),
        (r"(?x) (a) # (b", r"(?x) (a) # (b"),  # verbose: a comment may hold anything
    ],
)
def test_only_unnamed_capturing_groups_are_rewritten(pattern: str, rewritten: str) -> None:
    assert without_unnamed_groups(pattern) == rewritten
    re.compile(rewritten)


_MOD10_RULES = [
    {"name": "mod10"},
    {"name": "mod10", "evens_multiplier": 3, "odds_multiplier": 1, "reverse": True},
    {"name": "mod10", "evens_multiplier": 1, "odds_multiplier": 2},
    {"name": "mod10", "evens_multiplier": 3, "odds_multiplier": 1},
    {"name": "mod10", "evens_multiplier": 2, "odds_multiplier": 3, "reverse": True},
]


@pytest.mark.parametrize("rule", _MOD10_RULES, ids=str)
def test_mod10_of_a_rule_is_mod10_with_the_rule_s_constants(rule: dict[str, object]) -> None:
    """Digits, letters, any character, non-ASCII digits, empty serials and check digits of other
    scripts: the plain function of a rule says what `mod10` says."""
    check = checksum_function(rule)
    evens, odds = (
        int(str(rule.get("evens_multiplier", 1))),
        int(str(rule.get("odds_multiplier", 1))),
    )
    reverse = bool(rule.get("reverse", False))
    rng = random.Random(10)
    pools = (string.digits, string.digits + string.ascii_uppercase, "0123456789\u0663\u00e9")
    every_check = [*string.digits, "\u0663", "\uff13", "A", "", "12"]
    for _ in range(4000):
        serial = "".join(rng.choices(rng.choice(pools), k=rng.randint(0, 34)))
        for digit in rng.sample(every_check, 4):
            expected = mod10(
                serial, digit, evens_multiplier=evens, odds_multiplier=odds, reverse=reverse
            )
            assert check(serial, digit) is expected, (serial, digit)


@pytest.mark.parametrize("rule", _MOD10_RULES, ids=str)
def test_mod10_of_a_rule_sums_serials_of_every_length_exactly(rule: dict[str, object]) -> None:
    """Serials of digits are summed without a loop up to 28 digits: at the largest sums and
    differences of the positions (all nines, nines at every other place) and at every length
    from 0 to 40, every check digit gets `mod10`'s answer."""
    check = checksum_function(rule)
    evens, odds = (
        int(str(rule.get("evens_multiplier", 1))),
        int(str(rule.get("odds_multiplier", 1))),
    )
    reverse = bool(rule.get("reverse", False))
    rng = random.Random(28)
    serials = [digit * size for digit in "09" for size in range(41)]
    serials += [("90" * 21)[:size] for size in range(41)] + [
        ("09" * 21)[:size] for size in range(41)
    ]
    serials += [
        "".join(rng.choices(string.digits, k=size)) for size in range(41) for _ in range(60)
    ]
    for serial in serials:
        for digit in string.digits:
            expected = mod10(
                serial, digit, evens_multiplier=evens, odds_multiplier=odds, reverse=reverse
            )
            assert check(serial, digit) is expected, (serial, digit)
