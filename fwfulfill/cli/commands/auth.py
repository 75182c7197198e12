"""`fwfulfill auth login|status|logout`: shop API credentials in the OS keyring, one per profile.

Every command finds its credentials by the same precedence: FOURTHWALL_API_USERNAME and
FOURTHWALL_API_PASSWORD (or FOURTHWALL_ACCESS_TOKEN) > the OS keyring > the insecure file that
`auth login --insecure-storage` writes. The password is never an argument and never printed.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, TypeVar

import typer

from fwfulfill.api.urls import validate_api_url
from fwfulfill.auth.config import describe_shop, validate_profile_name
from fwfulfill.cli.command_group import SuggestOnceGroup
from fwfulfill.cli.context import AppContext
from fwfulfill.cli.errors import failures_rendered, one_line
from fwfulfill.cli.help_examples import epilog
from fwfulfill.cli.streams import is_terminal
from fwfulfill.constants import (
    API_BASE_URL,
    ENV_ACCESS_TOKEN,
    ENV_PASSWORD,
    ENV_RETRY_WAIT,
    ENV_USERNAME,
)
from fwfulfill.errors import FwfulfillError, InputError

if TYPE_CHECKING:
    from fwfulfill.api.models import Shop
    from fwfulfill.auth.config import Config, Profile
    from fwfulfill.auth.credentials import Credentials
    from fwfulfill.auth.store import KeyringStore

app = typer.Typer(
    help="Log in to a shop, see which credentials are used, log out.\n\n"
    f"Precedence: {ENV_USERNAME} + {ENV_PASSWORD} (or {ENV_ACCESS_TOKEN}) > the OS keyring > "
    "the insecure file of `auth login --insecure-storage`.",
    no_args_is_help=True,
)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="auth", cls=SuggestOnceGroup)


T = TypeVar("T")
_CREDENTIAL_VARIABLES = (ENV_USERNAME, ENV_PASSWORD, ENV_ACCESS_TOKEN)
_ENVIRONMENT = "(environment)"
# A status or login check should answer in seconds, not retry for minutes (unless the user asks).
_CHECK_RETRY_WAIT = "3"
_UNREACHABLE_CODES = frozenset(
    {"NETWORK_ERROR", "TIMEOUT", "SERVER_ERROR", "OPEN_API_TOO_MANY_REQUESTS"}
)


# ---- login ---------------------------------------------------------------------------------------


_LOGIN_HELP = (
    "Log in to a shop: check its API credentials with Fourthwall, then keep them in the OS "
    "keyring.\n\n"
    "The credentials are those of the shop's Open API user. A SUPER ADMIN creates it in the "
    'Fourthwall dashboard: Settings -> For developers -> "Create API User"; it shows a username '
    "and a password.\n\n"
    "The password is asked for without echo, or read from stdin with --password-stdin; no option "
    "takes it as an argument. Nothing is stored unless Fourthwall accepts the credentials.\n\n"
    "Examples:\n\n"
    "  fwfulfill auth login --profile mystore\n\n"
    "  printf '%s\\n' \"$FW_PASSWORD\" | fwfulfill auth login --username USER --password-stdin"
)


@app.command("login", help=_LOGIN_HELP, epilog=epilog("auth login"))
def login(
    ctx: typer.Context,
    username: str | None = typer.Option(
        None, "--username", "-u", metavar="USER", help="The API username (asked for if not given)."
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from stdin (one line), for scripts."
    ),
    insecure_storage: bool = typer.Option(
        False,
        "--insecure-storage",
        help="No usable keyring: keep the credentials in a file only you can read (0600, in the "
        "config directory). Every use warns.",
    ),
    make_default: bool = typer.Option(
        False, "--default", help="Make this the default profile (the first profile is anyway)."
    ),
) -> None:
    """Log in to a shop: check its API credentials, then keep them in the OS keyring."""
    app_ctx: AppContext = ctx.obj
    with failures_rendered(app_ctx.output):
        from fwfulfill.auth.config import load_config

        _refuse_sandbox(app_ctx)
        config = load_config()
        name = validate_profile_name(config.resolve_name(app_ctx.profile_name), "--profile")
        url = app_ctx.base_url()  # --api-url > FWFULFILL_API_URL > the profile's > the default
        if not insecure_storage:
            _require_keyring()  # before the password is typed, not after
        _mention_environment(app_ctx)
        credentials = _read_credentials(username, password_stdin=password_stdin)
        shop = _check_login(app_ctx, credentials, url)
        storage = _store(app_ctx, name, credentials, insecure=insecure_storage)
        is_default = _save_profile(app_ctx, name, shop, storage, url, make_default=make_default)
        _report_login(app_ctx, name, shop, credentials, storage, is_default=is_default)


def _refuse_sandbox(app_ctx: AppContext) -> None:
    if app_ctx.sandbox:
        raise InputError(
            "invalid_option",
            "the built-in sandbox needs no login; drop --sandbox (a sandbox server started with "
            "`fwfulfill sandbox serve` takes --api-url http://127.0.0.1:PORT).",
            target="--sandbox",
        )


def _require_keyring() -> None:
    from fwfulfill.auth.store import (
        KeyringStore,
        KeyringUnavailable,
        interactive_keyring_timeout,
    )

    try:
        KeyringStore(interactive_keyring_timeout()).backend_name()
    except KeyringUnavailable as exc:
        raise _keyring_unavailable(str(exc)) from None


def _keyring_unavailable(reason: str) -> FwfulfillError:
    return FwfulfillError(
        "KEYRING_UNAVAILABLE", f"there is no usable OS keyring ({reason}); nothing was stored"
    )


def _mention_environment(app_ctx: AppContext) -> None:
    names = [name for name in _CREDENTIAL_VARIABLES if app_ctx.env.get(name)]
    if names:
        verb = "is" if len(names) == 1 else "are"
        app_ctx.output.warning(
            f"{' and '.join(names)} {verb} set: while they are, every command uses them instead of "
            "this login."
        )


def _read_credentials(username: str | None, *, password_stdin: bool) -> Credentials:
    from fwfulfill.auth.credentials import Credentials

    if password_stdin:
        if not username:
            raise InputError(
                "invalid_option",
                "--password-stdin needs --username (stdin holds the password).",
                target="--username",
            )
        password = _password_from(sys.stdin)
    else:
        if not is_terminal(sys.stdin):
            raise InputError(
                "invalid_option",
                "stdin is not a terminal, so the password cannot be asked for; pipe it in with "
                "--password-stdin (and give --username).",
                target="--password-stdin",
            )
        username = username or _ask("API username")
        password = _ask("API password", hide=True)
    username = username.strip()
    if not username:
        raise InputError("invalid_option", "the API username is empty.", target="--username")
    return Credentials(username, password)


def _password_from(stream: IO[str] | None) -> str:
    if stream is None:  # `<&-`: the process has no stdin at all
        raise InputError(
            "invalid_option",
            "stdin is closed, so there is no password to read; pipe it in, like: printf '%s\\n' "
            '"$PASSWORD" | fwfulfill auth login --username USER --password-stdin',
            target="--password-stdin",
        )
    try:
        # Only the line end is removed: a password may start or end with spaces.
        password = stream.readline().rstrip("\r\n")
        password.encode("utf-8")  # undecodable bytes read with surrogateescape fail here
    except UnicodeError:
        encoding = getattr(stream, "encoding", None) or "utf-8"
        raise InputError(
            "invalid_option",
            f"the password on stdin is not {encoding} text; nothing was stored. Pipe it in as "
            "text, as the dashboard shows it.",
            target="--password-stdin",
        ) from None
    if not password:
        raise InputError(
            "invalid_option",
            "no password on stdin; pipe it in, like: printf '%s\\n' \"$PASSWORD\" | fwfulfill auth "
            "login --username USER --password-stdin",
            target="--password-stdin",
        )
    return password


def _ask(prompt: str, *, hide: bool = False) -> str:
    if hide:
        return _ask_hidden(prompt)
    try:
        return str(typer.prompt(prompt, err=True))
    except typer.Abort:  # Ctrl-C or end of input at the prompt
        raise KeyboardInterrupt from None


def _ask_hidden(prompt: str) -> str:
    """Ask for a secret with getpass showing the whole prompt, so it appears only once echo is off.

    typer >= 0.26 prints all but the prompt's last character before getpass turns echo off and
    flushes the input: a password typed as soon as "password:" shows would be echoed, then lost.
    """
    import getpass

    while True:
        try:
            answer = getpass.getpass(f"{prompt}: ", stream=sys.stderr)
        except (KeyboardInterrupt, EOFError):  # Ctrl-C or end of input at the prompt
            sys.stderr.write("\n")  # getpass ends no line when it is interrupted
            raise KeyboardInterrupt from None
        if answer:
            return answer


def _check_login(app_ctx: AppContext, credentials: Credentials, url: str) -> Shop:
    from fwfulfill.errors import ApiError

    try:
        return _current_shop(app_ctx, credentials, url)
    except ApiError as error:
        if error.code == "UNAUTHORIZED":
            raise FwfulfillError(
                "LOGIN_REJECTED",
                f"Fourthwall ({url}) did not accept this API username and password; nothing was "
                "stored",
            ) from None
        raise


def _current_shop(app_ctx: AppContext, credentials: Credentials, url: str) -> Shop:
    # A short retry budget unless the user set one: a check should answer in seconds.
    quick = dataclasses.replace(app_ctx, env={ENV_RETRY_WAIT: _CHECK_RETRY_WAIT, **app_ctx.env})
    with quick.client(credentials=credentials, base_url=url) as client:
        return client.current_shop()


def _store(app_ctx: AppContext, name: str, credentials: Credentials, *, insecure: bool) -> str:
    from fwfulfill.auth.store import (
        InsecureFileStore,
        KeyringStore,
        KeyringUnavailable,
        interactive_keyring_timeout,
    )

    file_store = InsecureFileStore()
    if insecure:
        file_store.set(name, credentials)
        app_ctx.output.warning(
            f"the password is stored unencrypted in {file_store.path} (readable by you only); "
            "every command that uses it will say so. The OS keyring or environment variables "
            "are safer."
        )
        return "file"
    try:
        KeyringStore(interactive_keyring_timeout()).set(name, credentials)
    except KeyringUnavailable as exc:
        raise _keyring_unavailable(str(exc)) from None
    if file_store.delete(name):
        app_ctx.output.info(f"Removed the older copy of profile {name!r} from {file_store.path}.")
    return "keyring"


def _save_profile(
    app_ctx: AppContext, name: str, shop: Shop, storage: str, url: str, *, make_default: bool
) -> bool:
    """Write the profile's non-secret settings; True when it is the default profile."""
    from fwfulfill.auth.config import Profile, load_config, save_config

    config = load_config()
    previous = config.profiles.get(name)
    profile = Profile(
        name=name,
        # Only an explicit --api-url is remembered; FWFULFILL_API_URL stays a per-run choice.
        api_url=url if app_ctx.api_url else (previous.api_url if previous else None),
        shop_id=shop.id,
        shop_name=shop.name,
        shop_domain=shop.public_domain or shop.domain or None,
        storage=storage,
    )
    first = config.default_profile not in config.profiles
    updated = config.with_profile(profile, make_default=make_default or first)
    save_config(updated)
    return updated.default_profile == name


