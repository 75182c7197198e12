"""The checks of a tracking number against its carrier (CSV-NOTES.md, "Tracking-number checks" and
"Excel damage"): what is wrong with it, and the carrier its format names when none was given.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from fwfulfill.constants import MAX_LABEL_LENGTH
from fwfulfill.error_codes import Severity
from fwfulfill.tracking.carrier_formats import (
    S10_DELIVERERS,
    S10_FORMAT,
    S10_SHIPPERS,
    has_formats,
    issues,
)
from fwfulfill.tracking.carriers import all_carriers, carrier_by_key
from fwfulfill.tracking.excel import (
    EXCEL_SIGNIFICANT_DIGITS,
    looks_like_scientific_notation,
    looks_rounded_by_excel,
    with_lost_zeros_restored,
)
from fwfulfill.tracking.identify import (
    FormatMatch,
    identify,
    identify_normalized,
    normalize_tracking_number,
)

# Letters and digits as on every label, and inner hyphens: LaserShip's 1LS7 numbers end in -1.
_TRACKING_CHARACTERS = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")
_CANADA_POST_DIGITS = 16  # the numeric Canada Post format; Excel drops its leading zeros
_TEXT_HINT = "Re-export the file with the tracking column formatted as Text."


# Immutable records, built for every label of a large file: named tuples cost a third of a frozen
# dataclass to build.
class Finding(NamedTuple):
    code: str  # a catalogue code
    severity: Severity
    message: str


class TrackingCheck(NamedTuple):
    number: str  # normalised: what is sent
    inferred_carrier: (
        str | None
    )  # only when no carrier was given and a distinctive format names one
    findings: tuple[Finding, ...]

    @property
    def has_errors(self) -> bool:
        return any(finding.severity is Severity.ERROR for finding in self.findings)


def _display(carrier_key: str) -> str:
    carrier = carrier_by_key(carrier_key)
    return carrier.display if carrier is not None else carrier_key


def _text_problem(raw: str, number: str) -> Finding | None:
    """What makes the text unusable whatever the carrier: empty, Excel notation, odd characters."""
    if not number:
        return Finding("missing_tracking", Severity.ERROR, "The tracking number is empty.")
    # (An ASCII text's bytes say what its characters say, and are quicker to ask.)
    if raw.isascii() and raw.encode().isalnum() and len(number) <= MAX_LABEL_LENGTH:
        # Plain letters and digits: not Excel notation (no `.,+`), nothing but label characters.
        return _placeholder_problem(raw) if _is_placeholder(number) else None
    if looks_like_scientific_notation(raw):
        message = (
            f"{raw.strip()} is Excel's scientific notation: the real digits are lost. {_TEXT_HINT}"
        )
        return Finding("excel_scientific_notation", Severity.ERROR, message)
    if len(number) > MAX_LABEL_LENGTH:
        message = (
            f"the tracking number is {len(number)} characters long; no carrier's has more than "
            f"{MAX_LABEL_LENGTH}."
        )
        return Finding("invalid_tracking", Severity.ERROR, message)
    if _TRACKING_CHARACTERS.fullmatch(number) is None:
        message = (
            f"{raw.strip()!r} has characters no tracking number uses (only letters and digits)."
        )
        return Finding("invalid_tracking", Severity.ERROR, message)
    return _placeholder_problem(raw) if _is_placeholder(number) else None


def _placeholder_problem(raw: str) -> Finding:
    message = f"{raw.strip()!r} is a placeholder, not a tracking number: fill in the real one."
    return Finding("invalid_tracking", Severity.ERROR, message)


# What spreadsheets hold before a label exists. No carrier's number is this short, only letters, or
# one digit repeated; sending one would email the customer a dead tracking link.
_MIN_LENGTH = 6
_PLACEHOLDER_WORDS = frozenset({"TBD", "TBA", "PENDING", "NONE", "NULL", "UNKNOWN", "NA", "TEST"})


def _is_placeholder(number: str) -> bool:
    plain = number.replace("-", "")
    if len(plain) < _MIN_LENGTH or plain.isalpha():
        return True
    if plain.encode().isdigit() if plain.isascii() else plain.isdigit():  # not one of the words
        return not plain.strip(plain[0])  # one digit repeated
    return plain in _PLACEHOLDER_WORDS


def _validates(carrier_key: str | None, matches: Sequence[FormatMatch]) -> bool:
    """Whether the number passes its carrier's formats (with no checkable carrier: any check)."""
    if carrier_key is not None and has_formats(carrier_key):
        return any(issues(carrier_key, m) and m.checksum_ok is not False for m in matches)
    return any(m.checksum_ok is True for m in matches)


