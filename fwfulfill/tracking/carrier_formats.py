"""Which tracking-number formats belong to which canonical carrier, and which name one on their own.

The carrier keys are those of `fwfulfill.tracking.carriers`; the format ids and courier codes those
of the vendored courier files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fwfulfill.tracking.identify import FormatMatch

S10_FORMAT = "s10"

# An S10 number (`RB123456785GB`) ends in the ISO country of the post that issued it.
S10_POSTS: dict[str, str] = {
    "US": "usps",
    "CA": "canada_post",
    "GB": "royal_mail",
    "AU": "australia_post",
    "DE": "deutsche_post",
}


@dataclass(frozen=True)
class Distinctive:
    prefixes: tuple[str, ...]  # the number must start with one of these
    carrier_key: str | None  # None for S10: its country suffix names the post (see S10_POSTS)

    def names(self, number: str) -> bool:
        """Whether `number`, matched by the rule's format, is distinctive: it has the prefix."""
        return number.startswith(self.prefixes)


# The only formats that may infer a carrier or contradict a stated one: letter prefixes that no
# other courier uses. A check-digit pass is weak evidence (about 10 % of random digit strings pass a
# numeric rule) and numeric formats overlap (a Canada Post number that lost its leading zero is a
# valid FedEx Ground number), so a purely numeric format never counts. DHL eCommerce's other
# prefixes (LX, RX, CN...) collide with S10 numbers, and LaserShip's LA/LE/LH/LI/LN numbers are
# too short a signature to trust: only GM and LX count there.
DISTINCTIVE_FORMATS: dict[str, Distinctive] = {
    "ups": Distinctive(("1Z",), "ups"),
    S10_FORMAT: Distinctive(("",), None),
    "amazon_logistics": Distinctive(("TBA", "TBC", "TBM"), "amazon"),
    "dhl_ecommerce": Distinctive(("GM",), "dhl_ecommerce"),
    "lasership_lx": Distinctive(("LX",), "lasership"),
    "lasership_1ls7": Distinctive(("1LS",), "lasership"),
    "lasership_1ls7_18": Distinctive(("1LS",), "lasership"),
    "lasership_1lscx": Distinctive(("1LS",), "lasership"),
}

# The formats each canonical carrier issues: courier code -> format ids (None: all of them). S10
# numbers count for the post of S10_POSTS that issued them. Carriers absent from both (dhl, gls,
# evri...) have no public rule: their numbers pass unchecked.
_ISSUED: dict[str, dict[str, frozenset[str] | None]] = {
    "usps": {"usps": None},
    "ups": {"ups": None},
    "fedex": {"fedex": None},
    "dhl_express": {"dhl": frozenset({"dhl_express", "dhl_express_piece_id"})},
    "dhl_ecommerce": {"dhl": frozenset({"dhl_ecommerce", "dhl_ecommerce_14"})},
    "canada_post": {"canada_post": None},
    "dpd": {"dpd": None},
    # LaserShip became part of OnTrac in 2024: one network tracks the numbers of both.
    "ontrac": {"ontrac": None, "lasership": None},
    "lasership": {"lasership": None, "ontrac": None},
    "purolator": {"purolator": None},
    "amazon": {"amazon": None},
}

# Postal items keep their S10 number across borders, so the post that delivers one may not be the
# one that issued it (worth a warning). DHL eCommerce hands its parcels to posts and ships their S10
# numbers as a matter of course (worth nothing).
S10_DELIVERERS: frozenset[str] = frozenset(S10_POSTS.values())
S10_SHIPPERS: frozenset[str] = frozenset({"dhl_ecommerce"})


def has_formats(carrier_key: str) -> bool:
    """Whether the courier data knows any format of this carrier (else its numbers go unchecked)."""
    return carrier_key in _ISSUED or carrier_key in S10_POSTS.values()


def worth_trying(carrier_key: str, courier_code: str, format_id: str) -> bool:
    """Whether a format can matter for a number given with this carrier: one it issues (S10 for a
    post), or a distinctive one that would contradict it."""
    if format_id in DISTINCTIVE_FORMATS:
        return True
    format_ids = _ISSUED.get(carrier_key, {}).get(courier_code, frozenset())
    return format_ids is None or format_id in format_ids


def issues(carrier_key: str, match: FormatMatch) -> bool:
    """Whether the carrier issues numbers of the matched format."""
    if match.format_id == S10_FORMAT:
        return match.carrier_key == carrier_key
    couriers = _ISSUED.get(carrier_key, {})
    if match.courier_code not in couriers:
        return False
    format_ids = couriers[match.courier_code]
    return format_ids is None or match.format_id in format_ids
