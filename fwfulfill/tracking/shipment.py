"""A shipping label as the user gave it (carrier text + tracking number), normalised and checked.

Shared by `create` and the CSV reader, so both apply the same rules: the canonical carrier
spelling, the tracking-number checks, and a carrier inferred only from a distinctive number format
(with a warning).
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from fwfulfill.api.models import carrier_text_problem
from fwfulfill.error_codes import Severity
from fwfulfill.tracking import Finding, normalize_tracking_number
from fwfulfill.tracking.carriers import (
    OTHER,
    CarrierMatch,
    carrier_by_key,
    carrier_from_service,
    needs_number,
    normalize_carrier,
)
from fwfulfill.tracking.check import findings_of


class Shipment(NamedTuple):  # built for every label: a named tuple is the cheapest immutable record
    tracking_number: str  # normalised: exactly what is sent
    carrier_key: str  # canonical key, or "other"
    tracking_company: str  # what is sent as trackingCompany ("" when no carrier could be found)
    findings: tuple[Finding, ...]
    has_errors: bool = False  # any finding is an error (kept, not recomputed per row of the box)


def shipment(
    carrier_text: str | None, number_text: str, *, service_text: str | None = None
) -> Shipment:
    """Normalise and check one label; `service_text` names the carrier when no carrier is given."""
    number = normalize_tracking_number(number_text)  # the number checked and sent
    given = (carrier_text or "").strip()
    match = None
    if given:
        refused, match = _carrier_text(given)
        if refused is not None:
            # Only the number's own problems besides: no carrier is inferred for a refused one.
            _, found = findings_of(number_text, number, OTHER)
            refusal = Finding("invalid_carrier", Severity.ERROR, refused)
            return _shipment(number, OTHER, "", [refusal, *found])
        if match is None:
            match = normalize_carrier(given, number)
    elif service_text and service_text.strip():
        match = carrier_from_service(service_text, number)
    inferred_key, found = findings_of(number_text, number, match.key if match else None)
    if match is not None and match.known and not found:
        return Shipment(number, match.key, match.display, ())  # the common case
    findings = list(found)
    if match is None and inferred_key is not None:
        inferred = carrier_by_key(inferred_key)
        if inferred is not None:
            match = normalize_carrier(inferred.display, number)
    if match is None:
        if not any(finding.severity is Severity.ERROR for finding in found):
            findings.append(
                Finding(
                    "missing_carrier",
                    Severity.ERROR,
                    "No carrier is given for this tracking number.",
                )
            )
        return _shipment(number, OTHER, "", findings)
    if not match.known:
        findings.append(
            Finding(
                "unknown_carrier",
                Severity.WARNING,
                f"carrier {match.display!r} is not one fwfulfill knows; it is sent as written.",
            )
        )
    return _shipment(number, match.key, match.display, findings)


@lru_cache(maxsize=1024)
def _carrier_text(given: str) -> tuple[str | None, CarrierMatch | None]:
    """Why the carrier text is refused (or None), and the carrier it names whatever the number:
    None when the number decides (a bare "DHL", see `normalize_carrier`). A file repeats a handful
    of carrier texts on every row: each is judged once."""
    refused = carrier_text_problem(given)
    if refused is not None or needs_number(given):
        return refused, None
    return None, normalize_carrier(given)


def _shipment(number: str, key: str, display: str, findings: list[Finding]) -> Shipment:
    if not findings:  # the common case: a good number of a known carrier
        return Shipment(number, key, display, ())
    errors = any(finding.severity is Severity.ERROR for finding in findings)
    return Shipment(number, key, display, tuple(findings), errors)


def parse_tracking_argument(value: str) -> tuple[str, str]:
    """`CARRIER:NUMBER` (as for `--tracking`) into its two parts; the carrier may be empty."""
    carrier, separator, number = value.partition(":")
    if not separator:
        return "", value
    return carrier, number
