"""Tracking numbers: the vendored courier formats, their check digits, the rules of CSV-NOTES.md."""

from __future__ import annotations

import pytest

from fwfulfill.error_codes import CATALOGUE
from fwfulfill.tracking import (
    TrackingCheck,
    check_tracking,
    identify,
    looks_like_scientific_notation,
    normalize_tracking_number,
)
from fwfulfill.tracking.carrier_formats import DISTINCTIVE_FORMATS, S10_POSTS
from fwfulfill.tracking.carriers import carrier_by_key
from fwfulfill.tracking.checksums import luhn, mod7, mod10, mod_37_36, s10
from fwfulfill.tracking.courier_data import load_formats, python_regex

FORMATS = load_formats()
VALID_EXAMPLES = [
    pytest.param(fmt.format_id, number, id=f"{fmt.format_id}-{index}")
    for fmt in FORMATS
    for index, number in enumerate(fmt.valid_examples)
]
INVALID_EXAMPLES = [
    pytest.param(fmt.format_id, number, id=f"{fmt.format_id}-{index}")
    for fmt in FORMATS
    for index, number in enumerate(fmt.invalid_examples)
]

UPS = "1Z5R89390357567127"
UPS_BAD_CHECK = "1Z5R89390357567128"
USPS = "9400111206206406260787"
USPS_BAD_CHECK = "9400111206206406260788"
ROYAL_MAIL_S10 = "RB123456785GB"
CHINA_POST_S10 = "RB123456785CN"
CANADA_POST = "0073938000549297"
AMAZON = "TBA000000000000"
DHL_ECOMMERCE_GM = "GM2951173225174494"
DHL_EXPRESS = "3318810025"
LASERSHIP_LX = "LX17635036"
LASERSHIP_1LS = "1LS7119013618127-1"


def codes(result: TrackingCheck) -> list[tuple[str, str]]:
    return [(finding.code, finding.severity) for finding in result.findings]


# ---- The vendored data: every courier file's own test numbers ----


def test_the_data_has_39_formats_of_18_couriers_as_csv_notes_says() -> None:
    assert len(FORMATS) == 39
    assert len({fmt.courier_code for fmt in FORMATS}) == 18


def test_every_format_has_its_own_id() -> None:
    ids = [fmt.format_id for fmt in FORMATS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("format_id", "number"), VALID_EXAMPLES)
def test_every_valid_test_number_of_the_data_identifies_with_its_check_digit(
    format_id: str, number: str
) -> None:
    matches = [m for m in identify(number) if m.format_id == format_id]
    assert matches, f"{number!r} does not match {format_id}"
    assert matches[0].checksum_ok in (True, None)


@pytest.mark.parametrize(("format_id", "number"), INVALID_EXAMPLES)
def test_every_invalid_test_number_of_the_data_does_not_validate(
    format_id: str, number: str
) -> None:
    matches = [m for m in identify(number) if m.format_id == format_id]
    assert all(m.checksum_ok is False for m in matches)


def test_pcre_named_groups_become_python_ones_and_lookarounds_stay() -> None:
    assert python_regex(["(?<Serial>[0-9])", "(?<=1)(?<!2)"]) == "(?P<Serial>[0-9])(?<=1)(?<!2)"


# ---- Check-digit algorithms ----


def test_mod10_counts_letters_as_ups_does() -> None:
    assert mod10("5R8939035756712", "7", evens_multiplier=1, odds_multiplier=2)
    assert not mod10("5R8939035756712", "8", evens_multiplier=1, odds_multiplier=2)


def test_mod7_is_the_serial_modulo_seven() -> None:
    assert mod7("331881002", "5")
    assert not mod7("331881001", "0")


def test_s10_maps_remainders_one_and_zero_to_zero_and_five() -> None:
    weights = [8, 6, 4, 2, 3, 5, 9, 7]
    assert s10("12345678", "5", weightings=weights)
    assert not s10("12345678", "6", weightings=weights)


def test_luhn_is_the_standard_rule() -> None:
    assert luhn("7992739871", "3")
    assert not luhn("7992739871", "4")


def test_mod_37_36_may_give_a_letter() -> None:
    assert mod_37_36("09980000020033", "F")
    assert not mod_37_36("09980000020033", "D")


# ---- Normalising ----


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("  1z5r 8939 0357 5671 27 ", UPS),
        ("'9400111206206406260787", USPS),
        ("9400\u00a01112\t0620 6406 2607 87", USPS),
        ("\ufeff1Z5R89390357567127\u200b", UPS),
        ("''1Z", "'1Z"),
    ],
)
def test_normalising_trims_drops_spaces_and_one_excel_quote_and_upper_cases(
    raw: str, normalized: str
) -> None:
    assert normalize_tracking_number(raw) == normalized


