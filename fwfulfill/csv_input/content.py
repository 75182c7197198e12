"""Which column holds which field when names are not enough (CSV-NOTES.md, "When names are not
enough: columns by content").

A sample of the first data rows (read once, kept by `CsvFile`) is scored per column with what
fwfulfill knows: courier formats for the tracking number, the carrier alias table, the shape of
order references offline and, online, membership among this shop's orders. A name from the alias
table stays strong evidence; content finds columns with unknown names and settles decoys (the
tool's own `Order ID` beside the shop's `Store Order ID`). Two equally good candidates are refused
with the `--map` that settles it: never a silent guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from fwfulfill.csv_input.columns import (
    ALIASES,
    BY_MAP,
    BY_NAME,
    ColumnMap,
    map_columns,
    normalize_header,
    require_fields,
)
from fwfulfill.csv_input.skipping import is_summary_row
from fwfulfill.errors import InputError
from fwfulfill.planning.parse_input import is_friendly_id, is_uuid
from fwfulfill.tracking import identify, normalize_tracking_number
from fwfulfill.tracking.carriers import carrier_from_service

_PROVEN = 0.8  # share of a column's values that must fit for its content alone to choose it
_BETTER = 0.5  # how much better an unnamed column must fit to beat a named one (a decoy)
_LONGEST_PHONE = 15  # digits of an E.164 phone number, at most
_MIN_PROOF = 3  # values a column's content must prove before it overrules a column's name
_LOOKS_LIKE_A_NUMBER = re.compile(r"^[A-Z0-9]{8,40}$")  # any courier's number, formats known or not
_CONTENT_FIELDS = ("tracking", "order", "carrier")
_FIRST_PART = re.compile(r"[,;|\n]")
_FRIENDLY = re.compile(r"^[A-Z0-9]{8}$")
_WORDS = {"tracking": "tracking numbers", "carrier": "known carriers"}


@dataclass(frozen=True)
class Candidate:
    """One column's evidence for one field."""

    index: int
    alias_rank: int | None  # position of the alias its name matches; None: an unknown name
    fits: int  # sampled values that clearly fit the field
    loose: int  # values that fit its looser shape (a valid friendly id, a format's regex)
    values: int  # non-empty sampled values

    @property
    def quality(self) -> float:
        return self.fits / self.values if self.values else 0.0

    @property
    def named(self) -> bool:
        return self.alias_rank is not None


@dataclass(frozen=True)
class OrderContest:
    """Order columns that only the shop can tell apart: their sampled values, and the refusal to
    raise when the shop cannot tell either."""

    candidates: tuple[int, ...]
    samples: dict[int, tuple[str, ...]]
    refusal: InputError | None  # None: the offline choice stands unless the shop shows better


def order_shape(value: str) -> tuple[bool, bool]:
    """(clearly an order reference, loosely one): a friendly id of 8 letters and digits, a UUID or
    a `#`-prefixed reference is clear; any valid friendly id is loose."""
    text = value.strip()
    hashed = text.startswith("#")
    text = text.removeprefix("#").strip().upper()
    if is_uuid(text):
        return True, True
    loose = is_friendly_id(text)
    mixed = any(c.isdigit() for c in text) and any(c.isalpha() for c in text)
    return loose and (hashed or (mixed and bool(_FRIENDLY.match(text)))), loose


def tracking_shape(value: str, carrier: str | None = None) -> tuple[bool, bool]:
    """(a courier format whose check digit passes or whose shape names its carrier, any format).
    `carrier`: the carrier key the row states; another carrier's look-alike (a phone number that
    passes a DHL Express check digit on a GLS row) is then no evidence."""
    first = _FIRST_PART.split(value, maxsplit=1)[0]
    number = normalize_tracking_number(first)
    if len(number) < 8:
        return False, False
    matches = identify(number, for_carrier=carrier)
    clear = any(m.checksum_ok or m.distinctive for m in matches)
    return clear, bool(matches)


def carrier_shape(value: str) -> tuple[bool, bool]:
    known = carrier_from_service(value.strip()) is not None
    return known, known


_SHAPES: dict[str, Callable[[str], tuple[bool, bool]]] = {
    "tracking": tracking_shape,
    "order": order_shape,
    "carrier": carrier_shape,
}


