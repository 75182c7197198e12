"""Files fwfulfill writes: reports, config, credentials, the ledger and the state directory.

Reports are written whole (a random temporary file, O_EXCL, fsync, rename), never over something
that is not a regular file, with the mode of the file they replace (0600 when new); the report path
is checked before anything is sent. Private folders are 0700 and the ledger 0600 whatever the umask.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, RunningSandbox, write_csv

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes, FIFOs and symlinks")

USPS = ["9400111899223817654503", "9400111899223817654510"]
TWO_MORE_USPS = ["9400111899223817654527", "9400111899223817654534"]
HEADER = ["order", "tracking_number", "carrier", "sku", "quantity"]
POST = "POST /open-api/v1.0/fulfillments"


def labels(tmp_path: Path, *rows: list[str]) -> Path:
    return write_csv(tmp_path / "labels.csv", [HEADER, *rows])


def one_label(tmp_path: Path) -> Path:
    return labels(tmp_path, ["K7M2QX4N", USPS[0], "USPS", "HOODIE-GRY-L", "1"])


def posts(shop: RunningSandbox) -> int:
    return int(shop.stats()["requests"].get(POST, 0))


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _umask(value: int) -> Iterator[None]:
    previous = os.umask(value)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture
def umask_000() -> Iterator[None]:
    yield from _umask(0)


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, under which reports and the ledger used to be 0644."""
    yield from _umask(0o022)


# ---- the report's target ---------------------------------------------------------------------


def test_report_to_dev_null_is_not_replaced(cli: Cli, start_sandbox: Any, tmp_path: Path) -> None:
    # /dev/null itself is never risked: a FIFO and a symlink to /dev/null stand for it (before the
    # fix, the rename replaced the path given, whatever it was).
    shop = start_sandbox()
    file = one_label(tmp_path)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    link = tmp_path / "null.csv"
    link.symlink_to(os.devnull)
    for target in (fifo, link):
        result = cli("from-csv", str(file), "--yes", "--report", str(target), env=shop.env())
        assert result.exit_code == 2, result
        assert "--report" in result.stderr
        assert "not a regular file" in result.stderr
        assert posts(shop) == 0
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert link.is_symlink()
    assert os.readlink(link) == os.devnull
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode)


def test_report_temp_file_symlink_is_not_followed(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox()
    file = one_label(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    report = tmp_path / "report.csv"
    (tmp_path / ".report.csv.tmp").symlink_to(victim)  # the name the report used to write to

    result = cli("from-csv", str(file), "--yes", "--report", str(report), env=shop.env())

    assert result.exit_code == 0, result
    assert victim.read_text() == "precious\n"
    assert "created" in report.read_text(encoding="utf-8-sig")
    leftovers = {p.name for p in tmp_path.iterdir()} - {"labels.csv", "report.csv", "victim.txt"}
    assert leftovers == {".report.csv.tmp", "user"}  # the planted link, untouched; no temp left


def test_report_written_beside_a_directory_at_its_old_temp_name(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox()
    file = one_label(tmp_path)
    report = tmp_path / "report.csv"
    (tmp_path / ".report.csv.tmp").mkdir()

    result = cli("from-csv", str(file), "--yes", "--report", str(report), env=shop.env())

    assert result.exit_code == 0, result
    assert "created" in report.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(
    "name",
    ["", "{tmp}", "{tmp}/missing/report.csv", "{tmp}/labels.csv/report.csv"],
    ids=["empty", "directory", "missing-folder", "file-as-folder"],
)
def test_report_empty_path_refused_before_sending(
    cli: Cli, start_sandbox: Any, tmp_path: Path, name: str
) -> None:
    shop = start_sandbox()
    file = one_label(tmp_path)
    result = cli(
        "from-csv", str(file), "--yes", "--report", name.format(tmp=tmp_path), env=shop.env()
    )
    assert result.exit_code == 2, result
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result
    assert lines[0].startswith("error: --report: "), result
    assert posts(shop) == 0


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda report: report.mkdir(exist_ok=True), "it is a directory"),
        (lambda report: shutil.rmtree(report.parent, ignore_errors=True), "No such file"),
    ],
    ids=["path-became-a-directory", "folder-removed"],
)
def test_report_not_written_after_sending_keeps_the_run_exit_code(
    cli: Cli, tmp_path: Path, damage: Callable[[Path], object], said: str
) -> None:
    """The report's target is damaged while sending: said on stderr, the run's outcome stands."""
    from fwfulfill.sandbox import SandboxApp, SandboxServer
    from fwfulfill.sandbox.demo import demo_seed
    from fwfulfill.sandbox.seed import parse_seed
    from fwfulfill.sandbox.state import SandboxState

    (tmp_path / "out").mkdir()
    report = tmp_path / "out" / "report.csv"
    state = SandboxState.from_seed(parse_seed(demo_seed(), source="test seed"))
    # on_change runs when the POST has created the fulfillment, before its answer goes out.
    app = SandboxApp(state, on_change=lambda _: damage(report))
    server = SandboxServer(app).start()
    try:
        env = {
            "FOURTHWALL_API_USERNAME": state.credentials.username,
            "FOURTHWALL_API_PASSWORD": state.credentials.password,
            "FWFULFILL_API_URL": server.url,
        }
        result = cli(
            "from-csv", str(one_label(tmp_path)), "--yes", "-o", "json", "--report", str(report),
            env=env,
        )  # fmt: skip
    finally:
        server.stop()
    assert result.exit_code == 0, result
    assert [f["status"] for f in result.json()["fulfillments"]] == ["created"]
    flat = " ".join(result.stderr.split())
    assert f"error: --report: cannot write {report}: {said}" in flat
    assert "fwfulfill history" in flat
    assert "internal error" not in flat


