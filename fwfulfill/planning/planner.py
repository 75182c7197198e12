"""Turns drafts (what the user asked for) and the shop's orders into a checked plan (CSV-NOTES.md
rules 2-7).

A draft is one intended fulfillment before it is checked against its order: from `create`'s
arguments or from CSV rows grouped by (order, tracking number). Planning needs no network: the
orders are read before (`order_lookup`) and what fwfulfill already sent comes from the ledger.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from fwfulfill.api.models import Order, Variant, sendable_id
from fwfulfill.api.statuses import PARTLY_SHIPPED_STATUSES, SHIPPED_STATUSES
from fwfulfill.error_codes import Severity, explain_with_hint, lookup
from fwfulfill.planning.multi_box import MultiBox
from fwfulfill.planning.parse_input import ItemReference, OrderReference
from fwfulfill.planning.plan import Plan, PlannedFulfillment, PlannedItem, Problem, Status


@dataclass(frozen=True, slots=True)
class Draft:
    """One intended fulfillment: an order, a tracking number, items (none = all that is left)."""

    order: OrderReference
    tracking_number: str
    tracking_company: str
    carrier_key: str = "other"
    items: tuple[ItemReference, ...] = ()
    lines: tuple[int, ...] = ()

    def planned(
        self,
        order_id: str | None,
        friendly_id: str | None,
        items: Sequence[PlannedItem] = (),
        status: Status = Status.PLANNED,
    ) -> PlannedFulfillment:
        """This draft as a fulfillment of the plan, for the order it was resolved to."""
        return PlannedFulfillment(
            order_ref=self.order.text.strip(),
            tracking_number=self.tracking_number,
            tracking_company=self.tracking_company,
            carrier_key=self.carrier_key,
            items=list(items),
            lines=self.lines,
            order_id=order_id,
            friendly_id=friendly_id,
            status=status,
        )


@dataclass(frozen=True, slots=True)
class InputProblem:
    """A problem found before planning (a bad cell), tied to the order it belongs to when known."""

    problem: Problem
    order: OrderReference | None = None


class FulfillmentHistory(Protocol):
    """What fwfulfill itself already sent (the ledger), as the planner needs it."""

    def is_done(self, order_id: str, tracking_number: str) -> bool: ...

    def recorded_items(self, order_id: str, tracking_number: str) -> list[PlannedItem]:
        """The items a send recorded for this box (empty when none is recorded)."""
        ...

    def recorded_id(self, order_id: str, tracking_number: str) -> str | None: ...

    def is_uncertain(self, order_id: str, tracking_number: str) -> bool:
        """An earlier re-check could not settle it: not sent again unless the user asks."""
        ...

    def sent_items(self, order_id: str, tracking_number: str) -> Mapping[str, int] | None:
        """The items of a send whose outcome is in doubt (None when it is not in doubt)."""
        ...

    def fulfilled_quantities(
        self, order_id: str, *, except_tracking: Iterable[str] = ()
    ) -> Mapping[str, int]: ...

    def created_quantities(self, order_id: str) -> Mapping[str, int]:
        """Units per variant that certainly exist (created or already existing), nothing else."""
        ...

    def recheck_asked(self, order_id: str, tracking_number: str) -> bool:
        """Left uncertain by an earlier run, and the user asked to send it again."""
        ...


class ReferencedHistory(FulfillmentHistory, Protocol):
    def order_id_for(self, reference_key: str) -> str | None: ...


def split_recorded(
    drafts: Sequence[Draft], history: ReferencedHistory
) -> tuple[list[Draft], list[PlannedFulfillment]]:
    """Drafts to plan, and the skipped boxes of orders whose every box the ledger records as done.

    A re-run of a finished file then reads no order at all (rule 5: skipped, not an error).
    """
    by_reference: dict[str, list[Draft]] = defaultdict(list)
    for draft in drafts:
        by_reference[draft.order.key].append(draft)
    remaining: list[Draft] = []
    skipped: list[PlannedFulfillment] = []
    for key, group in by_reference.items():
        order_id = history.order_id_for(key)
        if order_id is None or not all(history.is_done(order_id, d.tracking_number) for d in group):
            remaining.extend(group)
            continue
        for draft in group:
            skipped.append(_recorded(draft, history, order_id, draft.order.friendly_id))
    return remaining, skipped


class NoHistory:
    def is_done(self, order_id: str, tracking_number: str) -> bool:
        return False

    def recorded_items(self, order_id: str, tracking_number: str) -> list[PlannedItem]:
        return []

    def recorded_id(self, order_id: str, tracking_number: str) -> str | None:
        return None

    def is_uncertain(self, order_id: str, tracking_number: str) -> bool:
        return False

    def sent_items(self, order_id: str, tracking_number: str) -> Mapping[str, int] | None:
        return None

    def fulfilled_quantities(
        self, order_id: str, *, except_tracking: Iterable[str] = ()
    ) -> Mapping[str, int]:
        return {}

    def created_quantities(self, order_id: str) -> Mapping[str, int]:
        return {}

    def recheck_asked(self, order_id: str, tracking_number: str) -> bool:
        return False


@dataclass
class _OrderGroup:
    order: Order
    drafts: list[Draft] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Errors of the order's rows found while reading (already in the plan): they block it too.
    input_errors: list[Problem] = field(default_factory=list)
    fulfillments: list[PlannedFulfillment] = field(default_factory=list)


def problem(
    code: str,
    message: str,
    lines: Iterable[int] = (),
    order: str | None = None,
    severity: Severity | None = None,
) -> Problem:
    """A problem with the catalogue's severity for its code unless told otherwise."""
    return Problem(
        severity or lookup(code).severity, code, message, tuple(sorted(set(lines))), order
    )