def score(
    field: str,
    index: int,
    alias_rank: int | None,
    values: Sequence[str],
    carriers: Sequence[str | None] = (),
) -> Candidate:
    shape = _SHAPES[field]
    fits = loose = count = 0
    for at, value in enumerate(values):
        if not value.strip():
            continue
        count += 1
        stated = carriers[at] if at < len(carriers) else None
        clear, roughly = tracking_shape(value, stated) if stated else shape(value)
        fits += clear
        loose += roughly
    return Candidate(index, alias_rank, fits, loose, count)


def column_values(sample: Sequence[Sequence[str]], index: int) -> list[str]:
    return [row[index] if index < len(row) else "" for row in sample]


def choose_columns(
    headers: Sequence[str],
    sample: Sequence[Sequence[str]],
    overrides: Mapping[str, str] | None = None,
    *,
    header_line: int = 1,
    shop_decides: bool = False,
) -> tuple[ColumnMap, OrderContest | None]:
    """Each field's column, by name and by content, with the reason. `shop_decides`: an order
    choice that only membership among the shop's orders can settle is returned as a contest
    rather than refused (the caller asks the shop, then calls `settle_order`)."""
    named = map_columns(headers, overrides, header_line=header_line, require=False)
    sample = [row for row in sample if not is_summary_row(row)]
    indexes = dict(named.indexes)
    reasons = dict.fromkeys(overrides or {}, BY_MAP)
    normalized = [normalize_header(header) for header in headers]
    contest: OrderContest | None = None
    carriers = _stated_carriers(sample, named.indexes.get("carrier"))
    for field in _CONTENT_FIELDS:
        if field in (overrides or {}):
            continue
        taken = {i for f, i in indexes.items() if f != field}
        candidates = _candidates(
            field, normalized, sample, taken, carriers if field == "tracking" else []
        )
        chosen = _decide(
            field, candidates, headers, sample, header_line=header_line, shop_decides=shop_decides
        )
        if chosen is None:
            indexes.pop(field, None)
            continue
        index, reason, field_contest = chosen
        indexes[field] = index
        if reason != BY_NAME:
            reasons[field] = reason
        contest = field_contest or contest
    sku = _sku_by_its_name(normalized, sample, indexes)
    if sku is not None:
        indexes["sku"], reasons["sku"] = sku
    quantity = _quantity_column(normalized, sample, indexes)
    if quantity is not None:
        indexes["quantity"], reasons["quantity"] = quantity
    columns = ColumnMap(indexes, tuple(headers), reasons, header_line)
    require_fields(columns.indexes, headers, header_line)
    return columns, contest


_QUANTITY_HINT = re.compile(r"qty|quant|units|unit$|pcs|pieces|menge|anzahl|stk|stuck")
_SMALL_WHOLE = re.compile(r"^\s*[1-9][0-9]{0,2}(\.0+)?\s*$")


def _quantity_column(
    normalized: Sequence[str], sample: Sequence[Sequence[str]], indexes: Mapping[str, int]
) -> tuple[int, str] | None:
    """Item rows whose quantity column has a name the table lacks (`Units sent`, `Menge`): a
    column whose name hints at a count and whose values are all small whole numbers."""
    if "quantity" in indexes or not ("sku" in indexes or "variant" in indexes):
        return None
    taken = set(indexes.values())
    found = []
    for index, name in enumerate(normalized):
        if index in taken or not _QUANTITY_HINT.search(name):
            continue
        values = [v for v in column_values(sample, index) if v.strip()]
        if values and all(_SMALL_WHOLE.match(v) for v in values):
            found.append(
                (
                    index,
                    f"by content: {len(values)} of {len(values)} values are small whole numbers",
                )
            )
    return found[0] if len(found) == 1 else None


def uncounted_quantity(columns: ColumnMap, sample: Sequence[Sequence[str]]) -> str | None:
    """Item rows without a quantity column beside an unused column of small whole numbers, some
    above 1 (`Shipped`, or both `Ordered Qty` and `Shipped Qty`): that column's name, for a
    warning, since every item then counts 1."""
    indexes = columns.indexes
    if "quantity" in indexes or not ("sku" in indexes or "variant" in indexes):
        return None
    taken = set(indexes.values())
    sample = [row for row in sample if not is_summary_row(row)]
    for index, header in enumerate(columns.headers):
        values = [v.strip() for v in column_values(sample, index) if v.strip()]
        if index in taken or not values or not all(_SMALL_WHOLE.match(v) for v in values):
            continue
        if any(float(v) > 1 for v in values):
            return header
    return None


