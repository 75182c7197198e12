"""The canonical carriers of CSV-NOTES.md: aliases, service names, pass-through, bare "DHL"."""

from __future__ import annotations

import pytest

from fwfulfill.tracking.carrier_formats import DISTINCTIVE_FORMATS, S10_POSTS
from fwfulfill.tracking.carriers import (
    OTHER,
    CarrierMatch,
    all_carriers,
    carrier_by_key,
    carrier_from_service,
    normalize_carrier,
)

ALIASES = [
    pytest.param(carrier.key, alias, id=f"{carrier.key}-{alias}")
    for carrier in all_carriers()
    for alias in carrier.aliases
]

DHL_EXPRESS_WAYBILL = "3318810025"
DHL_EXPRESS_BAD_CHECK = "3318810010"
DHL_ECOMMERCE_GM = "GM2951173225174494"


def known(key: str) -> CarrierMatch:
    carrier = carrier_by_key(key)
    assert carrier is not None
    return CarrierMatch(key, carrier.display, known=True)


# ---- The table ----


def test_the_table_has_the_canonical_set_of_csv_notes_with_its_display_spellings() -> None:
    displays = {carrier.key: carrier.display for carrier in all_carriers()}
    assert displays == {
        "usps": "USPS",
        "ups": "UPS",
        "fedex": "FedEx",
        "dhl_express": "DHL Express",
        "dhl_ecommerce": "DHL eCommerce",
        "dhl": "DHL",
        "canada_post": "Canada Post",
        "royal_mail": "Royal Mail",
        "australia_post": "Australia Post",
        "deutsche_post": "Deutsche Post",
        "dpd": "DPD",
        "gls": "GLS",
        "evri": "Evri",
        "ontrac": "OnTrac",
        "lasership": "LaserShip",
        "purolator": "Purolator",
        "amazon": "Amazon Logistics",
    }


@pytest.mark.parametrize(("key", "alias"), ALIASES)
def test_every_alias_in_the_table_resolves_to_its_carrier(key: str, alias: str) -> None:
    assert normalize_carrier(alias) == known(key)


@pytest.mark.parametrize(("key", "alias"), ALIASES)
def test_every_alias_resolves_written_in_upper_case_too(key: str, alias: str) -> None:
    assert normalize_carrier(alias.upper()).key == key


def test_other_is_not_a_carrier_of_the_table() -> None:
    assert carrier_by_key(OTHER) is None
    assert OTHER not in {carrier.key for carrier in all_carriers()}


def test_the_tracking_tables_name_only_carriers_of_this_table() -> None:
    named = {rule.carrier_key for rule in DISTINCTIVE_FORMATS.values() if rule.carrier_key}
    for key in named | set(S10_POSTS.values()):
        assert carrier_by_key(key) is not None


# ---- The examples of CSV-NOTES.md ----


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("usps", "usps"),
        ("fedex", "fedex"),
        ("UPSDAP", "ups"),
        ("stamps.com", "usps"),
        ("Stamps.com", "usps"),
        ("Endicia", "usps"),
        ("Pitney Bowes", "usps"),
        ("Royal Mail Tracked 48", "royal_mail"),
        ("Royal Mail Tracked 24", "royal_mail"),
        ("CanadaPost", "canada_post"),
        ("RoyalMail", "royal_mail"),
        ("DHLExpress", "dhl_express"),
        ("ups_walleted", "ups"),
        ("United States Postal Service", "usps"),
        ("Federal Express", "fedex"),
        ("Postes Canada", "canada_post"),
        ("AusPost", "australia_post"),
        ("DHL Global Mail", "dhl_ecommerce"),
    ],
)
def test_carrier_names_and_account_tokens_resolve(text: str, key: str) -> None:
    assert normalize_carrier(text) == known(key)


def test_usps_is_sent_as_usps_and_fedex_as_fedex() -> None:
    assert normalize_carrier("usps").display == "USPS"
    assert normalize_carrier("fedex").display == "FedEx"