def build_plan(
    drafts: Sequence[Draft],
    orders: Mapping[str, Order],
    *,
    history: FulfillmentHistory | None = None,
    input_problems: Sequence[InputProblem] = (),
    missing: Mapping[str, Problem] | None = None,
    related: Mapping[str, Order] | None = None,
    multi_box: MultiBox = MultiBox.REFUSE,
) -> Plan:
    """Check every draft against its order; any error of an order blocks all of that order.

    `orders` maps each reference key (UUID or friendly id) that was found to its order; `missing`
    maps a reference key that could not be found to the problem saying why, and `related` to the
    order it most likely names (its rows' error then holds that order back too, rule 7).
    `multi_box` says what an order with several new boxes without items gets (see `MultiBox`).
    """
    history = history or NoHistory()
    plan = Plan()
    groups: dict[str, _OrderGroup] = {}
    for draft in drafts:
        order = orders.get(draft.order.key)
        if order is None:
            why = _missing_problem(draft, missing or {})
            plan.problems.append(why)
            plan.fulfillments.append(_blocked(draft, why.code))
            likely = (related or {}).get(draft.order.key)
            if likely is not None:
                groups.setdefault(likely.id, _OrderGroup(likely)).input_errors.append(why)
            continue
        groups.setdefault(order.id, _OrderGroup(order)).drafts.append(draft)
    for item in input_problems:
        plan.problems.append(item.problem)
        order = orders.get(item.order.key) if item.order else None
        if order is not None and item.problem.severity is Severity.ERROR:
            groups.setdefault(order.id, _OrderGroup(order)).input_errors.append(item.problem)
    for group in groups.values():
        _plan_order(group, history, multi_box)
        plan.problems.extend(group.problems)
        plan.fulfillments.extend(group.fulfillments)
    _warn_shared_tracking(plan)
    return plan


def _missing_problem(draft: Draft, missing: Mapping[str, Problem]) -> Problem:
    known = missing.get(draft.order.key)
    if known is not None:
        return problem(known.code, known.message, draft.lines, str(draft.order), known.severity)
    return problem(
        "order_not_found",
        f"order {draft.order} was not found in the shop.",
        draft.lines,
        str(draft.order),
    )


def _blocked(draft: Draft, code: str) -> PlannedFulfillment:
    planned = draft.planned(draft.order.order_id, draft.order.friendly_id, status=Status.BLOCKED)
    planned.error_code = code
    planned.error_message = lookup(code).explanation
    return planned