_SKU_SHAPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")


def _sku_by_its_name(
    normalized: Sequence[str], sample: Sequence[Sequence[str]], indexes: Mapping[str, int]
) -> tuple[int, str] | None:
    """Item rows whose SKU column has a name the table lacks but that says SKU (`Seller SKU`,
    `Merchant SKU`): the one such column whose values are codes (no spaces, not product names).
    Offline this is all there is to go on; online the shop's SKUs would find it too."""
    if "sku" in indexes or "variant" in indexes:
        return None
    taken = set(indexes.values())
    found = []
    for index, name in enumerate(normalized):
        if index in taken or "sku" not in name:
            continue
        values = [v.strip() for v in column_values(sample, index) if v.strip()]
        fits = sum(1 for v in values if _SKU_SHAPE.match(v))
        if values and fits / len(values) >= _PROVEN:
            found.append((index, f"by name and content: {fits} of {len(values)} values are SKUs"))
    return found[0] if len(found) == 1 else None


def _stated_carriers(sample: Sequence[Sequence[str]], index: int | None) -> list[str | None]:
    """Per sampled row, the carrier key its carrier column (by name or --map) states, if known."""
    if index is None:
        return []
    found = [carrier_from_service(value.strip()) for value in column_values(sample, index)]
    return [carrier.key if carrier is not None else None for carrier in found]


def _candidates(
    field: str,
    normalized: Sequence[str],
    sample: Sequence[Sequence[str]],
    taken: set[int],
    carriers: Sequence[str | None],
) -> list[Candidate]:
    ranks = {normalize_header(alias): rank for rank, alias in enumerate(ALIASES[field])}
    other_names = {
        normalize_header(a) for f, aliases in ALIASES.items() if f != field for a in aliases
    }
    named = [i for i, name in enumerate(normalized) if name in ranks and i not in taken]
    found = [
        score(field, i, ranks[normalized[i]], column_values(sample, i), carriers) for i in named
    ]
    if field != "order" and any(c.quality >= _PROVEN for c in found):
        return found  # a good named column: the others need not be read
    for index, name in enumerate(normalized):
        if index in taken or index in named or name in other_names:
            continue  # a column named for another field is not a candidate for this one
        found.append(score(field, index, None, column_values(sample, index), carriers))
    return found


def _decide(
    field: str,
    candidates: list[Candidate],
    headers: Sequence[str],
    sample: Sequence[Sequence[str]],
    *,
    header_line: int,
    shop_decides: bool,
) -> tuple[int, str, OrderContest | None] | None:
    named = sorted((c for c in candidates if c.named), key=lambda c: (-c.quality, c.alias_rank))
    unnamed = sorted((c for c in candidates if not c.named and c.values), key=lambda c: -c.quality)
    proven = [c for c in unnamed if c.quality >= _PROVEN]
    best_named = named[0] if named else None
    if field == "tracking" and best_named is not None:
        return _named_tracking(best_named, named, proven, headers, sample, header_line=header_line)
    if best_named is not None and (not proven or proven[0].quality < best_named.quality + _BETTER):
        rivals = [c for c in named[1:] if _rival(field, c, best_named, sample)]
        if field == "order" and rivals:
            return _order_contest(
                best_named,
                rivals,
                headers,
                sample,
                header_line=header_line,
                shop_decides=shop_decides,
            )
        if field == "order" and shop_decides:
            # Online, an unnamed column of order-shaped values (`Channel Order`) may hold the
            # shop's orders where the named one is a tool's own id: the shop decides, and the
            # name stands when the shop cannot tell them apart.
            unnamed_rivals = [c for c in unnamed if _differs(field, c, best_named, sample)]
            if unnamed_rivals:
                return _order_contest(
                    best_named,
                    unnamed_rivals,
                    headers,
                    sample,
                    header_line=header_line,
                    shop_decides=shop_decides,
                    refuse=False,
                )
        settled = len(named) > 1 and best_named.quality > named[1].quality
        reason = _content_reason(field, best_named, "by name and content") if settled else BY_NAME
        return best_named.index, reason, None
    if not proven:
        return None  # a pattern alone (no check digit, no distinctive shape) proves nothing
    if field == "tracking" and not _enough_proof(proven[0], sample):
        return None  # one or two check-digit passes: a phone number passes one time in ten
    rivals = [c for c in proven[1:] if _rival(field, c, proven[0], sample)]
    if field == "order":
        return _order_contest(
            proven[0], rivals, headers, sample, header_line=header_line, shop_decides=shop_decides
        )
    if rivals:
        raise _ambiguous(field, [proven[0].index, rivals[0].index], headers, header_line, "")
    return proven[0].index, _content_reason(field, proven[0], "by content"), None


