"""The vendored courier files (`couriers/*.json`, from tracking_number_data 2.0.0), loaded once.

Each tracking-number format becomes a `TrackingFormat`: its compiled regex and the validation rules
that decide whether a number of that shape is valid. Nothing here knows fwfulfill's carrier names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from fwfulfill.tracking.checksums import KNOWN_ALGORITHMS

# PCRE named groups `(?<Name>` are `(?P<Name>` in Python; lookbehinds `(?<=` and `(?<!` stay.
_PCRE_NAMED_GROUP = re.compile(r"\(\?<(?=[A-Za-z_])")


@dataclass(frozen=True)
class Lookup:
    """An `additional` table of a format: a captured group's value looked up in a list."""

    name: str
    group: str
    entries: tuple[Mapping[str, Any], ...]

    def find(self, value: str) -> Mapping[str, Any] | None:
        for entry in self.entries:
            if "matches" in entry and entry["matches"] == value:
                return entry
            if "matches_regex" in entry and re.fullmatch(entry["matches_regex"], value):
                return entry
        return None


@dataclass(frozen=True)
class SerialPrefix:
    """`serial_number_format.prepend_if`: when it applies, the checksum covers content + serial."""

    when: re.Pattern[str]
    content: str

    def apply(self, serial: str) -> str:
        return self.content + serial if self.when.search(serial) else serial


@dataclass(frozen=True)
class TrackingFormat:
    courier_code: str
    courier_name: str
    format_id: str
    name: str
    pattern: re.Pattern[str]
    checksum: Mapping[str, Any] | None
    serial_prefix: SerialPrefix | None
    lookups: tuple[Lookup, ...]
    required_lookups: tuple[str, ...]  # names of lookups the number must be found in to be valid
    valid_examples: tuple[str, ...]
    invalid_examples: tuple[str, ...]


def python_regex(pcre: str | list[str]) -> str:
    """The courier file's regex (a string, or a list of parts to join) in Python syntax."""
    text = pcre if isinstance(pcre, str) else "".join(pcre)
    return _PCRE_NAMED_GROUP.sub("(?P<", text)


def _slug(name: str) -> str:
    # A few formats have no `id`; the name makes one ("LaserShip 1LS7 (18)" -> lasership_1ls7_18).
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _serial_prefix(validation: Mapping[str, Any]) -> SerialPrefix | None:
    rule = validation.get("serial_number_format", {}).get("prepend_if")
    if rule is None:
        return None
    return SerialPrefix(re.compile(rule["matches_regex"]), str(rule["content"]))


def _lookups(entry: Mapping[str, Any]) -> tuple[Lookup, ...]:
    tables = entry.get("additional") or []
    return tuple(
        Lookup(str(table["name"]), str(table["regex_group_name"]), tuple(table["lookup"]))
        for table in tables
    )


def _checksum(validation: Mapping[str, Any], format_id: str) -> Mapping[str, Any] | None:
    rule: Mapping[str, Any] | None = validation.get("checksum")
    if rule is not None and rule.get("name") not in KNOWN_ALGORITHMS:
        # A data release with an algorithm we lack must fail loudly, not let every number pass.
        raise ValueError(f"{format_id}: unknown checksum algorithm {rule.get('name')!r}")
    return rule


def _tracking_format(courier: Mapping[str, Any], entry: Mapping[str, Any]) -> TrackingFormat:
    format_id = str(entry.get("id") or _slug(entry["name"]))
    validation: Mapping[str, Any] = entry.get("validation") or {}
    examples: Mapping[str, Any] = entry.get("test_numbers") or {}
    return TrackingFormat(
        courier_code=str(courier["courier_code"]),
        courier_name=str(courier["name"]),
        format_id=format_id,
        name=str(entry["name"]),
        pattern=re.compile(python_regex(entry["regex"])),
        checksum=_checksum(validation, format_id),
        serial_prefix=_serial_prefix(validation),
        lookups=_lookups(entry),
        required_lookups=tuple(validation.get("additional", {}).get("exists", [])),
        valid_examples=tuple(examples.get("valid", [])),
        invalid_examples=tuple(examples.get("invalid", [])),
    )


@cache
def load_formats() -> tuple[TrackingFormat, ...]:
    """Every format of every vendored courier file, in file-name order."""
    folder = resources.files("fwfulfill.tracking").joinpath("couriers")
    files = sorted(
        (item for item in folder.iterdir() if item.name.endswith(".json")), key=lambda f: f.name
    )
    formats: list[TrackingFormat] = []
    for courier_file in files:
        courier = json.loads(courier_file.read_text(encoding="utf-8"))
        formats.extend(_tracking_format(courier, entry) for entry in courier["tracking_numbers"])
    return tuple(formats)
