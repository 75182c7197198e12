"""The run's context: global options, the output streams, and lazily built collaborators.

Commands receive this object instead of reaching for globals, so tests can hand in their own
streams, environment and transport. Heavy imports (httpx, pydantic, keyring) happen only when a
command asks for an API client, never at start-up.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fwfulfill.api.urls import validate_api_url
from fwfulfill.cli.streams import Output
from fwfulfill.constants import (
    API_BASE_URL,
    ENV_API_URL,
    ENV_PROFILE,
    ENV_READ_TIMEOUT,
    ENV_RETRY_WAIT,
    RATE_LIMIT_REQUESTS,
    RATE_LIMIT_WINDOW_SECONDS,
)

if TYPE_CHECKING:
    from fwfulfill.api.client import ApiClient, ClientEvent, Transport
    from fwfulfill.api.ratelimit import RateLimiter
    from fwfulfill.auth.credentials import Credentials
    from fwfulfill.usecases.shop import ShopSettings


@dataclass
class AppContext:
    output: Output
    profile: str | None = None
    sandbox: bool = False
    api_url: str | None = None
    verbose: int = 0
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    _sandbox_connection: tuple[Transport, Credentials, str] | None = field(default=None, repr=False)
    # While a progress bar is up, it shows the client's waits (seconds, why) instead of a line each.
    on_wait: Callable[[float, str], None] | None = field(default=None, repr=False)

    @property
    def profile_name(self) -> str | None:
        """--profile, else FWFULFILL_PROFILE (empty means unset), checked as `auth login` does."""
        from fwfulfill.auth.config import validate_profile_name

        if self.profile is not None:
            return validate_profile_name(self.profile, "--profile")
        if self.env.get(ENV_PROFILE):
            return validate_profile_name(self.env[ENV_PROFILE], ENV_PROFILE)
        return None

    def base_url(self) -> str:
        if self.sandbox:
            return self._sandbox()[2]
        from fwfulfill.auth.config import load_config
        from fwfulfill.auth.store import environment_credentials

        url, source = self.api_url_override()
        # Credentials from the environment belong to no profile: never send them to the URL a
        # profile stored (a sandbox or staging URL must not receive a production password).
        if url is None and environment_credentials(self.env) is None:
            profile = load_config().profile(self.profile_name)
            url, source = (profile.api_url, "api_url") if profile else (None, "")
        return validate_api_url(url or API_BASE_URL, source or "API URL")

    def api_url_override(self) -> tuple[str | None, str]:
        """`--api-url`, else FWFULFILL_API_URL (an empty variable is unset), and which it was."""
        if self.api_url is not None:
            return self.api_url, "--api-url"
        if self.env.get(ENV_API_URL):
            return self.env[ENV_API_URL], ENV_API_URL
        return None, ""

    def credentials(self) -> Credentials:
        if self.sandbox:
            return self._sandbox()[1]
        from fwfulfill.auth.credentials import CredentialSource
        from fwfulfill.auth.store import resolve_credentials

        found = resolve_credentials(self.profile_name, self.env)
        if found.source is CredentialSource.ENVIRONMENT and self.profile_name:
            self.output.warning(
                f"the FOURTHWALL_API_* environment variables are set: they are used, not the "
                f"login of profile {self.profile_name!r}"
            )
        if found.source is CredentialSource.FILE:
            self.output.warning(
                "using the password kept unencrypted in the insecure credentials file "
                "(`fwfulfill auth login` without --insecure-storage moves it to the keyring)"
            )
        return found

    def transport(self) -> Transport | None:
        return self._sandbox()[0] if self.sandbox else None

    def _sandbox(self) -> tuple[Transport, Credentials, str]:
        if self._sandbox_connection is None:
            from fwfulfill.cli.sandbox_access import sandbox_connection

            self._sandbox_connection = sandbox_connection()
        return self._sandbox_connection

    def shop_settings(
        self,
        *,
        requests: int = RATE_LIMIT_REQUESTS,
        window: float = RATE_LIMIT_WINDOW_SECONDS,
        credentials: Credentials | None = None,
        base_url: str | None = None,
    ) -> ShopSettings:
        """What a shop connection needs, from the global options, the environment and the login."""
        from fwfulfill.api.client import RetryPolicy, Timeouts
        from fwfulfill.env_settings import env_seconds
        from fwfulfill.usecases.shop import ShopSettings

        timeouts = Timeouts(read=env_seconds(self.env, ENV_READ_TIMEOUT, Timeouts.read))
        retry_wait = env_seconds(
            self.env, ENV_RETRY_WAIT, RetryPolicy.max_total_wait, allow_zero=True, most=86400
        )
        return ShopSettings(
            base_url or self.base_url(),
            credentials or self.credentials(),
            transport=self.transport(),
            requests=requests,
            window=window,
            timeouts=timeouts,
            retry_wait=retry_wait,
            on_event=self._log_event,
            sandbox=self.sandbox,
        )

    def client(
        self,
        *,
        limiter: RateLimiter | None = None,
        credentials: Credentials | None = None,
        base_url: str | None = None,
    ) -> ApiClient:
        from fwfulfill.usecases.shop import api_client

        settings = self.shop_settings(credentials=credentials, base_url=base_url)
        return api_client(settings, limiter)

    def _log_event(self, event: ClientEvent) -> None:
        """Waits are always said on stderr (a run that pauses says why); the exchange with -v."""
        from fwfulfill.api.client import RequestSent, ResponseReceived, Waiting

        if isinstance(event, Waiting) and self.on_wait is not None:
            self.on_wait(event.seconds, event.reason)
        elif isinstance(event, Waiting):
            self.output.info(f"waiting {event.seconds:.1f}s: {event.reason}")
        elif not self.verbose:
            return
        elif isinstance(event, RequestSent):
            self.output.info(f"> {event.method} {event.url}")
            if self.verbose > 1:
                for name, value in event.headers:
                    self.output.info(f">   {name}: {value}")
        elif isinstance(event, ResponseReceived):
            self.output.info(
                f"< {event.status} {event.method} {event.url} ({event.elapsed_ms:.0f} ms)"
            )