# ---- Service names: a known alias as a prefix, the longest winning ----


@pytest.mark.parametrize(
    ("service", "key"),
    [
        ("UPS® Ground", "ups"),
        ("UPS Next Day Air®", "ups"),
        ("ups_ground", "ups"),
        ("UPSGround", "ups"),
        ("USPS Priority Mail", "usps"),
        ("USPS First Class Package", "usps"),
        ("Priority Mail Express", "usps"),
        ("Ground Advantage", "usps"),
        ("U.S.P.S.", "usps"),
        ("FedEx Home Delivery", "fedex"),
        ("FedEx Ground Economy", "fedex"),
        ("FedEx2Day", "fedex"),
        ("fedex_ground", "fedex"),
        ("Home Delivery", "fedex"),
        ("DHL Express Worldwide", "dhl_express"),
        ("dhl express worldwide", "dhl_express"),
        ("DHL eCommerce", "dhl_ecommerce"),
        ("DHL e-Commerce Parcel International", "dhl_ecommerce"),
        ("DHL Paket International", "dhl"),
        ("Canada Post Expedited Parcel", "canada_post"),
        ("Amazon Shipping", "amazon"),
    ],
)
def test_a_service_name_names_its_carrier(service: str, key: str) -> None:
    assert carrier_from_service(service) == known(key)
    assert normalize_carrier(service) == known(key)


@pytest.mark.parametrize("service", ["Ground", "Standard", "Express", "Upstate Couriers", "Dpdx"])
def test_a_service_naming_no_known_carrier_gives_none(service: str) -> None:
    assert carrier_from_service(service) is None


def test_an_alias_must_end_where_a_word_ends() -> None:
    # "ups" starts "Upstate" but names nothing there.
    assert normalize_carrier("Upstate Couriers").key == OTHER


# ---- Unknown carriers pass through as written ----


@pytest.mark.parametrize(
    ("text", "display"),
    [
        ("Bob's Couriers", "Bob's Couriers"),
        ("  Bob's Couriers ", "Bob's Couriers"),
        ("Zásilkovna", "Zásilkovna"),
    ],
)
def test_an_unknown_carrier_passes_through_as_written(text: str, display: str) -> None:
    assert normalize_carrier(text) == CarrierMatch(OTHER, display, known=False)


@pytest.mark.parametrize("text", ["", "   "])
def test_a_blank_carrier_is_not_other_but_the_callers_missing_carrier(text: str) -> None:
    with pytest.raises(ValueError, match="blank"):
        normalize_carrier(text)


# ---- A bare "DHL" ----


def test_bare_dhl_with_a_valid_dhl_express_waybill_is_dhl_express() -> None:
    assert normalize_carrier("DHL", DHL_EXPRESS_WAYBILL) == known("dhl_express")


def test_bare_dhl_with_a_gm_number_is_dhl_ecommerce() -> None:
    assert normalize_carrier("dhl", DHL_ECOMMERCE_GM) == known("dhl_ecommerce")


@pytest.mark.parametrize("number", [None, "", DHL_EXPRESS_BAD_CHECK, "00340434161094042557"])
def test_bare_dhl_otherwise_stays_dhl(number: str | None) -> None:
    assert normalize_carrier("DHL", number) == known("dhl")


def test_dhl_paket_stays_dhl_whatever_the_number() -> None:
    assert normalize_carrier("DHL Paket", DHL_EXPRESS_WAYBILL) == known("dhl")


def test_a_named_dhl_service_is_not_second_guessed_by_the_number() -> None:
    assert normalize_carrier("DHL Express", DHL_ECOMMERCE_GM) == known("dhl_express")


def test_a_bare_dhl_service_uses_the_number_too() -> None:
    assert carrier_from_service("DHL", DHL_EXPRESS_WAYBILL) == known("dhl_express")