def _lost_zeros(number: str) -> str | None:
    restored = with_lost_zeros_restored(number, _CANADA_POST_DIGITS)
    if restored is None:
        return None
    if any(issues("canada_post", m) and m.checksum_ok for m in identify(restored)):
        return restored
    return None


def _excel_damage(
    number: str, carrier_key: str | None, matches: Sequence[FormatMatch]
) -> Finding | None:
    # CSV-NOTES: a long number ending in zeros *that fails its check*; a passing one is sent.
    if _validates(carrier_key, matches):
        return None
    lost = len(number) - EXCEL_SIGNIFICANT_DIGITS if looks_rounded_by_excel(number) else 0
    # Without a carrier whose check digit could fail, one trailing zero is no evidence (1 in 10
    # numbers end in 0): ask for at least two lost digits.
    checkable = carrier_key is not None and has_formats(carrier_key)
    if lost and (checkable or lost >= 2):
        message = (
            f"{number} looks cut short by Excel: it keeps 15 digits and the rest became zeros. "
            f"{_TEXT_HINT}"
        )
        return Finding("excel_precision_loss", Severity.ERROR, message)
    restored = _lost_zeros(number) if carrier_key == "canada_post" else None
    if restored is not None:
        zeros = "zeros" if len(restored) - len(number) > 1 else "zero"
        message = (
            f"{number} is not a valid Canada Post number, but {restored} is: Excel probably "
            f"dropped its leading {zeros}. {_TEXT_HINT}"
        )
        return Finding("excel_leading_zero_lost", Severity.ERROR, message)
    return None


def _named_by(match: FormatMatch) -> str:
    if match.carrier_key is not None:
        return _display(match.carrier_key)
    return match.issuer or match.format_name


def _check_digit(number: str, carrier_key: str, matches: Sequence[FormatMatch]) -> Finding | None:
    own = [m for m in matches if issues(carrier_key, m)]
    if not own or any(m.checksum_ok is not False for m in own):
        return None
    formats = ", ".join(m.format_name for m in own)
    message = (
        f"{number} fails the check digit of its {_display(carrier_key)} format ({formats}): "
        "it may be mistyped. It is sent as written."
    )
    return Finding("tracking_check_digit", Severity.WARNING, message)


def _mismatch(number: str, carrier_key: str, matches: Sequence[FormatMatch]) -> Finding | None:
    if any(issues(carrier_key, m) for m in matches):
        return None
    foreign = next((m for m in matches if m.distinctive), None)
    if foreign is None:
        return None
    stated, owner = _display(carrier_key), _named_by(foreign)
    if foreign.format_id == S10_FORMAT and carrier_key in S10_SHIPPERS:
        return None
    if foreign.format_id == S10_FORMAT and carrier_key in S10_DELIVERERS:
        message = (
            f"{number} is an international postal number issued by {owner}; fine if {stated} "
            "delivers it, otherwise give the issuing post as the carrier."
        )
        return Finding("tracking_format_mismatch", Severity.WARNING, message)
    message = (
        f"{number} belongs to {owner} ({foreign.format_name} format), "
        f"but the carrier given is {stated}."
    )
    return Finding("tracking_format_mismatch", Severity.ERROR, message)


