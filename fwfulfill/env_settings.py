"""Numbers read from environment variables (timeouts, waits), checked in one place: a value that is
not a finite number in its range is refused with the variable's name, never used or crashed on."""

from __future__ import annotations

import math
from collections.abc import Mapping

from fwfulfill.errors import InputError


def env_seconds(
    env: Mapping[str, str],
    name: str,
    default: float,
    *,
    allow_zero: bool = False,
    most: float = 3600.0,
) -> float:
    """Seconds from the variable `name` (unset or empty: `default`); InputError naming the variable
    when it is not a finite number of seconds above 0 (or 0 itself when `allow_zero`), at most
    `most`."""
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    low_ok = value >= 0 if allow_zero else value > 0
    if not (math.isfinite(value) and low_ok and value <= most):
        lowest = "0" if allow_zero else "more than 0"
        raise InputError(
            "invalid_environment",
            f"{text[:40]!r} is not a number of seconds ({lowest}, at most {most:g}).",
            target=name,
        )
    return value
