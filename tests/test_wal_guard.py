"""A register is judged before anything writes to it (issue 20 items 3 and 4): a -wal that is not
its own is refused and left byte for byte, and every command runs the health check before its
first write (the login's audit row included)."""
from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
from pathlib import Path

import pytest
from cli_login import (
    login_env,  # noqa: F401  (autouse: `mtbs` runs log in as kepala)
    mtbs_here,
)
from test_export_support import make_register

from mtbs_tui import backup as B
from mtbs_tui import db as dbmod
from mtbs_tui.register import Register, RegisterError


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_register(tmp_path_factory.mktemp("wal") / "R.db", patients=5, visits=10)


@pytest.fixture(scope="module")
def foreign_wal(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The -wal of another database (same page size), with committed frames not yet checkpointed."""
    folder = tmp_path_factory.mktemp("lain")
    conn = sqlite3.connect(folder / "O.db")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE t(x)")
    conn.executemany("INSERT INTO t VALUES (?)", [("x" * 100,)] * 200)
    conn.commit()
    data = (folder / "O.db-wal").read_bytes()
    conn.close()
    return data


@pytest.fixture
def live(template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "R.db"
    shutil.copy(template, target)
    return target


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()




def test_a_foreign_wal_is_refused_by_every_way_in_and_left_untouched(live: Path, foreign_wal: bytes,
                                                                      tmp_path: Path) -> None:
    wal = Path(str(live) + "-wal")
    wal.write_bytes(foreign_wal)
    before = (digest(live), digest(wal))
    for check in (False, True, "background"):
        with pytest.raises(RegisterError, match="bukan miliknya"):
            Register.open(live, check=check)
    with pytest.raises(B.BackupError, match="bukan miliknya"):
        B.create_backup(live, tmp_path / "usb", audit=False)
    for command in (["user", "list"], ["check"], ["audit", "verify"]):
        done = mtbs_here(live, *command)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert "bukan miliknya" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert (digest(live), digest(wal)) == before
    # The register alone is still whole: moving the stray -wal away is the repair.
    wal.unlink()
    Path(str(live) + "-shm").unlink(missing_ok=True)
    assert mtbs_here(live, "check").returncode == 0


def test_the_registers_own_wal_after_a_crash_is_accepted(live: Path) -> None:
    reg = Register.open(live)
    reg.set_setting("uji", "1", actor="uji")
    # Simulate a crash: copy the file and its -wal while the connection is open.
    crash = live.parent / "crash.db"
    shutil.copy(live, crash)
    shutil.copy(str(live) + "-wal", str(crash) + "-wal")
    reg.close()
    assert dbmod.wal_has_frames(crash)
    again = Register.open(crash)
    try:
        assert again.setting("uji") == "1"
    finally:
        again.close()


def _damage_pages(db: Path) -> None:
    """Break the visits table's root page only: accounts and audit still read, quick_check fails."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'visits'").fetchone()[0]
    conn.close()
    with open(db, "r+b") as fh:
        fh.seek((root - 1) * 4096 + 8)
        fh.write(random.Random(20).randbytes(600))


def test_commands_refuse_a_damaged_register_before_their_first_write(live: Path) -> None:
    _damage_pages(live)
    before = digest(live)
    for command in (["user", "list"], ["audit", "verify"], ["export", "register", "--from", "2026-01-01",
                                                              "--to", "2026-12-31", "-o", str(live.parent / "e.csv")]):
        done = mtbs_here(live, *command)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert "rusak" in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert digest(live) == before
        assert not Path(str(live) + "-wal").exists() or Path(str(live) + "-wal").stat().st_size == 0
    assert not (live.parent / "e.csv").exists()


def test_a_register_whose_check_failed_closes_without_a_checkpoint(live: Path) -> None:
    reg = Register.open(live)
    reg.set_setting("a", "1", actor="uji")
    assert dbmod.wal_has_frames(live)
    main_before = digest(live)
    reg._health_error = "rusak (uji)"  # as the background check reports a damaged file
    reg.close()
    assert digest(live) == main_before
    assert dbmod.wal_has_frames(live)


# --- item 8: damage that keeps the b-tree whole but breaks rows ---------------------------------------

def _break_a_visit_row(db: Path) -> int:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    vid, findings = conn.execute("SELECT id, findings_json FROM visits ORDER BY id DESC LIMIT 1").fetchone()
    conn.close()
    data = bytearray(db.read_bytes())
    at = data.find(findings.encode())
    assert at > 0 and data.count(findings.encode()) == 1
    data[at] = ord("#")  # same length: the page and the record header stay valid, the JSON does not
    db.write_bytes(bytes(data))
    return vid


def test_check_and_backup_verification_decode_every_clinical_row(live: Path, tmp_path: Path) -> None:
    vid = _break_a_visit_row(live)
    conn = sqlite3.connect(live)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"  # SQLite alone sees nothing
    conn.close()
    done = mtbs_here(live, "check")
    assert done.returncode == 2
    assert f"tabel visits baris {vid} tidak terbaca utuh" in done.stderr, done.stderr
    with pytest.raises(B.BackupError) as caught:
        B.create_backup(live, tmp_path / "usb", audit=False)
    assert caught.value.message.startswith(f"galat: {live}: database rusak (tabel visits baris {vid}")
    assert not list((tmp_path / "usb").glob("*.db"))


def test_a_command_checks_its_register_once_not_at_the_login_and_again(live: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Path) -> None:
    from test_export_support import first_referred_visit

    from mtbs_tui.cli import main

    ran: list[Path] = []
    original = dbmod.quick_check

    def counting(conn: sqlite3.Connection, path: Path) -> None:
        ran.append(Path(path))
        original(conn, path)

    monkeypatch.setattr(dbmod, "quick_check", counting)
    monkeypatch.setenv("MTBS_USER", "kepala")
    monkeypatch.setenv("MTBS_PASSWORD", "kepala-demo")
    assert main(["--db", str(live), "card", str(first_referred_visit(live)), "-o", str(tmp_path / "k.pdf")]) == 0
    assert ran == [live]
    # Another file (another inode) at the same path is checked again.
    aside = tmp_path / "lama.db"
    live.rename(aside)
    shutil.copy(aside, live)
    assert not dbmod.checked_in_this_process(live)
