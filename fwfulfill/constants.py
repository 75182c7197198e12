"""Names and defaults shared by every layer: environment variables, the API's base URL and its
limits."""

from __future__ import annotations

from typing import Final

API_BASE_URL: Final = "https://api.fourthwall.com"
API_PREFIX: Final = "/open-api/v1.0"

# The documented per-shop limit, shared by every endpoint (API-NOTES.md, "Rate limit").
RATE_LIMIT_REQUESTS: Final = 100
RATE_LIMIT_WINDOW_SECONDS: Final = 10.0
ORDER_PAGE_SIZE_MAX: Final = 100

# Credentials, the peer convention (API-NOTES.md).
ENV_USERNAME: Final = "FOURTHWALL_API_USERNAME"
ENV_PASSWORD: Final = "FOURTHWALL_API_PASSWORD"
ENV_ACCESS_TOKEN: Final = "FOURTHWALL_ACCESS_TOKEN"

# fwfulfill's own settings.
ENV_PROFILE: Final = "FWFULFILL_PROFILE"
ENV_CONFIG_DIR: Final = "FWFULFILL_CONFIG_DIR"
ENV_STATE_DIR: Final = "FWFULFILL_STATE_DIR"
ENV_API_URL: Final = "FWFULFILL_API_URL"
ENV_NO_COLOR: Final = "NO_COLOR"
# Seconds to wait for an answer (the sandbox's stall faults in tests need a short one).
ENV_READ_TIMEOUT: Final = "FWFULFILL_READ_TIMEOUT"
# Seconds to wait for another program holding the ledger locked, before saying so (default 10).
ENV_LEDGER_TIMEOUT: Final = "FWFULFILL_LEDGER_TIMEOUT"
# The most one request may wait between retries before it is reported failed (seconds).
ENV_RETRY_WAIT: Final = "FWFULFILL_MAX_RETRY_WAIT"
# Set (to anything but 0): a bug prints its traceback on stderr as well as the one-line message.
ENV_DEBUG: Final = "FWFULFILL_DEBUG"

APP_NAME: Final = "fwfulfill"
KEYRING_SERVICE: Final = "fwfulfill"
DEFAULT_PROFILE: Final = "default"

# The longest shippingLabel field fwfulfill sends: no carrier name or tracking number comes close.
MAX_LABEL_LENGTH = 100
