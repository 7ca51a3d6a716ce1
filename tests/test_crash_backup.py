"""Crash soak of backups and restores (issue 20 item 6): encrypted backups and restores are
SIGKILLed at random moments; after the next open of the register no temporary file of ours and no
plaintext copy of the register is left, and the register passes integrity_check."""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mtbs_tui import backup as B
from mtbs_tui.register import Register

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL")

SQLITE_MAGIC = b"SQLite format 3\x00"


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(register with a public key set, the private key file, one encrypted backup of it)."""
    import pyrage

    folder = tmp_path_factory.mktemp("soak")
    db = folder / "data" / "mtbs.db"
    db.parent.mkdir()
    made = subprocess.run([str(Path(sys.executable).parent / "mtbs"), "--db", str(db), "demo", "--patients", "300",
                           "--visits", "3000"], capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    ident = pyrage.x25519.Identity.generate()
    key_file = folder / "kunci.txt"
    key_file.write_text(f"{ident}\n")
    reg = Register.open(db)
    try:
        reg.set_setting(B.SETTING_PUBLIC_KEY, str(ident.to_public()), actor="uji")
    finally:
        reg.close()
    backup = B.create_backup(db, folder / "usb", audit=False).path
    return db, key_file, backup


BACKUP = ("from pathlib import Path; from mtbs_tui.backup import create_backup; "
          "create_backup(Path({db!r}), audit=False)")
RESTORE = ("from pathlib import Path; from mtbs_tui import backup as B; db = Path({db!r}); "
           "ctx = B.plain_backup(Path({backup!r}), Path({key!r}), db.parent, db)\n"
           "with B.backup_lock(db), ctx as plain:\n    B.restore_backup(plain, db, actor='uji')")


def leftovers(db: Path) -> list[str]:
    """Temporary files of ours, and plaintext SQLite copies other than the register itself."""
    found = []
    for folder in (db.parent, B.backup_dir_for(db)):
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if not path.is_file() or path.name.endswith((".writelock", "-wal", "-shm")):
                continue
            if path.name.endswith(".tmp") or ".tmp-" in path.name:
                found.append(f"sementara: {path.name}")
            elif path != db and path.read_bytes()[:16] == SQLITE_MAGIC:
                found.append(f"salinan terbuka: {path.name}")
    return found


def soak(keyed: tuple[Path, Path, Path], kills: int, seed: int) -> int:
    db, key_file, backup = keyed
    rng = random.Random(seed)
    landed = 0
    for i in range(kills):
        code = (BACKUP if i % 2 == 0 else RESTORE).format(db=str(db), backup=str(backup), key=str(key_file))
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Python and the app take ~0.3 s to import; the backup or restore itself ~0.2-1 s after that.
        time.sleep(rng.uniform(0.25, 1.2))
        if proc.poll() is None:
            landed += 1
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        Register.open(db).close()  # the next open removes what the killed run left
        assert leftovers(db) == [], (i, leftovers(db))
        conn = sqlite3.connect(db)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()
    return landed


def test_killed_backups_and_restores_leave_no_temporary_or_plaintext_copy(keyed: tuple[Path, Path, Path]) -> None:
    landed = soak(keyed, kills=6, seed=2026)
    assert landed >= 3  # most kills landed while the process was still working


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_backup_and_restore_kill_soak(keyed: tuple[Path, Path, Path]) -> None:
    landed = soak(keyed, kills=80, seed=7)
    assert landed >= 40


def test_sigterm_during_a_backup_removes_its_temporary_copy_at_once(keyed: tuple[Path, Path, Path]) -> None:
    db, _, _ = keyed
    mtbs = Path(sys.executable).parent / "mtbs"
    proc = subprocess.Popen([str(mtbs), "--db", str(db), "backup"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, stdin=subprocess.DEVNULL,
                            env={**os.environ, "MTBS_USER": "kepala", "MTBS_PASSWORD": "kepala-demo"})
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline and not list(db.parent.glob(".*.tmp")):
        time.sleep(0.002)
    assert proc.poll() is None, "the backup finished before it could be interrupted"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert err.strip() == "galat: dihentikan (SIGTERM); berkas yang belum selesai dihapus"
    assert leftovers(db) == []  # before any next open
