"""The import rule of the README ("Development"): which part of fwfulfill may import which.

Every module's imports are read with `ast` (nothing is imported, so no import side effects), those
inside `if TYPE_CHECKING:` included: a type is a dependency too. The rule:

- Layers, one direction. A module imports its own layer and lower ones, never a higher one:
  cli -> usecases -> csv_input, sending -> planning -> api, auth, tracking -> the base.
  csv_input and sending share a layer but never import each other.
- Only the CLI (`fwfulfill.cli`, and `fwfulfill.__main__`, its `python -m` door) imports typer,
  rich or click, and nothing else imports the CLI.
- Only `fwfulfill.api` (and the sandbox's in-process transport) imports httpx.
- The sandbox stands apart: only the two CLI modules that run it import it, and it imports of the
  product only the wire models, `api.urls` (what counts as loopback) and the base it needs.

Each violation names the importing module, the line and the import, and why it is refused.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Top to bottom. A package name covers its submodules; "fwfulfill" is the root module only.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("fwfulfill.cli", "fwfulfill.__main__"),
    ("fwfulfill.usecases",),  # R1/R2: import_csv, send_plan, create_one, shop
    ("fwfulfill.csv_input", "fwfulfill.sending"),
    ("fwfulfill.planning",),
    ("fwfulfill.api", "fwfulfill.auth", "fwfulfill.tracking"),
    (
        "fwfulfill",
        "fwfulfill.errors",
        "fwfulfill.error_codes",
        "fwfulfill.paths",
        "fwfulfill.constants",
        "fwfulfill.atomic_file",
        "fwfulfill.csv_cells",
        "fwfulfill.env_settings",
    ),
)
# Parts of one layer that still never import each other.
APART = frozenset(
    {("fwfulfill.csv_input", "fwfulfill.sending"), ("fwfulfill.sending", "fwfulfill.csv_input")}
)

FRONT_END = ("fwfulfill.cli", "fwfulfill.__main__")
FRONT_END_LIBRARIES = ("typer", "rich", "click")
HTTPX_USERS = ("fwfulfill.api", "fwfulfill.sandbox.transport")

SANDBOX = "fwfulfill.sandbox"
SANDBOX_USERS = ("fwfulfill.cli.sandbox_access", "fwfulfill.cli.commands.sandbox")
SANDBOX_NEEDS = (
    "fwfulfill.api.models",  # the wire format it serves
    "fwfulfill.api.statuses",  # the order statuses of that format
    "fwfulfill.api.urls",  # `is_loopback`: the server binds this machine only
    "fwfulfill.constants",
    "fwfulfill.paths",
    "fwfulfill.atomic_file",
)


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # what it imports, as an absolute dotted name
    line: int
    file: Path


def module_name(root: Path, file: Path) -> str:
    parts = list(file.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(root: Path) -> Iterator[Import]:
    """Every import of every module of the `fwfulfill` package under `root`."""
    files = sorted((root / "fwfulfill").rglob("*.py"))
    modules = {module_name(root, file) for file in files}
    for file in files:
        module = module_name(root, file)
        package = module if file.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"), str(file))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield Import(module, alias.name, node.lineno, file)
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(node, package)
                for alias in node.names:
                    # `from fwfulfill import cli` imports the module fwfulfill.cli.
                    named = f"{base}.{alias.name}"
                    yield Import(module, named if named in modules else base, node.lineno, file)


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = parts[: len(parts) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def within(module: str, owner: str) -> bool:
    if owner == "fwfulfill":  # the root module, not the whole package
        return module == owner
    return module == owner or module.startswith(owner + ".")


def owner_of(module: str) -> tuple[int, str] | None:
    """The layer (0 = top) and the part of it that `module` belongs to."""
    for rank, layer in enumerate(LAYERS):
        for owner in layer:
            if within(module, owner):
                return rank, owner
    return None


def _layer_names(rank: int) -> str:
    return "/".join(owner.removeprefix("fwfulfill.") for owner in LAYERS[rank])


def check(item: Import) -> str | None:
    """Why this import breaks the rule, or None."""
    source, target = item.module, item.target
    top = target.split(".")[0]
    if top in FRONT_END_LIBRARIES and not any(within(source, f) for f in FRONT_END):
        return f"only the CLI imports {', '.join(FRONT_END_LIBRARIES)}"
    if top == "httpx" and not any(within(source, owner) for owner in HTTPX_USERS):
        return "only fwfulfill.api (and the sandbox's transport) imports httpx"
    if top != "fwfulfill":
        return None
    if within(source, SANDBOX):
        if within(target, SANDBOX) or any(within(target, need) for need in SANDBOX_NEEDS):
            return None
        return f"the sandbox imports of the product only {', '.join(SANDBOX_NEEDS)}"
    if within(target, SANDBOX):
        return (
            None
            if source in SANDBOX_USERS
            else "only " + " and ".join(SANDBOX_USERS) + (" import the sandbox (to run it)")
        )
    if within(target, "fwfulfill.cli") and not any(within(source, f) for f in FRONT_END):
        return "nothing outside the CLI imports fwfulfill.cli"
    placed, wanted = owner_of(source), owner_of(target)
    if placed is None or wanted is None:
        return None  # reported once per module by `unplaced`
    if wanted[0] < placed[0]:
        return (
            f"{_layer_names(placed[0])} is below {_layer_names(wanted[0])}: a lower layer never "
            "imports a higher one"
        )
    if (placed[1], wanted[1]) in APART:
        return f"{placed[1]} and {wanted[1]} share a layer and never import each other"
    return None


def unplaced(root: Path) -> list[str]:
    """Modules in no layer and not the sandbox's: the rule cannot say what they may import."""
    found = []
    for file in sorted((root / "fwfulfill").rglob("*.py")):
        module = module_name(root, file)
        if not within(module, SANDBOX) and owner_of(module) is None:
            found.append(
                f"{module} ({file.relative_to(root)}) is in no layer: add it to LAYERS in "
                "tests/test_architecture.py and to the README's package map"
            )
    return found


