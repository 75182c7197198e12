"""A plan's fulfillments are written to JSON as texts made directly (`FulfillmentsJson.texts`),
not as dicts encoded one by one: every text is byte for byte what `json.dumps(f.to_json())`
writes, whatever the strings (quotes, control characters, any script), the items and the outcome."""

from __future__ import annotations

import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from fwfulfill.cli.streams import Output, OutputFormat
from fwfulfill.planning.plan import (
    FulfillmentsJson,
    Plan,
    PlannedFulfillment,
    PlannedItem,
    Status,
)

_TEXT = st.text(max_size=12)  # every code point hypothesis draws: escapes, surrogates, emoji
_COUNT = st.integers(min_value=0, max_value=10**7)

_ITEMS = st.builds(PlannedItem, _TEXT, _COUNT, _TEXT, _TEXT)

_FULFILLMENTS = st.builds(
    PlannedFulfillment,
    order_ref=_TEXT,
    tracking_number=_TEXT,
    tracking_company=_TEXT,
    items=st.lists(_ITEMS, max_size=4),
    lines=st.lists(st.integers(min_value=1, max_value=10**6), max_size=4).map(tuple),
    order_id=st.none() | _TEXT,
    friendly_id=st.none() | _TEXT,
    status=st.sampled_from(Status),
    fulfillment_id=st.none() | _TEXT,
    error_code=st.none() | _TEXT,
    error_message=st.none() | _TEXT,
)


@settings(max_examples=400)
@given(_FULFILLMENTS)
def test_a_fulfillments_text_is_what_json_dumps_writes_for_its_dict(
    fulfillment: PlannedFulfillment,
) -> None:
    assert fulfillment.json_text({}) == json.dumps(fulfillment.to_json())


@settings(max_examples=100)
@given(st.lists(_FULFILLMENTS, max_size=6), st.lists(_ITEMS, min_size=1, max_size=3))
def test_items_shared_by_many_fulfillments_are_written_the_same_in_each(
    fulfillments: list[PlannedFulfillment], shared: list[PlannedItem]
) -> None:
    for fulfillment in fulfillments:
        fulfillment.items.extend(shared)
    texts = list(FulfillmentsJson(fulfillments).texts())
    assert texts == [json.dumps(f.to_json()) for f in fulfillments]
    assert list(FulfillmentsJson(fulfillments)) == [f.to_json() for f in fulfillments]


def _plan() -> Plan:
    item = PlannedItem("6a0b3c1e-0000-4000-8000-000000000001", 2, "TEE-\u00e9", 'Tee "Caf\u00e9"')
    return Plan(
        fulfillments=[
            PlannedFulfillment(
                f"#ORD{index}",
                f"1Z{index:016d}",
                "UPS",
                items=[item] * (index % 3),
                lines=(index + 2,),
                friendly_id=f"ORD{index}",
                status=Status.FAILED if index % 5 == 0 else Status.PLANNED,
                error_code="X_Y" if index % 5 == 0 else None,
                error_message="\u2603 line\nbreak" if index % 5 == 0 else None,
            )
            for index in range(1100)  # more than two of the writer's batches of 512
        ],
        rows_read=1100,
    )


def test_a_streamed_plan_is_the_json_of_its_dicts_whatever_the_output() -> None:
    plan = _plan()
    piped = io.StringIO()
    Output(OutputFormat.JSON, stdout=piped).data_fields(plan.json_fields())
    fields = plan.json_fields()
    expected = (
        "{"
        + ",".join(
            json.dumps(key)
            + ":"
            + (
                "[" + ",".join(json.dumps(element) for element in value) + "]"
                if isinstance(value, FulfillmentsJson) or key == "problems"
                else json.dumps(value)
            )
            for key, value in fields
        )
        + "}\n"
    )
    assert piped.getvalue() == expected
    assert json.loads(piped.getvalue()) == plan.to_json()
