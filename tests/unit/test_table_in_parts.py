"""A long fulfillments table is printed in parts (issue 13): the rows of one part exist while it
is printed, and the parts together are the very same text as the whole table."""

from __future__ import annotations

import io
import random

import pytest
from rich.console import Console

from fwfulfill.cli import tables
from fwfulfill.cli.streams import Output, OutputFormat
from fwfulfill.planning.plan import PlannedFulfillment, PlannedItem, Status


def _plan(count: int) -> list[PlannedFulfillment]:
    rng = random.Random(count)
    skus = ["TEE-BLK-M", "HOODIE-GRAY-XXL-LONG-NAME", ""]
    return [
        PlannedFulfillment(
            order_ref=f"R{i}",
            tracking_number="1Z" + "9" * rng.randint(5, 30),
            tracking_company=rng.choice(["UPS", "DHL Express", "A very long carrier name"]),
            items=[
                PlannedItem(f"v{j}", rng.randint(1, 3), rng.choice(skus))
                for j in range(rng.randint(0, 5))
            ],
            lines=tuple(sorted(rng.sample(range(2, 500), rng.randint(1, 4)))),
            order_id=f"{i:08d}-aaaa-bbbb-cccc-dddddddddddd",
            friendly_id=rng.choice([None, f"F{i:07d}", "X" * rng.randint(1, 30), "[b]Z[/b]"]),
            status=rng.choice(list(Status)),
            fulfillment_id=rng.choice([None, None, f"ful_{i}"]),
            error_message=rng.choice([None, "a reason to explain " * rng.randint(1, 4)]),
            error_code=rng.choice([None, "order_not_found"]),
        )
        for i in range(count)
    ]


def _shown(plan: list[PlannedFulfillment], width: int, **options: bool) -> str:
    buffer = io.StringIO()
    output = Output(OutputFormat.TABLE, stdout=buffer, no_color=True)
    output.__dict__["out"] = Console(
        file=buffer, width=width, no_color=True, highlight=False, soft_wrap=False
    )
    output.show(tables.fulfillments_table(plan, title="Planned", show_lines=True, **options))
    return buffer.getvalue()


@pytest.mark.parametrize("width", [40, 80, 120, 200])
@pytest.mark.parametrize("options", [{}, {"wide": True}, {"wide": True, "with_fix": True}])
def test_a_table_printed_in_parts_is_the_whole_table(
    monkeypatch: pytest.MonkeyPatch, width: int, options: dict[str, bool]
) -> None:
    plan = _plan(60)
    whole = _shown(plan, width, **options)
    monkeypatch.setattr(tables, "CHUNK_ROWS", 7)
    assert _shown(plan, width, **options) == whole


def test_each_part_holds_at_most_a_chunk_of_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "CHUNK_ROWS", 7)
    table = tables.fulfillments_table(_plan(60), title="Planned", show_lines=True)
    assert isinstance(table, tables.ChunkedTable)
    lines = []
    for part in table.parts():
        buffer = io.StringIO()
        Console(file=buffer, width=200, no_color=True).print(part)
        lines.append(len(buffer.getvalue().splitlines()))
    *rows, notes = lines
    assert rows == [3 + 7] + [7] * 7 + [4]  # the title, header and rule come with the first part
    assert notes > 0  # the notes come last, once