def test_the_checked_number_is_the_normalised_one() -> None:
    assert check_tracking(" 1z5r 8939 0357 5671 27 ", "ups").number == UPS


# ---- Distinctive formats ----


@pytest.mark.parametrize(
    ("number", "carrier_key"),
    [
        (UPS, "ups"),
        (AMAZON, "amazon"),
        ("TBC000000000000", "amazon"),
        (DHL_ECOMMERCE_GM, "dhl_ecommerce"),
        (LASERSHIP_LX, "lasership"),
        (LASERSHIP_1LS, "lasership"),
        ("1LS717793482164", "lasership"),
        ("1LSCXVE005BUEFX", "lasership"),
        (ROYAL_MAIL_S10, "royal_mail"),
        ("RB123456785US", "usps"),
        ("RB123456785CA", "canada_post"),
        ("RB123456785AU", "australia_post"),
        ("RB123456785DE", "deutsche_post"),
    ],
)
def test_a_distinctive_format_names_its_carrier(number: str, carrier_key: str) -> None:
    named = {m.carrier_key for m in identify(number) if m.distinctive}
    assert named == {carrier_key}


def test_an_s10_number_of_another_post_is_distinctive_but_names_no_carrier() -> None:
    (match,) = [m for m in identify(CHINA_POST_S10) if m.distinctive]
    assert match.carrier_key is None
    assert match.issuer == "China Post"


@pytest.mark.parametrize(("format_id", "number"), VALID_EXAMPLES)
def test_a_purely_numeric_format_is_never_distinctive(format_id: str, number: str) -> None:
    normalized = normalize_tracking_number(number)
    if normalized.isdigit():
        assert not any(m.distinctive for m in identify(normalized))


@pytest.mark.parametrize(
    "number", ["LA28376237", "LH13830790", "CN1234567890123", "LX1234567890123"]
)
def test_shared_prefixes_are_not_distinctive(number: str) -> None:
    assert not any(m.distinctive for m in identify(number))


def test_the_distinctive_table_names_real_formats_and_carriers() -> None:
    format_ids = {fmt.format_id for fmt in FORMATS}
    assert set(DISTINCTIVE_FORMATS) <= format_ids
    named = {rule.carrier_key for rule in DISTINCTIVE_FORMATS.values() if rule.carrier_key}
    for carrier_key in named | set(S10_POSTS.values()):
        assert carrier_by_key(carrier_key) is not None


# ---- Empty and foreign characters ----


@pytest.mark.parametrize("raw", ["", "   ", "'"])
def test_an_empty_tracking_number_is_missing_tracking(raw: str) -> None:
    assert codes(check_tracking(raw, "usps")) == [("missing_tracking", "error")]


@pytest.mark.parametrize(
    "raw", ["ABC/123", "1Z5R8939$0357", "94001112#06", "-123", "12--3", "ÄBC123"]
)
def test_characters_other_than_letters_and_digits_are_invalid_tracking(raw: str) -> None:
    assert codes(check_tracking(raw, "other")) == [("invalid_tracking", "error")]


def test_an_inner_hyphen_is_allowed_because_lasership_numbers_have_one() -> None:
    assert codes(check_tracking(LASERSHIP_1LS, "lasership")) == []


# ---- Excel damage: reject with a hint, never send ----


@pytest.mark.parametrize(
    "raw",
    [
        "9.40011E+21",
        "7.74867E+11",
        "9.4E+21",
        "9.4e+21",
        "-9.4E+21",
        "9.4E21",
        "'9.4E+21",
        "9,4E+21",
    ],
)
@pytest.mark.parametrize("carrier_key", ["usps", None, "other"])
def test_scientific_notation_is_excel_damage(raw: str, carrier_key: str | None) -> None:
    result = check_tracking(raw, carrier_key)
    assert codes(result) == [("excel_scientific_notation", "error")]
    assert "formatted as Text" in result.findings[0].message


@pytest.mark.parametrize("text", ["6.24E+106", "1E+15", " 9.40011E+21 "])
def test_order_ids_in_scientific_notation_are_recognised(text: str) -> None:
    assert looks_like_scientific_notation(text)


@pytest.mark.parametrize("text", ["6240E103", "D3XZFWPP", "9400111206206406260787", "E+12", ""])
def test_an_id_with_an_e_but_no_decimal_or_exponent_sign_is_not_scientific_notation(
    text: str,
) -> None:
    assert not looks_like_scientific_notation(text)


