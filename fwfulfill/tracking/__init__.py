"""Tracking numbers: courier formats, check digits, Excel damage, and the checks against a carrier.

The formats come from tracking_number_data 2.0.0 (MIT), vendored in `couriers/` (see its SOURCE.md).
"""

from __future__ import annotations

from fwfulfill.tracking.check import Finding, TrackingCheck, check_tracking
from fwfulfill.tracking.excel import looks_like_scientific_notation
from fwfulfill.tracking.identify import FormatMatch, identify, normalize_tracking_number

__all__ = [
    "Finding",
    "FormatMatch",
    "TrackingCheck",
    "check_tracking",
    "identify",
    "looks_like_scientific_notation",
    "normalize_tracking_number",
]
