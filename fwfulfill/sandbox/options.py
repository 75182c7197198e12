"""Parse the `sandbox serve` flags into SandboxSettings changes, with messages that name the flag.

--latency 0.2 | 0.1-0.3 | 100ms-300ms
--rate 100/10 | 100 | off   (optionally followed by ,delay and/or ,retry-after)
--faults 5xx=0.1,stall=0.05,drop=0.05,reset=0.05,burst=0.01,burst-length=10,stall-seconds=30,seed=7
--option friendly_id_case=insensitive,page_metadata=false   (any other setting by its name)
"""

from __future__ import annotations

from typing import Any

from fwfulfill.sandbox.settings import CHOICES, MAX_SECONDS, SandboxSettings

# --faults names -> (setting, kind): a share in [0, 1], a count, a duration or a plain integer.
FAULT_KEYS: dict[str, tuple[str, str]] = {
    "5xx": ("error_rate", "share"),
    "stall": ("commit_stall_rate", "share"),
    "drop": ("commit_drop_rate", "share"),
    "reset": ("reset_rate", "share"),
    "burst": ("burst_rate", "share"),
    "burst-length": ("burst_length", "count"),
    "stall-seconds": ("stall_seconds", "duration"),
    "seed": ("random_seed", "integer"),
}
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def settings_changes(
    *,
    latency: str | None = None,
    rate: str | None = None,
    faults: str | None = None,
    options: str | None = None,
) -> dict[str, Any]:
    """The settings the flags change; flags left out (None) change nothing."""
    changes: dict[str, Any] = {}
    if options:
        changes.update(parse_options(options))
    if latency:
        changes["latency"] = parse_latency(latency)
    if rate:
        changes.update(parse_rate(rate))
    if faults:
        changes.update(parse_faults(faults))
    return changes


def parse_latency(text: str) -> tuple[float, float]:
    """`0.2` -> (0.2, 0.2); `0.1-0.3` -> (0.1, 0.3); `ms` and `s` suffixes are understood."""
    low_text, sep, high_text = text.strip().partition("-")
    try:
        low = _seconds(low_text)
        high = _seconds(high_text) if sep else low
    except ValueError:
        raise ValueError(
            f"--latency: {text[:40]!r} is not a duration (0 to {MAX_SECONDS:g} seconds) or a range "
            "like 0.2, 0.1-0.3 or 100ms-300ms"
        ) from None
    if high < low:
        raise ValueError(f"--latency: {text!r}: the range must go from low to high")
    return (low, high)


def parse_rate(text: str) -> dict[str, Any]:
    """`100/10` (requests per seconds), `100` (per the default window) or `off`, optionally followed
    by `,delay` (wait instead of refusing) and `,retry-after` (send a Retry-After header)."""
    head, *flags = [part.strip() for part in text.split(",")]
    changes: dict[str, Any] = _rate_limit(head, text)
    for flag in flags:
        if flag == "delay":
            changes["rate_mode"] = "delay"
        elif flag == "retry-after":
            changes["send_retry_after"] = True
        else:
            raise ValueError(f"--rate: unknown option {flag!r} (known: delay, retry-after)")
    return changes


def parse_faults(text: str) -> dict[str, Any]:
    """`5xx=0.1,stall=0.05,seed=7` -> the settings those names stand for."""
    changes: dict[str, Any] = {}
    for name, value in _pairs(text, "--faults"):
        if name not in FAULT_KEYS:
            raise ValueError(f"--faults: unknown fault {name!r} (known: {', '.join(FAULT_KEYS)})")
        setting, kind = FAULT_KEYS[name]
        changes[setting] = _fault_value(name, value, kind)
    return changes


def parse_options(text: str) -> dict[str, Any]:
    """`name=value,...` for any setting by its field name, the value read by the setting's type."""
    defaults = SandboxSettings()
    changes: dict[str, Any] = {}
    for name, value in _pairs(text, "--option"):
        if name == "latency":
            raise ValueError("--option: set latency with --latency")
        if name not in SandboxSettings.field_names():
            raise ValueError(f"--option: unknown setting {name!r}")
        changes[name] = _typed(name, value, getattr(defaults, name))
    return changes


def _typed(name: str, value: str, default: object) -> Any:
    if name in CHOICES:
        if value not in CHOICES[name]:
            raise ValueError(f"--option: {name} must be one of {', '.join(CHOICES[name])}")
        return value
    if isinstance(default, bool):
        return _boolean(name, value)
    if name == "rate_limit":
        return _rate_limit(value, value)["rate_limit"]
    try:
        return int(value) if isinstance(default, int) else float(value)
    except ValueError:
        raise ValueError(f"--option: {name}={value!r} is not a number") from None


def _boolean(name: str, value: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE | _FALSE:
        return lowered in _TRUE
    raise ValueError(f"--option: {name}={value!r} is not true or false")


def _rate_limit(head: str, text: str) -> dict[str, Any]:
    if head.lower() in {"off", "none"}:
        return {"rate_limit": None}
    count_text, sep, window_text = head.partition("/")
    try:
        count = int(count_text)
        changes: dict[str, Any] = {"rate_limit": count}
        if sep:
            changes["rate_window"] = _seconds(window_text)
    except ValueError:
        raise ValueError(
            f"--rate: {text!r} is not REQUESTS/SECONDS like 100/10 (or 'off')"
        ) from None
    if count < 1 or changes.get("rate_window", 1.0) <= 0:
        raise ValueError(f"--rate: {text!r}: requests and seconds must be more than 0")
    return changes


def _fault_value(name: str, value: str, kind: str) -> float | int:
    try:
        number: float | int = (
            _seconds(value)
            if kind == "duration"
            else float(value)
            if kind == "share"
            else int(value)
        )
    except ValueError:
        raise ValueError(
            f"--faults: {name}={value[:40]!r} is not a number"
            + (f" of seconds from 0 to {MAX_SECONDS:g}" if kind == "duration" else "")
        ) from None
    if kind == "share" and not 0.0 <= number <= 1.0:
        raise ValueError(f"--faults: {name}={value}: must be a share between 0 and 1")
    if kind == "count" and number < 1:
        raise ValueError(f"--faults: {name}={value}: must be at least 1")
    return number


def _pairs(text: str, flag: str) -> list[tuple[str, str]]:
    pairs = []
    for part in text.split(","):
        name, sep, value = part.strip().partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ValueError(f"{flag}: {part.strip()!r} is not NAME=VALUE")
        pairs.append((name.strip(), value.strip()))
    return pairs


def _seconds(text: str) -> float:
    """A duration of 0 to MAX_SECONDS; nan and inf are no durations (a sleep of either crashes)."""
    text = text.strip().lower()
    value = float(text[:-2]) / 1000 if text.endswith("ms") else float(text.removesuffix("s"))
    if not 0 <= value <= MAX_SECONDS:  # also false for nan
        raise ValueError(text)
    return value
