"""Normalising a tracking number, and finding every courier format it has, with its check digit."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from fwfulfill.tracking.carrier_formats import S10_POSTS, distinctive_rule, worth_trying
from fwfulfill.tracking.checksums import checksum_function
from fwfulfill.tracking.courier_data import Lookup, TrackingFormat, load_formats

try:  # the regex parser: `re._parser` since Python 3.11, `sre_parse` before
    from re import _parser as _regex_parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _regex_parser

# Numbers copied from web pages carry zero-width characters, which are not whitespace.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class FormatMatch:
    courier_code: str  # of the courier data ("usps", "s10", "dhl"...), not a carrier key
    format_id: str
    format_name: str
    checksum_ok: bool | None  # None: the format has no check digit, only its shape was checked
    distinctive: bool  # the shape alone names a carrier (see carrier_formats.DISTINCTIVE_FORMATS)
    carrier_key: str | None = None  # the canonical carrier a distinctive format names, if any
    issuer: str | None = None  # the post that issued an S10 number, as the courier data names it


def normalize_tracking_number(raw: str) -> str:
    """Trimmed, without any inner whitespace or Excel's leading `'` text marker, upper-cased."""
    if raw.isascii() and raw.isalnum() and raw == raw.upper():
        return raw  # already normal: the common case, checked at C speed
    text = raw.translate(_INVISIBLE).strip().removeprefix("'")
    return _WHITESPACE.sub("", text).upper()


def _checksum_ok(
    fmt: TrackingFormat, check: Callable[[str, str], bool] | None, groups: dict[str, str | Any]
) -> bool | None:
    if check is None:
        return None
    # An empty group counts as absent, as in the courier data's own implementations.
    serial, check_digit = groups.get("SerialNumber") or None, groups.get("CheckDigit") or None
    if serial is None or check_digit is None:
        return False
    if fmt.serial_prefix is not None:
        serial = fmt.serial_prefix.apply(serial)
    return check(serial, check_digit)


def _match(fmt: TrackingFormat, use: _Use, number: str, found: re.Match[str]) -> FormatMatch | None:
    """`use`: what of the format `_match` needs, prepared once (see `_Use`)."""
    lookups, check = use
    # The number is normalised (no whitespace anywhere), so neither is any group of it; a group
    # that matched nothing (None or "") counts as absent.
    groups = found.groupdict()
    issuer = None
    if lookups or fmt.required_lookups:
        entries = {lookup.name: lookup.find(groups.get(lookup.group) or "") for lookup in lookups}
        # `validation.additional.exists`: an S10 suffix must be a real country (RB123456785XX is
        # not).
        if any(entries.get(name) is None for name in fmt.required_lookups):
            return None
        courier_entry = entries.get("Courier")
        issuer = None if courier_entry is None else str(courier_entry.get("courier"))
    rule = distinctive_rule(fmt.format_id, number)
    carrier_key = None
    if rule is not None:
        carrier_key = rule.carrier_key or S10_POSTS.get(groups.get("CountryCode") or "")
    return _format_match(
        fmt, _checksum_ok(fmt, check, groups), rule is not None, carrier_key, issuer
    )


# What `_match` needs of a format besides the format: the lookups whose answer it uses (UPS's 23
# service types are not) and the format's check-digit function, if it has one.
_Use = tuple[tuple[Lookup, ...], Callable[[str, str], bool] | None]

# A match is immutable and says the same of every number of its kind: one object per kind.
_MATCHES: dict[tuple[str, str, bool | None, bool, str | None, str | None], FormatMatch] = {}


def _format_match(
    fmt: TrackingFormat,
    checksum_ok: bool | None,
    distinctive: bool,
    carrier_key: str | None,
    issuer: str | None,
) -> FormatMatch:
    key = (fmt.courier_code, fmt.format_id, checksum_ok, distinctive, carrier_key, issuer)
    found = _MATCHES.get(key)
    if found is None:
        found = FormatMatch(
            courier_code=fmt.courier_code,
            format_id=fmt.format_id,
            format_name=fmt.name,
            checksum_ok=checksum_ok,
            distinctive=distinctive,
            carrier_key=carrier_key,
            issuer=issuer,
        )
        if len(_MATCHES) < _MAX_KINDS:  # bounded: issuers come from a fixed table anyway
            _MATCHES[key] = found
    return found


_MAX_KINDS = 4096


def identify(number: str, *, for_carrier: str | None = None) -> list[FormatMatch]:
    """Every courier format whose regex matches the whole normalised number, in file order.

    `for_carrier`: only the formats that can matter for a number given with that carrier (the ones
    it issues, and the distinctive ones of anybody); the checks of a stated carrier need no more.
    """
    normalized = normalize_tracking_number(number)
    if not normalized:
        return []
    candidates = _candidates(len(normalized), for_carrier)
    return [
        match
        for fmt, pattern, use in candidates
        if (found := pattern.fullmatch(normalized)) is not None
        and (match := _match(fmt, use, normalized, found)) is not None
    ]


@cache
def _candidates(
    length: int, for_carrier: str | None
) -> tuple[tuple[TrackingFormat, re.Pattern[str], _Use], ...]:
    """The formats a normalised number of this length can match, each with its compact regex and
    the lookups `_match` uses: a 22-digit number is tried against a handful of regexes instead of
    all 39 (this is the hot path of a large import)."""
    return tuple(
        (fmt, compact, _use(fmt))
        for fmt, compact, (low, high) in _widths()
        if low <= length <= high
        and (for_carrier is None or worth_trying(for_carrier, fmt.courier_code, fmt.format_id))
    )


def _use(fmt: TrackingFormat) -> _Use:
    lookups = tuple(
        lookup
        for lookup in fmt.lookups
        if lookup.name == "Courier" or lookup.name in fmt.required_lookups
    )
    return lookups, None if fmt.checksum is None else checksum_function(fmt.checksum)


@cache
def _widths() -> tuple[tuple[TrackingFormat, re.Pattern[str], tuple[int, int]], ...]:
    # The data's `\s*` between characters matches nothing in a normalised number (it has no
    # whitespace), so the regex without them matches the same numbers with the same groups, three
    # times faster; and the parser gives the exact range of lengths it accepts.
    widths = []
    for fmt in load_formats():
        compact = re.compile(fmt.pattern.pattern.replace("\\s*", ""), fmt.pattern.flags)
        low, high = _regex_parser.parse(compact.pattern).getwidth()
        widths.append((fmt, compact, (int(low), int(high))))
    return tuple(widths)
