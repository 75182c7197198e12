"""The examples every command's --help ends with (gh style): real commands, runnable as written
against the built-in sandbox shop; tests/test_help.py runs them."""

from __future__ import annotations

EXAMPLES: dict[str, tuple[str, ...]] = {
    "create": (
        "fwfulfill --sandbox create D3XZFWPP --all -t usps:9400111899223817654305",
        "fwfulfill --sandbox create 8QRT5YLX --all -t ups:1Z999AA10123456293 --dry-run",
    ),
    "from-csv": (
        "fwfulfill --sandbox from-csv examples/shipstation.csv --dry-run",
        "fwfulfill --sandbox from-csv - --offline < examples/pirateship.csv",
        "fwfulfill --sandbox from-csv examples/easypost.csv --yes --report out.csv",
        "fwfulfill from-csv examples/3pl-multi-tracking.csv --offline --multi-box first",
    ),
    "history": (
        "fwfulfill --sandbox history",
        "fwfulfill --sandbox history K7M2QX4N",
        "fwfulfill --sandbox history -o json",
        "fwfulfill --sandbox history -o csv > sent.csv",
    ),
    "template": (
        "fwfulfill template",
        "fwfulfill template > labels.csv",
    ),
    "carriers": (
        "fwfulfill carriers",
        "fwfulfill carriers -o json",
    ),
    "auth login": (
        "fwfulfill sandbox serve --port 8787   # in another terminal",
        "fwfulfill auth login --profile demo --api-url http://127.0.0.1:8787",
    ),
    "auth status": (
        "fwfulfill auth status",
        "fwfulfill auth status --offline -o json",
    ),
    "auth logout": (
        "fwfulfill auth logout --profile demo",
        "fwfulfill auth logout --all",
    ),
    "orders show": (
        "fwfulfill --sandbox orders show D3XZFWPP",
        "fwfulfill --sandbox orders show '#c4l8vr2m' -o json",
    ),
    "orders list": (
        "fwfulfill --sandbox orders list --status confirmed --since 7d",
        "fwfulfill --sandbox orders list --email alex.rivera@example.com",
        "fwfulfill --sandbox orders list -n 200 -o json",
        "fwfulfill --sandbox orders list --status confirmed -o csv > orders.csv",
    ),
    "orders export": (
        "fwfulfill --sandbox orders export --output open-orders.csv --force",
        "fwfulfill --sandbox orders export --format pirateship --output - --excel",
        "fwfulfill --sandbox orders export -f easypost --since 30d --output -",
    ),
    "sandbox serve": (
        "fwfulfill sandbox serve --port 8787",
        "fwfulfill sandbox serve --port 0 --latency 0.1-0.3 --faults 5xx=0.1,seed=7",
    ),
    "sandbox reset": (
        "fwfulfill --sandbox sandbox reset",
        "fwfulfill sandbox reset --seed shop.json   # your own orders (see the README)",
    ),
    "sandbox show": (
        "fwfulfill --sandbox sandbox show",
        "fwfulfill --sandbox sandbox show -o json",
    ),
}


def epilog(command: str) -> str:
    """The `Examples:` block for COMMAND ("create", "orders list"), one command a line."""
    lines = "\n\n".join(f"  {example}" for example in EXAMPLES[command])
    return f"Examples:\n\n{lines}"