def _named_tracking(
    best_named: Candidate,
    named: list[Candidate],
    proven: list[Candidate],
    headers: Sequence[str],
    sample: Sequence[Sequence[str]],
    *,
    header_line: int,
) -> tuple[int, str, OrderContest | None]:
    """A column named for the tracking number keeps it (its carrier may have no public format:
    GLS, DHL Paket) unless its values clearly are not tracking numbers and another column's are,
    proven on enough values; a named column that is not believable against one proven on too few
    values is a real choice, refused with the --map that settles it."""
    challenger = proven[0] if proven else None
    values = [v for v in column_values(sample, best_named.index) if v.strip()]
    believable = sum(1 for v in values if _plausible_number(v))
    if challenger is not None and values and believable / len(values) < 1 - _PROVEN:
        if challenger.fits >= _MIN_PROOF:
            return challenger.index, _content_reason("tracking", challenger, "by content"), None
        raise _ambiguous("tracking", [best_named.index, challenger.index], headers, header_line, "")
    settled = len(named) > 1 and best_named.quality > named[1].quality
    reason = _content_reason("tracking", best_named, "by name and content") if settled else BY_NAME
    return best_named.index, reason, None


def _enough_proof(chosen: Candidate, sample: Sequence[Sequence[str]]) -> bool:
    """Content alone chooses the tracking column on at least _MIN_PROOF values, or on fewer when
    each is strong (`1Z...`, an S10 number, a 22-digit USPS number): a short check digit is weak."""
    if chosen.fits >= _MIN_PROOF:
        return True
    values = [v for v in column_values(sample, chosen.index) if v.strip()]
    return all(_strong(v) for v in values)


def _strong(value: str) -> bool:
    """A shape that names its carrier, or a check digit that passes on a number longer than any
    phone number (E.164 stops at 15 digits): not something else that happens to fit."""
    number = normalize_tracking_number(_FIRST_PART.split(value, maxsplit=1)[0])
    long = len(number) > _LONGEST_PHONE
    return any(m.distinctive or (m.checksum_ok and long) for m in identify(number))


def _plausible_number(value: str) -> bool:
    """Could be some courier's tracking number (letters and digits, at least one digit, 8 to 40
    characters), whether or not its format is known."""
    number = normalize_tracking_number(_FIRST_PART.split(value, maxsplit=1)[0])
    return bool(_LOOKS_LIKE_A_NUMBER.match(number)) and any(c.isdigit() for c in number)


def _differs(
    field: str, other: Candidate, best: Candidate, sample: Sequence[Sequence[str]]
) -> bool:
    """`other` is proven by its content and says something else than `best`."""
    if other.quality < _PROVEN:
        return False
    same = _SAME[field]
    ours = [same(v) for v in column_values(sample, best.index)]
    return ours != [same(v) for v in column_values(sample, other.index)]


def _rival(field: str, other: Candidate, best: Candidate, sample: Sequence[Sequence[str]]) -> bool:
    """As good as `best` and saying something else: a real choice, not a copy of one column."""
    if other.quality < best.quality or best.quality < _PROVEN:
        return False
    same = _SAME[field]
    ours = [same(v) for v in column_values(sample, best.index)]
    return ours != [same(v) for v in column_values(sample, other.index)]


def _same_carrier(value: str) -> str:
    found = carrier_from_service(value.strip())
    return found.key if found is not None else value.strip().lower()


_SAME: dict[str, Callable[[str], str]] = {
    "tracking": normalize_tracking_number,
    "order": lambda value: value.strip().removeprefix("#").strip().upper(),
    "carrier": _same_carrier,
}


