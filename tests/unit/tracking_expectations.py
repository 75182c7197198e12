"""Frozen answers of the tracking checks, for the differential test (issue 13).

`tests/unit/data/tracking_expectations.json` holds, for every number of a broad corpus, a digest of
everything the tracking code says about it: `shipment` under every carrier text and service text of
`CARRIER_TEXTS`/`SERVICE_TEXTS`, `check_tracking` under every carrier key, `identify` for every
carrier, and `normalize_tracking_number`. It was written by main's code before the per-label fast
path (main at 2207639), so the test proves the fast path answers exactly as the code it replaced.

Regenerate (only when a change of behaviour is intended) with the code to freeze on the path first,
e.g. main's:

    git -C /work/main archive main fwfulfill | tar -x -C /tmp/frozen
    PYTHONPATH=/tmp/frozen .venv/bin/python tests/unit/tracking_expectations.py --write

(run as a file, not with `-m`, so that PYTHONPATH's fwfulfill is the one imported). `--full FILE`
writes the undigested answers instead, to diff two versions of the code line by line.
"""

from __future__ import annotations

import hashlib
import json
import random
import string
import sys
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import fwfulfill
from fwfulfill.tracking import (
    FormatMatch,
    TrackingCheck,
    check_tracking,
    identify,
    normalize_tracking_number,
)
from fwfulfill.tracking.carriers import all_carriers
from fwfulfill.tracking.courier_data import load_formats
from fwfulfill.tracking.shipment import Shipment, shipment

FIXTURE = Path(__file__).resolve().parent / "data" / "tracking_expectations.json"

CARRIER_TEXTS: tuple[str | None, ...] = (
    *("USPS", "UPS", "FedEx", "DHL", "DHL Express", "DHL eCommerce", "Canada Post"),
    *("Royal Mail", "DPD", "OnTrac", "LaserShip", "Amazon", "Purolator", "Hermes", ""),
    *("Acme Freight", None, "  ", "usps", "UPS® Ground", "Australia Post", "GLS"),
    *("=HYPERLINK(1)", "Deutsche Post", "dhl_express"),
)
# Service texts matter only when no carrier is given (or the given one is blank).
SERVICE_TEXTS: tuple[str | None, ...] = (
    None,
    "",
    "  ",
    "Priority Mail",
    "UPS® Ground",
    "DHL",
    "FedEx Home Delivery",
    "Royal Mail Tracked 24",
    "Mystery Service",
)
CHECK_KEYS: tuple[str | None, ...] = (
    None,
    *(carrier.key for carrier in all_carriers()),
    "other",
    "no_such_carrier",
)


def _mod10(serial: str, evens: int, odds: int, reverse: bool) -> str:
    digits = [int(c) if c.isdigit() else (ord(c) - 3) % 10 for c in serial]
    ordered = digits[::-1] if reverse else digits
    total = sum(d * (odds if i % 2 else evens) for i, d in enumerate(ordered))
    return str((10 - total % 10) % 10)


def _generated(rng: random.Random) -> Iterator[str]:
    """Numbers like the benchmark files' (valid check digits), and near misses of them."""
    digits = string.digits
    for _ in range(60):
        serial = "94" + "".join(rng.choices(digits, k=19))
        usps = serial + _mod10(serial, 3, 1, True)
        yield usps
        yield usps[:-1] + str((int(usps[-1]) + 1) % 10)  # check digit off by one
        yield usps[:15] + "0" * 7  # what Excel leaves of it
    for _ in range(40):
        body = "".join(rng.choices(string.ascii_uppercase + digits, k=6)) + "03"
        body += "".join(rng.choices(digits, k=7))
        yield "1Z" + body + _mod10(body, 1, 2, False)
    for _ in range(40):
        yield "".join(rng.choices(digits, k=rng.randint(8, 34)))
        yield "".join(rng.choices(string.ascii_uppercase + digits, k=rng.randint(6, 30)))
        yield (
            "".join(rng.choices(string.ascii_uppercase, k=2))
            + "".join(rng.choices(digits, k=9))
            + rng.choice(("US", "GB", "CA", "CN", "XX", "DE", "AU"))
        )
    for prefix in ("GM", "LX", "1LS7", "TBA", "420", "92", "93", "0", "00", "JJD", "1LSCX"):
        for _ in range(6):
            yield prefix + "".join(rng.choices(digits, k=rng.randint(8, 24)))


def _damaged(number: str, rng: random.Random) -> Iterator[str]:
    """The ways a spreadsheet or a person hands a number over."""
    yield number.lower()
    yield f"  {number}\t"
    yield " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    yield number[:3] + "\u200b" + number[3:] + "\ufeff"
    yield "'" + number
    yield "''" + number
    yield "' " + number
    yield number[:5] + "-" + number[5:]
    yield number + "-"
    yield number + "ü"
    yield number * 6  # too long
    if number[:1].isdigit() and len(number) > 1:
        yield number[1:]  # a leading digit lost
        yield f"{number[0]}.{number[1:6]}E+{len(number) - 1}"
        yield f"{number[0]},{number[1:6]}E+{len(number) - 1}"
    if rng.random() < 0.2:
        yield "\u00a0" + number + "\u2060"