def _report_login(
    app_ctx: AppContext,
    name: str,
    shop: Shop,
    credentials: Credentials,
    storage: str,
    *,
    is_default: bool,
) -> None:
    from fwfulfill.usecases.shop import shop_label

    output = app_ctx.output
    where = "the keyring" if storage == "keyring" else "the insecure file"
    default = " (the default profile)" if is_default else ""
    output.success(
        f"Logged in to {shop_label(shop)} as "
        f"{credentials.masked_username}, profile {name}{default}; stored in {where}."
    )
    if output.json_mode:
        output.data(
            {
                "profile": name,
                "default": is_default,
                "shop": _shop_json(shop.id, shop.name, shop.public_domain or shop.domain),
                "username": credentials.masked_username,
                "storage": storage,
            }
        )


def _shop_json(shop_id: str | None, name: str | None, domain: str | None) -> dict[str, Any] | None:
    if shop_id is None and name is None:
        return None
    return {"id": shop_id, "name": name, "domain": domain}


# ---- status --------------------------------------------------------------------------------------


@dataclass
class CredentialStatus:
    """One row of `auth status`: a profile (or the environment) and whether its credentials work."""

    name: str
    default: bool = False
    selected: bool = False
    shop_id: str | None = None
    shop_name: str | None = None
    shop_domain: str | None = None
    username: str | None = None  # masked
    source: str | None = None
    api_url: str | None = None
    check: str = "not logged in"  # ok, rejected, unreachable, skipped, error, not logged in
    works: bool | None = None
    problem: str | None = None
    code: str | None = None  # the catalogue code of the problem, for the exit code