# ---- the report's mode and content -------------------------------------------------------------


def test_report_keeps_mode_0600(cli: Cli, tmp_path: Path, umask_022: None) -> None:
    file = one_label(tmp_path)
    kept = tmp_path / "kept.csv"
    kept.write_text("old report\n")
    kept.chmod(0o600)
    new = tmp_path / "new.csv"

    for report in (kept, new):
        result = cli("from-csv", str(file), "--offline", "--report", str(report))
        assert result.exit_code == 0, result
        assert mode_of(report) == 0o600
    # A mode the user chose for their report is kept too.
    kept.chmod(0o640)
    assert cli("from-csv", str(file), "--offline", "--report", str(kept)).exit_code == 0
    assert mode_of(kept) == 0o640
    assert "K7M2QX4N" in kept.read_text(encoding="utf-8-sig")


def test_report_keeps_cells_beyond_header_width(cli: Cli, tmp_path: Path) -> None:
    file = write_csv(
        tmp_path / "labels.csv",
        [
            HEADER,
            ["K7M2QX4N", USPS[0], "USPS", "HOODIE-GRY-L", "1", "gift wrap", "fragile"],
            ["P9T4WB2R", USPS[1], "USPS", "STICKER-PACK", "3"],
        ],
    )
    report = tmp_path / "report.csv"
    result = cli("from-csv", str(file), "--offline", "--report", str(report))
    assert result.exit_code == 0, result
    with report.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["column 6"] == "gift wrap"
    assert rows[0]["column 7"] == "fragile"
    assert rows[1]["column 6"] == rows[1]["column 7"] == ""
    assert [row["fwfulfill line"] for row in rows] == ["2", "3"]
    assert [row["fwfulfill outcome"] for row in rows] == ["planned", "planned"]


# ---- the state directory and the ledger ---------------------------------------------------------


def test_state_dir_0700_under_umask_000(cli: Cli, tmp_path: Path, umask_000: None) -> None:
    state = Path(os.environ["FWFULFILL_STATE_DIR"])
    assert not state.exists()
    # The sandbox store creates the state directory first, then the lock and the ledger use it.
    result = cli("--sandbox", "from-csv", str(one_label(tmp_path)), "--yes")
    assert result.exit_code == 0, result
    for folder in (state.parent, state, state / "sandbox", state / "locks"):
        assert mode_of(folder) == 0o700, folder
    assert mode_of(state / "sandbox" / "state.json") == 0o600
    assert mode_of(state / "ledger.sqlite3") == 0o600


