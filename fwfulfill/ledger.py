"""The ledger: a SQLite record, per shop, of every fulfillment fwfulfill sends.

Fourthwall cannot list fulfillments, so this is the only memory of what was sent. Each send is
written down before the POST (`sending`) and after its answer, each in its own transaction, so a
crash at any instant leaves a truthful record: a row still `sending` or `in_doubt` may or may not
exist at Fourthwall and is re-checked by the next run, never sent blindly.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from fwfulfill.paths import ensure_private_dir, ensure_private_file, state_dir
from fwfulfill.plan import PlannedFulfillment, PlannedItem

LEDGER_FILE = "ledger.sqlite3"
_CHUNK = 400  # keys per query: well under SQLite's limit of bound parameters

# States a fulfillment can be in; the first two mean "exists at Fourthwall".
DONE_STATES = frozenset({"created", "already_exists"})
# The answer was lost: the next run re-checks these once, automatically.
DOUBT_STATES = frozenset({"sending", "in_doubt"})
# A re-check could not settle it (QUANTITY_TO_HIGH, or the answer lost twice): never sent again
# unless the user asks (`--recheck-uncertain`), after looking at the order.
UNCERTAIN_STATE = "uncertain"
# Recorded as `sending`, then the run stopped before the request went out.
NOT_SENT_STATE = "not_sent"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS fulfillments (
    shop TEXT NOT NULL,
    order_id TEXT NOT NULL,
    tracking_number TEXT NOT NULL,
    friendly_id TEXT,
    tracking_company TEXT NOT NULL,
    items TEXT NOT NULL,
    state TEXT NOT NULL,
    fulfillment_id TEXT,
    api_code TEXT,
    message TEXT,
    run_id TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (shop, order_id, tracking_number)
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    shop TEXT NOT NULL,
    order_id TEXT NOT NULL,
    tracking_number TEXT NOT NULL,
    run_id TEXT NOT NULL,
    state TEXT NOT NULL,
    fulfillment_id TEXT,
    api_code TEXT,
    message TEXT,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_order ON events (shop, order_id);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    shop TEXT NOT NULL,
    source TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    counts TEXT
);
"""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class LedgerEntry:
    shop: str
    order_id: str
    friendly_id: str | None
    tracking_number: str
    tracking_company: str
    items: dict[str, int]  # variant id -> quantity
    skus: dict[str, str]
    state: str
    fulfillment_id: str | None
    api_code: str | None
    message: str | None
    run_id: str
    updated_at: str

    @property
    def is_done(self) -> bool:
        return self.state in DONE_STATES

    def to_json(self) -> dict[str, object]:
        return {
            "shop": self.shop,
            "orderId": self.order_id,
            "friendlyId": self.friendly_id,
            "trackingNumber": self.tracking_number,
            "trackingCompany": self.tracking_company,
            "items": [
                {"variantId": variant, "sku": self.skus.get(variant, ""), "quantity": quantity}
                for variant, quantity in self.items.items()
            ],
            "state": self.state,
            "fulfillmentId": self.fulfillment_id,
            "code": self.api_code,
            "message": self.message,
            "runId": self.run_id,
            "updatedAt": self.updated_at,
        }

    @property
    def is_in_doubt(self) -> bool:
        return self.state in DOUBT_STATES

    @property
    def may_exist(self) -> bool:
        """Exists at Fourthwall, or may (its quantities count as fulfilled)."""
        return self.is_done or self.is_in_doubt or self.state == UNCERTAIN_STATE


@dataclass(frozen=True)
class LedgerEvent:
    order_id: str
    tracking_number: str
    run_id: str
    state: str
    fulfillment_id: str | None
    api_code: str | None
    message: str | None
    at: str

    def to_json(self) -> dict[str, object]:
        return {
            "orderId": self.order_id,
            "trackingNumber": self.tracking_number,
            "runId": self.run_id,
            "state": self.state,
            "fulfillmentId": self.fulfillment_id,
            "code": self.api_code,
            "message": self.message,
            "at": self.at,
        }


def default_ledger_path() -> Path:
    return state_dir() / LEDGER_FILE