class _Keyring:
    """The OS keyring for one command: after one failure it is not asked again (each try can cost
    the whole timeout)."""

    def __init__(self) -> None:
        self.problem: str | None = None

    def get(self, name: str) -> Credentials | None:
        return self._call(lambda store: store.get(name), None)

    def delete(self, name: str) -> bool:
        return self._call(lambda store: store.delete(name), False)

    def _call(self, action: Callable[[KeyringStore], T], fallback: T) -> T:
        from fwfulfill.auth.store import KeyringStore, KeyringUnavailable

        if self.problem is not None:
            return fallback
        try:
            return action(KeyringStore())
        except KeyringUnavailable as exc:
            self.problem = str(exc)
            return fallback


_STATUS_HELP = (
    "Show every profile: its shop, the username (masked), where the credentials come from "
    "(environment, keyring or file), and whether they work now (one request each; --offline "
    "skips it).\n\n"
    "Exit 4 when the credentials a command would use are missing or rejected."
)


@app.command("status", help=_STATUS_HELP, epilog=epilog("auth status"))
def status(
    ctx: typer.Context,
    offline: bool = typer.Option(
        False, "--offline", help="Do not check the credentials with Fourthwall."
    ),
) -> None:
    """Show every profile's shop, masked username, credential source, and a live check."""
    app_ctx: AppContext = ctx.obj
    with failures_rendered(app_ctx.output):
        from fwfulfill.auth.config import load_config

        _refuse_sandbox(app_ctx)
        config = load_config()
        selected = config.resolve_name(app_ctx.profile_name)
        environment = _environment_status(app_ctx, offline=offline)
        keyring = _Keyring()
        # --api-url and FWFULFILL_API_URL apply to the credentials a command would use: the
        # environment's when set, else the selected profile's; every other profile is checked
        # at its own URL, so no password goes to a URL that was not meant for it.
        in_use = None if environment is not None else selected
        rows = [
            _profile_status(
                app_ctx, config, name, selected, keyring, offline=offline, in_use=in_use
            )
            for name in _status_names(config, selected, environment)
        ]
        _render_status(app_ctx, rows, environment)
        problem = _status_problem(environment or _selected_row(rows))
        if problem is not None:
            app_ctx.output.error(one_line(problem))
            raise typer.Exit(int(problem.exit_code))