@pytest.mark.parametrize("carrier_key", ["usps", "ups", None, "other", "gls"])
def test_zeros_after_the_15th_digit_that_fail_the_check_are_excel_precision_loss(
    carrier_key: str | None,
) -> None:
    result = check_tracking("9400111206206400000000", carrier_key)
    assert codes(result) == [("excel_precision_loss", "error")]
    assert "formatted as Text" in result.findings[0].message


def test_a_long_number_ending_in_zeros_that_passes_its_check_is_not_precision_loss() -> None:
    assert codes(check_tracking("9400111206200060000000", "usps")) == []


def test_fifteen_digits_are_kept_by_excel_so_cannot_be_precision_loss() -> None:
    assert codes(check_tracking("568283610012000", "fedex")) == []


@pytest.mark.parametrize("damaged", [CANADA_POST[1:], CANADA_POST[2:]])
def test_canada_post_without_its_leading_zeros_is_excel_leading_zero_lost(damaged: str) -> None:
    result = check_tracking(damaged, "canada_post")
    assert codes(result) == [("excel_leading_zero_lost", "error")]
    assert CANADA_POST in result.findings[0].message
    assert "formatted as Text" in result.findings[0].message


def test_a_canada_post_number_that_lost_its_zero_is_a_valid_fedex_ground_number() -> None:
    assert codes(check_tracking(CANADA_POST[1:], "fedex")) == []


def test_a_valid_canada_post_number_is_not_leading_zero_lost() -> None:
    assert codes(check_tracking(CANADA_POST, "canada_post")) == []


# ---- A distinctive format of another carrier is an error ----


@pytest.mark.parametrize(
    ("number", "stated", "owner"),
    [
        (UPS, "usps", "UPS"),
        (AMAZON, "ups", "Amazon Logistics"),
        (DHL_ECOMMERCE_GM, "dhl_express", "DHL eCommerce"),
        (DHL_ECOMMERCE_GM, "usps", "DHL eCommerce"),
        (LASERSHIP_LX, "fedex", "LaserShip"),
        (ROYAL_MAIL_S10, "ups", "Royal Mail"),
        (ROYAL_MAIL_S10, "fedex", "Royal Mail"),
        (ROYAL_MAIL_S10, "amazon", "Royal Mail"),
        (CHINA_POST_S10, "dhl_express", "China Post"),
    ],
)
def test_a_distinctive_format_of_another_carrier_is_tracking_format_mismatch(
    number: str, stated: str, owner: str
) -> None:
    result = check_tracking(number, stated)
    assert codes(result) == [("tracking_format_mismatch", "error")]
    message = result.findings[0].message
    assert owner in message
    stated_carrier = carrier_by_key(stated)
    assert stated_carrier is not None
    assert stated_carrier.display in message


@pytest.mark.parametrize("stated", ["usps", "canada_post", "australia_post", "deutsche_post"])
def test_an_s10_number_of_another_post_under_a_post_is_only_a_warning(stated: str) -> None:
    assert codes(check_tracking(ROYAL_MAIL_S10, stated)) == [
        ("tracking_format_mismatch", "warning")
    ]


def test_an_s10_number_under_dhl_ecommerce_is_normal() -> None:
    assert codes(check_tracking(ROYAL_MAIL_S10, "dhl_ecommerce")) == []
    assert codes(check_tracking(CHINA_POST_S10, "dhl_ecommerce")) == []


def test_an_s10_number_under_its_own_post_passes() -> None:
    assert codes(check_tracking(ROYAL_MAIL_S10, "royal_mail")) == []
    assert codes(check_tracking("RB123456785US", "usps")) == []


def test_lasership_numbers_under_ontrac_pass_since_the_two_merged() -> None:
    assert codes(check_tracking(LASERSHIP_LX, "ontrac")) == []


def test_a_numeric_number_of_another_carrier_is_no_mismatch_only_an_unknown_shape() -> None:
    # A valid USPS number given as FedEx: numeric formats overlap; only distinctive ones contradict.
    # It matches no FedEx format, which is worth a warning, never an error.
    assert codes(check_tracking(USPS, "fedex")) == [("tracking_format_unknown", "warning")]


# ---- A check-digit failure for the stated carrier is a warning ----


@pytest.mark.parametrize(
    ("number", "stated"),
    [
        (USPS_BAD_CHECK, "usps"),
        (UPS_BAD_CHECK, "ups"),
        ("3318810010", "dhl_express"),
        ("0073938000549292", "canada_post"),
        ("RB123456786US", "usps"),
        ("996578788855", "fedex"),
        ("C11031500001889", "ontrac"),
    ],
)
def test_a_check_digit_failure_for_the_stated_carrier_is_tracking_check_digit(
    number: str, stated: str
) -> None:
    result = check_tracking(number, stated)
    assert codes(result) == [("tracking_check_digit", "warning")]
    assert number in result.findings[0].message


