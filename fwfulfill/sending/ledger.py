"""The ledger: a SQLite record, per shop, of every fulfillment fwfulfill sends.

Fourthwall cannot list fulfillments, so this is the only memory of what was sent. Each send is
written down before the POST (`sending`) and after its answer, each in its own transaction, so a
crash at any instant leaves a truthful record: a row still `sending` or `in_doubt` may or may not
exist at Fourthwall: the next run re-checks it only when that cannot double it (see `sending`),
never sends it blindly.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sqlite3
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path

from fwfulfill.atomic_file import write_atomically
from fwfulfill.constants import ENV_LEDGER_TIMEOUT
from fwfulfill.errors import FwfulfillError, InputError
from fwfulfill.paths import ensure_private_dir, ensure_private_file, state_dir, usable_state_dir
from fwfulfill.planning.plan import PlannedFulfillment, PlannedItem, Status

LEDGER_FILE = "ledger.sqlite3"
# Outcomes the ledger refused to record (locked, disk full), one file per run, beside the ledger;
# the next run that opens the ledger records them and deletes the files.
UNRECORDED_DIR = "ledger-unrecorded"
# Marks the file as fwfulfill's ledger (SQLite's header field for this), and its schema version.
APPLICATION_ID = int.from_bytes(b"fwfl", "big")
SCHEMA_VERSION = 1
_TABLES = frozenset({"fulfillments", "events", "runs"})
_COLUMNS = frozenset(
    {"shop", "order_id", "tracking_number", "friendly_id", "tracking_company", "items", "state"}
    | {"fulfillment_id", "api_code", "message", "run_id", "updated_at"}
)
DEFAULT_BUSY_TIMEOUT = 10.0  # seconds another program may hold the ledger before we say so
_CHUNK = 400  # keys per query: well under SQLite's limit of bound parameters


class LedgerState(str, Enum):
    """A fulfillment's state in the ledger; the values are the strings stored in SQLite.

    Three are steps of a send; the others are its outcome, stored under the name of the
    `plan.Status` it ended in (`LedgerState.outcome`). The planning statuses (planned, blocked,
    skipped) are never recorded.
    """

    SENDING = "sending"  # written before the POST
    IN_DOUBT = "in_doubt"  # the POST's answer was lost
    NOT_SENT = "not_sent"  # recorded as `sending`, then the run stopped before the request went out
    CREATED = Status.CREATED.value
    ALREADY_EXISTS = Status.ALREADY_EXISTS.value
    FAILED = Status.FAILED.value
    UNCERTAIN = Status.UNCERTAIN.value

    @classmethod
    def outcome(cls, status: Status) -> LedgerState:
        """The state that records a send ending in `status`."""
        if status not in SEND_OUTCOMES:
            raise ValueError(f"{status.value!r} is not the outcome of a send")
        return cls(status.value)


# The plan statuses a send ends in: each is recorded as the ledger state of the same name.
SEND_OUTCOMES = frozenset({Status.CREATED, Status.ALREADY_EXISTS, Status.FAILED, Status.UNCERTAIN})
# States that mean "exists at Fourthwall".
DONE_STATES = frozenset({LedgerState.CREATED, LedgerState.ALREADY_EXISTS})
# The answer was lost: the next run re-checks these once if the box is the whole remainder, else
# makes them uncertain without sending (see `sending`).
DOUBT_STATES = frozenset({LedgerState.SENDING, LedgerState.IN_DOUBT})
# Lost and not safely re-sendable, or a re-check could not settle it: never sent again
# unless the user asks (`--recheck-uncertain`), after looking at the order.
UNCERTAIN_STATE = LedgerState.UNCERTAIN
# Recorded as `sending`, then the run stopped before the request went out.
NOT_SENT_STATE = LedgerState.NOT_SENT

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
    state: LedgerState
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
            "state": self.state.value,
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
    state: LedgerState
    fulfillment_id: str | None
    api_code: str | None
    message: str | None
    at: str

    def to_json(self) -> dict[str, object]:
        return {
            "orderId": self.order_id,
            "trackingNumber": self.tracking_number,
            "runId": self.run_id,
            "state": self.state.value,
            "fulfillmentId": self.fulfillment_id,
            "code": self.api_code,
            "message": self.message,
            "at": self.at,
        }


def default_ledger_path() -> Path:
    return state_dir() / LEDGER_FILE


def ledger_timeout() -> float:
    """Seconds to wait for a ledger another program holds (FWFULFILL_LEDGER_TIMEOUT)."""
    text = os.environ.get(ENV_LEDGER_TIMEOUT)
    if not text:
        return DEFAULT_BUSY_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not 0 <= seconds <= 3600:  # also refuses nan
        raise InputError(
            "invalid_option",
            f"{text!r} is not a number of seconds from 0 to 3600.",
            target=ENV_LEDGER_TIMEOUT,
        )
    return seconds


class LedgerError(FwfulfillError):
    """The ledger cannot be used; the message names the file (`target`) and the fix."""


class Ledger:
    """One SQLite connection shared by the run's worker threads (writes serialised by a lock)."""

    def __init__(self, path: Path | None = None, *, busy_timeout: float | None = None) -> None:
        self.path = path or default_ledger_path()
        self.busy_timeout = ledger_timeout() if busy_timeout is None else busy_timeout
        usable_state_dir(self.path.parent)
        if self.path.exists() and not self.path.is_file():
            kind = "a directory" if self.path.is_dir() else "not a regular file"
            raise LedgerError("ledger_not_a_file", fields={"kind": kind}, target=str(self.path))
        if _emptied(self.path):
            # SQLite would take it for a new ledger and forget everything that was sent.
            raise LedgerError(
                "ledger_damaged", fields={"detail": "it is empty: 0 bytes"}, target=str(self.path)
            )
        # Checked above before it is created: names of orders and tracking numbers, the user's only.
        ensure_private_file(self.path)
        self._lock = threading.Lock()
        with self._sqlite_errors():
            self._db = sqlite3.connect(
                self.path, check_same_thread=False, isolation_level=None, timeout=self.busy_timeout
            )
        try:
            with self._sqlite_errors():
                self._open()
            self._record_unrecorded()
        except BaseException:
            self._db.close()
            raise

    def _open(self) -> None:
        tables = self._check_schema()
        self._db.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed "sending" survives even a power cut, not just a killed process.
        self._db.execute("PRAGMA synchronous=FULL")
        if not tables:
            self._db.executescript(_SCHEMA)
        if not tables or self._pragma("application_id") != APPLICATION_ID:
            self._db.execute(f"PRAGMA application_id={APPLICATION_ID}")
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _pragma(self, name: str) -> int:
        return int(self._db.execute(f"PRAGMA {name}").fetchone()[0])

    def _check_schema(self) -> set[str]:
        """The ledger's tables; refuses another program's database (never adds tables to it) and a
        ledger of a newer fwfulfill. Ledgers from before the application id are adopted."""
        found = self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        tables = {str(row[0]) for row in found} - {"sqlite_sequence"}
        application = self._pragma("application_id")
        ours = application == APPLICATION_ID or (
            application == 0 and tables == _TABLES and self._columns_match()
        )
        if (tables and not ours) or application not in (0, APPLICATION_ID):
            raise LedgerError("ledger_foreign", target=str(self.path))
        version = self._pragma("user_version")
        if version > SCHEMA_VERSION:
            raise LedgerError(
                "ledger_newer",
                fields={"found": version, "known": SCHEMA_VERSION},
                target=str(self.path),
            )
        return tables

    def _columns_match(self) -> bool:
        columns = {str(row[1]) for row in self._db.execute("PRAGMA table_info(fulfillments)")}
        return columns >= _COLUMNS

    @contextmanager
    def _sqlite_errors(self) -> Iterator[None]:
        """SQLite's failures as what they mean for the user: locked, disk full, damaged, ..."""
        try:
            yield
        except sqlite3.DatabaseError as error:
            if isinstance(error, (sqlite3.IntegrityError, sqlite3.ProgrammingError)):
                raise  # a bug in fwfulfill, not a problem of the file
            raise ledger_error(error, self.path, self.busy_timeout) from None

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
        with self._lock, self._sqlite_errors():
            self._db.execute(
                "INSERT INTO runs (run_id, shop, source, started_at) VALUES (?, ?, ?, ?)",
                (run_id, shop, source, _now()),
            )
        return run_id

    def finish_run(self, run_id: str, counts: Mapping[str, int]) -> None:
        with self._lock, self._sqlite_errors():
            self._db.execute(
                "UPDATE runs SET finished_at = ?, counts = ? WHERE run_id = ?",
                (_now(), json.dumps(dict(counts)), run_id),
            )

    # ---- reading ----

    def entries(self, shop: str, order_ids: Iterable[str]) -> list[LedgerEntry]:
        return self._select_in(shop, "order_id IN {keys}", order_ids)

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
            with self._lock, self._sqlite_errors():
                rows = self._db.execute(query + " ORDER BY id", params).fetchall()
            found += [_event(self.path, row) for row in rows]
        return sorted(found, key=lambda event: event.at)

    def _select(self, query: str, params: Sequence[str]) -> list[LedgerEntry]:
        with self._lock, self._sqlite_errors():
            cursor = self._db.execute(query, params)
            columns = [c[0] for c in cursor.description]
            rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        return [_entry(self.path, row) for row in rows]

    def view(
        self, shop: str, order_ids: Iterable[str], *, recheck_uncertain: bool = False
    ) -> LedgerView:
        return LedgerView(self.entries(shop, order_ids), recheck_uncertain=recheck_uncertain)

    def view_by_references(self, shop: str, keys: Iterable[str]) -> LedgerView:
        """Entries of the orders named by these keys (order UUIDs or upper-cased friendly ids)."""
        found = self._select_in(shop, "(order_id IN {keys} OR upper(friendly_id) IN {keys})", keys)
        return LedgerView(found)

    def _select_in(self, shop: str, condition: str, keys: Iterable[str]) -> list[LedgerEntry]:
        """Entries of `shop` meeting `condition`, whose each `{keys}` stands for the list of keys;
        asked in chunks, since SQLite limits the number of bound parameters."""
        wanted = sorted(set(keys))
        uses = condition.count("{keys}")
        found: list[LedgerEntry] = []
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = "(" + ",".join("?" * len(chunk)) + ")"
            found += self._select(
                f"SELECT * FROM fulfillments WHERE shop = ? AND {condition.format(keys=marks)}",
                [shop, *chunk * uses],
            )
        return found

    # ---- writing ----

    def record(
        self,
        shop: str,
        run_id: str,
        planned: PlannedFulfillment,
        state: LedgerState,
        *,
        code: str | None = None,
    ) -> None:
        """Write the fulfillment's current state and an event, in one transaction; `code` is the
        one to record when it is not the fulfillment's own (`error_code`)."""
        self._write([_Row.of(shop, run_id, planned, state, code=code)])

    def _write(self, rows: Sequence[_Row], *, late: bool = False) -> None:
        """Rows and their events in one transaction; `late` ones (set aside by an earlier run)
        never overwrite a newer state."""
        with self._transaction():
            for row in rows:
                self._db.execute(_UPSERT + (_ONLY_NEWER if late else ""), row.values())
                self._db.execute(_EVENT, row.event_values())

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction, taken at once (BEGIN IMMEDIATE), under the threads' lock."""
        with self._lock, self._sqlite_errors():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
                self._db.execute("COMMIT")
            except BaseException:
                # A failed COMMIT (disk full) may have rolled back already: never let the
                # ROLLBACK's own error hide the real one.
                if self._db.in_transaction:
                    with suppress(sqlite3.Error):
                        self._db.execute("ROLLBACK")
                raise

    # ---- outcomes the ledger refused, kept beside it ----

    @property
    def unrecorded_dir(self) -> Path:
        return self.path.parent / UNRECORDED_DIR

    def set_aside(self, run_id: str, rows: Sequence[_Row]) -> Path:
        """Keep rows the ledger refused in a file of their own (atomic, 0600), for the next run."""
        folder = ensure_private_dir(self.unrecorded_dir)
        target = folder / f"{run_id}.json"
        write_atomically(target, json.dumps([asdict(row) for row in rows]))
        return target

    def _record_unrecorded(self) -> None:
        """Record what earlier runs had to set aside, then delete their files."""
        if not self.unrecorded_dir.is_dir():
            return  # nothing can have been kept there
        for file in sorted(self.unrecorded_dir.glob("*.json")):
            self._write(_read_aside(file), late=True)
            with suppress(OSError):
                file.unlink()

    def forget_shop(self, shop: str) -> int:
        """Delete everything recorded for `shop` (used when the sandbox starts over)."""
        with self._transaction():
            count = self._db.execute("DELETE FROM fulfillments WHERE shop = ?", (shop,)).rowcount
            self._db.execute("DELETE FROM events WHERE shop = ?", (shop,))
            self._db.execute("DELETE FROM runs WHERE shop = ?", (shop,))
        return count


