"""The catalogue of everything that can go wrong: API error codes, transport failures and input
problems.

Each entry has a title, a plain explanation, what to do next, the exit code it leads to, and how
serious it is by default (the planner's problems take their severity from here). Rendering reads
this catalogue; no other module hard-codes a message for a code.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum


class ExitCode(IntEnum):
    OK = 0
    BUG = 1
    INVALID_INPUT = 2
    API_REFUSED = 3
    AUTH = 4
    UNAVAILABLE = 5
    BATCH_INCOMPLETE = 6
    INTERRUPTED = 130


class Severity(str, Enum):
    """How serious a problem is: an error holds its order back, a warning or an info does not."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Entry:
    code: str
    title: str
    explanation: str
    hint: str
    exit_code: ExitCode
    # A problem's severity unless the check that finds it says otherwise.
    severity: Severity = Severity.ERROR
    # What to do when the value came from a command-line option (`create --tracking`), where the
    # hint's CSV words (columns) do not apply; None: the hint fits both.
    option_hint: str | None = None


def _api(
    code: str,
    title: str,
    explanation: str,
    hint: str,
    exit_code: ExitCode,
    *,
    severity: Severity = Severity.ERROR,
    option_hint: str | None = None,
) -> Entry:
    return Entry(code, title, explanation, hint, exit_code, severity, option_hint)


_REFUSED = ExitCode.API_REFUSED
_COPY_THE_LABEL = "Copy the whole number from the label or the shipping tool, not from Excel."
_INPUT = ExitCode.INVALID_INPUT
# The message says the column must be Text; this says how (not the same advice twice).
_EXCEL_HOW_TO = (
    "Take the file straight from the shipping tool without saving it in Excel, or open it in Excel "
    "with Data > From Text/CSV and set that column's type to Text."
)
_WARNING = Severity.WARNING
_INFO = Severity.INFO