@pytest.mark.parametrize(
    ("number", "stated"),
    [(USPS, "usps"), (UPS, "ups"), (DHL_EXPRESS, "dhl_express"), (CANADA_POST, "canada_post")],
)
def test_a_valid_number_of_the_stated_carrier_has_no_finding(number: str, stated: str) -> None:
    result = check_tracking(number, stated)
    assert codes(result) == []
    assert result.inferred_carrier is None
    assert not result.has_errors


def test_one_passing_format_of_the_carrier_is_enough() -> None:
    # Matches USPS 20 (check digit right) and USPS Legacy (check digit wrong).
    assert codes(check_tracking("71123456789123456787", "usps")) == []


def test_a_number_in_no_format_of_the_stated_carrier_is_warned_about_not_checked() -> None:
    assert codes(check_tracking("ABC12345", "usps")) == [("tracking_format_unknown", "warning")]


@pytest.mark.parametrize(
    "placeholder", ["TBD", "PENDING", "N-A", "0", "000000", "12345", "abcdefgh", "none"]
)
def test_a_placeholder_is_not_a_tracking_number(placeholder: str) -> None:
    for stated in ("usps", "ups", None, "other"):
        assert codes(check_tracking(placeholder, stated)) == [("invalid_tracking", "error")]


# ---- No carrier: infer only from a distinctive format, and warn ----


@pytest.mark.parametrize(
    ("number", "carrier_key"),
    [
        (UPS, "ups"),
        (AMAZON, "amazon"),
        (DHL_ECOMMERCE_GM, "dhl_ecommerce"),
        (LASERSHIP_1LS, "lasership"),
        (ROYAL_MAIL_S10, "royal_mail"),
        ("RB123456785CA", "canada_post"),
    ],
)
def test_a_distinctive_format_infers_the_carrier_with_carrier_inferred(
    number: str, carrier_key: str
) -> None:
    result = check_tracking(number, None)
    assert result.inferred_carrier == carrier_key
    assert codes(result) == [("carrier_inferred", "warning")]


def test_an_inferred_carrier_still_gets_its_check_digit_checked() -> None:
    result = check_tracking(UPS_BAD_CHECK, None)
    assert result.inferred_carrier == "ups"
    assert codes(result) == [("carrier_inferred", "warning"), ("tracking_check_digit", "warning")]


@pytest.mark.parametrize("number", [USPS, CANADA_POST, DHL_EXPRESS, "986578788855"])
def test_a_check_digit_pass_never_picks_a_carrier(number: str) -> None:
    # Saying that the carrier is missing is the caller's (it knows the service column too).
    result = check_tracking(number, None)
    assert result.inferred_carrier is None
    assert codes(result) == []


def test_an_s10_number_of_a_post_we_do_not_know_infers_no_carrier() -> None:
    result = check_tracking(CHINA_POST_S10, None)
    assert result.inferred_carrier is None
    assert codes(result) == []


def test_no_inference_when_a_carrier_was_given_even_if_unknown() -> None:
    result = check_tracking(UPS, "other")
    assert result.inferred_carrier is None


# ---- Carriers without a public rule, and unknown carriers, pass unchecked ----


@pytest.mark.parametrize("carrier_key", ["dhl", "gls", "evri", "other", "bobs_couriers"])
@pytest.mark.parametrize("number", [UPS, USPS_BAD_CHECK, "ABC123", ROYAL_MAIL_S10])
def test_carriers_without_a_public_rule_pass_unchecked(carrier_key: str, number: str) -> None:
    assert codes(check_tracking(number, carrier_key)) == []


@pytest.mark.parametrize("carrier_key", ["gls", "other"])
def test_carriers_without_a_public_rule_still_get_the_excel_checks(carrier_key: str) -> None:
    assert codes(check_tracking("9.4E+21", carrier_key)) == [("excel_scientific_notation", "error")]


# ---- Findings speak the catalogue ----


@pytest.mark.parametrize(
    ("number", "carrier_key"),
    [
        ("", "usps"),
        ("A/B", "usps"),
        ("9.4E+21", "usps"),
        ("9400111206206400000000", "usps"),
        (CANADA_POST[1:], "canada_post"),
        (UPS, "usps"),
        (USPS_BAD_CHECK, "usps"),
        (UPS, None),
        (UPS_BAD_CHECK, None),
    ],
)
def test_every_finding_code_is_in_the_catalogue(number: str, carrier_key: str | None) -> None:
    result = check_tracking(number, carrier_key)
    assert result.findings
    assert all(finding.code in CATALOGUE for finding in result.findings)