def _merge_same_tracking(drafts: list[Draft], problems: list[Problem]) -> list[Draft]:
    """One draft per tracking number: one box named by friendly id here and UUID there is one."""
    merged: dict[str, Draft] = {}
    for draft in drafts:
        previous = merged.get(draft.tracking_number)
        if previous is None:
            merged[draft.tracking_number] = draft
            continue
        if bool(previous.items) != bool(draft.items):
            lines = (previous if not previous.items else draft).lines
            problems.append(
                problem(
                    "mixed_box",
                    f"box {draft.tracking_number} has rows with items and rows without any: give "
                    "every row its SKU and quantity.",
                    lines,
                    str(draft.order),
                )
            )
        merged[draft.tracking_number] = Draft(
            previous.order,
            previous.tracking_number,
            previous.tracking_company,
            previous.carrier_key,
            previous.items + draft.items
            if previous.items and draft.items
            else previous.items or draft.items,
            tuple(sorted(set(previous.lines + draft.lines))),
        )
    return list(merged.values())


def _plan_order(group: _OrderGroup, history: FulfillmentHistory, multi_box: MultiBox) -> None:
    order = group.order
    label = order.friendly_id
    all_lines = [line for draft in group.drafts for line in draft.lines]
    # An order named only by rows that failed to read is still worth its "cancelled" on those lines.
    all_lines += [line for found in group.input_errors for line in found.lines]
    if order.is_cancelled:
        group.problems.append(
            problem(
                "order_cancelled",
                f"order {label} is cancelled; nothing is sent for it.",
                all_lines,
                label,
            )
        )
    drafts = _merge_same_tracking(group.drafts, group.problems)
    done = [d for d in drafts if history.is_done(order.id, d.tracking_number)]
    uncertain = [d for d in drafts if history.is_uncertain(order.id, d.tracking_number)]
    new = [d for d in drafts if d not in done and d not in uncertain]
    for draft in uncertain:
        held = _recorded(draft, history, order.id, label, status=Status.UNCERTAIN, order=order)
        held.error_code = "OUTCOME_UNCERTAIN"
        held.error_message = explain_with_hint("uncertain_earlier_run")
        group.fulfillments.append(held)
    for draft in done:
        group.fulfillments.append(_recorded(draft, history, order.id, label, order=order))
        group.problems.append(
            problem(
                "already_fulfilled",
                f"{label} / {draft.tracking_number} was already created by an earlier run; "
                "skipped.",
                draft.lines,
                label,
            )
        )
    # A send whose answer was lost is re-checked with exactly the items it was sent with.
    in_doubt: dict[str, Mapping[str, int]] = {}
    for draft in new:
        sent = history.sent_items(order.id, draft.tracking_number)
        if sent is not None:
            in_doubt[draft.tracking_number] = sent
    ordered = order.ordered_quantities()
    fulfilled = dict(history.fulfilled_quantities(order.id, except_tracking=in_doubt))
    remaining = {variant: qty - fulfilled.get(variant, 0) for variant, qty in ordered.items()}
    resolved: list[tuple[Draft, list[PlannedItem]]] = []
    itemless = [d for d in new if not d.items and d.tracking_number not in in_doubt]
    for draft in new:
        if draft.tracking_number in in_doubt and not draft.items:
            recorded = in_doubt[draft.tracking_number].items()
            resolved.append((draft, _named([PlannedItem(v, q) for v, q in recorded], order)))
        elif draft.items:
            resolved.append((draft, _resolve_items(draft, order, group.problems)))
    _check_quantities(resolved, remaining, order, group.problems)
    if multi_box is MultiBox.FIRST:
        # Boxes without items the ledger already has (done, uncertain, in doubt) came first.
        sent_before = [d for d in drafts if not d.items and d not in itemless]
        itemless = _first_box_only(group, itemless, sent_before, _left_over(remaining, resolved))
    if len(itemless) > 1:
        lines = [line for draft in itemless for line in draft.lines]
        numbers = ", ".join(d.tracking_number for d in itemless)
        group.problems.append(
            problem(
                "ambiguous_packages",
                f"order {label} has {len(itemless)} new tracking numbers without items "
                f"({numbers}); fwfulfill cannot tell which items went in which box.",
                lines,
                label,
            )
        )
        resolved.extend((draft, []) for draft in itemless)
    elif itemless:
        box = itemless[0]
        resolved.append((box, _whole_order_items(box, order, remaining, resolved, group.problems)))
        if order.status in PARTLY_SHIPPED_STATUSES:
            group.problems.append(
                problem(
                    "whole_order_partly_shipped",
                    f"order {label} is {order.status} and box {box.tracking_number} lists no "
                    "items: it is taken to hold everything fwfulfill has not sent itself, so "
                    "Fourthwall will refuse it if another tool shipped some.",
                    box.lines,
                    label,
                )
            )
    if order.status in SHIPPED_STATUSES and new:
        group.problems.append(
            problem(
                "order_already_shipped",
                f"order {label} is {order.status}; Fourthwall may refuse items that already "
                "have a tracker.",
                [line for d in new for line in d.lines],
                label,
            )
        )
    _check_sendable_ids(order, resolved, group.problems)
    errors = [p for p in group.problems + group.input_errors if p.severity is Severity.ERROR]
    whole = _whole_remainder_boxes(resolved, ordered, history.created_quantities(order.id))
    for draft, items in resolved:
        planned = draft.planned(order.id, order.friendly_id, items)
        planned.customer_name, planned.customer_email = order.customer_name, order.email
        planned.previously_in_doubt = draft.tracking_number in in_doubt
        planned.recheck_asked = planned.previously_in_doubt and history.recheck_asked(
            order.id, draft.tracking_number
        )
        planned.whole_remainder = draft.tracking_number in whole
        if errors:
            own = next((p for p in errors if set(p.lines) & set(draft.lines)), None)
            planned.status = Status.BLOCKED
            planned.error_code = own.code if own else "order_has_errors"
            planned.error_message = own.message if own else lookup("order_has_errors").explanation
        group.fulfillments.append(planned)
    if errors:
        _note_held_back(group, resolved, errors)


