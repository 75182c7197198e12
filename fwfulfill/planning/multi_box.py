"""`--multi-box`: what to do with an order that has several boxes without items (shape B/C rows).

Light on purpose (no pydantic): the command line builds its option from `MultiBox` at start-up.
"""

from __future__ import annotations

from enum import Enum


class MultiBox(str, Enum):
    """Several new tracking numbers without items for one order: which items went in which box is
    unknown. REFUSE holds the order back (an error); FIRST sends everything left of the order with
    the first tracking number in file order and reports the others (Fourthwall takes one tracking
    number per fulfillment)."""

    REFUSE = "refuse"
    FIRST = "first"
