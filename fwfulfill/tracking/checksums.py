"""The check-digit algorithms of the courier data (CHECKSUM_ALGORITHMS.md of tracking_number_data).

Each function takes the serial number and the check digit as a format's regex captured them, plus
the constants of the courier file, and says whether the check digit is right.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any, Literal

_ALPHABET_36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _digit(text: str) -> int | None:
    return int(text) if len(text) == 1 and text.isdigit() else None


def _complement_of_10(total: int) -> int:
    return (10 - total % 10) % 10


# Every ASCII character as the digit mod10 counts it: a digit as itself, anything else as
# `(ord - 3) % 10` (UPS's letters).
_MOD10_DIGITS = str.maketrans(
    {chr(code): str(code - 48 if chr(code).isdigit() else (code - 3) % 10) for code in range(128)}
)


def mod10(
    serial: str,
    check_digit: str,
    *,
    evens_multiplier: int = 1,
    odds_multiplier: int = 1,
    reverse: bool = False,
) -> bool:
    """10 minus the last digit of the weighted digit sum; a letter counts `(ord - 3) % 10` (UPS)."""
    if serial.isascii():  # the common case, summed at C speed
        # UPS's letters become their digits; ASCII digits are the bytes 48-57 (value + 48).
        digits = (serial if serial.isdigit() else serial.translate(_MOD10_DIGITS)).encode("ascii")
        ordered = digits[::-1] if reverse else digits
        evens, odds = ordered[0::2], ordered[1::2]
        total = evens_multiplier * (sum(evens) - 48 * len(evens))
        total += odds_multiplier * (sum(odds) - 48 * len(odds))
        return _complement_of_10(total) == _digit(check_digit)
    characters = reversed(serial) if reverse else iter(serial)
    total = 0
    for index, char in enumerate(characters):
        value = int(char) if char.isdigit() else (ord(char) - 3) % 10
        total += value * (odds_multiplier if index % 2 else evens_multiplier)
    return _complement_of_10(total) == _digit(check_digit)


def mod7(serial: str, check_digit: str) -> bool:
    """The serial number modulo 7 (DHL Express waybills)."""
    return serial.isdigit() and int(serial) % 7 == _digit(check_digit)


def s10(serial: str, check_digit: str, *, weightings: Sequence[int], modulo: int = 11) -> bool:
    """UPU S10: weighted sum modulo 11; a remainder of 1 gives 0 and a remainder of 0 gives 5."""
    if not serial.isdigit() or len(serial) != len(weightings):
        return False
    remainder = sum(int(c) * weight for c, weight in zip(serial, weightings, strict=True)) % modulo
    expected = {0: 5, 1: 0}.get(remainder, modulo - remainder)
    return expected == _digit(check_digit)


def sum_product_with_weightings_and_modulo(
    serial: str, check_digit: str, *, weightings: Sequence[int], modulo1: int, modulo2: int
) -> bool:
    """Weighted sum of the digits, taken modulo `modulo1` then `modulo2` (FedEx Express)."""
    if not serial.isdigit() or len(serial) != len(weightings):
        return False
    total = sum(int(char) * weight for char, weight in zip(serial, weightings, strict=True))
    return total % modulo1 % modulo2 == _digit(check_digit)


def mod_37_36(serial: str, check_digit: str) -> bool:
    """ISO 7064 MOD 37,36 over digits and letters, as the DPD label specification gives it."""
    modulus = 36
    carry = modulus
    for char in serial:
        value = _ALPHABET_36.find(char)
        if value < 0:
            return False
        carry += value
        if carry > modulus:
            carry -= modulus
        carry *= 2
        if carry > modulus:
            carry -= modulus + 1
    expected = (modulus + 1 - carry) % modulus
    return _ALPHABET_36[expected] == check_digit


def luhn(serial: str, check_digit: str) -> bool:
    """The standard Luhn rule: double every second digit from the right of the serial number."""
    if not serial.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(serial)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return _complement_of_10(total) == _digit(check_digit)


def _run_mod10(serial: str, check: str, rule: Mapping[str, Any]) -> bool:
    return mod10(
        serial,
        check,
        evens_multiplier=int(rule.get("evens_multiplier", 1)),
        odds_multiplier=int(rule.get("odds_multiplier", 1)),
        reverse=bool(rule.get("reverse", False)),
    )


def _run_s10(serial: str, check: str, rule: Mapping[str, Any]) -> bool:
    return s10(serial, check, weightings=rule["weightings"], modulo=int(rule.get("modulo", 11)))


def _run_weighted(serial: str, check: str, rule: Mapping[str, Any]) -> bool:
    return sum_product_with_weightings_and_modulo(
        serial,
        check,
        weightings=rule["weightings"],
        modulo1=int(rule["modulo1"]),
        modulo2=int(rule["modulo2"]),
    )


_ALGORITHMS: dict[str, Callable[[str, str, Mapping[str, Any]], bool]] = {
    "mod10": _run_mod10,
    "mod7": lambda serial, check, _rule: mod7(serial, check),
    "s10": _run_s10,
    "sum_product_with_weightings_and_modulo": _run_weighted,
    "mod_37_36": lambda serial, check, _rule: mod_37_36(serial, check),
    "luhn": lambda serial, check, _rule: luhn(serial, check),
}

KNOWN_ALGORITHMS: frozenset[str] = frozenset(_ALGORITHMS)


def checksum_function(rule: Mapping[str, Any]) -> Callable[[str, str], bool]:
    """`passes_checksum` for one rule, its constants read once: (serial, check digit) -> ok."""
    if rule["name"] == "mod10":
        return _mod10_rule(
            int(rule.get("evens_multiplier", 1)),
            int(rule.get("odds_multiplier", 1)),
            bool(rule.get("reverse", False)),
        )
    return partial(passes_checksum, rule)


_DIGIT_CHARACTERS = "0123456789"
_DIGIT_VALUES = bytes.maketrans(b"0123456789", bytes(range(10)))  # b"0" -> 0 ... b"9" -> 9
# Up to this many digits the sums below stay exact: 9 * 28 < 255 and 9 * 14 < 128.
_PACKED_DIGITS = 28


def _mod10_rule(
    evens_multiplier: int, odds_multiplier: int, reverse: bool
) -> Callable[[str, str], bool]:
    """`mod10` with these constants, as a plain function (the hot path of a large import): a
    serial of up to 28 ASCII digits, the common case, is summed here without a loop over its
    digits; anything else takes `mod10` itself."""
    # The digits read as one number in base 256, the first position (the last digit when
    # reversed) weighing 256**0: 256 = 1 modulo 255 and -1 modulo 257, so the number is the sum
    # of the digits modulo 255, and the digits of the even positions minus the odd ones modulo 257.
    order: Literal["big", "little"] = "big" if reverse else "little"

    def passes(serial: str, check_digit: str) -> bool:
        digits = serial.encode() if serial.isascii() else b""  # (not any text encodes)
        if not digits.isdigit() or len(digits) > _PACKED_DIGITS:  # also b"": an empty serial
            return mod10(
                serial,
                check_digit,
                evens_multiplier=evens_multiplier,
                odds_multiplier=odds_multiplier,
                reverse=reverse,
            )
        packed = int.from_bytes(digits.translate(_DIGIT_VALUES), order)
        both, difference = packed % 255, packed % 257
        if difference > 128:
            difference -= 257
        evens = (both + difference) // 2
        total = evens_multiplier * evens + odds_multiplier * (both - evens)
        expected = (10 - total % 10) % 10
        # A check digit of another script (a `\d` group) counts by its value, as in `mod10`.
        return check_digit == _DIGIT_CHARACTERS[expected] or _digit(check_digit) == expected

    return passes


def passes_checksum(rule: Mapping[str, Any], serial: str, check_digit: str) -> bool:
    """Whether `check_digit` is right for `serial` under a courier file's `validation.checksum`."""
    return _ALGORITHMS[str(rule["name"])](serial, check_digit, rule)