_SPECIAL = (
    *("", " ", "'", "''", "'''123456789", "''123", "'123", "-", "--", "1Z", "94", "GM", "1LS7"),
    *("TBD", "tbd", "TBA", "N/A", "n/a", "NA", "pending", "PENDING", "none", "NULL", "unknown"),
    *("TEST", "test123", "000000", "1111111", "9999999999", "12345", "123456", "ABCDEFGHIJ"),
    *("9.40011E+21", "9,40011E+21", "1E+15", "6.24E+106", "-9.4E+21", "6240E103", "9.4e21"),
    *("9400111899223100000000", "940011189922310000000", "1234567890123450000"),
    *("123456789012", "012345678901", "0123456789012345", "123456789012345", "12345678901234"),
    *("x" * 101, "9" * 100, "9" * 101, "1Z" + "A" * 99, "A-B-C-D-E-F", "AB--CD1234"),
    *("1LS712345678-1", "1LS7123456789012-1", "1ls7 1234 5678-1", "94\u0663" + "1" * 19),
    *(
        "\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff10",
        "ÀBCDEF123456",
        "RB123456785GB",
        "RB123456785XX",
        "rb123456785us",
    ),
    *("LX123456789US", "CP123456785CA", "EE123456785AU", "JJD0123456789", "=1+1", "+123456"),
    *("\u200b", "\ufeff", "\t\n", "1 2 3 4 5 6 7", "1\u200b2\u200c3\u200d4\u20605\ufeff6"),
)


def corpus() -> list[str]:
    """Every number the expectations cover, in a fixed order, without repeats."""
    rng = random.Random(13)
    examples = [n for fmt in load_formats() for n in fmt.valid_examples + fmt.invalid_examples]
    generated = list(_generated(rng))
    numbers = [*examples, *_SPECIAL, *generated]
    numbers += [damaged for n in examples + generated[:60] for damaged in _damaged(n, rng)]
    return list(dict.fromkeys(numbers))


def _finding(finding: Any) -> list[Any]:
    return [finding.code, repr(finding.severity), finding.message]


def _shipment(label: Shipment) -> list[Any]:
    return [
        label.tracking_number,
        label.carrier_key,
        label.tracking_company,
        [_finding(f) for f in label.findings],
        label.has_errors,
        type(label.findings).__name__,
    ]


def _check(check: TrackingCheck) -> list[Any]:
    findings = [_finding(f) for f in check.findings]
    return [check.number, check.inferred_carrier, findings, check.has_errors]


def _format_match(match: FormatMatch) -> list[Any]:
    return [
        match.courier_code,
        match.format_id,
        match.format_name,
        match.checksum_ok,
        match.distinctive,
        match.carrier_key,
        match.issuer,
    ]


def _format_matches(matches: list[FormatMatch]) -> list[Any]:
    return [_format_match(m) for m in matches]


def _answer(call: Callable[[], Any], encode: Callable[[Any], Any]) -> Any:
    try:
        return encode(call())
    except Exception as error:  # an exception is an answer too, and must stay the same
        return ["raised", type(error).__name__, str(error)]


def answers(number: str) -> dict[str, Any]:
    """Everything the tracking code says about one number (plain JSON values)."""
    labels = {
        f"{carrier!r}|{service!r}": _answer(
            partial(shipment, carrier, number, service_text=service), _shipment
        )
        for carrier in CARRIER_TEXTS
        for service in (SERVICE_TEXTS if not (carrier or "").strip() else (None, "UPS Ground"))
    }
    checks = {
        repr(key): _answer(partial(check_tracking, number, key), _check) for key in CHECK_KEYS
    }
    found = {
        repr(key): _answer(partial(identify, number, for_carrier=key), _format_matches)
        for key in CHECK_KEYS
    }
    normal = _answer(lambda: normalize_tracking_number(number), lambda n: n)
    return {"shipment": labels, "check_tracking": checks, "identify": found, "normalize": normal}


def digest(number: str) -> str:
    text = json.dumps(answers(number), sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:20]


def main(arguments: list[str]) -> None:
    print(f"fwfulfill from {Path(fwfulfill.__file__).parent}", file=sys.stderr)
    if arguments[:1] == ["--full"]:
        full = {number: answers(number) for number in corpus()}
        Path(arguments[1]).write_text(json.dumps(full, indent=1, sort_keys=True), encoding="utf-8")
        return
    if arguments != ["--write"]:
        raise SystemExit("usage: tracking_expectations.py --write | --full FILE")
    table = {number: digest(number) for number in corpus()}
    FIXTURE.parent.mkdir(exist_ok=True)
    FIXTURE.write_text(json.dumps(table, indent=0) + "\n", encoding="utf-8")
    print(f"{len(table)} numbers -> {FIXTURE}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
