"""Connection discipline (mtbs_tui.db): pragmas, BEGIN IMMEDIATE, the write lock, refusals."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from mtbs_tui import db as dbmod
from mtbs_tui.register import Register, RegisterError


def test_every_connection_gets_the_reliability_pragmas(tmp_path: Path) -> None:
    reg = Register.open(tmp_path / "r.db", create=True)
    try:
        q = lambda sql: reg.db.execute(sql).fetchone()[0]  # noqa: E731
        assert q("PRAGMA journal_mode") == "wal"
        assert q("PRAGMA synchronous") == 2  # FULL
        assert q("PRAGMA foreign_keys") == 1
        assert q("PRAGMA secure_delete") == 1
        assert q("PRAGMA busy_timeout") == 5000
        assert q("PRAGMA user_version") == dbmod.SCHEMA_VERSION
        assert reg.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(dbmod.SCHEMA_VERSION)
    finally:
        reg.close()
    # close() checkpointed (TRUNCATE): the .db file alone holds everything.
    wal = tmp_path / "r.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0


def test_write_is_begin_immediate_and_rolls_back_on_error(tmp_path: Path) -> None:
    reg = Register.open(tmp_path / "r.db", create=True)
    other = sqlite3.connect(tmp_path / "r.db", timeout=0.05, isolation_level=None)
    try:
        with dbmod.write(reg.db):
            # The write lock is taken at BEGIN, before any write: another writer is refused now.
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        with pytest.raises(ZeroDivisionError):
            with dbmod.write(reg.db):
                reg.db.execute("INSERT INTO settings(key, value) VALUES ('x', '1')")
                raise ZeroDivisionError
        assert reg.setting("x") is None and not reg.db.conn.in_transaction
    finally:
        other.close()
        reg.close()


LOCK_HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from mtbs_tui.db import WriteLock
    lock = WriteLock(Path(sys.argv[1]))
    lock.acquire()
    print("HELD", flush=True)
    time.sleep(float(sys.argv[2]))
    """
)


def test_write_lock_excludes_other_processes_and_dies_with_them(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(db), "30"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "HELD"
        lock = dbmod.WriteLock(db)
        started = time.monotonic()
        with pytest.raises(dbmod.DatabaseError) as err:
            lock.acquire(timeout=0.3)
        assert err.value.kind == "terkunci" and time.monotonic() - started >= 0.3
        holder.kill()  # SIGKILL: the OS releases the lock with the process
        holder.wait()
        lock.acquire(timeout=5)
        lock.release()
        lock.close()
    finally:
        if holder.poll() is None:
            holder.kill()


@pytest.mark.parametrize("path", [r"\\server\share\mtbs.db", "//server/share/mtbs.db"])
def test_unc_paths_are_network_paths(path: str) -> None:
    assert dbmod.is_network_path(path)


def test_network_filesystems_are_detected_from_the_mount_table(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "/dev/vda / ext4 rw 0 0\n"
        f"//nas/data {tmp_path}/smb cifs rw 0 0\n"
        f"nas:/export {tmp_path}/nfs nfs4 rw 0 0\n"
    )
    assert dbmod.is_network_path(tmp_path / "smb" / "mtbs.db", mounts_file=str(mounts))
    assert dbmod.is_network_path(tmp_path / "nfs" / "x" / "mtbs.db", mounts_file=str(mounts))
    assert not dbmod.is_network_path(tmp_path / "local" / "mtbs.db", mounts_file=str(mounts))
    assert not dbmod.is_network_path(tmp_path / "smbx" / "mtbs.db", mounts_file=str(mounts))


def test_network_share_is_refused_before_any_file_is_made(tmp_path: Path) -> None:
    with pytest.raises(RegisterError) as err:
        Register.open(r"\\server\share\mtbs.db", create=True)
    assert err.value.kind == "jaringan" and "jaringan" in err.value.message


def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    Register.open(db, create=True).close()
    conn = sqlite3.connect(db)
    newer = dbmod.SCHEMA_VERSION + 1
    conn.execute(f"PRAGMA user_version = {newer}")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    with pytest.raises(RegisterError) as err:
        Register.open(db)
    assert err.value.kind == "baru" and "lebih baru" in err.value.message and str(newer) in err.value.message
    assert db.read_bytes() == before


def test_foreign_database_and_empty_file_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "lain.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE stok(obat TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(RegisterError, match="bukan database register MTBS"):
        Register.open(other, create=True)
    empty = tmp_path / "kosong.db"
    empty.write_bytes(b"")
    with pytest.raises(RegisterError, match="kosong"):
        Register.open(empty)
    assert empty.read_bytes() == b""


def test_nested_write_joins_the_outer_transaction(tmp_path: Path) -> None:
    reg = Register.open(tmp_path / "r.db", create=True)
    try:
        with pytest.raises(RuntimeError):
            with dbmod.write(reg.db):
                reg.set_setting("a", "1")  # nested write(): no COMMIT of its own
                raise RuntimeError
        assert reg.setting("a") is None
    finally:
        reg.close()