def violations(root: Path) -> list[str]:
    found = unplaced(root)
    for item in imports_of(root):
        why = check(item)
        if why is not None:
            where = f"{item.file.relative_to(root)}:{item.line}"
            found.append(f"{item.module} imports {item.target} ({where}): {why}")
    return found


# ---- the rule holds for fwfulfill ---------------------------------------------------------------


def test_fwfulfill_keeps_its_import_rule() -> None:
    found = violations(REPO)
    assert not found, "\n".join(found)


def test_the_walk_sees_the_imports_it_judges() -> None:
    # Not vacuous: the walk finds the imports the rule allows, in each direction it cares about.
    seen = {(item.module, item.target) for item in imports_of(REPO)}
    assert ("fwfulfill.cli.app", "typer") in seen
    assert ("fwfulfill.api.client", "httpx") in seen
    assert ("fwfulfill.planning.planner", "fwfulfill.api.models") in seen
    assert ("fwfulfill.sending.send", "fwfulfill.planning.plan") in seen
    assert ("fwfulfill.cli.commands.sandbox", "fwfulfill.sandbox.store") in seen
    # a relative import inside the sandbox, resolved
    assert any(m.startswith("fwfulfill.sandbox.") and t == "fwfulfill.api.models" for m, t in seen)


def test_the_sandbox_is_run_only_by_the_cli_modules_the_rule_names() -> None:
    users = {
        item.module
        for item in imports_of(REPO)
        if within(item.target, SANDBOX) and not within(item.module, SANDBOX)
    }
    assert users == set(SANDBOX_USERS)


# ---- the checker catches what it should (a made-up package in tmp_path) -----------------------

# The skeleton every case starts from: one module per part, each importing nothing.
SKELETON = (
    "fwfulfill/__init__.py",
    "fwfulfill/__main__.py",
    "fwfulfill/errors.py",
    "fwfulfill/error_codes.py",
    "fwfulfill/cli/__init__.py",
    "fwfulfill/cli/app.py",
    "fwfulfill/cli/sandbox_access.py",
    "fwfulfill/usecases/__init__.py",
    "fwfulfill/usecases/import_csv.py",
    "fwfulfill/csv_input/__init__.py",
    "fwfulfill/csv_input/rows.py",
    "fwfulfill/sending/__init__.py",
    "fwfulfill/sending/send.py",
    "fwfulfill/planning/__init__.py",
    "fwfulfill/planning/planner.py",
    "fwfulfill/api/__init__.py",
    "fwfulfill/api/client.py",
    "fwfulfill/api/models.py",
    "fwfulfill/tracking/__init__.py",
    "fwfulfill/tracking/shipment.py",
    "fwfulfill/sandbox/__init__.py",
    "fwfulfill/sandbox/app.py",
    "fwfulfill/sandbox/transport.py",
)

ALLOWED = {
    "fwfulfill/cli/app.py": "import typer\nfrom rich.table import Table\n"
    "from fwfulfill.usecases import import_csv\nfrom fwfulfill.planning.planner import x\n",
    "fwfulfill/__main__.py": "from fwfulfill.cli.app import main\n",
    "fwfulfill/cli/sandbox_access.py": "from fwfulfill.sandbox.transport import T\n",
    "fwfulfill/usecases/import_csv.py": "from ..csv_input import rows\n"
    "from ..sending import send\n",
    "fwfulfill/sending/send.py": "from fwfulfill.planning import planner\n"
    "import fwfulfill.api.client\n",
    "fwfulfill/csv_input/rows.py": "from fwfulfill.planning.planner import Draft\n"
    "from fwfulfill.tracking.shipment import s\n",
    "fwfulfill/planning/planner.py": "from fwfulfill.api.models import Order\n"
    "from fwfulfill.error_codes import lookup\n",
    "fwfulfill/api/client.py": "import httpx\nfrom . import models\nfrom fwfulfill import errors\n",
    "fwfulfill/tracking/shipment.py": "from fwfulfill.api.models import ShippingLabel\n",
    "fwfulfill/sandbox/app.py": "from fwfulfill.api.models import Order\nfrom . import transport\n",
    "fwfulfill/sandbox/transport.py": "import httpx\nfrom .app import SandboxApp\n",
    "fwfulfill/errors.py": "from fwfulfill.error_codes import lookup\n",
}

