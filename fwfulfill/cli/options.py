"""Options and arguments that more than one command takes, declared once.

Typer `Annotated` aliases: a command writes `dry_run: DryRunPlan = False`. Where two commands give
one flag different help (one fulfillment, or a whole file), both wordings live here side by side.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fwfulfill.api.statuses import ORDER_STATUSES
from fwfulfill.cli.completion_values import complete_status
from fwfulfill.planning.multi_box import MultiBox

# ---- what to act on --------------------------------------------------------------------------

OrderArgument = Annotated[
    str,
    typer.Argument(
        metavar="ORDER", help="Order UUID or friendly id (D3XZFWPP; '#d3xzfwpp' works too)."
    ),
]

# ---- which orders: `orders list` and `orders export` ------------------------------------------

# The API's statuses, as the API writes them (`orders export` takes only the first four: see its
# help, where the refusal names them too).
_STATUS_HELP = "Only these statuses (repeat): " + ", ".join(ORDER_STATUSES) + "."
StatusOption = Annotated[
    list[str],
    typer.Option(
        "--status",
        "-s",
        metavar="STATUS",
        autocompletion=complete_status,
        help=_STATUS_HELP,
    ),
]
SinceOption = Annotated[
    str | None,
    typer.Option(
        "--since", metavar="WHEN", help="Created after: 2026-11-01, 2026-11-01T08:00Z, 7d, 24h."
    ),
]

# ---- sending: look first, resend what is in doubt ----------------------------------------------

_DRY_RUN = "--dry-run"
DryRunRequest = Annotated[
    bool,
    typer.Option(_DRY_RUN, help="Print the exact request that would be sent; send nothing."),
]
DryRunPlan = Annotated[
    bool,
    typer.Option(
        _DRY_RUN, help="Check everything against the shop and show the plan; send nothing."
    ),
]

_RECHECK_UNCERTAIN = "--recheck-uncertain"
_DOUBLE = "this can create a second fulfillment and email the customer twice"
RecheckUncertainOne = Annotated[
    bool,
    typer.Option(
        _RECHECK_UNCERTAIN,
        help="Send once more if an earlier run left this fulfillment uncertain. Risky: if it did "
        f"go through, {_DOUBLE}; look at the order in the Fourthwall dashboard first.",
    ),
]
RecheckUncertainAll = Annotated[
    bool,
    typer.Option(
        _RECHECK_UNCERTAIN,
        help="Send once more the fulfillments an earlier run left uncertain. Risky: if one did "
        f"go through, {_DOUBLE}; look at those orders in the Fourthwall dashboard first.",
    ),
]

# ---- from-csv: reading the file --------------------------------------------------------------

MultiBoxOption = Annotated[
    MultiBox,
    typer.Option(
        "--multi-box",
        case_sensitive=False,
        help="An order with several new tracking numbers and no item columns: refuse holds it "
        "back (the default); first sends everything left with the first tracking number and "
        "warns about the others (Fourthwall takes one per fulfillment).",
    ),
]

# ---- the sandbox ---------------------------------------------------------------------------------

SeedFile = Annotated[
    Path | None,
    typer.Option(
        "--seed",
        metavar="FILE",
        dir_okay=False,
        help="A seed file (JSON: shop, credentials, orders, fulfillments). Default: the demo shop.",
    ),
]