_ENTRIES: tuple[Entry, ...] = (
    # ---- Documented API codes (API-NOTES.md) ----
    _api(
        "FULFILLMENT_ALREADY_EXISTS",
        "Fulfillment already exists",
        "Fourthwall already has this fulfillment (same order and tracking number).",
        "Nothing to do: the customer already has this tracker. Use another tracking number for a "
        "new package.",
        _REFUSED,
    ),
    _api(
        "FULFILLMENT_ORDER_INVALID_VARIANT",
        "Variant not on this order",
        "The variant is not one of the items of this order.",
        "Check the SKU or variant id with `fwfulfill orders show ORDER`.",
        _REFUSED,
    ),
    _api(
        "FULFILLMENT_VARIANT_QUANTITY_TO_HIGH",
        "Quantity too high",
        "More units than are left to fulfill for this variant ({fulfillable} left, {quantity} "
        "asked).",
        "Lower the quantity to what is left, or check whether another tool already shipped it.",
        _REFUSED,
    ),
    _api(
        "FULFILLMENT_INVALID_SHOP_ORDER",
        "Order belongs to another shop",
        "The order exists but not in the shop these credentials belong to.",
        "Check the profile (`fwfulfill auth status`) or the order reference.",
        _REFUSED,
    ),
    _api(
        "FULFILLMENT_ORDER_NOT_FOUND",
        "Order not found",
        "Fourthwall has no order with this id.",
        "Check the order id; `fwfulfill orders list` shows the shop's orders.",
        _REFUSED,
    ),
    _api(
        "OFFER_VARIANT_NOT_FOUND_ERROR",
        "Variant not found",
        "Fourthwall has no product variant with this id.",
        "Check the variant id with `fwfulfill orders show ORDER`.",
        _REFUSED,
    ),
    _api(
        "ORDER_ID_NOT_FOUND",
        "Order not found",
        "Fourthwall has no order with this id.",
        "Check the order id; `fwfulfill orders list` shows the shop's orders.",
        _REFUSED,
    ),
    _api(
        "ORDER_FRIENDLY_ID_NOT_FOUND",
        "Order not found",
        "Fourthwall has no order with this friendly id.",
        "Check the order number (like D3XZFWPP); `fwfulfill orders list` shows the shop's orders.",
        _REFUSED,
    ),
    _api(
        "CHECKOUT_NOT_FOUND_ERROR",
        "Order not found",
        "Fourthwall has no order with this id.",
        "Check the order id; `fwfulfill orders list` shows the shop's orders.",
        _REFUSED,
    ),
    _api(
        "OPEN_API_TOO_MANY_REQUESTS",
        "Rate limited",
        "The shop's limit of 100 requests per 10 seconds was exceeded (it is shared with every "
        "app using the shop's API).",
        "Wait a minute and run the command again; lower --rate if other tools use the API too.",
        ExitCode.UNAVAILABLE,
    ),
    # ---- HTTP and transport outcomes without a documented code ----
    _api(
        "UNAUTHORIZED",
        "Credentials rejected",
        "Fourthwall did not accept the API username and password (or token).",
        "Run `fwfulfill auth login` to store working credentials, or fix FOURTHWALL_API_USERNAME"
        " / FOURTHWALL_API_PASSWORD.",
        ExitCode.AUTH,
    ),
    _api(
        "FORBIDDEN",
        "Not allowed",
        "The credentials work but may not do this (a token needs the order_read and "
        "fulfillment_write scopes).",
        "Use the shop's Open API user (`fwfulfill auth login`) or a token with those scopes.",
        ExitCode.AUTH,
    ),
    _api(
        "LOGIN_REJECTED",
        "Credentials rejected",
        "Fourthwall did not accept this API username and password; nothing was stored.",
        "Copy both again from the Fourthwall dashboard (Settings -> For developers, where a SUPER "
        "ADMIN creates the API user), then log in again.",
        ExitCode.AUTH,
    ),
    _api(
        "CREDENTIALS_MISSING",
        "No credentials",
        "No API credentials were found in the environment, the keyring or the config directory.",
        "Run `fwfulfill auth login`, set FOURTHWALL_API_USERNAME and FOURTHWALL_API_PASSWORD, or "
        "try `--sandbox`.",
        ExitCode.AUTH,
    ),
    _api(
        "KEYRING_UNAVAILABLE",
        "No usable keyring",
        "The operating system's keyring could not be used.",
        "Set FOURTHWALL_API_USERNAME and FOURTHWALL_API_PASSWORD, or run `fwfulfill auth login "
        "--insecure-storage` to keep them in a file only you can read.",
        ExitCode.AUTH,
    ),
    _api(
        "SERVER_ERROR",
        "Fourthwall server error",
        "Fourthwall answered with a server error.",
        "Try again in a few minutes; see https://status.fourthwall.com if it persists.",
        ExitCode.UNAVAILABLE,
    ),
    _api(
        "NETWORK_ERROR",
        "Network error",
        "Could not reach the Fourthwall API.",
        "Check the internet connection (and --api-url), then run the command again.",
        ExitCode.UNAVAILABLE,
    ),
    _api(
        "TIMEOUT",
        "No answer in time",
        "The Fourthwall API did not answer in time.",
        "Run the command again; a fulfillment in doubt is checked before it is sent again.",
        ExitCode.UNAVAILABLE,
    ),
    _api(
        "UNEXPECTED_RESPONSE",
        "Unexpected answer",
        "Fourthwall answered in a way fwfulfill does not know.",
        "Run again with -v to see the exchange; report it if it persists.",
        ExitCode.API_REFUSED,
    ),
    _api(
        "BAD_REQUEST",
        "Request refused",
        "Fourthwall refused the request as invalid.",
        "Run again with -v to see the exchange; check the order, items and tracking number.",
        ExitCode.API_REFUSED,
    ),
    _api(
        "NOT_FOUND",
        "Not found",
        "Fourthwall has no such resource.",
        "Check the order reference; `fwfulfill orders list` shows the shop's orders.",
        ExitCode.API_REFUSED,
    ),
    # ---- Outcomes of a send whose result cannot be known ----
    _api(
        "OUTCOME_UNCERTAIN",
        "Outcome uncertain",
        "The fulfillment was sent but its answer was lost, so fwfulfill cannot tell whether "
        "Fourthwall created it. It is not sent again on its own: a second send could create a "
        "second fulfillment and email the customer twice.",
        "Open the order in the Fourthwall dashboard. If this tracking number is on it, nothing to "
        "do. If not, run the same command with --recheck-uncertain to send it once more.",
        ExitCode.BATCH_INCOMPLETE,
    ),
    # Why a fulfillment is `uncertain`: the message beside OUTCOME_UNCERTAIN, case by case.
    _api(
        "uncertain_partial_box",
        "Outcome uncertain: not re-sent",
        "The answer was lost ({failure}). This box holds only part of what is left of the order, "
        "so if the first send went through, sending it again would create a second fulfillment; "
        "it was not sent again.",
        "Open the order in the dashboard; if the tracking number is not on it, run again with "
        "--recheck-uncertain.",
        ExitCode.BATCH_INCOMPLETE,
    ),
    _api(
        "uncertain_partial_box_earlier_run",
        "Outcome uncertain: not re-sent",
        "An earlier run sent this box and stopped before its answer was recorded. The box holds "
        "only part of what is left of the order, so if that send went through, sending it again "
        "would create a second fulfillment; it was not sent again.",
        "Open the order in the dashboard; if the tracking number is not on it, run again with "
        "--recheck-uncertain.",
        ExitCode.BATCH_INCOMPLETE,
    ),
    _api(
        "uncertain_quantity_gone",
        "Outcome uncertain: most likely created",
        "The answer was lost ({failure}) and a re-check found only {fulfillable} left of these "
        "items: the first send most likely went through.",
        "Open the order in the dashboard; if the tracking number is not on it, run again with "
        "--recheck-uncertain.",
        ExitCode.BATCH_INCOMPLETE,
    ),
    _api(
        "uncertain_no_answer_twice",
        "Outcome uncertain: no answer twice",
        "The answer was lost ({failure}), then lost again on the one re-check ({second_failure}).",
        "Open the order in the dashboard; if the tracking number is not on it, run again with "
        "--recheck-uncertain.",
        ExitCode.BATCH_INCOMPLETE,
    ),
    _api(
        "uncertain_recheck_not_sent",
        "Outcome uncertain: re-check not sent",
        "The answer was lost ({failure}) and the re-check could not be sent (stopped, rate "
        "limited or no connection).",
        "Run the same command again (with --recheck-uncertain if it was uncertain before).",
        ExitCode.BATCH_INCOMPLETE,
    ),
    _api(
        "uncertain_earlier_run",
        "Outcome uncertain: held back",
        "An earlier run could not tell whether this was created, so it is not sent again.",
        "Open the order in the dashboard; if the tracking number is not on it, run again with "
        "--recheck-uncertain.",
        ExitCode.BATCH_INCOMPLETE,
    ),
    _api(
        "recheck_uncertain_risk",
        "Uncertain fulfillments sent again",
        "--recheck-uncertain: {count} an earlier run left uncertain will be sent "
        "again. If one did go through, sending it again can create a second fulfillment and email "
        "the customer twice.",
        "Look at those orders in the Fourthwall dashboard first.",
        ExitCode.OK,
    ),
    _api(
        "interrupted",
        "Interrupted",
        "interrupted: nothing more was sent",
        "Run the command again: what was already sent is skipped.",
        ExitCode.INTERRUPTED,
    ),
    # ---- Input problems (nothing is sent for them) ----
    _api(
        "invalid_order_reference",
        "Invalid order reference",
        "The order reference is neither an order UUID nor a friendly id.",
        "Use the order's UUID or its 8-character friendly id (like D3XZFWPP).",
        _INPUT,
    ),
    _api(
        "order_not_found",
        "Order not found",
        "The shop has no order with this reference.",
        "Check the order reference; `fwfulfill orders list` shows the shop's orders.",
        _INPUT,
    ),
    _api(
        "order_cancelled",
        "Order cancelled",
        "The order is cancelled; Fourthwall will not ship it.",
        "Leave it out of the file (or the command).",
        _INPUT,
    ),
    _api(
        "order_already_shipped",
        "Order already shipped",
        "The order's status says every item already has a tracker.",
        "Check the order in the dashboard; Fourthwall refuses items that are already fulfilled.",
        _INPUT,
        severity=_WARNING,
    ),
    _api(
        "whole_order_partly_shipped",
        "Box without items on a partly shipped order",
        "A row without items means everything left of the order, but fwfulfill only knows what it "
        "sent itself.",
        "Add SKU and quantity columns to name the items in this box.",
        _INPUT,
        severity=_WARNING,
    ),
    _api(
        "variant_not_on_order",
        "Item not on the order",
        "The SKU or variant is not one of this order's items.",
        "Use a SKU or variant id listed by `fwfulfill orders show ORDER`.",
        _INPUT,
    ),
    _api(
        "sku_ambiguous",
        "SKU matches several variants",
        "The SKU names more than one variant of this order.",
        "Give the variant id instead of the SKU.",
        _INPUT,
    ),
    _api(
        "variant_sku_mismatch",
        "Variant id and SKU disagree",
        "The variant id and the SKU name different items of the order.",
        "Fix one of the two columns so they name the same item.",
        _INPUT,
    ),
    _api(
        "invalid_quantity",
        "Invalid quantity",
        "The quantity must be a whole number of 1 or more.",
        "Write a whole number like 1 or 2.",
        _INPUT,
    ),
    _api(
        "quantity_exceeds_order",
        "More than was ordered",
        "The quantity is more than the order has left to ship.",
        "Lower the quantity to what was ordered (`fwfulfill orders show ORDER`).",
        _INPUT,
    ),
    _api(
        "nothing_left",
        "Nothing left to ship",
        "Every item of this order is already fulfilled by fwfulfill.",
        "Nothing to do; `fwfulfill history ORDER` shows what was sent.",
        _INPUT,
    ),
    _api(
        "invalid_variant",
        "Invalid item",
        "The item must be a variant UUID or a SKU, optionally followed by :QUANTITY.",
        "Write it like TEE-BLK-M:2 or a variant UUID.",
        _INPUT,
    ),
    _api(
        "missing_carrier",
        "Carrier missing",
        "No carrier was given for the tracking number.",
        "Add a carrier column, or write the tracking as CARRIER:NUMBER (like usps:9400...).",
        _INPUT,
        option_hint="Write it as --tracking CARRIER:NUMBER (like usps:9400...) or add --carrier.",
    ),
    _api(
        "missing_tracking",
        "Tracking number missing",
        "The tracking number is empty.",
        "Fill in the tracking number.",
        _INPUT,
    ),
    _api(
        "missing_order",
        "Order reference missing",
        "The order reference is empty.",
        "Fill in the order number.",
        _INPUT,
    ),
    _api(
        "unknown_carrier",
        "Unknown carrier",
        "The carrier is not one fwfulfill knows; it is sent exactly as written.",
        "Check the spelling; `fwfulfill carriers` lists the known carriers.",
        _INPUT,
        severity=_WARNING,
    ),
    _api(
        "carrier_inferred",
        "Carrier taken from the tracking number",
        "No carrier was given; the tracking number's format names it.",
        "Add a carrier column to be explicit.",
        _INPUT,
        severity=_WARNING,
        option_hint="Write --tracking CARRIER:NUMBER to be explicit.",
    ),
    _api(
        "invalid_carrier",
        "Carrier not plain text",
        "The carrier holds a control or invisible character, starts like a spreadsheet formula "
        "(= + - @), or is longer than 100 characters; it would reach the shop and the customer's "
        "email as it is.",
        "Write the carrier's name as plain text, like USPS or Canada Post (`fwfulfill carriers`).",
        _INPUT,
    ),
    _api(
        "tracking_format_mismatch",
        "Tracking number belongs to another carrier",
        "The tracking number has the distinctive format of a different carrier.",
        "Check the carrier and the tracking number of this row.",
        _INPUT,
    ),
    _api(
        "tracking_format_unknown",
        "Tracking number of an unknown shape",
        "The number matches none of the stated carrier's formats; it may be mistyped or of "
        "another carrier.",
        "Compare it with the label; it is sent as written if you go on.",
        _INPUT,
        severity=_WARNING,
    ),
    _api(
        "tracking_check_digit",
        "Tracking number check digit fails",
        "The tracking number does not pass the carrier's check-digit rule; it may be mistyped.",
        "Compare it with the label; it is sent as written if you go on.",
        _INPUT,
        severity=_WARNING,
    ),
    _api(
        "invalid_tracking",
        "Invalid tracking number",
        "The tracking number has characters no carrier uses.",
        "Use only letters and digits, as printed on the label.",
        _INPUT,
    ),
    _api(
        "excel_scientific_notation",
        "Number damaged by Excel",
        "Excel turned this number into scientific notation (like 9.40011E+21); the real digits are "
        "lost.",
        _EXCEL_HOW_TO,
        _INPUT,
        option_hint=_COPY_THE_LABEL,
    ),
    _api(
        "excel_precision_loss",
        "Number damaged by Excel",
        "Excel keeps only 15 significant digits: the end of this long number became zeros.",
        _EXCEL_HOW_TO,
        _INPUT,
        option_hint=_COPY_THE_LABEL,
    ),
    _api(
        "excel_leading_zero_lost",
        "Leading zero lost",
        "Excel dropped the leading zero of this number.",
        _EXCEL_HOW_TO,
        _INPUT,
        option_hint=_COPY_THE_LABEL,
    ),
    _api(
        "ambiguous_packages",
        "Several boxes, items unknown",
        "The order has several new tracking numbers but the rows do not say which items went in "
        "which box.",
        "Add SKU and quantity columns, one row per item and box; or, when the boxes may go under "
        "one tracking number, `--multi-box first` sends everything with the first one.",
        _INPUT,
    ),
    _api(
        "ambiguous_packages_offline",
        "Several boxes, items unknown",
        "The order has several tracking numbers without items; offline, fwfulfill cannot tell "
        "which of them an earlier run already sent.",
        "Add SKU and quantity columns, one row per item and box; or choose `--multi-box first`. "
        "A dry run against the shop says what a sending run will do.",
        _INPUT,
        severity=_WARNING,
    ),
    _api(
        "multi_box_first",
        "Sent with the first box",
        "`--multi-box first`: everything left of the order goes with its first tracking number; "
        "Fourthwall takes one tracking number per fulfillment, so the others are not sent.",
        "Nothing to do if one tracking number is enough for the customer; to send each box, add "
        "SKU and quantity columns.",
        _INPUT,
        severity=_WARNING,
    ),
    _api(
        "mixed_box",
        "Box with and without items",
        "Some rows of this box name items and this one does not, so its items are unknown.",
        "Give the row its SKU and quantity, or remove it if it only repeats the box.",
        _INPUT,
    ),
    _api(
        "id_not_uuid",
        "Id is not a UUID",
        "Fourthwall's answer gave the order or one of its items an id that is not a UUID, and a "
        "fulfillment names both by UUID; nothing is sent for that order.",
        "Check the order in the Fourthwall dashboard; -v shows the answer: please report it.",
        _INPUT,
    ),
    _api(
        "order_has_errors",
        "Order held back",
        "Another row of this order has an error, so nothing is sent for the whole order.",
        "Fix the other rows of this order and run again.",
        _INPUT,
    ),
    _api(
        "shared_tracking",
        "Tracking number shared by several orders",
        "Several orders use the same tracking number (one parcel to one customer).",
        "Nothing to do if they really went in one box.",
        _INPUT,
        severity=_WARNING,
    ),
    _api(
        "quantity_column_unknown",
        "Quantity column not recognised",
        "Item rows have no quantity column, but another column holds counts above 1.",
        "Each item counts 1 unless you name the quantity column with --map quantity=COLUMN.",
        _INPUT,
        severity=_WARNING,
    ),
    _api(
        "duplicate_row",
        "Duplicate row",
        "The row is identical to an earlier one and is counted once.",
        "Remove the duplicate if it is a mistake.",
        _INPUT,
        severity=_WARNING,
    ),
    _api(
        "skipped_row",
        "Row skipped",
        "The row's label is not live: voided, refunded, cancelled, a failed purchase, a test "
        "label or a return.",
        "Nothing to do.",
        _INPUT,
        severity=_INFO,
    ),
    _api(
        "summary_row",
        "Summary row skipped",
        "The row sums up the report (`Total ...`, or one label padded with empty cells).",
        "Nothing to do.",
        _INPUT,
        severity=_INFO,
    ),
    _api(
        "lines_before_header",
        "Lines before the header skipped",
        "The file starts with lines that are not the header (a title, a date, a blank line).",
        "Nothing to do; --header-row N names the header's line if this one is wrong.",
        _INPUT,
        severity=_INFO,
    ),
    _api(
        "already_fulfilled",
        "Already sent",
        "fwfulfill already created this fulfillment in an earlier run.",
        "Nothing to do; `fwfulfill history ORDER` shows it.",
        _INPUT,
        severity=_INFO,
    ),
    _api(
        "encoding_fallback",
        "Not UTF-8",
        "The file is not UTF-8; it was read as Windows-1252 (what Excel on Windows writes).",
        "Check accented names in the output; pass --encoding to choose another encoding.",
        _INPUT,
        severity=_WARNING,
    ),
    _api(
        "unreadable_file",
        "File cannot be read",
        "The file could not be read as a CSV.",
        "Check the encoding (--encoding) and the delimiter (--delimiter).",
        _INPUT,
    ),
    _api(
        "cannot_open_file",
        "File cannot be opened",
        "The file is missing, is not a file, or cannot be read.",
        "Check the path and that you can read the file; `-` reads the CSV from stdin "
        "(`fwfulfill from-csv - < labels.csv`).",
        _INPUT,
    ),
    _api(
        "invalid_api_url",
        "Invalid API URL",
        "The API URL must be https, or plain http to this machine only (a local sandbox).",
        "Use https://api.fourthwall.com or http://127.0.0.1:PORT for a sandbox.",
        _INPUT,
    ),
    _api(
        "invalid_status",
        "Unknown order status",
        "The status is not one Fourthwall uses.",
        "Lower case and dashes work too (in-production); repeat --status for several.",
        _INPUT,
    ),
    _api(
        "invalid_since",
        "Invalid date",
        "The date is not in a form fwfulfill reads.",
        "Write it like 2026-11-01, 2026-11-01T08:00:00Z, 7d or 24h.",
        _INPUT,
    ),
    _api(
        "csv_not_supported",
        "No CSV output",
        "`-o csv` is for the lists: `orders list`, `history` and `from-csv`.",
        "Use `-o json` (or `-o table`) for this command.",
        _INPUT,
    ),
    _api(
        "invalid_option",
        "Invalid option",
        "An option has a value fwfulfill cannot use.",
        "See the command's --help.",
        _INPUT,
    ),
    _api(
        "confirmation_required",
        "Confirmation needed",
        "fwfulfill asks before sending, and no one is at a terminal to answer.",
        "Add --yes to send without asking, or --dry-run to see the plan.",
        _INPUT,
    ),
    _api(
        "invalid_environment",
        "Invalid environment variable",
        "An environment variable has a value fwfulfill cannot use.",
        "Fix the variable or unset it to use the default.",
        _INPUT,
    ),
    _api(
        "invalid_seed",
        "Invalid sandbox seed",
        "The sandbox seed or state file cannot be used.",
        "Fix the file as the message says, or run `fwfulfill sandbox reset` to start over.",
        _INPUT,
    ),
    _api(
        "shop_busy",
        "Another run is sending",
        "Another fwfulfill run is sending to this shop; two at once could send the same box twice.",
        "Wait for it to finish (or stop it), then run again: what it sent is skipped.",
        _INPUT,
    ),
    # ---- The ledger and the state directory (nothing is sent while they are unusable) ----
    _api(
        "state_dir_unusable",
        "State directory unusable",
        "fwfulfill keeps its ledger and locks here, but this {problem}.",
        "Move what is in the way (or make it writable), or set FWFULFILL_STATE_DIR to a directory "
        "you can write; then run again.",
        _INPUT,
    ),
    _api(
        "state_file_unusable",
        "State file unusable",
        "fwfulfill keeps a file of its own here, but this {problem}.",
        "Move it away (fwfulfill makes a new one), or set FWFULFILL_STATE_DIR to another "
        "directory; then run again.",
        _INPUT,
    ),
    _api(
        "ledger_not_a_file",
        "Ledger is not a file",
        "This is where fwfulfill keeps its ledger, but it is {kind}.",
        "Move it away, or set FWFULFILL_STATE_DIR to another directory; then run again.",
        _INPUT,
    ),
    _api(
        "ledger_damaged",
        "Ledger damaged",
        "The ledger is damaged ({detail}); fwfulfill sends nothing without knowing what it sent "
        "before.",
        "Restore it from a backup (or try `sqlite3 FILE .recover`); moving it aside starts an "
        "empty ledger, and a CSV sent before could then be sent twice.",
        _INPUT,
    ),
    _api(
        "ledger_foreign",
        "Not fwfulfill's ledger",
        "This file is a SQLite database of another program (it has none of fwfulfill's tables).",
        "Move it away (it is not the ledger), or set FWFULFILL_STATE_DIR to another directory; "
        "then run again.",
        _INPUT,
    ),
    _api(
        "ledger_newer",
        "Ledger of a newer fwfulfill",
        "The ledger was written by a newer fwfulfill (schema {found}; this one knows {known}).",
        "Upgrade fwfulfill (`pip install -U fwfulfill`), then run again.",
        _INPUT,
    ),
    _api(
        "ledger_locked",
        "Ledger locked",
        "The ledger is held locked by another program (waited {seconds} s).",
        "Close what holds it (a `sqlite3` shell, a backup or sync tool), then run again; "
        "FWFULFILL_LEDGER_TIMEOUT sets how long to wait.",
        _INPUT,
    ),
    _api(
        "ledger_disk_full",
        "Disk full",
        "There is no space left on the disk of the ledger (ENOSPC).",
        "Free some disk space, then run again.",
        _INPUT,
    ),
    _api(
        "ledger_unwritable",
        "Ledger cannot be written",
        "The ledger cannot be opened or written ({detail}).",
        "Make the file and its directory writable by you, or set FWFULFILL_STATE_DIR to another "
        "directory; then run again.",
        _INPUT,
    ),
    _api(
        "ledger_unrecorded",
        "Sent, but not recorded",
        "{count} sent, but the ledger could not record the outcome ({reason}): {outcomes}. {kept}",
        "Run again once the ledger is usable: nothing is sent twice blindly.",
        ExitCode.BATCH_INCOMPLETE,
    ),
    _api(
        "ledger_unrecorded_unreadable",
        "Unrecorded outcomes unreadable",
        "This file holds outcomes an earlier run could not record in the ledger, but it cannot be "
        "read ({detail}).",
        "Look up the fulfillments it names in the dashboard, then move it away; then run again.",
        _INPUT,
    ),
    _api(
        "file_not_writable",
        "File cannot be written",
        "A file fwfulfill must write is a directory, a device or a pipe, or its folder is missing "
        "or read-only.",
        "Name a regular file in a folder you can write to.",
        _INPUT,
    ),
    _api(
        "export_file_exists",
        "File exists",
        "The export would replace a file that is already there.",
        "Add --force to replace it, or name another file with --output.",
        _INPUT,
    ),
    _api(
        "export_status_closed",
        "Status not exported",
        "Orders in this status take no more fulfillments, so they have no items to ship.",
        "Leave out --status for the orders still to ship.",
        _INPUT,
    ),
    _api(
        "export_output_is_format",
        "A format is not a file",
        "After `orders export`, --output and -o name the file to write; the export is always CSV.",
        "Name a file, e.g. --output open-orders.csv.",
        _INPUT,
    ),
    _api(
        "export_needs_output",
        "Where to write the export",
        "The export is a CSV of customers' names and addresses; fwfulfill does not print it on a "
        "terminal.",
        "Name a file with --output FILE (or `--output -` to print it anyway).",
        _INPUT,
    ),
    _api(
        "report_not_written",
        "Report not written",
        "The run went on, but its --report file could not be written; the outcomes are printed "
        "above and kept in the ledger.",
        "See them with `fwfulfill history`, or run the same command with another --report: what "
        "was sent is skipped, nothing is sent twice.",
        # Printed after the run's own output: the run's exit code stands.
        ExitCode.OK,
    ),
    _api(
        "insecure_credentials_exposed",
        "Credentials file open to others",
        "The insecure credentials file can be read or changed by other users; it is not used.",
        "Then change the passwords it holds if others could have read it.",
        ExitCode.AUTH,
    ),
    _api(
        "insecure_credentials_corrupt",
        "Credentials file corrupt",
        "The insecure credentials file is not what `auth login --insecure-storage` writes.",
        "Fix or delete it, then run `fwfulfill auth login --insecure-storage` again.",
        ExitCode.AUTH,
    ),
    _api(
        "insecure_credentials_unreadable",
        "Credentials file unreadable",
        "The insecure credentials file cannot be read: {problem}.",
        "Move what is in the way (it must be a regular file), then run "
        "`fwfulfill auth login --insecure-storage` again.",
        _INPUT,
    ),
    _api(
        "empty_header",
        "Header without column names",
        "The first line has no column names: only delimiters, or nothing.",
        "Make the first line name the columns, like order,tracking_number,carrier.",
        _INPUT,
    ),
    _api(
        "no_header_row",
        "No header row",
        "no header row: line {line} looks like data.",
        "Add a header line naming the columns, like order,tracking_number,carrier.",
        _INPUT,
    ),
    _api(
        "duplicate_column",
        "Column named twice",
        "Two columns have the same name, so which one holds the field is ambiguous.",
        "Rename or remove one of them, or choose one by its number with --map FIELD=N.",
        _INPUT,
    ),
    _api(
        "ambiguous_column",
        "Two columns fit one field",
        "Two columns are equally good candidates for one field, so fwfulfill does not guess.",
        "Choose one with {maps}.",
        _INPUT,
    ),
    _api(
        "missing_columns",
        "Required columns not found",
        "No column for the order or the tracking number was recognised.",
        "Name it with {maps}.",
        _INPUT,
    ),
)

