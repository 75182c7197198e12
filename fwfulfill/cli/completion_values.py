"""Values shell completion offers for options: statuses, carriers, `--map` fields, profiles.

Typer calls these when it answers a TAB; `python -m fwfulfill.cli.completion` bakes the fixed ones
(all but profiles) into the completion table, so a TAB never imports the carrier table. Profiles
change with every login: the table names them as a source, and completion.py reads them from
config.toml at the TAB (`profile_names`, light: no Typer, no keyring).
"""

from __future__ import annotations

import sys

# Options whose values are read at the TAB rather than baked into the table.
DYNAMIC_SOURCES = {"--profile": "profiles"}


def _starting(values: list[str], incomplete: str) -> list[str]:
    # Case-sensitive, as click filters what these return: `C` offers Canada Post, `c` nothing.
    return [value for value in values if value.startswith(incomplete)]


def complete_status(incomplete: str) -> list[str]:
    from fwfulfill.api.statuses import ORDER_STATUSES

    return _starting([status.lower() for status in ORDER_STATUSES], incomplete)


def complete_export_format(incomplete: str) -> list[str]:
    return _starting(["generic", "pirateship", "shipstation", "easypost"], incomplete)


def complete_carrier(incomplete: str) -> list[str]:
    from fwfulfill.tracking.carriers import all_carriers

    return _starting([carrier.display for carrier in all_carriers()], incomplete)


def complete_tracking(incomplete: str) -> list[str]:
    """`--tracking CARRIER:NUMBER`: the carrier part, as `usps:`."""
    from fwfulfill.tracking.carriers import all_carriers

    return _starting([f"{carrier.key}:" for carrier in all_carriers()], incomplete)


def complete_map_field(incomplete: str) -> list[str]:
    from fwfulfill.csv_input.columns import FIELDS

    return _starting([f"{field}=" for field in FIELDS], incomplete)


def complete_profile(incomplete: str) -> list[str]:
    return _starting(profile_names(), incomplete)


def profile_names() -> list[str]:
    """The profiles in config.toml, read without the config module (a TAB must stay light); none
    when the file is missing or unreadable: completion never fails."""
    from fwfulfill.paths import config_dir

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        raw = (config_dir() / "config.toml").read_bytes()
        profiles = tomllib.loads(raw.decode("utf-8")).get("profiles")
    except (OSError, ValueError):  # missing, unreadable, not TOML or not UTF-8
        return []
    return sorted(profiles) if isinstance(profiles, dict) else []
