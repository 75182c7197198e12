"""Normalising a tracking number, and finding every courier format it has, with its check digit."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any, NamedTuple

from fwfulfill.tracking.carrier_formats import DISTINCTIVE_FORMATS, S10_POSTS, worth_trying
from fwfulfill.tracking.checksums import checksum_function
from fwfulfill.tracking.courier_data import TrackingFormat, load_formats

try:  # the regex parser: `re._parser` since Python 3.11, `sre_parse` before
    from re import _constants as _regex_constants  # type: ignore[attr-defined]
    from re import _parser as _regex_parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _regex_constants
    import sre_parse as _regex_parser

_REPEATS = tuple(
    getattr(_regex_constants, name)
    for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
    if hasattr(_regex_constants, name)
)

# Numbers copied from web pages carry zero-width characters, which are not whitespace.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_WHITESPACE = re.compile(r"\s+")


class FormatMatch(NamedTuple):  # immutable; a named tuple hashes at C speed (see check._passes)
    courier_code: str  # of the courier data ("usps", "s10", "dhl"...), not a carrier key
    format_id: str
    format_name: str
    checksum_ok: bool | None  # None: the format has no check digit, only its shape was checked
    distinctive: bool  # the shape alone names a carrier (see carrier_formats.DISTINCTIVE_FORMATS)
    carrier_key: str | None = None  # the canonical carrier a distinctive format names, if any
    issuer: str | None = None  # the post that issued an S10 number, as the courier data names it


def normalize_tracking_number(raw: str) -> str:
    """Trimmed, without any inner whitespace or Excel's leading `'` text marker, upper-cased."""
    if raw.isascii():  # then its bytes say the same as its characters, and are quicker to ask
        plain = raw.encode()
        if plain.isalnum() and plain == plain.upper():
            return raw  # already normal: the common case
    text = raw.translate(_INVISIBLE).strip().removeprefix("'")
    return _WHITESPACE.sub("", text).upper()


def _match(fmt: TrackingFormat, use: _Use, number: str, found: re.Match[str]) -> FormatMatch | None:
    """`use`: what of the format `_match` needs, prepared once (see `_Use`)."""
    if use.plain is not None:  # no lookups, no distinctive rule: only the check digit varies
        return use.plain[_checksum_ok(fmt, use, found)]
    # The number is normalised (no whitespace anywhere), so neither is any group of it; a group
    # that matched nothing (None or "") counts as absent. Only the groups used are fetched.
    issuer = None
    if use.lookups or fmt.required_lookups:
        entries = {
            lookup.name: lookup.find(_group(found, lookup.group) or "") for lookup in use.lookups
        }
        # `validation.additional.exists`: an S10 suffix must be a real country (RB123456785XX is
        # not).
        if any(entries.get(name) is None for name in fmt.required_lookups):
            return None
        courier_entry = entries.get("Courier")
        issuer = None if courier_entry is None else str(courier_entry.get("courier"))
    rule = use.rule if use.rule is not None and use.rule.names(number) else None
    carrier_key = None
    if rule is not None:
        carrier_key = rule.carrier_key or S10_POSTS.get(_group(found, "CountryCode") or "")
    checksum_ok = _checksum_ok(fmt, use, found)
    key = (fmt.courier_code, fmt.format_id, checksum_ok, rule is not None, carrier_key, issuer)
    known = _MATCHES.get(key)
    return known if known is not None else _format_match(key, fmt.name)


def _checksum_ok(fmt: TrackingFormat, use: _Use, found: re.Match[str]) -> bool | None:
    """None when the format has no check digit."""
    if use.check is None:
        return None
    # An empty group counts as absent, as in the courier data's own implementations.
    serial = found[use.serial] if use.serial else None
    check_digit = found[use.check_digit] if use.check_digit else None
    if not serial or not check_digit:
        return False
    if fmt.serial_prefix is not None:
        serial = fmt.serial_prefix.apply(serial)
    return use.check(serial, check_digit)


def _group(found: re.Match[str], name: str) -> str | None:
    """The group's text, or None when it matched nothing or the regex has no such group."""
    return found[name] if name in found.re.groupindex else None


class _Use:
    """What `_match` needs of a format besides the format, prepared once: the lookups whose answer
    it uses (UPS's 23 service types are not), the check-digit function, the names of the serial and
    check-digit groups when the regex has them, the format's distinctive-format rule, and for a
    plain format its matches."""

    __slots__ = ("check", "check_digit", "lookups", "plain", "rule", "serial")

    def __init__(self, fmt: TrackingFormat, pattern: re.Pattern[str]) -> None:
        self.lookups = tuple(
            lookup
            for lookup in fmt.lookups
            if lookup.name == "Courier" or lookup.name in fmt.required_lookups
        )
        self.check = None if fmt.checksum is None else checksum_function(fmt.checksum)
        names = pattern.groupindex
        self.serial = "SerialNumber" if "SerialNumber" in names else None
        self.check_digit = "CheckDigit" if "CheckDigit" in names else None
        self.rule = DISTINCTIVE_FORMATS.get(fmt.format_id)
        # A format without lookups or a distinctive rule has one match per check-digit verdict.
        self.plain: dict[bool | None, FormatMatch] | None = None
        if not (self.lookups or fmt.required_lookups or self.rule):
            self.plain = {
                ok: FormatMatch(fmt.courier_code, fmt.format_id, fmt.name, ok, False)
                for ok in (True, False, None)
            }


# A match is immutable and says the same of every number of its kind: one object per kind.
_Kind = tuple[str, str, bool | None, bool, str | None, str | None]
_MATCHES: dict[_Kind, FormatMatch] = {}


def _format_match(key: _Kind, format_name: str) -> FormatMatch:
    courier_code, format_id, checksum_ok, distinctive, carrier_key, issuer = key
    found = FormatMatch(
        courier_code=courier_code,
        format_id=format_id,
        format_name=format_name,
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
    return identify_normalized(normalized, for_carrier)


def identify_normalized(normalized: str, for_carrier: str | None = None) -> list[FormatMatch]:
    """`identify` of a number that is already normalised and not empty (normalising it again would
    change nothing): the checks' own path, which has normalised it once already."""
    matches = []
    for fmt, pattern, use in _plausible(len(normalized), normalized[:2], for_carrier):
        found = pattern.fullmatch(normalized)
        if found is None:
            continue
        if use.plain is not None:  # `_match` of a plain format, without the call
            matches.append(use.plain[_checksum_ok(fmt, use, found)])
            continue
        match = _match(fmt, use, normalized, found)
        if match is not None:
            matches.append(match)
    return matches


@cache
def _candidates(
    length: int, for_carrier: str | None
) -> tuple[tuple[TrackingFormat, re.Pattern[str], _Use], ...]:
    """The formats a normalised number of this length can match, each with its compact regex and
    the lookups `_match` uses: a 22-digit number is tried against a handful of regexes instead of
    all 39 (this is the hot path of a large import)."""
    return tuple(
        (fmt, compact, _Use(fmt, compact))
        for fmt, compact, (low, high) in _widths()
        if low <= length <= high
        and (for_carrier is None or worth_trying(for_carrier, fmt.courier_code, fmt.format_id))
    )


@lru_cache(maxsize=4096)
def _plausible(
    length: int, head: str, for_carrier: str | None
) -> tuple[tuple[TrackingFormat, re.Pattern[str], _Use], ...]:
    """The formats of `_candidates` that a number of this length beginning with `head` (its first
    two characters) can match: a 22-digit USPS number starting 94 is not tried against the regexes
    that need 92, 420 or GM at that length. Only what certainly cannot match is left out (see
    `_shapes`), so `identify` finds the same matches."""
    return tuple(
        candidate
        for candidate in _candidates(length, for_carrier)
        if _may_start_with(_shapes(candidate[1]), length, head)
    )


# A way a regex can match: the length of the text and the characters allowed at each of its first
# (up to) two positions (None: any character).
_Shape = tuple[int, tuple[frozenset[str] | None, ...]]
_HEAD = 2
_MAX_SHAPES = 4096  # a regex with more ways than this is tried on every number of its lengths
_WIDEST_RANGE = 512  # a character class wider than this counts as any character
_NO_SHAPE: frozenset[_Shape] = frozenset({(0, ())})


class _Unknown(Exception):
    """A regex construct `_shapes` does not follow: the regex is tried on every number."""


def _may_start_with(shapes: frozenset[_Shape] | None, length: int, head: str) -> bool:
    if shapes is None:
        return True
    return any(
        size == length
        and all(
            allowed is None or char in allowed for allowed, char in zip(first, head, strict=True)
        )
        for size, first in shapes
    )


@cache
def _shapes(pattern: re.Pattern[str]) -> frozenset[_Shape] | None:
    """Every (length, first characters) a text the regex fully matches can have, or None when the
    regex has a construct this does not follow (unbounded repeats, back references, ignored
    case). Lookarounds and anchors are left out, which can only add shapes, never lose one."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        return _sequence(_regex_parser.parse(pattern.pattern, pattern.flags))
    except _Unknown:
        return None


def _concat(left: frozenset[_Shape], right: frozenset[_Shape]) -> frozenset[_Shape]:
    joined = frozenset(
        (size + more, (first + then)[:_HEAD]) for size, first in left for more, then in right
    )
    if len(joined) > _MAX_SHAPES:
        raise _Unknown
    return joined


def _sequence(items: Any) -> frozenset[_Shape]:
    shapes = _NO_SHAPE
    for op, av in items:
        shapes = _concat(shapes, _item(op, av))
    return shapes


def _item(op: Any, av: Any) -> frozenset[_Shape]:
    constants = _regex_constants
    if op is constants.LITERAL:
        return frozenset({(1, (frozenset({chr(av)}),))})
    if op in (constants.ANY, constants.NOT_LITERAL):
        return frozenset({(1, (None,))})
    if op is constants.IN:
        return frozenset({(1, (_characters(av),))})
    if op in (constants.AT, constants.ASSERT, constants.ASSERT_NOT):
        return _NO_SHAPE  # zero-width
    if op is constants.SUBPATTERN:
        _group, add_flags, _del_flags, items = av
        if add_flags & re.IGNORECASE:
            raise _Unknown
        return _sequence(items)
    if op is constants.BRANCH:
        return frozenset().union(*(_sequence(items) for items in av[1]))
    if op in _REPEATS:
        low, high, items = av
        if high is constants.MAXREPEAT:
            raise _Unknown
        once, times = _sequence(items), _NO_SHAPE
        shapes: set[_Shape] = set()
        for count in range(high + 1):
            if count >= low:
                shapes |= times
            if count < high:
                times = _concat(times, once)
        return frozenset(shapes)
    if op is getattr(constants, "ATOMIC_GROUP", None):
        return _sequence(av)
    raise _Unknown


def _characters(members: Any) -> frozenset[str] | None:
    characters: set[str] = set()
    for op, av in members:
        if op is _regex_constants.LITERAL:
            characters.add(chr(av))
        elif op is _regex_constants.RANGE and av[1] - av[0] <= _WIDEST_RANGE:
            characters.update(map(chr, range(av[0], av[1] + 1)))
        else:  # a category (\d matches other scripts' digits too), a negation, a wide range
            return None
    return frozenset(characters)


@cache
def _widths() -> tuple[tuple[TrackingFormat, re.Pattern[str], tuple[int, int]], ...]:
    # The data's `\s*` between characters matches nothing in a normalised number (it has no
    # whitespace), so the regex without them matches the same numbers with the same groups, three
    # times faster; its unnamed groups, which nothing reads, are made non-capturing (twice faster
    # again); and the parser gives the exact range of lengths it accepts.
    widths = []
    for fmt in load_formats():
        compact_text = without_unnamed_groups(
            fmt.pattern.pattern.replace("\\s*", ""), fmt.pattern.flags
        )
        compact = re.compile(compact_text, fmt.pattern.flags)
        low, high = _regex_parser.parse(compact.pattern).getwidth()
        widths.append((fmt, compact, (int(low), int(high))))
    return tuple(widths)


# A back reference by number, or a conditional on a group, counts the unnamed groups.
_COUNTS_GROUPS = re.compile(r"\\[1-9]|\(\?\(")


def without_unnamed_groups(pattern: str, flags: int | None = None) -> str:
    """The regex with every unnamed capturing group `(` written `(?:`: it matches the same texts
    with the same named groups, without recording what `([0-9]){22}` captured 22 times over.

    Escapes and character classes (`[(]`, `[]()]`, `[^]()]`) are copied as they are; a regex that
    refers to a group by number, or is verbose (`#` starts a comment), is returned unchanged.
    `flags`: those of the compiled regex, inline ones included, when the caller has it; without
    them the pattern is compiled to learn them."""
    if flags is None:
        flags = re.compile(pattern).flags
    if _COUNTS_GROUPS.search(pattern) or flags & re.VERBOSE:
        return pattern
    out: list[str] = []
    index, size = 0, len(pattern)
    while index < size:
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index : index + 2])
            index += 2
        elif char == "[":
            end = _class_end(pattern, index)
            out.append(pattern[index:end])
            index = end
        elif char == "(" and not pattern.startswith("?", index + 1):
            out.append("(?:")
            index += 1
        else:
            out.append(char)
            index += 1
    return "".join(out)


def _class_end(pattern: str, start: int) -> int:
    """The index just after the character class that opens at `start`: a `]` right after `[` or
    `[^` is a member, and an escaped character never closes it."""
    index = start + 1
    if pattern.startswith("^", index):
        index += 1
    if pattern.startswith("]", index):
        index += 1
    while index < len(pattern):
        if pattern[index] == "\\":
            index += 2
        elif pattern[index] == "]":
            return index + 1
        else:
            index += 1
    return len(pattern)  # unterminated: re.compile reports it