def _order_contest(
    best: Candidate,
    rivals: list[Candidate],
    headers: Sequence[str],
    sample: Sequence[Sequence[str]],
    *,
    header_line: int,
    shop_decides: bool,
    refuse: bool = True,
) -> tuple[int, str, OrderContest | None]:
    refusal = None
    if rivals and refuse:
        indexes = [best.index, rivals[0].index]
        note = _SHOP_NOTE if shop_decides else _OFFLINE_NOTE
        refusal = _ambiguous("order", indexes, headers, header_line, note)
        if not shop_decides:
            raise refusal
    members = (best, *rivals)
    contest = OrderContest(
        tuple(c.index for c in members),
        {c.index: tuple(v for v in column_values(sample, c.index) if v.strip()) for c in members},
        refusal,
    )
    if best.named and (not rivals or not refuse):
        return best.index, BY_NAME, contest
    reason = _content_reason("order", best, "by content")
    if not shop_decides:
        reason += "; offline, only the shop can confirm they are its orders"
    return best.index, reason, contest


_OFFLINE_NOTE = " (offline, only the shop can tell which holds its orders)"
_SHOP_NOTE = " (and as many of their values are this shop's orders)"


def _content_reason(field: str, chosen: Candidate, how: str) -> str:
    words = _WORDS.get(field, "shaped like order references")
    count = chosen.fits if chosen.fits else chosen.loose
    return f"{how}: {count} of {chosen.values} values are {words}"


def _ambiguous(
    field: str, indexes: Sequence[int], headers: Sequence[str], header_line: int, note: str
) -> InputError:
    first, second = (headers[i][:40] for i in indexes[:2])
    return InputError(
        "ambiguous_column",
        f"columns {first!r} and {second!r} both look like the {field}{note}.",
        fields={"maps": f"--map {field}={first!r} or --map {field}={second!r}"},
        target=f"header (line {header_line})",
    )


def settle_order(
    columns: ColumnMap, contest: OrderContest, members: Callable[[Sequence[str]], int]
) -> ColumnMap:
    """The order column whose sampled values are most often this shop's orders (`members` counts
    them); the offline refusal stands when the shop cannot tell the candidates apart either."""
    counted = sorted(
        ((members(contest.samples[i]), i) for i in contest.candidates),
        key=lambda pair: -pair[0],
    )
    (best_count, best), rest = counted[0], counted[1:]
    values = len(contest.samples[best])
    if rest and rest[0][0] == best_count and contest.refusal is not None:
        raise contest.refusal
    if best_count == 0:
        return columns  # no candidate holds this shop's orders: the rows' errors will say so
    name_only = columns.indexes.get("order") == best and "order" not in columns.reasons
    if name_only and not rest:
        return columns
    reason = f"by content: {best_count} of {values} values are orders of this shop"
    return replace(
        columns,
        indexes={**columns.indexes, "order": best},
        reasons={**columns.reasons, "order": reason},
    )


def items_by_shop(
    columns: ColumnMap,
    sample: Sequence[Sequence[str]],
    skus: set[str],
    variant_ids: set[str],
) -> ColumnMap | None:
    """Online, a file without SKU or variant column by name: the column whose sampled values are
    mostly SKUs (or variant ids) of the orders it names, with its quantity column; None when no
    column proves it (the rows stay boxes of everything left)."""
    if "sku" in columns.indexes or "variant" in columns.indexes or not sample:
        return None
    sample = [row for row in sample if not is_summary_row(row)]
    taken = set(columns.indexes.values())
    normalized = [normalize_header(header) for header in columns.headers]
    known = {normalize_header(a) for aliases in ALIASES.values() for a in aliases}
    found: list[tuple[str, int, int, int]] = []
    for index, name in enumerate(normalized):
        if index in taken or name in known:
            continue
        values = [v.strip() for v in column_values(sample, index) if v.strip()]
        if not values:
            continue
        for field, members, key in (
            ("sku", skus, str.upper),
            ("variant", variant_ids, str.lower),
        ):
            hits = sum(1 for v in values if key(v) in members)
            if hits / len(values) >= _PROVEN:
                found.append((field, index, hits, len(values)))
    if len(found) != 1:
        return None  # none, or two (which one is the item is not for fwfulfill to guess)
    field, index, hits, count = found[0]
    indexes = {**columns.indexes, field: index}
    what = "SKUs" if field == "sku" else "variant ids"
    reason = f"by content: {hits} of {count} values are {what} of this shop's orders"
    reasons = {**columns.reasons, field: reason}
    quantity = _quantity_column(normalized, sample, indexes)
    if quantity is not None:
        indexes["quantity"], reasons["quantity"] = quantity
    return replace(columns, indexes=indexes, reasons=reasons)