def _first_box_only(
    group: _OrderGroup, itemless: list[Draft], recorded: list[Draft], anything_left: bool
) -> list[Draft]:
    """`--multi-box first`: of an order's new boxes without items, only the first (file order) is
    sent, with everything left; the others are named in a warning and not sent. When a box of the
    file is already in the ledger and nothing is left, that one went first: no new box is sent, so
    a re-run sends nothing more (and says why, rather than "nothing left")."""
    if recorded and itemless and not anything_left:
        group.problems.append(multi_box_problem(group.order.friendly_id, recorded[0], itemless))
        return []
    if len(itemless) < 2:
        return itemless
    group.problems.append(multi_box_problem(group.order.friendly_id, itemless[0], itemless[1:]))
    return itemless[:1]


def _left_over(
    remaining: Mapping[str, int], resolved: list[tuple[Draft, list[PlannedItem]]]
) -> bool:
    """Whether anything of the order is left for a box without items, after the boxes with items."""
    left = dict(remaining)
    for _, items in resolved:
        for item in items:
            left[item.variant_id] = left.get(item.variant_id, 0) - item.quantity
    return any(quantity > 0 for quantity in left.values())


def multi_box_problem(label: str, sent_with: Draft, others: Sequence[Draft]) -> Problem:
    """The warning on the boxes `--multi-box first` does not send, naming the one it sends."""
    return problem(
        "multi_box_first",
        f"order {label} has {len(others) + 1} tracking numbers without items: everything left "
        f"goes with {sent_with.tracking_number} (--multi-box first); not sent: "
        f"{', '.join(d.tracking_number for d in others)}.",
        [line for draft in others for line in draft.lines],
        label,
    )


