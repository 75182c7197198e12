"""The ledger's states: one enum whose values are the strings on disk, its relation to the plan's
statuses, the code an in-doubt step records, and the chunked reads of many orders."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from fwfulfill.planning.plan import PlannedFulfillment, PlannedItem, Status
from fwfulfill.sending.ledger import (
    _CHUNK,
    LEDGER_FILE,
    SEND_OUTCOMES,
    Ledger,
    LedgerError,
    LedgerJournal,
    LedgerState,
)

SHOP = "sh_test"
# Every state an existing ledger holds, as fwfulfill has always written it.
STORED = ("sending", "in_doubt", "not_sent", "created", "already_exists", "failed", "uncertain")


def box(number: int = 0, *, friendly_id: str | None = None) -> PlannedFulfillment:
    return PlannedFulfillment(
        f"REF{number}",
        f"1Z{number:016d}",
        "UPS",
        [PlannedItem("v" * 36, 1, "TEE")],
        order_id=f"{number:08d}-0000-4000-8000-000000000000",
        friendly_id=friendly_id,
    )


def stored_states(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return [str(row[0]) for row in db.execute("SELECT state FROM fulfillments ORDER BY rowid")]


def test_the_states_are_the_stored_strings() -> None:
    assert sorted(state.value for state in LedgerState) == sorted(STORED)


@pytest.mark.parametrize("text", STORED)
def test_an_existing_ledgers_states_read_back_and_are_written_unchanged(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / LEDGER_FILE
    with Ledger(path) as ledger:
        ledger.record(SHOP, ledger.start_run(SHOP, "test"), box(), LedgerState(text))
    assert stored_states(path) == [text]
    with Ledger(path) as ledger:
        (entry,) = ledger.entries(SHOP, [box().order_id or ""])
        (event,) = ledger.events([entry])
    assert entry.state is LedgerState(text)
    assert event.state is LedgerState(text)
    assert entry.to_json()["state"] == text


def test_a_state_no_fwfulfill_writes_is_named_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / LEDGER_FILE
    with Ledger(path) as ledger:
        ledger.record(SHOP, ledger.start_run(SHOP, "test"), box(), LedgerState.CREATED)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE fulfillments SET state = 'teleported'")
    with Ledger(path) as ledger, pytest.raises(LedgerError) as caught:
        ledger.entries(SHOP, [box().order_id or ""])
    assert caught.value.code == "ledger_damaged"
    assert "teleported" in caught.value.message


@pytest.mark.parametrize("status", sorted(SEND_OUTCOMES, key=lambda s: s.value))
def test_a_send_outcome_is_recorded_under_its_status_name(status: Status) -> None:
    assert LedgerState.outcome(status).value == status.value


@pytest.mark.parametrize("status", [Status.PLANNED, Status.BLOCKED, Status.SKIPPED])
def test_planning_statuses_are_never_recorded(status: Status) -> None:
    with pytest.raises(ValueError, match=status.value):
        LedgerState.outcome(status)


def test_in_doubt_records_the_code_it_is_given_and_leaves_the_fulfillment_alone(
    tmp_path: Path,
) -> None:
    path = tmp_path / LEDGER_FILE
    planned = box()
    with Ledger(path) as ledger:
        journal = LedgerJournal(ledger, SHOP, ledger.start_run(SHOP, "test"))
        journal.sending(planned)
        journal.in_doubt(planned, "TIMEOUT")
        assert planned.error_code is None
        (entry,) = ledger.entries(SHOP, [planned.order_id or ""])
        steps = [(e.state, e.api_code) for e in ledger.events([entry])]
    assert (entry.state, entry.api_code) == (LedgerState.IN_DOUBT, "TIMEOUT")
    assert steps == [(LedgerState.SENDING, None), (LedgerState.IN_DOUBT, "TIMEOUT")]


def test_many_orders_are_read_in_chunks_by_id_and_by_friendly_id(tmp_path: Path) -> None:
    count = 2 * _CHUNK + 7
    boxes = [box(n, friendly_id=f"f{n:07d}") for n in range(count)]
    with Ledger(tmp_path / LEDGER_FILE) as ledger:
        run_id = ledger.start_run(SHOP, "test")
        for planned in boxes:
            ledger.record(SHOP, run_id, planned, LedgerState.CREATED)
        by_id = ledger.entries(SHOP, [b.order_id or "" for b in boxes] + ["not-an-order"])
        keys = [(b.friendly_id or "").upper() for b in boxes[::2]] + [
            b.order_id or "" for b in boxes[1::2]
        ]
        view = ledger.view_by_references(SHOP, keys)
    assert sorted(e.order_id for e in by_id) == sorted(b.order_id or "" for b in boxes)
    assert all(view.is_done(b.order_id or "", b.tracking_number) for b in boxes)
