"""The per-label fast path of the tracking checks (issue 13) answers exactly as main's code did.

For every number of a broad corpus (every courier example, valid and invalid, numbers like the
benchmark files', Excel damage, lower case, inner spaces, zero-width characters, `'` and `''`
prefixes, placeholders, hyphens, too long...), the fixture holds a digest of main's answers:
`shipment` under every carrier text and service text, `check_tracking` under every carrier key,
`identify` for every carrier, `normalize_tracking_number` (see `tracking_expectations`).
"""

from __future__ import annotations

import json

import pytest

from tests.unit.tracking_expectations import FIXTURE, answers, corpus, digest

_CHUNKS = 6


def _expected() -> dict[str, str]:
    table: dict[str, str] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return table


def test_the_frozen_corpus_is_the_corpus_of_the_generator() -> None:
    """The fixture covers every number the generator makes (nothing silently dropped)."""
    assert list(_expected()) == corpus()
    assert len(_expected()) > 4000


@pytest.mark.parametrize("chunk", range(_CHUNKS))
def test_every_answer_of_the_tracking_checks_is_main_s_answer(chunk: int) -> None:
    numbers = list(_expected().items())[chunk::_CHUNKS]
    for number, expected in numbers:
        assert digest(number) == expected, (number, answers(number))
