"""Verified backups: the copy is complete, a damaged copy never carries the final name, generations
are kept and pruned, the end-of-day backup runs once a day, the CLI speaks one Indonesian line."""
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
from test_export_support import make_register

from mtbs_tui import backup as B
from mtbs_tui.register import Register

# Damage bytes from a seeded generator: the same damage every run, so CI cannot be flaky.
_DAMAGE = random.Random(2026)

@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_register(tmp_path_factory.mktemp("bk") / "mtbs.db", patients=8, visits=25)


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every ordinary table's rows, sorted (backup facts in meta left out)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        out = {}
        for name in B.table_names(conn):
            rows = conn.execute(f'SELECT * FROM "{name}"').fetchall()
            if name == "meta":
                # Backup facts, and the audit chain head that moves with every audit row.
                rows = [r for r in rows if not str(r[0]).startswith(("backup_", "audit_"))]
            out[name] = sorted(rows, key=repr)
        return out
    finally:
        conn.close()


def test_backup_is_a_complete_verified_copy(source: Path, tmp_path: Path) -> None:
    info = B.create_backup(source, tmp_path / "usb", audit=False)
    assert info.path.parent == tmp_path / "usb"
    assert info.path.name.startswith("mtbs-cadangan-") and info.path.suffix == ".db"
    # No temporary file left; beside the copy only the folder's audit-chain index (hashes, no data).
    assert sorted(p.name for p in (tmp_path / "usb").iterdir()) == sorted([info.path.name, B.CHAIN_INDEX])
    assert dump(info.path) == dump(source)
    conn = sqlite3.connect(info.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert info.counts["visits"] == 25 and B.verify_backup(info.path)["visits"] == 25


def test_backup_is_audited(source: Path, tmp_path: Path) -> None:
    B.create_backup(source, tmp_path)
    reg = Register.open(source)
    try:
        last = reg.audit_log(limit=1)[0]
    finally:
        reg.close()
    assert last["action"] == "cadangan" and "mtbs-cadangan-" in last["detail"]


def flip(path: Path, offset: int, data: bytes) -> None:
    with open(path, "r+b") as fh:
        fh.seek(offset)
        fh.write(data)


@pytest.mark.parametrize("damage", ["header", "page", "truncate", "rows"])
def test_damaged_backup_is_refused(source: Path, tmp_path: Path, damage: str) -> None:
    info = B.create_backup(source, tmp_path, audit=False)
    page = 4096
    if damage == "header":
        flip(info.path, 0, b"NOT A DATABASE!!")
    elif damage == "page":
        size = info.path.stat().st_size
        for n in range(2, size // page):
            flip(info.path, n * page + 200, _DAMAGE.randbytes(600))
    elif damage == "truncate":
        with open(info.path, "r+b") as fh:
            fh.truncate(info.path.stat().st_size - 3 * page)
    else:
        # A well-formed file whose rows do not match what was recorded at backup time.
        conn = sqlite3.connect(info.path)
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM visit_treatments WHERE (visit_id, position) IN "
                     "(SELECT visit_id, position FROM visit_treatments LIMIT 2)")
        conn.commit()
        conn.close()
    with pytest.raises(B.BackupError) as err:
        B.verify_backup(info.path)
    assert err.value.message.startswith("galat: ") and "\n" not in err.value.message


def test_copy_failing_verification_never_gets_the_final_name(source: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    real = B._stamp_copy

    def damaging(tmp: Path, counts: dict, src: Path, when: dt.datetime) -> None:
        real(tmp, counts, src, when)
        conn = sqlite3.connect(tmp)
        conn.execute("DELETE FROM visit_treatments WHERE (visit_id, position) IN "
                     "(SELECT visit_id, position FROM visit_treatments LIMIT 1)")
        conn.commit()
        conn.close()

    monkeypatch.setattr(B, "_stamp_copy", damaging)
    with pytest.raises(B.BackupError, match="tidak lengkap"):
        B.create_backup(source, tmp_path / "c", audit=False)
    assert list((tmp_path / "c").iterdir()) == []


def test_damaged_source_is_refused(tmp_path: Path) -> None:
    db = make_register(tmp_path / "x.db", patients=3, visits=5)
    size = db.stat().st_size
    with open(db, "r+b") as fh:
        fh.truncate(size - 4096 * 2)
    with pytest.raises(B.BackupError) as err:
        B.create_backup(db, tmp_path / "out", audit=False)
    assert "rusak" in err.value.message
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_generations_keep_daily_weekly_monthly_and_prune_the_rest(source: Path, tmp_path: Path) -> None:
    start = dt.datetime(2025, 1, 1, 17, 0)
    folder = tmp_path / "gen"
    made = []
    for day in range(0, 400, 7):
        made.append(B.create_backup(source, folder, now=start + dt.timedelta(days=day), audit=False).path)
    entries = B.list_backups(folder, "mtbs")
    kept = {e.created_at for e in entries}
    newest = max(kept)
    # 7 daily (every seventh day here), 4 weekly, 12 monthly: never more than 7 + 4 + 12 files.
    assert len(entries) <= 23
    assert newest == start + dt.timedelta(days=399 // 7 * 7)
    daily = sorted(kept, reverse=True)[:7]
    assert all((newest - d).days <= 6 * 7 for d in daily)
    months = {(e.created_at.year, e.created_at.month) for e in entries}
    assert len(months) >= 12
    # Files that are not ours are never pruned.
    other = folder / "catatan.txt"
    other.write_text("jangan dihapus")
    B.create_backup(source, folder, now=start + dt.timedelta(days=401), audit=False)
    assert other.exists()
    assert all(e.generations for e in B.list_backups(folder, "mtbs"))


def test_auto_backup_once_per_day(source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(B, "backup_dir_for", lambda db: tmp_path / "auto")
    now = dt.datetime(2026, 11, 29, 16, 30)
    first = B.auto_backup_if_due(source, now=now)
    assert first is not None and first.exists()
    assert B.auto_backup_if_due(source, now=now + dt.timedelta(hours=1)) is None
    nxt = B.auto_backup_if_due(source, now=now + dt.timedelta(days=1))
    assert nxt is not None and nxt != first


def test_backup_dir_setting_is_used(tmp_path: Path) -> None:
    db = make_register(tmp_path / "s.db", patients=2, visits=3)
    reg = Register.open(db)
    try:
        reg.set_setting("backup_dir", str(tmp_path / "pilihan"), actor="uji")
    finally:
        reg.close()
    assert B.backup_dir_for(db) == tmp_path / "pilihan"
    assert B.create_backup(db, audit=False).path.parent == tmp_path / "pilihan"



def test_cli_backup_list_and_errors(source: Path, tmp_path: Path) -> None:
    usb = tmp_path / "FLASHDISK"
    done = mtbs_here(source, "backup", "--to", str(usb))
    assert done.returncode == 0, done.stderr
    assert "Cadangan terverifikasi" in done.stdout and "25 kunjungan" in done.stdout
    done = mtbs_here(source, "backup", "--to", str(usb), "--list")
    assert done.returncode == 0 and "mtbs-cadangan-" in done.stdout and "harian" in done.stdout
    blocker = tmp_path / "berkas"
    blocker.write_text("")
    done = mtbs_here(source, "backup", "--to", str(blocker / "sub"))
    assert done.returncode == 2
    assert done.stderr.startswith("galat: ") and "folder cadangan tidak dapat dibuat" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    done = mtbs_here(tmp_path / "tidak-ada.db", "backup", "--to", str(usb))
    assert done.returncode == 2 and "tidak ditemukan" in done.stderr
    # A flash disk that is not plugged in: its mount folder is missing. The backup is refused
    # rather than made on the PC's own disk under that name (only the last level is ever made).
    unplugged = tmp_path / "media" / "usb" / "cadangan"
    done = mtbs_here(source, "backup", "--to", str(unplugged))
    assert done.returncode == 2 and done.stderr.strip() == (
        f"galat: {unplugged}: folder di atasnya ({unplugged.parent}) tidak ada; flashdisk belum terpasang? "
        "Cadangan tidak dibuat")
    assert not (tmp_path / "media").exists()


def test_source_with_damaged_pages_is_refused_and_named(tmp_path: Path) -> None:
    db = make_register(tmp_path / "y.db", patients=4, visits=12)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    size = db.stat().st_size
    with open(db, "r+b") as fh:
        for n in range(2, size // 4096):
            fh.seek(n * 4096 + 8)
            fh.write(_DAMAGE.randbytes(300))
    with pytest.raises(B.BackupError) as err:
        B.create_backup(db, tmp_path / "out", audit=False)
    assert err.value.message.startswith(f"galat: {db}: database rusak")
    assert list((tmp_path / "out").iterdir()) == []


def test_backup_while_visits_are_being_saved(tmp_path: Path) -> None:
    """The counts are read in the snapshot the copy is made from: a backup taken while another
    process saves visits still verifies, and holds a whole number of visits (never half of one)."""
    import sys

    db = make_register(tmp_path / "busy.db", patients=4, visits=8)
    writer = subprocess.Popen([sys.executable, "-c", f"""
import datetime as dt, sys
sys.path.insert(0, {str(Path(__file__).parent)!r})
from test_export_support import fake_classify
from mtbs_tui.register import Register
reg = Register.open({str(db)!r}, classifier=fake_classify)
pid = reg.add_patient(name="Anak Sibuk", sex="P", birth_date="2025-01-01", actor="uji", today=dt.date(2026, 11, 1))
for i in range(400):
    reg.save_visit(patient_id=pid, case={{"visit_date": "2026-11-02", "birth_date": "2025-01-01",
                   "findings": {{"batuk": True, "napas_per_menit": 30 + i % 20}}}}, actor="uji",
                   visit_at=f"2026-11-02T{{10 + i // 60:02d}}:{{i % 60:02d}}:00", today=dt.date(2026, 11, 29))
reg.close()
"""], env=os.environ.copy())
    made = []
    import time

    def visits_now() -> int:
        conn = sqlite3.connect(db, timeout=5)
        try:
            return conn.execute("SELECT count(*) FROM visits").fetchone()[0]
        finally:
            conn.close()

    deadline = time.monotonic() + 60
    while visits_now() <= 9 and time.monotonic() < deadline and writer.poll() is None:
        time.sleep(0.05)  # wait until the writer is saving
    try:
        while writer.poll() is None and len(made) < 4:
            made.append(B.create_backup(db, tmp_path / "out", audit=False, prune=False).path)
    finally:
        writer.wait(timeout=180)
    assert writer.returncode == 0
    assert made
    seen = set()
    for path in made:
        counts = B.verify_backup(path)
        conn = sqlite3.connect(path)
        # Every visit in the copy has its classification rows: no visit was copied half-saved.
        orphans = conn.execute("SELECT count(*) FROM visits v WHERE v.status = 'final' AND NOT EXISTS "
                               "(SELECT 1 FROM visit_classifications c WHERE c.visit_id = v.id)").fetchone()[0]
        conn.close()
        assert orphans == 0 and counts["visits"] >= 8
        seen.add(counts["visits"])
    assert max(seen) > 9  # the backups really ran while visits were being saved


def test_verification_and_the_audit_chain_run_together_and_a_failed_check_wins(source: Path, tmp_path: Path) -> None:
    """create_backup checks the copy (integrity, counts) in a thread while it reads the audit chain;
    a failed check is what the caller sees, exactly as when the two ran one after the other."""
    info = B.create_backup(source, tmp_path / "cadangan", audit=False, prune=False)
    counts = dict(info.counts)
    assert B._verify_with_chain(info.path, counts) == B.copy_chain(info.path)
    counts["visits"] += 1
    with pytest.raises(B.BackupError, match="cadangan tidak lengkap"):
        B._verify_with_chain(info.path, counts)
    broken = tmp_path / "rusak.db"
    broken.write_bytes(info.path.read_bytes()[: 4096 * 3])
    with pytest.raises(B.BackupError):
        B._verify_with_chain(broken, dict(info.counts))
