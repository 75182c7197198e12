"""A streamed JSON array (the plan's fulfillments) is written in batches by one reused encoder:
the bytes are those of `json.dumps` per element, joined by bare commas, whatever the count."""

from __future__ import annotations

import io
import json

from fwfulfill.cli.streams import Output, OutputFormat

_ELEMENT_COUNTS = (0, 1, 511, 512, 513, 1025)


def _element(index: int) -> dict[str, object]:
    return {
        "lines": [index, index + 1],
        "friendlyId": f"ORD{index}",
        "name": 'Caf\u00e9 \u2603 "quoted"',
        "quantity": index % 7,
        "price": index / 3,
        "error": None if index % 2 else {"code": "x", "message": "<&>"},
        "items": [],
    }


def test_streamed_array_bytes_equal_json_dumps_of_each_element() -> None:
    for count in _ELEMENT_COUNTS:
        stdout = io.StringIO()
        output = Output(OutputFormat.JSON, stdout=stdout)
        elements = [_element(index) for index in range(count)]
        output.data_fields([("fulfillments", iter(elements)), ("summary", {"n": count})])
        expected = (
            '{"fulfillments":['
            + ",".join(json.dumps(element) for element in elements)
            + '],"summary":'
            + json.dumps({"n": count})
            + "}\n"
        )
        assert stdout.getvalue() == expected, count
        assert json.loads(stdout.getvalue())["fulfillments"] == elements