def _check_sendable_ids(
    order: Order, resolved: list[tuple[Draft, list[PlannedItem]]], problems: list[Problem]
) -> None:
    """The order answer types ids as plain strings, POST /fulfillments as UUIDs: a box whose order
    or items have another kind of id cannot be sent, and is named now rather than failing later."""
    label = order.friendly_id
    if not sendable_id(order.id):
        problems.append(
            problem(
                "id_not_uuid",
                f"Fourthwall gave order {label} the id {order.id!r}, which is not a UUID; "
                "a fulfillment names its order by UUID, so none can be sent for it.",
                [line for draft, _ in resolved for line in draft.lines],
                label,
            )
        )
        return
    for draft, items in resolved:
        for item in items:
            if not sendable_id(item.variant_id):
                problems.append(
                    problem(
                        "id_not_uuid",
                        f"Fourthwall gave item {item.sku or item.name or '?'} of order {label} "
                        f"the variant id {item.variant_id!r}, which is not a UUID; a fulfillment "
                        "names its items by UUID, so this box cannot be sent.",
                        draft.lines,
                        label,
                    )
                )


def _whole_remainder_boxes(
    resolved: list[tuple[Draft, list[PlannedItem]]],
    ordered: Mapping[str, int],
    created: Mapping[str, int],
) -> set[str]:
    """Tracking numbers of the boxes that take everything still left of each of their variants.

    "Left" counts only what certainly exists (the ledger's created boxes): a box in doubt or
    uncertain may not exist, and counting it would let a box look whole that is not. A variant
    shared with another box of the plan makes both partial, whichever is sent first. Only such a
    box may be re-sent after a lost answer: if the first send went through, nothing is left and
    Fourthwall refuses the re-send, whatever its duplicate check does.
    """
    boxes_with: Counter[str] = Counter(
        variant for _, items in resolved for variant in {item.variant_id for item in items}
    )
    whole: set[str] = set()
    for draft, items in resolved:
        asked: dict[str, int] = defaultdict(int)
        for item in items:
            asked[item.variant_id] += item.quantity
        if asked and all(
            boxes_with[variant] == 1
            and quantity == ordered.get(variant, 0) - created.get(variant, 0)
            for variant, quantity in asked.items()
        ):
            whole.add(draft.tracking_number)
    return whole


def _note_held_back(
    group: _OrderGroup, resolved: list[tuple[Draft, list[PlannedItem]]], errors: list[Problem]
) -> None:
    """Rule 7: lines without an error of their own are held back too; say so on those lines."""
    error_lines = {line for p in errors for line in p.lines}
    clean = [line for draft, _ in resolved for line in draft.lines if line not in error_lines]
    if clean:
        label = group.order.friendly_id
        group.problems.append(
            problem(
                "order_has_errors",
                f"order {label} has an error on another line; nothing is sent for it.",
                clean,
                label,
            )
        )


def _recorded(
    draft: Draft,
    history: FulfillmentHistory,
    order_id: str,
    friendly_id: str | None,
    *,
    status: Status = Status.SKIPPED,
    order: Order | None = None,
) -> PlannedFulfillment:
    """A box the ledger already knows, with the items and fulfillment id it recorded."""
    items = history.recorded_items(order_id, draft.tracking_number)
    planned = draft.planned(order_id, friendly_id, _named(items, order) if order else items, status)
    planned.fulfillment_id = history.recorded_id(order_id, draft.tracking_number)
    return planned


def _named(items: list[PlannedItem], order: Order) -> list[PlannedItem]:
    """Items with the SKU and name the order gives their variants."""
    variants = order.variants()
    return [
        PlannedItem(item.variant_id, item.quantity, *_sku_and_name(variants.get(item.variant_id)))
        for item in items
    ]


def _sku_and_name(variant: Variant | None) -> tuple[str, str]:
    return (variant.sku, variant.name) if variant is not None else ("", "")


def _resolve_items(draft: Draft, order: Order, problems: list[Problem]) -> list[PlannedItem]:
    """Each item reference as a variant of the order, quantities summed per variant."""
    variants = order.variants()
    by_sku: dict[str, list[str]] = defaultdict(list)
    for variant in variants.values():
        if variant.sku:
            by_sku[variant.sku.strip().upper()].append(variant.id)
    totals: dict[str, int] = {}
    label = order.friendly_id
    without_sku = sum(1 for variant in variants.values() if not variant.sku)
    for ref in draft.items:
        variant_id = _variant_for(
            ref, variants, by_sku, draft, label=label, problems=problems, without_sku=without_sku
        )
        if variant_id is not None:
            totals[variant_id] = totals.get(variant_id, 0) + ref.quantity
    return [
        PlannedItem(variant_id, quantity, variants[variant_id].sku, variants[variant_id].name)
        for variant_id, quantity in totals.items()
    ]