def _status_names(config: Config, selected: str, environment: CredentialStatus | None) -> list[str]:
    names = list(config.profiles)
    # The selected profile is shown even before its first login, unless the environment is used.
    if selected not in names and environment is None:
        names.append(selected)
    return names


def _selected_row(rows: list[CredentialStatus]) -> CredentialStatus:
    # Without the environment's credentials, `_status_names` always lists the selected profile.
    return next(row for row in rows if row.selected)


def _environment_status(app_ctx: AppContext, *, offline: bool) -> CredentialStatus | None:
    from fwfulfill.auth.store import environment_credentials

    if not any(app_ctx.env.get(name) for name in _CREDENTIAL_VARIABLES):
        return None
    row = CredentialStatus(name=_ENVIRONMENT, source="environment", selected=True)
    try:
        credentials = environment_credentials(app_ctx.env)
        row.api_url = app_ctx.base_url()
    except FwfulfillError as error:
        row.check, row.works, row.problem, row.code = "error", False, error.message, error.code
        return row
    if credentials is not None:
        row.username = credentials.masked_username
        _live_check(app_ctx, row, credentials, offline=offline)
    return row


def _profile_status(
    app_ctx: AppContext,
    config: Config,
    name: str,
    selected: str,
    keyring: _Keyring,
    *,
    offline: bool,
    in_use: str | None,
) -> CredentialStatus:
    profile = config.profiles.get(name)
    row = CredentialStatus(
        name=name,
        default=name == config.default_profile,
        selected=name == selected,
        shop_id=profile.shop_id if profile else None,
        shop_name=profile.shop_name if profile else None,
        shop_domain=profile.shop_domain if profile else None,
    )
    try:
        row.api_url = _profile_url(app_ctx, profile, override=name == in_use)
    except InputError as error:
        row.check, row.works, row.problem, row.code = "error", False, error.message, error.code
        return row
    credentials = _stored_credentials(name, profile, keyring)
    if credentials is None:
        row.code, row.problem = "CREDENTIALS_MISSING", "not logged in"
        if keyring.problem:
            row.code, row.problem = (
                "KEYRING_UNAVAILABLE",
                f"not logged in (keyring: {keyring.problem})",
            )
        return row
    row.username = credentials.masked_username
    row.source = credentials.source.value
    _live_check(app_ctx, row, credentials, offline=offline)
    return row