def _carrier_findings(
    number: str, carrier_key: str, matches: Sequence[FormatMatch]
) -> tuple[Finding, ...]:
    mismatch = _mismatch(number, carrier_key, matches)
    if mismatch is not None:
        return (mismatch,)
    shipped_s10 = carrier_key in S10_SHIPPERS and any(m.format_id == S10_FORMAT for m in matches)
    if not shipped_s10 and not any(issues(carrier_key, m) for m in matches):
        message = (
            f"{number} does not look like a {_display(carrier_key)} tracking number (it matches "
            "none of its formats); check the number and the carrier."
        )
        return (Finding("tracking_format_unknown", Severity.WARNING, message),)
    check_digit = _check_digit(number, carrier_key, matches)
    return () if check_digit is None else (check_digit,)


def _inferred(number: str, matches: Sequence[FormatMatch]) -> TrackingCheck:
    # Nothing to infer is no finding here: whether a carrier is missing is the caller's to say
    # (`missing_carrier`), since it also knows the service column and unknown carrier names.
    named = {m.carrier_key for m in matches if m.distinctive and m.carrier_key is not None}
    if len(named) != 1:
        return TrackingCheck(number, None, ())
    carrier_key = named.pop()
    format_name = next(m.format_name for m in matches if m.carrier_key == carrier_key)
    message = (
        f"No carrier was given; {number} belongs to {_display(carrier_key)} ({format_name} format)."
    )
    findings = [Finding("carrier_inferred", Severity.WARNING, message)]
    findings.extend(_carrier_findings(number, carrier_key, matches))
    return TrackingCheck(number, carrier_key, tuple(findings))


@lru_cache(maxsize=4096)
def _passes(carrier_key: str, matches: tuple[FormatMatch, ...]) -> bool:
    """Whether a number with these format matches passes every check of its stated carrier.

    The verdict depends on the matches alone (the number only appears in the findings' text), and
    the numbers of a file share a few kinds of matches: kept per (carrier, kind of number).
    """
    if not _validates(carrier_key, matches):  # _excel_damage may find something
        return False
    return not _carrier_findings("", carrier_key, matches)


# The known carriers whose numbers the courier data can check (a fixed set).
_CHECKABLE: frozenset[str] = frozenset(
    carrier.key for carrier in all_carriers() if has_formats(carrier.key)
)


def check_tracking(number: str, carrier_key: str | None) -> TrackingCheck:
    """Check a tracking number against its carrier's key; `None` means no carrier was given.

    Only with `None` is a carrier inferred, from a distinctive format. A key that
    `fwfulfill.tracking.carriers` does not know (pass `other` for a carrier name it does not know)
    gets only the Excel and character checks, as do carriers without a public number format.
    """
    normalized = normalize_tracking_number(number)
    inferred_carrier, findings = findings_of(number, normalized, carrier_key)
    return TrackingCheck(normalized, inferred_carrier, findings)


_CLEAN: tuple[None, tuple[Finding, ...]] = (None, ())


def findings_of(
    raw: str, normalized: str, carrier_key: str | None
) -> tuple[str | None, tuple[Finding, ...]]:
    """The `inferred_carrier` and `findings` of `check_tracking(raw, carrier_key)`, for a caller
    that has made `normalized = normalize_tracking_number(raw)` already (the check's `number`)."""
    problem = _text_problem(raw, normalized)
    if problem is not None:
        return None, (problem,)
    # Without a text problem the number is letters, digits and inner hyphens, upper case: normal
    # already, so `identify` would find it unchanged by normalising again.
    checkable = carrier_key if carrier_key in _CHECKABLE else None
    matches = identify_normalized(normalized, checkable)
    if checkable is not None and _passes(checkable, tuple(matches)):
        return _CLEAN
    known = carrier_key if carrier_key is not None and carrier_by_key(carrier_key) else None
    damage = _excel_damage(normalized, known, matches)
    if damage is not None:
        return None, (damage,)
    if carrier_key is None:
        inferred = _inferred(normalized, matches)
        return inferred.inferred_carrier, inferred.findings
    if known is None or not has_formats(known):
        return _CLEAN
    return None, _carrier_findings(normalized, known, matches)