def _variant_for(
    ref: ItemReference,
    variants: Mapping[str, object],
    by_sku: Mapping[str, list[str]],
    draft: Draft,
    *,
    label: str,
    problems: list[Problem],
    without_sku: int = 0,
) -> str | None:
    by_id = ref.variant_id if ref.variant_id in variants else None
    if ref.variant_id and by_id is None:
        problems.append(
            problem(
                "variant_not_on_order",
                f"variant {ref.variant_id} is not on order {label}.",
                draft.lines,
                label,
            )
        )
        return None
    if not ref.sku:
        return by_id
    matches = by_sku.get(ref.sku.strip().upper(), [])
    if not matches:
        # Fourthwall's answer may leave SKUs out: then the item can only be named by its id.
        unnamed = (
            f" ({without_sku} of its items have no SKU in Fourthwall's answer: name them by "
            f"variant id, listed by `fwfulfill orders show {label}`)"
            if without_sku
            else ""
        )
        problems.append(
            problem(
                "variant_not_on_order",
                f"SKU {ref.sku!r} is not on order {label}{unnamed}.",
                draft.lines,
                label,
            )
        )
        return None
    if by_id is not None:
        if by_id not in matches:
            problems.append(
                problem(
                    "variant_sku_mismatch",
                    f"variant {by_id} and SKU {ref.sku!r} name different items of order {label}.",
                    draft.lines,
                    label,
                )
            )
            return None
        return by_id
    if len(matches) > 1:
        problems.append(
            problem(
                "sku_ambiguous",
                f"SKU {ref.sku!r} names {len(matches)} variants of order {label}; "
                "use the variant id.",
                draft.lines,
                label,
            )
        )
        return None
    return matches[0]


def _check_quantities(
    resolved: list[tuple[Draft, list[PlannedItem]]],
    remaining: Mapping[str, int],
    order: Order,
    problems: list[Problem],
) -> None:
    """Rule 3: the sum per variant over all new boxes must fit in what is left of the order."""
    asked: dict[str, int] = defaultdict(int)
    lines: dict[str, set[int]] = defaultdict(set)
    names: dict[str, str] = {}
    for draft, items in resolved:
        for item in items:
            asked[item.variant_id] += item.quantity
            lines[item.variant_id].update(draft.lines)
            names[item.variant_id] = item.sku or item.variant_id
    ordered = order.ordered_quantities()
    for variant_id, quantity in asked.items():
        left = remaining.get(variant_id, 0)
        if quantity > left:
            already = ordered.get(variant_id, 0) - left
            detail = f" ({already} already sent by fwfulfill)" if already else ""
            problems.append(
                problem(
                    "quantity_exceeds_order",
                    f"{quantity} x {names[variant_id]} asked for order {order.friendly_id}, but "
                    f"only {left} left of {ordered.get(variant_id, 0)} ordered{detail}.",
                    lines[variant_id],
                    order.friendly_id,
                )
            )


def _whole_order_items(
    draft: Draft,
    order: Order,
    remaining: Mapping[str, int],
    resolved: list[tuple[Draft, list[PlannedItem]]],
    problems: list[Problem],
) -> list[PlannedItem]:
    """Rule 4: a box without items holds everything still left of the order."""
    left = dict(remaining)
    for _, items in resolved:
        for item in items:
            left[item.variant_id] = left.get(item.variant_id, 0) - item.quantity
    variants = order.variants()
    items = [
        PlannedItem(variant_id, quantity, variants[variant_id].sku, variants[variant_id].name)
        for variant_id, quantity in left.items()
        if quantity > 0
    ]
    if not items and not order.is_cancelled:
        problems.append(
            problem(
                "nothing_left",
                f"every item of order {order.friendly_id} is already fulfilled.",
                draft.lines,
                order.friendly_id,
            )
        )
    return items


