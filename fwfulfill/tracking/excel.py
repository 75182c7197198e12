"""The shapes Excel leaves when it reads a long number as a number (CSV-NOTES.md, "Excel damage").

Only the text is judged here; whether a damaged-looking number is really damaged (it fails its
check digit) is for the tracking checks. The order-reference parser reuses the notation test.
"""

from __future__ import annotations

import re

# Excel writes `9.40011E+21` (`9,40011E+21` in a comma-decimal locale, `1E+15` for a round number).
# A decimal separator or an exponent sign is required: `6240E103` is a real order id, not damage.
_SCIENTIFIC = re.compile(r"[+-]?(?:[0-9]+[.,][0-9]+E[+-]?[0-9]+|[0-9]+E[+-][0-9]+)", re.IGNORECASE)
_DIGITS = re.compile(r"[0-9]+")

# Excel keeps 15 significant digits: the digits after them become zeros.
EXCEL_SIGNIFICANT_DIGITS = 15

# Excel drops every leading zero; a real number rarely starts with more than a few.
_MAX_LOST_ZEROS = 3


def looks_like_scientific_notation(text: str) -> bool:
    """Whether the cell reads like Excel's scientific notation (`9.40011E+21`, `6.24E+106`)."""
    candidate = text.strip().removeprefix("'").strip()
    return _SCIENTIFIC.fullmatch(candidate) is not None


def looks_rounded_by_excel(number: str) -> bool:
    """All digits, more than 15, only zeros after the 15th: what Excel leaves of a long number."""
    if _DIGITS.fullmatch(number) is None or len(number) <= EXCEL_SIGNIFICANT_DIGITS:
        return False
    return set(number[EXCEL_SIGNIFICANT_DIGITS:]) == {"0"}


def with_lost_zeros_restored(number: str, length: int) -> str | None:
    """The number padded to `length` digits with leading zeros, if it is a few digits short."""
    missing = length - len(number)
    if _DIGITS.fullmatch(number) is None or not 1 <= missing <= _MAX_LOST_ZEROS:
        return None
    return "0" * missing + number