# (file, source) -> the one violation expected: "<module> imports <target>" and part of the why.
BROKEN = [
    ("fwfulfill/planning/planner.py", "import typer\n", "planning.planner imports typer", "CLI"),
    ("fwfulfill/sending/send.py", "from rich.table import Table\n", "imports rich.table", "CLI"),
    ("fwfulfill/api/client.py", "import click\n", "api.client imports click", "only the CLI"),
    (
        "fwfulfill/usecases/import_csv.py",
        "from fwfulfill.cli import app\n",
        "usecases.import_csv imports fwfulfill.cli.app",
        "outside the CLI",
    ),
    (
        "fwfulfill/sending/send.py",
        "from ..cli.app import main\n",
        "sending.send imports fwfulfill.cli.app",
        "outside the CLI",
    ),
    (
        "fwfulfill/api/client.py",
        "from fwfulfill.planning.planner import build_plan\n",
        "api.client imports fwfulfill.planning.planner",
        "below planning",
    ),
    (
        "fwfulfill/api/models.py",
        "from fwfulfill.sending import send\n",
        "api.models imports fwfulfill.sending.send",
        "lower layer never imports a higher one",
    ),
    (
        "fwfulfill/planning/planner.py",
        "from fwfulfill.sending.send import x\n",
        "planning.planner imports fwfulfill.sending.send",
        "below csv_input/sending",
    ),
    (
        "fwfulfill/planning/planner.py",
        "from ..usecases import import_csv\n",
        "planning.planner imports fwfulfill.usecases.import_csv",
        "below usecases",
    ),
    (
        "fwfulfill/sending/send.py",
        "import fwfulfill.usecases.import_csv\n",
        "sending.send imports fwfulfill.usecases.import_csv",
        "below usecases",
    ),
    (
        "fwfulfill/sending/send.py",
        "from fwfulfill.csv_input.rows import read_rows\n",
        "sending.send imports fwfulfill.csv_input.rows",
        "never import each other",
    ),
    (
        "fwfulfill/tracking/shipment.py",
        "from fwfulfill.planning.planner import problem\n",
        "tracking.shipment imports fwfulfill.planning.planner",
        "below planning",
    ),
    (
        "fwfulfill/error_codes.py",
        "from fwfulfill.api import models\n",
        "error_codes imports fwfulfill.api.models",
        "lower layer never imports",
    ),
    (
        "fwfulfill/planning/planner.py",
        "import httpx\n",
        "planning.planner imports httpx",
        "only fwfulfill.api",
    ),
    (
        "fwfulfill/cli/app.py",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import httpx\n",
        "cli.app imports httpx",
        "only fwfulfill.api",
    ),
    (
        "fwfulfill/api/client.py",
        "from fwfulfill.sandbox.transport import T\n",
        "api.client imports fwfulfill.sandbox.transport",
        "import the sandbox",
    ),
    (
        "fwfulfill/cli/app.py",
        "from fwfulfill.sandbox import app\n",
        "cli.app imports fwfulfill.sandbox.app",
        "import the sandbox",
    ),
    (
        "fwfulfill/sandbox/app.py",
        "from fwfulfill.planning.planner import build_plan\n",
        "sandbox.app imports fwfulfill.planning.planner",
        "the sandbox imports of the product only",
    ),
    (
        "fwfulfill/sandbox/app.py",
        "from fwfulfill.api.client import ApiClient\n",
        "sandbox.app imports fwfulfill.api.client",
        "the sandbox imports of the product only",
    ),
    (
        "fwfulfill/sandbox/app.py",
        "from typer import echo\n",
        "sandbox.app imports typer",
        "only the CLI",
    ),
    ("fwfulfill/misc.py", "", "fwfulfill.misc (fwfulfill/misc.py) is in no layer", "add it"),
]


def make_package(root: Path, changed: dict[str, str]) -> Path:
    for name in SKELETON:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("", encoding="utf-8")
    for name, source in {**ALLOWED, **changed}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(source, encoding="utf-8")
    return root


def test_imports_the_rule_allows_are_no_violation(tmp_path: Path) -> None:
    assert violations(make_package(tmp_path, {})) == []


@pytest.mark.parametrize(
    ("file", "source", "names", "why"), BROKEN, ids=[case[2] for case in BROKEN]
)
def test_each_broken_rule_is_reported_naming_module_and_import(
    tmp_path: Path, file: str, source: str, names: str, why: str
) -> None:
    (found,) = violations(make_package(tmp_path, {file: source}))
    assert names in found
    assert why in found
    if source:
        assert f"({file}:" in found  # the file and line to open