CATALOGUE: dict[str, Entry] = {entry.code: entry for entry in _ENTRIES}

# Codes that mean "the order does not exist", whatever the endpoint calls it.
ORDER_NOT_FOUND_CODES: frozenset[str] = frozenset(
    {
        "ORDER_ID_NOT_FOUND",
        "ORDER_FRIENDLY_ID_NOT_FOUND",
        "CHECKOUT_NOT_FOUND_ERROR",
        "FULFILLMENT_ORDER_NOT_FOUND",
        "NOT_FOUND",
    }
)


def lookup(code: str) -> Entry:
    """The entry for `code`; an unknown API code still gets a useful generic entry."""
    entry = CATALOGUE.get(code)
    if entry is not None:
        return entry
    return Entry(
        code,
        code.replace("_", " ").capitalize(),
        "Fourthwall answered with a code fwfulfill does not know.",
        "Run again with -v to see the exchange; report the code if it persists.",
        ExitCode.API_REFUSED,
    )


def explain(code: str, fields: dict[str, object] | None = None) -> str:
    """The explanation of `code`, with the error body's fields filled in where it names them."""
    return _filled(lookup(code).explanation, fields)


def hint(code: str, fields: dict[str, object] | None = None, target: str | None = None) -> str:
    """What to do about `code`, with the error's fields filled in where it names them (`{maps}`);
    about an option (TARGET `--tracking ...`), the entry's option wording when it has one."""
    entry = lookup(code)
    about_option = target is not None and target.startswith("-")
    chosen = entry.option_hint if about_option and entry.option_hint else entry.hint
    return _filled(chosen, fields)


def _filled(text: str, fields: dict[str, object] | None) -> str:
    if fields:
        try:
            return text.format_map(_Missing(fields))
        except (ValueError, IndexError):
            return text
    return text.format_map(_Missing({}))


def explain_with_hint(code: str, fields: dict[str, object] | None = None) -> str:
    """What happened and what to do, in one message (for outcomes shown without a hint column)."""
    return f"{explain(code, fields)} {hint(code, fields)}"


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`1 request`, `2 requests`, `0 boxes` (with `plural="boxes"`): every count a person reads."""
    return f"{count} {noun if count == 1 else (plural or noun + 's')}"


class _Missing(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "?"
