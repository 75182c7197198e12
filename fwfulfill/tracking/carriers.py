"""The canonical carriers (CSV-NOTES.md, "Carriers: canonical set") and matching free text to them.

The display spelling is what is sent to Fourthwall as `trackingCompany`. Text that names no known
carrier is passed through as the user wrote it (key `other`), never refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

OTHER = "other"


@dataclass(frozen=True)
class Carrier:
    key: str
    display: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class CarrierMatch:
    key: str
    display: str
    known: bool  # False for `other`: display is then the user's own text, trimmed


# Aliases are written as people write them and compared word by word (see `_words`), so
# "UPS® Ground", "ups_ground" and "UPSGround" all start with the alias "ups". Service names that do
# not start with their carrier's name ("Priority Mail", "Home Delivery") are aliases of their own.
_CARRIERS: tuple[Carrier, ...] = (
    Carrier(
        "usps",
        "USPS",
        (
            "usps",
            "us postal service",
            "united states postal service",
            "us mail",
            # Label providers that sell USPS postage.
            "stamps.com",
            "stamps",
            "endicia",
            "pitney bowes",
            # USPS service names.
            "priority mail",
            "first class",
            "ground advantage",
            "media mail",
            "parcel select",
            "library mail",
        ),
    ),
    Carrier(
        "ups",
        "UPS",
        (
            "ups",
            "united parcel service",
            "upsdap",  # EasyPost's account token
            "ups_walleted",
            "next day air",
            "2nd day air",
            "3 day select",
            "worldwide express",
            "worldwide expedited",
            "worldwide saver",
            "surepost",
        ),
    ),
    Carrier(
        "fedex",
        "FedEx",
        (
            "fedex",
            "federal express",
            "fdx",
            "smartpost",
            "home delivery",
            "ground economy",
            "priority overnight",
            "standard overnight",
            "first overnight",
            "2day",
            "express saver",
            "international priority",
            "international economy",
        ),
    ),
    Carrier("dhl_express", "DHL Express", ("dhl express", "dhlexpress")),
    Carrier(
        "dhl_ecommerce",
        "DHL eCommerce",
        (
            "dhl ecommerce",
            "dhl global mail",
            "dhlecs",
            # DHL eCommerce's US services.
            "dhl smartmail",
            "dhl parcel expedited",
            "dhl parcel ground",
        ),
    ),
    Carrier("dhl", "DHL", ("dhl", "dhl paket", "dhl parcel")),
    Carrier("canada_post", "Canada Post", ("canada post", "canadapost", "postes canada")),
    Carrier(
        "royal_mail",
        "Royal Mail",
        ("royal mail", "royalmail", "royal mail tracked 24", "royal mail tracked 48"),
    ),
    Carrier("australia_post", "Australia Post", ("australia post", "auspost")),
    Carrier("deutsche_post", "Deutsche Post", ("deutsche post",)),
    Carrier("dpd", "DPD", ("dpd",)),
    Carrier("gls", "GLS", ("gls", "general logistics systems")),
    Carrier("evri", "Evri", ("evri",)),
    Carrier("ontrac", "OnTrac", ("ontrac",)),
    Carrier("lasership", "LaserShip", ("lasership",)),
    Carrier("purolator", "Purolator", ("purolator",)),
    Carrier(
        "amazon", "Amazon Logistics", ("amazon", "amazon logistics", "amazon shipping", "amzl")
    ),
)

_BY_KEY: dict[str, Carrier] = {carrier.key: carrier for carrier in _CARRIERS}

# Words of a text: runs of letters or digits, also split where the case changes ("CanadaPost",
# "DHLExpress"), so that an alias must end where a word ends: "ups" names UPS in "UPS® Ground" and
# "UPSGround", but not in "Upstate Couriers".
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def _words(text: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(text)]


@cache
def _alias_index() -> dict[str, str]:
    return {
        "".join(_words(alias)): carrier.key for carrier in _CARRIERS for alias in carrier.aliases
    }


def _named_key(text: str) -> tuple[str, str] | None:
    """The carrier key named by the longest alias that `text` starts with, and that alias."""
    words = _words(text)
    index = _alias_index()
    for end in range(len(words), 0, -1):
        prefix = "".join(words[:end])
        if prefix in index:
            return index[prefix], prefix
    return None


def _known(key: str) -> CarrierMatch:
    return CarrierMatch(key, _BY_KEY[key].display, known=True)


def _resolve_bare_dhl(tracking_number: str | None) -> CarrierMatch:
    # Imported here: the tracking checks import this table, so it must not import them first.
    from fwfulfill.tracking import identify

    matches = identify(tracking_number) if tracking_number else []
    if any(m.format_id == "dhl_express" and m.checksum_ok for m in matches):
        return _known("dhl_express")
    if any(m.distinctive and m.carrier_key == "dhl_ecommerce" for m in matches):
        return _known("dhl_ecommerce")
    return _known("dhl")


def carrier_from_service(service: str, tracking_number: str | None = None) -> CarrierMatch | None:
    """The known carrier a carrier or service text names ("UPS® Ground", "DHLExpress"), or None.

    A bare "DHL" is made precise by the tracking number: a valid DHL Express waybill means DHL
    Express, a `GM...` number DHL eCommerce; otherwise it stays plain DHL.
    """
    named = _named_key(service)
    if named is None:
        return None
    key, alias = named
    return _resolve_bare_dhl(tracking_number) if alias == "dhl" else _known(key)


def needs_number(text: str) -> bool:
    """Whether the carrier `normalize_carrier` finds for `text` depends on the tracking number
    (a bare "DHL" is made precise by it); for any other text it is the same for every number."""
    named = _named_key(text.strip())
    return named is not None and named[1] == "dhl"


def normalize_carrier(text: str, tracking_number: str | None = None) -> CarrierMatch:
    """The canonical carrier for a carrier column's text; unknown text passes through as `other`.

    Raises ValueError for blank text: a missing carrier is `missing_carrier`, not `other`.
    """
    written = text.strip()
    if not written:
        raise ValueError("carrier text is blank")
    match = carrier_from_service(written, tracking_number)
    return match if match is not None else CarrierMatch(OTHER, written, known=False)


def carrier_by_key(key: str) -> Carrier | None:
    """The canonical carrier with this key (None for `other` and unknown keys)."""
    return _BY_KEY.get(key)


def all_carriers() -> tuple[Carrier, ...]:
    """Every known carrier, in the order of the table (for `fwfulfill carriers`)."""
    return _CARRIERS