def test_ledger_file_0600(tmp_path: Path, umask_022: None) -> None:
    from fwfulfill.sending.ledger import Ledger

    path = tmp_path / "state" / "ledger.sqlite3"
    with Ledger(path) as ledger:
        ledger.start_run("shop", "test")
        companions = [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm")]
        assert all(p.exists() for p in companions)  # WAL: both exist while it is open
        assert mode_of(path) == 0o600
        assert [mode_of(p) for p in companions] == [0o600, 0o600]
    assert mode_of(path.parent) == 0o700


# ---- the insecure credentials file --------------------------------------------------------------


def insecure_file() -> Path:
    return Path(os.environ["FWFULFILL_CONFIG_DIR"]) / "credentials-insecure.json"


def test_insecure_credentials_readable_by_others_refused(cli: Cli, start_sandbox: Any) -> None:
    shop: RunningSandbox = start_sandbox()
    stored = insecure_file()
    stored.parent.mkdir(parents=True)
    stored.write_text(
        json.dumps({"default": {"username": shop.username, "password": shop.password}})
    )
    stored.chmod(0o644)

    result = cli("orders", "list", "-o", "json", env={"FWFULFILL_API_URL": shop.url})

    assert result.exit_code == 4, result
    flat = " ".join(result.stderr.split())
    assert f"{stored} has mode 0644" in flat
    assert f"run `chmod 600 {stored}`" in flat
    assert result.json()["error"]["code"] == "insecure_credentials_exposed"
    assert shop.password not in result.stdout + result.stderr
    assert shop.stats()["requests"] == {}  # the password was not used

    stored.chmod(0o600)
    fixed = cli("orders", "list", "-o", "json", env={"FWFULFILL_API_URL": shop.url})
    assert fixed.exit_code == 0, fixed


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "not a JSON object of profiles"),
        ('{"default": {"username": "u"}}', "the entry of profile 'default' has no token"),
        ("\udcff", "not UTF-8 text"),
    ],
    ids=["not-json", "a-list", "no-password", "not-utf8"],
)
def test_corrupt_insecure_credentials_said(
    cli: Cli, start_sandbox: Any, content: str, reason: str
) -> None:
    shop: RunningSandbox = start_sandbox()
    stored = insecure_file()
    stored.parent.mkdir(parents=True)
    stored.write_bytes(content.encode("utf-8", "surrogateescape"))
    stored.chmod(0o600)
    before = stored.read_bytes()

    login = cli(
        "auth", "login", "--api-url", shop.url, "--username", shop.username, "--password-stdin",
        "--insecure-storage", input=shop.password + "\n",
    )  # fmt: skip

    assert login.exit_code == 4, login
    flat = " ".join(login.stderr.split())
    assert f"{stored} is corrupt ({reason}" in flat
    assert "fwfulfill auth login --insecure-storage" in flat
    assert stored.read_bytes() == before  # not overwritten as if it were empty
    assert shop.password not in login.stdout + login.stderr


def test_insecure_credentials_file_of_the_wrong_kind_is_exit_2(
    cli: Cli, start_sandbox: Any
) -> None:
    shop: RunningSandbox = start_sandbox()
    stored = insecure_file()
    stored.mkdir(parents=True)  # a directory where the file belongs

    for args in (("auth", "status"), ("auth", "logout", "--all")):
        result = cli(*args)
        assert result.exit_code == 2, result
        flat = " ".join(result.stderr.split())
        assert f"{stored}: The insecure credentials file cannot be read" in flat, result
        assert "internal error" not in flat
    login = cli(
        "auth", "login", "--api-url", shop.url, "--username", shop.username, "--password-stdin",
        "--insecure-storage", input=shop.password + "\n",
    )  # fmt: skip
    assert login.exit_code == 2, login
    assert stored.is_dir()  # left as it was: never replaced
    assert shop.password not in login.stdout + login.stderr


# ---- the one helper behind every atomic write ---------------------------------------------------


def test_atomic_write_follows_a_symlink_to_a_regular_file(tmp_path: Path) -> None:
    from fwfulfill.atomic_file import write_atomically

    real = tmp_path / "real.csv"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(real)

    write_atomically(link, "new")

    assert link.is_symlink()
    assert real.read_text() == "new"
    assert mode_of(real) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "real.csv"]


def test_atomic_write_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    from fwfulfill.atomic_file import write_atomically
    from fwfulfill.errors import FwfulfillError

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for target in (fifo, tmp_path, Path(os.devnull)):
        with pytest.raises(FwfulfillError) as raised:
            write_atomically(target, "x")
        assert raised.value.code == "file_not_writable"
        assert str(target) in raised.value.message
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode)


