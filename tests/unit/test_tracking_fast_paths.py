"""The shortcuts of the tracking checks (issue 13) give exactly the answers of the long way."""

from __future__ import annotations

import random
import string

from fwfulfill.tracking import check_tracking, identify, normalize_tracking_number
from fwfulfill.tracking.check import _carrier_findings, _excel_damage
from fwfulfill.tracking.checksums import mod10
from fwfulfill.tracking.courier_data import load_formats
from fwfulfill.tracking.identify import _widths


def _mod10_by_hand(serial: str, check: str, evens: int, odds: int, reverse: bool) -> bool:
    characters = reversed(serial) if reverse else iter(serial)
    total = 0
    for index, char in enumerate(characters):
        value = int(char) if char.isdigit() else (ord(char) - 3) % 10
        total += value * (odds if index % 2 else evens)
    return (10 - total % 10) % 10 == (int(check) if check.isdigit() else None)


def test_mod10_of_digits_is_the_weighted_sum_of_every_position() -> None:
    rng = random.Random(13)
    for _ in range(3000):
        serial = "".join(rng.choices(string.digits, k=rng.randint(1, 30)))
        check = rng.choice(string.digits)
        evens, odds, reverse = rng.randint(1, 3), rng.randint(1, 3), rng.random() < 0.5
        expected = _mod10_by_hand(serial, check, evens, odds, reverse)
        assert (
            mod10(serial, check, evens_multiplier=evens, odds_multiplier=odds, reverse=reverse)
            is expected
        )


def test_mod10_of_letters_and_digits_counts_each_letter_as_ord_minus_3() -> None:
    """UPS serials mix letters and digits: the translated fast path equals the rule per character,
    for every ASCII character (and a non-ASCII digit, which takes the long way)."""
    rng = random.Random(131)
    alphabet = string.ascii_uppercase + string.digits
    every_ascii = "".join(map(chr, range(128)))
    for _ in range(3000):
        pool = rng.choice((alphabet, every_ascii, alphabet + "\u0663"))
        serial = "".join(rng.choices(pool, k=rng.randint(0, 30)))
        check = rng.choice(string.digits)
        evens, odds, reverse = rng.randint(1, 3), rng.randint(1, 3), rng.random() < 0.5
        expected = _mod10_by_hand(serial, check, evens, odds, reverse)
        assert (
            mod10(serial, check, evens_multiplier=evens, odds_multiplier=odds, reverse=reverse)
            is expected
        ), serial


def _numbers() -> list[str]:
    rng = random.Random(7)
    examples = [n for fmt in load_formats() for n in fmt.valid_examples + fmt.invalid_examples]
    numbers = [normalize_tracking_number(n) for n in examples]
    numbers += ["".join(rng.choices(string.digits, k=rng.randint(8, 34))) for _ in range(2000)]
    numbers += [
        "".join(rng.choices(string.ascii_uppercase + string.digits, k=rng.randint(8, 30)))
        for _ in range(2000)
    ]
    return [n for n in numbers if n]


def test_compact_regex_matches_what_the_courier_data_regex_matches() -> None:
    """Without the data's `\\s*` a regex matches the same normalised numbers, same groups."""
    for fmt, compact, _ in _widths():
        for number in _numbers():
            full, short = fmt.pattern.fullmatch(number), compact.fullmatch(number)
            assert (full is None) is (short is None), (fmt.format_id, number)
            if full is not None and short is not None:
                assert full.groupdict() == short.groupdict(), (fmt.format_id, number)


def test_clean_verdict_kept_per_kind_of_number_is_the_full_checks_verdict() -> None:
    """A number the shortcut passes gets no finding from the full checks either."""
    carriers = ("usps", "ups", "fedex", "dhl_express", "canada_post", "royal_mail", "dpd")
    for number in _numbers():
        for carrier in carriers:
            matches = identify(number, for_carrier=carrier)
            full = _excel_damage(number, carrier, matches) is None and not _carrier_findings(
                number, carrier, matches
            )
            shortcut = check_tracking(number, carrier)
            if not shortcut.findings and not _text_problem_of(number):
                assert full, (carrier, number)
            if full and not _text_problem_of(number):
                assert shortcut.findings == (), (carrier, number)


def _text_problem_of(number: str) -> bool:
    from fwfulfill.tracking.check import _text_problem

    return _text_problem(number, number) is not None