def _profile_url(app_ctx: AppContext, profile: Profile | None, *, override: bool) -> str:
    """Where this profile's password goes: the override only for the profile in use."""
    url, source = app_ctx.api_url_override() if override else (None, "")
    if url is None and profile is not None and profile.api_url:
        url, source = profile.api_url, "api_url in config.toml"
    return validate_api_url(url or API_BASE_URL, source or "API URL")


def _stored_credentials(
    name: str, profile: Profile | None, keyring: _Keyring
) -> Credentials | None:
    """The profile's stored credentials, by the order every command reads them."""
    from fwfulfill.auth.store import InsecureFileStore

    found = None
    if profile is None or profile.storage != "file":
        found = keyring.get(name)
    return found or InsecureFileStore().get(name)


def _live_check(
    app_ctx: AppContext, row: CredentialStatus, credentials: Credentials, *, offline: bool
) -> None:
    from fwfulfill.errors import ApiError

    if offline:
        row.check = "skipped"
        return
    try:
        shop = _current_shop(app_ctx, credentials, row.api_url or API_BASE_URL)
    except ApiError as error:
        row.code = error.code
        if error.code in {"UNAUTHORIZED", "FORBIDDEN"}:
            row.check, row.works = "rejected", False
            row.problem = f"credentials rejected: HTTP {error.status}"
        elif error.code in _UNREACHABLE_CODES:
            row.check, row.problem = "unreachable", f"unreachable: {error.message}"
        else:
            row.check, row.problem = "error", error.message
        return
    row.check, row.works = "ok", True
    row.shop_id, row.shop_name = shop.id, shop.name
    row.shop_domain = shop.public_domain or shop.domain or None


