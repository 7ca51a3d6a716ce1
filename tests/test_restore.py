"""Restore: verify first, keep the current database aside, never leave a half-restored file."""
from __future__ import annotations

import datetime as dt
import os
import random
import sqlite3
import subprocess
from pathlib import Path

import pytest
from cli_login import (
    login_env,  # noqa: F401  (autouse: `mtbs` runs log in as kepala)
    mtbs_here,
)
from test_backup import dump
from test_export_support import fake_classify, make_register

from mtbs_tui import backup as B
from mtbs_tui.register import Register

# Damage bytes from a seeded generator: the same damage every run, so CI cannot be flaky.
_DAMAGE = random.Random(2026)

def add_visit(db: Path) -> None:
    reg = Register.open(db, classifier=fake_classify)
    try:
        pid = reg.add_patient(name="Anak Baru", sex="L", birth_date="2025-05-05", actor="uji",
                              today=dt.date(2026, 11, 1))
        reg.save_visit(patient_id=pid, case={"visit_date": "2026-11-02", "birth_date": "2025-05-05",
                                             "findings": {"diare": True}}, actor="uji",
                       visit_at="2026-11-02T09:00:00", today=dt.date(2026, 11, 29))
    finally:
        reg.close()


@pytest.fixture
def live(tmp_path: Path) -> Path:
    return make_register(tmp_path / "mtbs.db", patients=6, visits=15)


def test_backup_restore_gives_identical_content_and_keeps_the_current_aside(live: Path, tmp_path: Path) -> None:
    before = dump(live)
    info = B.create_backup(live, tmp_path / "usb", audit=False)
    add_visit(live)
    changed = dump(live)
    assert changed != before
    result = B.restore_backup(info.path, live, aside_dir=tmp_path / "aside")
    after = dump(live)
    # Identical to the backup, except the audit row that records the restore itself.
    assert {k: v for k, v in after.items() if k != "audit"} == {k: v for k, v in before.items() if k != "audit"}
    assert set(before["audit"]) < set(after["audit"])
    assert len(set(after["audit"]) - set(before["audit"])) == 1
    conn = sqlite3.connect(live)
    assert conn.execute("SELECT action FROM audit ORDER BY id DESC LIMIT 1").fetchone()[0] == "pulihkan"
    conn.close()
    # The database as it was before the restore is kept, verified, with the newer visit.
    assert result.aside is not None and result.aside.parent == tmp_path / "aside"
    assert B.verify_backup(result.aside)["visits"] == before_count(before) + 1
    assert {k: v for k, v in dump(result.aside).items()} == changed
    # The live file is a healthy WAL register that the app opens.
    conn = sqlite3.connect(live)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    Register.open(live).close()
    assert not [p for p in live.parent.iterdir() if p.name.endswith(".tmp")]


def before_count(d: dict) -> int:
    return len(d["visits"])