class Ledger:
    """One SQLite connection shared by the run's worker threads (writes serialised by a lock)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_ledger_path()
        ensure_private_dir(self.path.parent)
        ensure_private_file(self.path)  # names of orders and tracking numbers: the user's only
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed "sending" survives even a power cut, not just a killed process.
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- runs ----

    def start_run(self, shop: str, source: str) -> str:
        run_id = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        with self._lock:
            self._db.execute(
                "INSERT INTO runs (run_id, shop, source, started_at) VALUES (?, ?, ?, ?)",
                (run_id, shop, source, _now()),
            )
        return run_id

    def finish_run(self, run_id: str, counts: Mapping[str, int]) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE runs SET finished_at = ?, counts = ? WHERE run_id = ?",
                (_now(), json.dumps(dict(counts)), run_id),
            )

    # ---- reading ----

    def entries(self, shop: str, order_ids: Iterable[str]) -> list[LedgerEntry]:
        wanted = sorted(set(order_ids))
        found: list[LedgerEntry] = []
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            found += self._select(
                f"SELECT * FROM fulfillments WHERE shop = ? AND order_id IN ({marks})",
                [shop, *chunk],
            )
        return found

    def find(self, *, order: str | None = None, run_id: str | None = None) -> list[LedgerEntry]:
        """Entries of every shop, for `history`: by order (UUID or friendly id) and/or run."""
        clauses, params = [], []
        if order is not None:
            clauses.append("(order_id = ? OR upper(friendly_id) = ?)")
            params += [order.lower(), order.upper()]
        if run_id is not None:
            clauses.append(
                "EXISTS (SELECT 1 FROM events e WHERE e.shop = fulfillments.shop AND e.order_id ="
                " fulfillments.order_id AND e.tracking_number = fulfillments.tracking_number AND"
                " e.run_id = ?)"
            )
            params.append(run_id)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        return self._select(f"SELECT * FROM fulfillments{where} ORDER BY updated_at", params)

    def events(
        self, entries: Iterable[LedgerEntry], run_id: str | None = None
    ) -> list[LedgerEvent]:
        """Every recorded step of these entries, oldest first (of one run only, if given)."""
        found: list[LedgerEvent] = []
        for entry in entries:
            query = (
                "SELECT order_id, tracking_number, run_id, state, fulfillment_id, api_code,"
                " message, at FROM events WHERE shop = ? AND order_id = ? AND tracking_number = ?"
            )
            params = [entry.shop, entry.order_id, entry.tracking_number]
            if run_id is not None:
                query += " AND run_id = ?"
                params.append(run_id)
            with self._lock:
                rows = self._db.execute(query + " ORDER BY id", params).fetchall()
            found += [LedgerEvent(*row) for row in rows]
        return sorted(found, key=lambda event: event.at)

    def _select(self, query: str, params: Sequence[str]) -> list[LedgerEntry]:
        with self._lock:
            cursor = self._db.execute(query, params)
            columns = [c[0] for c in cursor.description]
            rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        return [_entry(row) for row in rows]

    def view(
        self, shop: str, order_ids: Iterable[str], *, recheck_uncertain: bool = False
    ) -> LedgerView:
        return LedgerView(self.entries(shop, order_ids), recheck_uncertain=recheck_uncertain)

    def view_by_references(self, shop: str, keys: Iterable[str]) -> LedgerView:
        """Entries of the orders named by these keys (order UUIDs or upper-cased friendly ids)."""
        wanted = sorted(set(keys))
        found: list[LedgerEntry] = []
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            found += self._select(
                f"SELECT * FROM fulfillments WHERE shop = ? AND (order_id IN ({marks})"
                f" OR upper(friendly_id) IN ({marks}))",
                [shop, *chunk, *chunk],
            )
        return LedgerView(found)

    # ---- writing ----

    def record(
        self,
        shop: str,
        run_id: str,
        planned: PlannedFulfillment,
        state: str,
    ) -> None:
        """Write the fulfillment's current state and an event, in one transaction."""
        if planned.order_id is None:
            raise ValueError("only fulfillments of a resolved order are recorded")
        items = [
            {"variantId": item.variant_id, "quantity": item.quantity, "sku": item.sku}
            for item in planned.items
        ]
        at = _now()
        key = (shop, planned.order_id, planned.tracking_number)
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(
                    "INSERT INTO fulfillments (shop, order_id, tracking_number, friendly_id,"
                    " tracking_company, items, state, fulfillment_id, api_code, message, run_id,"
                    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (shop, order_id, tracking_number) DO UPDATE SET"
                    " friendly_id = excluded.friendly_id,"
                    " tracking_company = excluded.tracking_company,"
                    " items = excluded.items, state = excluded.state,"
                    " fulfillment_id ="
                    " COALESCE(excluded.fulfillment_id, fulfillments.fulfillment_id),"
                    " api_code = excluded.api_code, message = excluded.message,"
                    " run_id = excluded.run_id, updated_at = excluded.updated_at",
                    (
                        *key,
                        planned.friendly_id,
                        planned.tracking_company,
                        json.dumps(items),
                        state,
                        planned.fulfillment_id,
                        planned.error_code,
                        planned.error_message,
                        run_id,
                        at,
                    ),
                )
                self._db.execute(
                    "INSERT INTO events (shop, order_id, tracking_number, run_id, state,"
                    " fulfillment_id, api_code, message, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        *key,
                        run_id,
                        state,
                        planned.fulfillment_id,
                        planned.error_code,
                        planned.error_message,
                        at,
                    ),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def forget_shop(self, shop: str) -> int:
        """Delete everything recorded for `shop` (used when the sandbox starts over)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            count = self._db.execute("DELETE FROM fulfillments WHERE shop = ?", (shop,)).rowcount
            self._db.execute("DELETE FROM events WHERE shop = ?", (shop,))
            self._db.execute("DELETE FROM runs WHERE shop = ?", (shop,))
            self._db.execute("COMMIT")
        return count


def _entry(row: Mapping[str, object]) -> LedgerEntry:
    raw_items = json.loads(str(row["items"]))
    items: dict[str, int] = defaultdict(int)
    skus: dict[str, str] = {}
    for item in raw_items:
        items[item["variantId"]] += int(item["quantity"])
        skus[item["variantId"]] = item.get("sku") or ""
    return LedgerEntry(
        shop=str(row["shop"]),
        order_id=str(row["order_id"]),
        friendly_id=_optional(row["friendly_id"]),
        tracking_number=str(row["tracking_number"]),
        tracking_company=str(row["tracking_company"]),
        items=dict(items),
        skus=skus,
        state=str(row["state"]),
        fulfillment_id=_optional(row["fulfillment_id"]),
        api_code=_optional(row["api_code"]),
        message=_optional(row["message"]),
        run_id=str(row["run_id"]),
        updated_at=str(row["updated_at"]),
    )


def _optional(value: object) -> str | None:
    return None if value is None else str(value)


class LedgerView:
    """What the planner asks of the ledger, for the orders of one plan (read once, up front)."""

    def __init__(self, entries: Sequence[LedgerEntry], *, recheck_uncertain: bool = False) -> None:
        # With `recheck_uncertain`, uncertain sends are re-checked like those in doubt.
        self._recheck = recheck_uncertain
        self._by_key = {(e.order_id, e.tracking_number): e for e in entries}
        self._by_order: dict[str, list[LedgerEntry]] = defaultdict(list)
        self._references: dict[str, str] = {}
        for entry in entries:
            self._by_order[entry.order_id].append(entry)
            self._references[entry.order_id] = entry.order_id
            if entry.friendly_id:
                self._references[entry.friendly_id.upper()] = entry.order_id

    def order_id_for(self, reference_key: str) -> str | None:
        """The order UUID that a reference key (UUID or upper-cased friendly id) names, if known."""
        return self._references.get(reference_key)

    def entry(self, order_id: str, tracking_number: str) -> LedgerEntry | None:
        return self._by_key.get((order_id, tracking_number))

    def is_done(self, order_id: str, tracking_number: str) -> bool:
        entry = self.entry(order_id, tracking_number)
        return entry is not None and entry.is_done

    def recorded_items(self, order_id: str, tracking_number: str) -> list[PlannedItem]:
        entry = self.entry(order_id, tracking_number)
        if entry is None:
            return []
        return [
            PlannedItem(variant, quantity, entry.skus.get(variant, ""))
            for variant, quantity in entry.items.items()
        ]

    def is_uncertain(self, order_id: str, tracking_number: str) -> bool:
        entry = self.entry(order_id, tracking_number)
        return entry is not None and entry.state == UNCERTAIN_STATE and not self._recheck

    def recorded_id(self, order_id: str, tracking_number: str) -> str | None:
        entry = self.entry(order_id, tracking_number)
        return entry.fulfillment_id if entry is not None else None

    def sent_items(self, order_id: str, tracking_number: str) -> dict[str, int] | None:
        entry = self.entry(order_id, tracking_number)
        if entry is None:
            return None
        recheck = entry.is_in_doubt or (self._recheck and entry.state == UNCERTAIN_STATE)
        return entry.items if recheck else None

    def fulfilled_quantities(
        self, order_id: str, *, except_tracking: Iterable[str] = ()
    ) -> dict[str, int]:
        """Units per variant that exist or may exist at Fourthwall, by fwfulfill's own sends.

        In-doubt sends count too (they may have landed), except those the current plan re-checks.
        """
        skip = set(except_tracking)
        totals: dict[str, int] = defaultdict(int)
        for entry in self._by_order.get(order_id, []):
            if entry.tracking_number in skip or not entry.may_exist:
                continue
            for variant_id, quantity in entry.items.items():
                totals[variant_id] += quantity
        return dict(totals)


class LedgerJournal:
    """The ledger as the sender's journal: one run, one shop, every step in its own transaction."""

    def __init__(self, ledger: Ledger, shop: str, run_id: str) -> None:
        self.ledger = ledger
        self.shop = shop
        self.run_id = run_id

    def sending(self, planned: PlannedFulfillment) -> None:
        self.ledger.record(self.shop, self.run_id, planned, "sending")

    def in_doubt(self, planned: PlannedFulfillment, code: str) -> None:
        planned.error_code = code
        self.ledger.record(self.shop, self.run_id, planned, "in_doubt")
        planned.error_code = None

    def finished(self, planned: PlannedFulfillment) -> None:
        self.ledger.record(self.shop, self.run_id, planned, planned.status.value)

    def not_sent(self, planned: PlannedFulfillment) -> None:
        self.ledger.record(self.shop, self.run_id, planned, NOT_SENT_STATE)