def _status_problem(row: CredentialStatus) -> FwfulfillError | None:
    """Why the credentials a command would use do not work, with the command that fixes it."""
    if row.code is None or row.problem is None:
        return None
    if row.name == _ENVIRONMENT:
        # The catalogue's hint already names the variables to fix.
        return FwfulfillError(row.code, f"the environment's credentials: {row.problem}")
    fix = f"run `fwfulfill auth login --profile {row.name}`"
    if row.check in {"rejected", "not logged in"}:
        return FwfulfillError(row.code, f"profile {row.name}: {row.problem}; {fix}")
    return FwfulfillError(row.code, f"profile {row.name}: {row.problem}")


def _render_status(
    app_ctx: AppContext, rows: list[CredentialStatus], environment: CredentialStatus | None
) -> None:
    output = app_ctx.output
    if output.json_mode:
        output.data(
            {
                "profiles": [_row_json(row) for row in rows],
                "environment": _environment_json(app_ctx, environment),
            }
        )
    else:
        output.show(_status_table(([environment] if environment else []) + rows))
    if environment is not None and environment.works is not False:
        output.info(
            "The environment variables are set: every command uses them, not the profiles' logins."
        )
    for row in rows:
        if row.source == "file":
            output.warning(
                f"profile {row.name} keeps its password unencrypted in the insecure file; "
                f"`fwfulfill auth login --profile {row.name}` moves it to the keyring."
            )


def _status_table(rows: list[CredentialStatus]) -> Any:
    """One line per profile; the check is one word, what went wrong a numbered note below."""
    from rich.text import Text

    from fwfulfill.cli.tables import Notes, add_key_column, add_text_column, cell, new_table

    table = new_table("Credentials")
    notes = Notes()
    for column in ("Profile", "Default"):
        add_key_column(table, column)
    add_text_column(table, "Shop")
    add_text_column(table, "Username")
    add_key_column(table, "Source")
    add_text_column(table, "API URL")
    add_key_column(table, "Check")
    for row in rows:
        style = "green" if row.works else ("red" if row.works is False else "yellow")
        detail = _short_check(row)
        check = row.check + (f" {notes.ref(detail)}" if detail != row.check else "")
        table.add_row(
            Text(row.name, style="bold" if row.selected else ""),
            "yes" if row.default else "",
            cell(describe_shop(row.shop_name, row.shop_domain)),
            cell(row.username or "-"),
            row.source or "-",
            cell(row.api_url or "-"),
            Text(check, style=style),
        )
    return notes.under(table)


def _short_check(row: CredentialStatus) -> str:
    """The check column: one short phrase; the details are in the error below and in the JSON."""
    if row.code == "KEYRING_UNAVAILABLE":
        return "not logged in (keyring unusable)"
    return row.problem or row.check


def _row_json(row: CredentialStatus) -> dict[str, Any]:
    return {
        "name": row.name,
        "default": row.default,
        "selected": row.selected,
        "shop": _shop_json(row.shop_id, row.shop_name, row.shop_domain),
        "username": row.username,
        "source": row.source,
        "apiUrl": row.api_url,
        "check": row.check,
        "works": row.works,
        "problem": row.problem,
    }


def _environment_json(app_ctx: AppContext, row: CredentialStatus | None) -> dict[str, Any]:
    variables = [name for name in _CREDENTIAL_VARIABLES if app_ctx.env.get(name)]
    if row is None:
        return {"set": False, "variables": variables}
    details = _row_json(row)
    del details["name"], details["default"], details["selected"], details["source"]
    return {"set": True, "variables": variables, **details}


# ---- logout --------------------------------------------------------------------------------------


@dataclass
class Removal:
    profile: str
    keyring: bool = False
    file: bool = False
    config: bool = False
    problem: str | None = None

    @property
    def anything(self) -> bool:
        return self.keyring or self.file or self.config