def _warn_shared_tracking(plan: Plan) -> None:
    # One label per tracking number is the rule: only the numbers of several orders get sets.
    first_order: dict[str, str] = {}
    shared: dict[str, set[str]] = {}
    for planned in plan.fulfillments:
        number, label = planned.tracking_number, planned.order_label
        first = first_order.setdefault(number, label)
        if first != label:
            shared.setdefault(number, {first}).add(label)
    if not shared:
        return
    lines: dict[str, set[int]] = {number: set() for number in shared}
    for planned in plan.fulfillments:
        if planned.tracking_number in lines:
            lines[planned.tracking_number].update(planned.lines)
    for number in first_order:  # in the order the numbers first appear, as before
        orders = shared.get(number)
        if orders is not None:
            plan.problems.append(
                problem(
                    "shared_tracking",
                    f"tracking number {number} is used by {len(orders)} orders "
                    f"({', '.join(sorted(orders))}): fine if they went in one parcel.",
                    lines[number],
                )
            )


_MAX_SHARED_ITEMS = 4096


def offline_plan(
    drafts: Sequence[Draft],
    input_problems: Sequence[InputProblem],
    multi_box: MultiBox = MultiBox.REFUSE,
) -> Plan:
    """A plan from the file alone (`--offline`): grouping and checks, no order or variant read."""
    plan = Plan(problems=[item.problem for item in input_problems])
    drafts = _offline_multi_box(drafts, multi_box, plan.problems)
    errors_by_order: dict[str, Problem] = {}
    for found in input_problems:
        if found.order is not None and found.problem.severity is Severity.ERROR:
            errors_by_order.setdefault(found.order.key, found.problem)
    # Items are immutable and repeat across boxes (a few SKUs and quantities): one of each.
    shared_items: dict[ItemReference, PlannedItem] = {}
    fulfillments = plan.fulfillments
    for draft in drafts:
        items: list[PlannedItem] = []
        for ref in draft.items:
            item = shared_items.get(ref)
            if item is None:
                item = PlannedItem(ref.variant_id or "", ref.quantity, ref.sku or "")
                if len(shared_items) < _MAX_SHARED_ITEMS:
                    shared_items[ref] = item
            items.append(item)
        order = draft.order
        planned = draft.planned(order.order_id, order.friendly_id, items)
        if errors_by_order:
            blocking = errors_by_order.get(order.key)
            if blocking is not None:
                planned.status = Status.BLOCKED
                planned.error_code = blocking.code
                planned.error_message = blocking.message
        fulfillments.append(planned)
    _warn_shared_tracking(plan)  # needs no order: the file alone says it
    return plan


def _offline_multi_box(
    drafts: Sequence[Draft], multi_box: MultiBox, problems: list[Problem]
) -> Sequence[Draft]:
    """Orders with several boxes without items, flagged offline: the ledger at send time decides
    what is new, so `refuse` warns rather than errs (but never plans them silently); `first` drops
    the boxes it would not send, as online."""
    itemless: dict[str, list[Draft]] = defaultdict(list)
    for draft in drafts:
        if not draft.items and draft.tracking_number:
            itemless[draft.order.key].append(draft)
    dropped: set[int] = set()
    for boxes in itemless.values():
        if len(boxes) < 2:
            continue
        label = str(boxes[0].order)
        if multi_box is MultiBox.FIRST:
            problems.append(multi_box_problem(label, boxes[0], boxes[1:]))
            dropped.update(id(draft) for draft in boxes[1:])
            continue
        problems.append(
            problem(
                "ambiguous_packages_offline",
                f"order {label} has {len(boxes)} tracking numbers without items "
                f"({', '.join(d.tracking_number for d in boxes)}): a sending run refuses the "
                "order unless the ledger already has all but one of them.",
                [line for draft in boxes for line in draft.lines],
                label,
            )
        )
    return [draft for draft in drafts if id(draft) not in dropped] if dropped else drafts