def test_atomic_write_that_fails_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    from fwfulfill.atomic_file import open_atomically

    target = tmp_path / "state.json"
    target.write_text("old")

    def write_half() -> None:
        with open_atomically(target) as handle:
            handle.write(b"half")
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_half()
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def _made_meanwhile(target: Path) -> None:
    """A file another program writes at the target while fwfulfill produces its content."""
    from fwfulfill.atomic_file import open_atomically

    with open_atomically(target, replace=False) as handle:
        handle.write(b"ours")
        target.write_text("theirs")


def test_atomic_write_without_replace_never_replaces_a_file_made_meanwhile(
    tmp_path: Path, umask_022: None
) -> None:
    from fwfulfill.atomic_file import open_atomically

    target = tmp_path / "labels.csv"
    with pytest.raises(FileExistsError):
        _made_meanwhile(target)
    assert target.read_text() == "theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["labels.csv"]  # no temporary left

    free = tmp_path / "free.csv"
    with open_atomically(free, replace=False) as handle:
        handle.write(b"ours")
    assert free.read_text() == "ours"
    assert mode_of(free) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["free.csv", "labels.csv"]


def test_atomic_write_without_replace_where_the_file_system_has_no_hard_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FAT and some network shares refuse hard links: the name is then taken with O_EXCL."""
    from fwfulfill.atomic_file import open_atomically

    def no_hard_links(source: object, target: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_hard_links)
    target = tmp_path / "labels.csv"
    with pytest.raises(FileExistsError):
        _made_meanwhile(target)
    assert target.read_text() == "theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["labels.csv"]

    free = tmp_path / "free.csv"
    with open_atomically(free, replace=False) as handle:
        handle.write(b"ours")
    assert free.read_text() == "ours"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["free.csv", "labels.csv"]

    def replace_fails(source: object, target: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", replace_fails)
    late = tmp_path / "late.csv"
    with pytest.raises(PermissionError), open_atomically(late, replace=False) as handle:
        handle.write(b"ours")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["free.csv", "labels.csv"]


def test_config_and_credentials_written_0600_under_umask_000(
    cli: Cli, start_sandbox: Any, umask_000: None
) -> None:
    shop: RunningSandbox = start_sandbox()
    login = cli(
        "auth", "login", "--api-url", shop.url, "--username", shop.username, "--password-stdin",
        "--insecure-storage", input=shop.password + "\n",
    )  # fmt: skip
    assert login.exit_code == 0, login
    folder = insecure_file().parent
    assert mode_of(folder) == 0o700
    assert mode_of(folder / "config.toml") == 0o600
    assert mode_of(insecure_file()) == 0o600
    assert sorted(p.name for p in folder.iterdir()) == ["config.toml", "credentials-insecure.json"]


def test_report_neutralises_formula_cells_and_feeds_back_as_it_is(cli: Cli, tmp_path: Path) -> None:
    """OWASP CSV injection: a cell that a spreadsheet would run is written quote-prefixed, and
    from-csv reads the guarded cell back as its original value (the report feeds back unchanged)."""
    formulas = ['=HYPERLINK("http://evil.example","click")', "+1", "-1", "@x"]
    orders = ["K7M2QX4N", "P9T4WB2R", "H2V6RJ9D", "C4L8VR2M"]
    skus = ["HOODIE-GRY-L", "STICKER-PACK", "TEE-BLK-L", "HOODIE-GRY-L"]
    file = write_csv(
        tmp_path / "labels.csv",
        [
            [*HEADER, "note"],
            *(
                [order, tracking, "USPS", sku, "1", formula]
                for order, tracking, sku, formula in zip(
                    orders, [*USPS, *TWO_MORE_USPS], skus, formulas, strict=True
                )
            ),
        ],
    )
    report = tmp_path / "report.csv"
    assert cli("from-csv", str(file), "--offline", "--report", str(report)).exit_code == 0
    with report.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["note"] for row in rows] == [f"'{formula}" for formula in formulas]
    for row in rows:
        assert all(not cell or cell[0] not in "=+-@\t\r" for cell in row.values())

    first = json.loads(cli("from-csv", str(file), "--offline", "-o", "json").stdout)
    again = tmp_path / "again.csv"
    result = cli("from-csv", str(report), "--offline", "-o", "json", "--report", str(again))
    assert result.exit_code == 0, result
    assert json.loads(result.stdout)["fulfillments"] == first["fulfillments"]
    with again.open(encoding="utf-8-sig", newline="") as handle:
        assert [row["note"] for row in csv.DictReader(handle)] == [row["note"] for row in rows]