_LOGOUT_HELP = (
    "Log out: remove the profile's stored credentials everywhere they are (the keyring and the "
    "insecure file) and its settings. Running it again is harmless."
)


@app.command("logout", help=_LOGOUT_HELP, epilog=epilog("auth logout"))
def logout(
    ctx: typer.Context,
    all_profiles: bool = typer.Option(False, "--all", help="Log out of every profile."),
) -> None:
    """Remove a profile's stored credentials everywhere they are, and its settings."""
    app_ctx: AppContext = ctx.obj
    with failures_rendered(app_ctx.output):
        from fwfulfill.auth.config import load_config, save_config

        _refuse_sandbox(app_ctx)
        if all_profiles and app_ctx.profile:
            raise InputError(
                "invalid_option", "give either --profile or --all, not both.", target="--all"
            )
        config = load_config()
        if all_profiles:
            names = _logout_names(config)
        else:
            names = [config.resolve_name(app_ctx.profile_name)]
        keyring = _Keyring()
        removals: list[Removal] = []
        for name in names:
            config, removal = _remove(config, name, keyring)
            removals.append(removal)
        if any(removal.config for removal in removals):
            save_config(config)
        _report_logout(app_ctx, removals, keyring)


def _logout_names(config: Config) -> list[str]:
    from fwfulfill.auth.store import InsecureFileStore

    names = [*config.profiles, config.default_profile, *InsecureFileStore().profiles()]
    return list(dict.fromkeys(names))


def _remove(config: Config, name: str, keyring: _Keyring) -> tuple[Config, Removal]:
    from fwfulfill.auth.store import InsecureFileStore

    profile = config.profiles.get(name)
    removal = Removal(name, keyring=keyring.delete(name), file=InsecureFileStore().delete(name))
    if keyring.problem and profile is not None and profile.storage == "keyring":
        # The secret may still be in the keyring: keep the profile so a later logout finds it.
        removal.problem = keyring.problem
        return config, removal
    if profile is not None:
        config, removal.config = config.without_profile(name), True
    return config, removal


def _report_logout(app_ctx: AppContext, removals: list[Removal], keyring: _Keyring) -> None:
    output = app_ctx.output
    for removal in removals:
        output.info(_removal_text(removal, keyring.problem))
    if output.json_mode:
        removed = [dataclasses.asdict(removal) for removal in removals]
        output.data({"removed": removed, "keyringProblem": keyring.problem})
    names = [name for name in _CREDENTIAL_VARIABLES if app_ctx.env.get(name)]
    if names:
        output.warning(
            f"{' and '.join(names)} still set in this environment: commands use them until they "
            "are unset."
        )
    failed = next((removal for removal in removals if removal.problem), None)
    if failed is not None:
        error = FwfulfillError(
            "KEYRING_UNAVAILABLE",
            f"could not reach the keyring ({failed.problem}); the entry of profile "
            f"{failed.profile} may still be there. Run the logout again where the keyring works",
        )
        output.error(one_line(error))
        raise typer.Exit(int(error.exit_code))


def _removal_text(removal: Removal, keyring_problem: str | None) -> str:
    if removal.problem:
        return f"Profile {removal.profile}: the keyring could not be reached; kept its settings."
    if not removal.anything and keyring_problem:
        return (
            f"Profile {removal.profile}: nothing stored in the settings or the insecure file; "
            f"the keyring could not be checked ({keyring_problem})."
        )
    if not removal.anything:
        return f"Profile {removal.profile}: nothing was stored; nothing to do."
    parts = [
        text
        for done, text in (
            (removal.keyring, "its keyring entry"),
            (removal.file, "its entry in the insecure file"),
            (removal.config, "its settings"),
        )
        if done
    ]
    listed = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    return f"Logged out of profile {removal.profile}: removed {listed}."