_UPSERT = (
    "INSERT INTO fulfillments (shop, order_id, tracking_number, friendly_id, tracking_company,"
    " items, state, fulfillment_id, api_code, message, run_id, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (shop, order_id, tracking_number) DO UPDATE SET"
    " friendly_id = excluded.friendly_id, tracking_company = excluded.tracking_company,"
    " items = excluded.items, state = excluded.state,"
    " fulfillment_id = COALESCE(excluded.fulfillment_id, fulfillments.fulfillment_id),"
    " api_code = excluded.api_code, message = excluded.message,"
    " run_id = excluded.run_id, updated_at = excluded.updated_at"
)
_ONLY_NEWER = " WHERE fulfillments.updated_at <= excluded.updated_at"
_EVENT = (
    "INSERT INTO events (shop, order_id, tracking_number, run_id, state, fulfillment_id,"
    " api_code, message, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True)
class _Row:
    """One write to the ledger: a fulfillment's state, and the event that says so."""

    shop: str
    order_id: str
    tracking_number: str
    friendly_id: str | None
    tracking_company: str
    items: str  # JSON
    state: str
    fulfillment_id: str | None
    api_code: str | None
    message: str | None
    run_id: str
    at: str

    @classmethod
    def of(
        cls,
        shop: str,
        run_id: str,
        planned: PlannedFulfillment,
        state: LedgerState,
        *,
        code: str | None = None,
    ) -> _Row:
        if planned.order_id is None:
            raise ValueError("only fulfillments of a resolved order are recorded")
        items = [
            {"variantId": item.variant_id, "quantity": item.quantity, "sku": item.sku}
            for item in planned.items
        ]
        return cls(
            shop,
            planned.order_id,
            planned.tracking_number,
            planned.friendly_id,
            planned.tracking_company,
            json.dumps(items),
            LedgerState(state).value,
            planned.fulfillment_id,
            planned.error_code if code is None else code,
            planned.error_message,
            run_id,
            _now(),
        )

    def values(self) -> tuple[str | None, ...]:
        return tuple(asdict(self).values())

    def event_values(self) -> tuple[str | None, ...]:
        return (
            self.shop,
            self.order_id,
            self.tracking_number,
            self.run_id,
            self.state,
            self.fulfillment_id,
            self.api_code,
            self.message,
            self.at,
        )


_REQUIRED = ("shop", "order_id", "tracking_number", "tracking_company", "items", "state", "at")


def _read_aside(file: Path) -> list[_Row]:
    try:
        rows = [_Row(**row) for row in json.loads(file.read_text(encoding="utf-8"))]
        for row in rows:
            values = asdict(row)
            if not all(isinstance(values[name], str) for name in _REQUIRED) or not all(
                value is None or isinstance(value, str) for value in values.values()
            ):
                raise ValueError(f"a row of the wrong shape: {values}")
    except (OSError, ValueError, TypeError) as error:
        raise LedgerError(
            "ledger_unrecorded_unreadable", fields={"detail": str(error)}, target=str(file)
        ) from None
    return rows


def ledger_error(error: sqlite3.Error, path: Path, waited: float) -> LedgerError:
    """What a SQLite failure means for the user, naming the ledger file."""
    name = getattr(error, "sqlite_errorname", "") or ""  # Python 3.11+
    text = str(error)

    def failure(code: str, **fields: object) -> LedgerError:
        return LedgerError(code, fields=fields, target=str(path))

    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return failure("ledger_locked", seconds=f"{waited:g}")
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return failure("ledger_disk_full")
    if name.startswith("SQLITE_NOTADB") or "not a database" in text:
        return failure("ledger_damaged", detail="not a SQLite database")
    if name.startswith("SQLITE_CORRUPT") or "malformed" in text:
        return failure("ledger_damaged", detail=f"truncated or corrupt: {text}")
    if _disk_full(path):
        return failure("ledger_disk_full")
    return failure("ledger_unwritable", detail=text)


def _emptied(path: Path) -> bool:
    """A ledger file of 0 bytes with no write-ahead log: truncated (SQLite itself writes the
    schema as soon as it creates the file)."""
    try:
        if path.stat().st_size != 0:
            return False
        wal = path.with_name(path.name + "-wal")
        return not wal.exists() or wal.stat().st_size == 0
    except FileNotFoundError:
        return False


def _disk_full(path: Path) -> bool:
    """SQLite says "disk I/O error" when the disk fills while it maps its shared memory file."""
    try:
        return shutil.disk_usage(path.parent).free < 64 * 1024
    except OSError:
        return False


def _state(path: Path, text: object) -> LedgerState:
    try:
        return LedgerState(text)
    except ValueError:
        raise LedgerError(
            "ledger_damaged", fields={"detail": f"unknown state {text!r}"}, target=str(path)
        ) from None


def _event(path: Path, row: Sequence[str | None]) -> LedgerEvent:
    order_id, tracking_number, run_id, state, fulfillment_id, api_code, message, at = row
    return LedgerEvent(
        str(order_id),
        str(tracking_number),
        str(run_id),
        _state(path, state),
        fulfillment_id,
        api_code,
        message,
        str(at),
    )


def _entry(path: Path, row: Mapping[str, object]) -> LedgerEntry:
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
        state=_state(path, row["state"]),
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

    def recheck_asked(self, order_id: str, tracking_number: str) -> bool:
        """Left uncertain by an earlier run, and this run was told to send it again."""
        entry = self.entry(order_id, tracking_number)
        return entry is not None and entry.state == UNCERTAIN_STATE and self._recheck

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

    def created_quantities(self, order_id: str) -> dict[str, int]:
        """Units per variant that certainly exist at Fourthwall by fwfulfill's own sends (created
        or already existing; nothing in doubt or uncertain)."""
        totals: dict[str, int] = defaultdict(int)
        for entry in self._by_order.get(order_id, []):
            if entry.is_done:
                for variant_id, quantity in entry.items.items():
                    totals[variant_id] += quantity
        return dict(totals)


class LedgerJournal:
    """The ledger as the sender's journal: one run, one shop, every step in its own transaction.

    A write the ledger refuses (locked, disk full) is retried a few times. Without its `sending`
    step nothing may go out, so that failure is raised. Any later step is set aside in a file
    beside the ledger (or, failing that, only kept here to be printed): a fulfillment whose 201
    arrived is never forgotten, and the run is told to stop (`on_failure`).
    """

    ATTEMPTS = 3
    BACKOFF = 0.25  # seconds before the second attempt, doubled for each next one

    def __init__(
        self,
        ledger: Ledger,
        shop: str,
        run_id: str,
        *,
        on_failure: Callable[[LedgerError], None] | None = None,
    ) -> None:
        self.ledger = ledger
        self.shop = shop
        self.run_id = run_id
        self.on_failure = on_failure
        self.failure: LedgerError | None = None
        self.unrecorded: list[PlannedFulfillment] = []
        self.unrecorded_file: Path | None = None  # where all of them are kept, if anywhere
        self._aside: list[_Row] = []
        self._aside_lock = threading.Lock()

    def sending(self, planned: PlannedFulfillment) -> None:
        try:
            self._record(planned, LedgerState.SENDING)
        except LedgerError as error:  # raised: nothing is sent unless this step is written
            if self.failure is None:
                self.failure = error
            raise

    def in_doubt(self, planned: PlannedFulfillment, code: str) -> None:
        try:
            self._record(planned, LedgerState.IN_DOUBT, code=code)
        except LedgerError as error:
            self._failed(error)  # the row stays `sending`: the next run re-checks it all the same

    def finished(self, planned: PlannedFulfillment) -> None:
        self._record_or_set_aside(planned, LedgerState.outcome(planned.status))

    def not_sent(self, planned: PlannedFulfillment) -> None:
        self._record_or_set_aside(planned, NOT_SENT_STATE)

    def _record(
        self, planned: PlannedFulfillment, state: LedgerState, *, code: str | None = None
    ) -> None:
        for attempt in range(self.ATTEMPTS):
            try:
                self.ledger.record(self.shop, self.run_id, planned, state, code=code)
                return
            except LedgerError as error:
                if attempt == self.ATTEMPTS - 1 or error.code not in _PASSING:
                    raise
                time.sleep(self.BACKOFF * 2**attempt)

    def _record_or_set_aside(self, planned: PlannedFulfillment, state: LedgerState) -> None:
        try:
            self._record(planned, state)
        except LedgerError as error:
            with self._aside_lock:
                self.unrecorded.append(planned)
                self._aside.append(_Row.of(self.shop, self.run_id, planned, state))
                try:
                    self.unrecorded_file = self.ledger.set_aside(self.run_id, self._aside)
                except OSError:
                    self.unrecorded_file = None
            self._failed(error)

    def _failed(self, error: LedgerError) -> None:
        if self.failure is None:
            self.failure = error
        if self.on_failure is not None:
            self.on_failure(error)

    def trouble(self) -> LedgerError | None:
        """What the user must know when the ledger failed during the run, or None."""
        if not self.unrecorded:
            return self.failure
        reason = self.failure.message if self.failure else "?"
        reason = reason[:1].lower() + reason[1:].rstrip(".")
        outcomes = "; ".join(
            f"{p.order_label}/{p.tracking_number} {p.status.value}"
            + (f" {p.fulfillment_id}" if p.fulfillment_id else "")
            for p in self.unrecorded
        )
        kept = (
            f"They are kept in {self.unrecorded_file}; the next run records them."
            if self.unrecorded_file
            else "They could not be saved beside it either: keep these ids. The ledger still says "
            "`sending`, so the next run re-checks them instead of sending them blindly."
        )
        count = len(self.unrecorded)
        return LedgerError(
            "ledger_unrecorded",
            fields={
                "count": f"{count} fulfillment{'s were' if count > 1 else ' was'}",
                "reason": reason,
                "outcomes": outcomes,
                "kept": kept,
            },
            target=str(self.ledger.path),
        )


# Failures that may pass: another program's lock, a disk that gets some room, a passing I/O error.
_PASSING = frozenset({"ledger_locked", "ledger_disk_full", "ledger_unwritable"})