def test_damaged_backup_is_refused_and_live_untouched(live: Path, tmp_path: Path) -> None:
    info = B.create_backup(live, tmp_path / "usb", audit=False)
    size = info.path.stat().st_size
    with open(info.path, "r+b") as fh:
        for n in range(3, size // 4096):
            fh.seek(n * 4096 + 100)
            fh.write(_DAMAGE.randbytes(1000))
    before = dump(live)
    with pytest.raises(B.BackupError) as err:
        B.restore_backup(info.path, live)
    assert "cadangan rusak" in err.value.message or "tidak lengkap" in err.value.message
    assert dump(live) == before
    assert not (live.parent / "cadangan").exists()  # nothing was put aside: nothing was touched


@pytest.mark.parametrize("step", ["verifikasi", "salinan-sementara", "simpan-lama"])
def test_interrupted_restore_leaves_the_old_register(live: Path, tmp_path: Path, step: str) -> None:
    info = B.create_backup(live, tmp_path / "usb", audit=False)
    add_visit(live)
    before = dump(live)
    with pytest.raises(B.BackupError, match="dihentikan"):
        B.restore_backup(info.path, live, aside_dir=tmp_path / "aside", _fail_after=step)
    assert dump(live) == before
    assert not [p for p in live.parent.iterdir() if ".pulih-" in p.name]


def test_killed_restore_never_leaves_a_mix(live: Path, tmp_path: Path) -> None:
    """A separate process restores and is killed with SIGKILL at once or mid-way: the register is
    always either the old one or the backup, and always passes integrity_check."""
    if os.name == "nt":
        pytest.skip("SIGKILL")
    import signal
    import sys
    import time

    info = B.create_backup(live, tmp_path / "usb", audit=False)
    add_visit(live)
    old = dump(live)
    new_visits = len(dump(info.path)["visits"])
    code = (f"from mtbs_tui.backup import restore_backup; from pathlib import Path; "
            f"restore_backup(Path({str(info.path)!r}), Path({str(live)!r}), aside_dir=Path({str(tmp_path / 'aside')!r}))")
    outcomes = set()
    for delay in (0.05, 0.15, 0.3, 0.6):
        proc = subprocess.Popen([sys.executable, "-c", code], env=os.environ.copy())
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        conn = sqlite3.connect(live)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        visits = conn.execute("SELECT count(*) FROM visits").fetchone()[0]
        conn.close()
        assert visits in (len(old["visits"]), new_visits)
        outcomes.add(visits)
    assert outcomes  # at least one state observed; both are acceptable


def test_restore_over_a_damaged_register_moves_it_aside(live: Path, tmp_path: Path) -> None:
    info = B.create_backup(live, tmp_path / "usb", audit=False)
    good = dump(live)
    with open(live, "r+b") as fh:
        fh.seek(0)
        fh.write(b"garbage garbage!")
    result = B.restore_backup(info.path, live)
    assert result.aside is not None and ".rusak-" in result.aside.name and result.aside.exists()
    assert {k: v for k, v in dump(live).items() if k != "audit"} == {k: v for k, v in good.items() if k != "audit"}


def test_restore_to_a_missing_register(live: Path, tmp_path: Path) -> None:
    info = B.create_backup(live, tmp_path / "usb", audit=False)
    target = tmp_path / "baru" / "mtbs.db"
    target.parent.mkdir()
    result = B.restore_backup(info.path, target)
    assert result.aside is None
    assert len(dump(target)["visits"]) == len(dump(live)["visits"])


def test_a_foreign_sqlite_file_is_refused(tmp_path: Path, live: Path) -> None:
    other = tmp_path / "lain.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t(x)")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    with pytest.raises(B.BackupError, match="bukan cadangan register MTBS"):
        B.restore_backup(other, live)


def without_login(rows: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    out = {k: v for k, v in rows.items() if k != "audit"}
    out["users"] = [row[:6] for row in rows.get("users", [])]
    return out



def test_cli_restore_round_trip_and_refusals(live: Path, tmp_path: Path) -> None:
    """In this process (test_backup_encrypted runs a round trip through the real console script)."""
    done = mtbs_here(live, "backup", "--to", str(tmp_path / "usb"))
    assert done.returncode == 0, done.stderr
    backup = next((tmp_path / "usb").glob("mtbs-cadangan-*.db"))
    before = dump(live)
    add_visit(live)
    done = mtbs_here(live, "restore", str(backup), "--ya")
    assert done.returncode == 0, done.stderr
    assert "dipulihkan" in done.stdout and "sebelum-pulih" in done.stdout
    assert len(dump(live)["visits"]) == len(before["visits"])
    # A damaged backup: one Indonesian line, exit 2, register unchanged.
    bad = tmp_path / "rusak.db"
    bad.write_bytes(backup.read_bytes()[: 4096 * 3])
    now = dump(live)
    done = mtbs_here(live, "restore", str(bad), "--ya")
    assert done.returncode == 2
    assert done.stderr.startswith("galat: ") and len(done.stderr.strip().splitlines()) == 1
    # Unchanged but for the command's login (an audit entry and the account's last_login_at).
    assert without_login(dump(live)) == without_login(now)
    done = mtbs_here(live, "restore", str(tmp_path / "tidak-ada.db"), "--ya")
    assert done.returncode == 2 and "tidak ditemukan" in done.stderr


@pytest.mark.parametrize("seed", range(12))
def test_random_page_damage_is_always_a_clear_refusal(live: Path, tmp_path: Path, seed: int) -> None:
    """Seeded random bytes over the pages (the test above uses fresh ones each run): whatever the
    damage, verification answers with BackupError, never another exception. SQLite's error text
    for such a file can itself be non-UTF-8 bytes (seen once as a UnicodeDecodeError)."""

    rng = random.Random(seed)
    info = B.create_backup(live, tmp_path / "usb", audit=False)
    size = info.path.stat().st_size
    with open(info.path, "r+b") as fh:
        for n in range(1, size // 4096):
            fh.seek(n * 4096 + rng.randrange(0, 3000))
            fh.write(rng.randbytes(rng.randrange(16, 1000)))
    try:
        B.verify_backup(info.path)
    except B.BackupError as exc:
        assert exc.message.startswith("galat: ") and "\n" not in exc.message
