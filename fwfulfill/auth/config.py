"""The config file: profiles and their non-secret settings (API URL, shop), in TOML.

Secrets never go here; they live in the keyring (or, only when asked, in the insecure credentials
file).
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from fwfulfill.atomic_file import write_atomically
from fwfulfill.constants import DEFAULT_PROFILE
from fwfulfill.errors import InputError
from fwfulfill.paths import config_dir, ensure_private_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIG_FILE = "config.toml"
# A profile name is a keyring account and a TOML key: no paths, spaces or control characters.
_PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def validate_profile_name(name: str, source: str) -> str:
    """The name, if every command can use it as a profile; InputError naming `source` if not.

    `auth login` stores only such names, so every command checks them the same way.
    """
    if _PROFILE_NAME.fullmatch(name) is None:
        shown = name if len(name) <= 70 else name[:67] + "..."
        raise InputError(
            "invalid_option",
            f"{shown!r} is not a usable profile name; use letters, digits, '.', '_' and '-' "
            "(up to 64, starting with a letter or digit).",
            target=source,
        )
    return name


class ConfigError(ValueError):
    """The config file exists but cannot be read; the message names the file and the fix."""


@dataclass(frozen=True)
class Profile:
    name: str
    api_url: str | None = None
    shop_id: str | None = None
    shop_name: str | None = None
    shop_domain: str | None = None
    storage: str | None = None  # "keyring" or "file": where `auth login` put the secret


@dataclass(frozen=True)
class Config:
    default_profile: str = DEFAULT_PROFILE
    profiles: dict[str, Profile] = field(default_factory=dict)

    def profile(self, name: str | None) -> Profile | None:
        return self.profiles.get(name or self.default_profile)

    def resolve_name(self, name: str | None) -> str:
        return name or self.default_profile

    def with_profile(self, profile: Profile, *, make_default: bool = False) -> Config:
        profiles = {**self.profiles, profile.name: profile}
        default = profile.name if make_default else self.default_profile
        return replace(self, profiles=profiles, default_profile=default)

    def without_profile(self, name: str) -> Config:
        profiles = {key: value for key, value in self.profiles.items() if key != name}
        default = self.default_profile
        if default == name:
            default = next(iter(profiles), DEFAULT_PROFILE)
        return replace(self, profiles=profiles, default_profile=default)


def describe_shop(name: str | None, domain: str | None) -> str:
    """`Shop Name (domain)`, as every command names the shop it talks to."""
    if not name:
        return "-"
    return f"{name} ({domain})" if domain else name


def config_path() -> Path:
    return config_dir() / CONFIG_FILE


def load_config(path: Path | None = None) -> Config:
    path = path or config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix or delete the file") from None
    profiles: dict[str, Profile] = {}
    for name, values in (data.get("profiles") or {}).items():
        if not isinstance(values, dict):
            raise ConfigError(f"{path}: [profiles.{name}] must be a table")
        known = {key: str(values[key]) for key in _PROFILE_KEYS if key in values}
        profiles[name] = Profile(name=name, **known)
    default = str(data.get("default_profile") or DEFAULT_PROFILE)
    return Config(default_profile=default, profiles=profiles)


_PROFILE_KEYS = ("api_url", "shop_id", "shop_name", "shop_domain", "storage")


def save_config(config: Config, path: Path | None = None) -> Path:
    path = path or config_path()
    ensure_private_dir(path.parent)
    lines = [f"default_profile = {_toml_string(config.default_profile)}", ""]
    for profile in config.profiles.values():
        lines.append(f"[profiles.{_toml_string(profile.name)}]")
        for key in _PROFILE_KEYS:
            value = getattr(profile, key)
            if value is not None:
                lines.append(f"{key} = {_toml_string(value)}")
        lines.append("")
    return write_atomically(path, "\n".join(lines))


def _toml_string(value: str) -> str:
    # A JSON string with ASCII escapes is a valid TOML basic string.
    return json.dumps(value, ensure_ascii=True)
