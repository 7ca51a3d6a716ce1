"""Backups never destroy backups (issue 20 items 2, 6, 7): unique generation names, pruning that
keeps this run's and the newest verified backup, concurrent backups each keep their file, no
plaintext leftovers of killed runs, encrypted and pruned aside copies, owner-only files."""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import shutil
import stat
import sys
from pathlib import Path

import pytest
from test_export_support import make_register

from mtbs_tui import backup as B
from mtbs_tui.register import Register


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_register(tmp_path_factory.mktemp("bs") / "mtbs.db", patients=5, visits=10)


@pytest.fixture
def live(template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data" / "mtbs.db"
    target.parent.mkdir()
    shutil.copy(template, target)
    return target


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_copy_named_for_late_tonight_never_makes_a_backup_delete_itself(live: Path) -> None:
    folder = live.parent / "cadangan"
    folder.mkdir()
    today = dt.date.today()
    fake = folder / f"mtbs-cadangan-{today:%Y%m%d}-235959.db"
    shutil.copy(live, fake)
    for i in range(3):
        info = B.create_backup(live, folder, audit=False, now=dt.datetime.combine(today, dt.time(10, 0, i)))
        # This run's backup survives its own pruning (it used to be deleted: FileNotFoundError).
        assert info.path.exists(), names(folder)
        B.verify_backup(info.path)
    assert fake.exists()


def test_a_pruned_backups_name_is_never_given_to_a_new_file(live: Path) -> None:
    folder = live.parent / "usb"
    when = dt.datetime(2026, 12, 6, 9, 30, 0)
    made = [B.create_backup(live, folder, audit=False, now=when).path.name for _ in range(4)]
    assert len(set(made)) == 4, made
    assert (folder / made[-1]).exists()


def test_two_backups_in_the_same_second_keep_two_files(live: Path) -> None:
    folder = live.parent / "usb"
    when = dt.datetime(2026, 12, 6, 9, 30, 0)
    a = B.create_backup(live, folder, audit=False, now=when, prune=False)
    b = B.create_backup(live, folder, audit=False, now=when, prune=False)
    assert a.path != b.path and a.path.exists() and b.path.exists()
    assert b.path.name == "mtbs-cadangan-20261206-093000-2.db"


def _backup_in_process(db: str, folder: str, queue: "multiprocessing.Queue[str]") -> None:
    info = B.create_backup(Path(db), Path(folder), audit=False, now=dt.datetime(2026, 12, 6, 12, 0, 0),
                           prune=False)
    queue.put(info.path.name)


def test_four_concurrent_backups_each_keep_their_file(live: Path) -> None:
    folder = live.parent / "cadangan"
    ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    queue: multiprocessing.Queue[str] = ctx.Queue()
    procs = [ctx.Process(target=_backup_in_process, args=(str(live), str(folder), queue)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    reported = sorted(queue.get(timeout=5) for _ in procs)
    assert len(set(reported)) == 4
    on_disk = [e.path.name for e in B.list_backups(folder, "mtbs")]
    assert sorted(on_disk) == reported
    for name in reported:
        B.verify_backup(folder / name)


def test_pruning_keeps_the_newest_verified_backup_among_future_named_files(live: Path) -> None:
    folder = live.parent / "cadangan"
    real = B.create_backup(live, folder, audit=False, now=dt.datetime(2026, 1, 5, 8, 0, 0))
    # Newer-named copies the chain index never recorded: they may fill every generation slot.
    for day in range(1, 30):
        shutil.copy(real.path, folder / f"mtbs-cadangan-202602{day:02d}-080000.db")
    removed = B.prune_backups(folder, "mtbs", now=dt.datetime(2026, 3, 1))
    assert real.path.exists() and real.path not in removed


def test_a_killed_backup_leaves_no_plaintext_after_the_next_open_or_backup(live: Path) -> None:
    folder = live.parent / "cadangan"
    folder.mkdir()
    # What a SIGKILL during each step leaves behind (names as the real steps make them).
    left = [
        live.parent / ".mtbs-cadangan-20261206-101010.db.age.1a2b3c4d.tmp",
        live.parent / ".mtbs.db.pulih-1a2b3c4d.tmp",
        live.parent / ".mtbs.db.pulih-1a2b3c4d.tmp-journal",
        live.parent / ".mtbs.db.dekripsi-1a2b3c4d5e6f.tmp",
        folder / ".mtbs-cadangan-20261206-101010.db.1a2b3c4d.tmp",
        folder / ".mtbs-sebelum-pulih-20261206-101010.db.1a2b3c4d.tmp",
    ]
    for path in left:
        shutil.copy(live, path)
    foreign = live.parent / ".lain.db.pulih-1a2b3c4d.tmp"
    foreign.write_bytes(b"bukan milik register ini")
    Register.open(live).close()
    assert not any(p.exists() for p in left), [p.name for p in left if p.exists()]
    assert foreign.exists()
    for path in left:
        shutil.copy(live, path)
    B.create_backup(live, folder, audit=False)
    assert not any(p.exists() for p in left)


@pytest.fixture
def key(tmp_path: Path) -> tuple[str, Path]:
    import pyrage

    ident = pyrage.x25519.Identity.generate()
    key_file = tmp_path / "kunci.txt"
    key_file.write_text(f"{ident}\n")
    return str(ident.to_public()), key_file


def test_restore_keeps_the_current_register_aside_encrypted_when_a_key_is_set(live: Path, key: tuple[str, Path]) -> None:
    public, key_file = key
    reg = Register.open(live)
    try:
        reg.set_setting(B.SETTING_PUBLIC_KEY, public, actor="uji")
    finally:
        reg.close()
    enc = B.create_backup(live, live.parent / "usb", audit=False)
    with B.plain_backup(enc.path, key_file, live.parent, live) as plain:
        info = B.restore_backup(plain, live, actor="uji")
    assert info.aside is not None and info.aside.name.endswith(".db.age")
    assert not info.aside.read_bytes().startswith(b"SQLite format 3")
    # No plaintext copy anywhere but the register itself.
    for path in live.parent.rglob("*"):
        if path.is_file() and path != live:
            assert not path.read_bytes().startswith(b"SQLite format 3"), path
    with B.plain_backup(info.aside, key_file, live.parent, live) as plain:
        assert B.verify_backup(plain)["visits"] == 10


def test_aside_copies_follow_the_generation_pruning(live: Path) -> None:
    folder = live.parent / "cadangan"
    folder.mkdir()
    for month in range(1, 13):
        for day in (1, 2, 3):
            shutil.copy(live, folder / f"mtbs-sebelum-pulih-2025{month:02d}{day:02d}-080000.db")
    shutil.copy(live, folder / "catatan-lain.db")
    B.prune_backups(folder, "mtbs", now=dt.datetime(2026, 1, 1))
    asides = B.list_backups(folder, "mtbs", word=B.ASIDE_WORD)
    assert 0 < len(asides) <= B.KEEP_DAILY + B.KEEP_WEEKLY + B.KEEP_MONTHLY
    assert all(e.generations for e in asides)
    assert (folder / "catatan-lain.db").exists()


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_register_wal_backups_and_aside_copies_are_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        db = tmp_path / "baru.db"
        reg = Register.open(db, create=True)
        try:
            reg.set_facility(name="Puskesmas Uji", actor="uji")
            for suffix in ("", "-wal", "-shm"):
                mode = stat.S_IMODE(os.stat(str(db) + suffix).st_mode)
                assert mode == 0o600, (suffix, oct(mode))
        finally:
            reg.close()
        info = B.create_backup(db, audit=False)
        assert stat.S_IMODE(info.path.stat().st_mode) == 0o600
        assert stat.S_IMODE(info.path.parent.stat().st_mode) == 0o700
        restored = B.restore_backup(info.path, db, actor="uji")
        assert restored.aside is not None and stat.S_IMODE(restored.aside.stat().st_mode) == 0o600
        # An existing register made before this rule is tightened at its next open.
        os.chmod(db, 0o644)
        Register.open(db).close()
        assert stat.S_IMODE(db.stat().st_mode) == 0o600
    finally:
        os.umask(old)


# --- item 5: a backup of another puskesmas ------------------------------------------------------------

def _facility_code(db: Path, code: str) -> None:
    reg = Register.open(db)
    try:
        reg.set_facility(code=code, actor="uji")
    finally:
        reg.close()


def test_restore_refuses_another_puskesmas_backup_even_with_ya(live: Path, tmp_path: Path) -> None:
    from cli_login import mtbs_here

    (tmp_path / "lain").mkdir()
    other = make_register(tmp_path / "lain" / "mtbs.db", patients=3, visits=4, seed=99)
    _facility_code(other, "P9999999999")
    theirs = B.create_backup(other, tmp_path / "usb", audit=False).path
    before = sorted(Register.open(live).search_patients("", limit=100), key=lambda r: r["id"])
    env = {"MTBS_USER": "kepala", "MTBS_PASSWORD": "kepala-demo"}
    done = mtbs_here(live, "restore", str(theirs), "--ya", env=env)
    assert done.returncode == 2, done.stdout + done.stderr
    line = done.stderr.strip()
    assert len(line.splitlines()) == 1 and "--puskesmas-lain" in line and "kode P9999999999" in line, line
    assert "5 pasien" in line
    reg = Register.open(live)
    try:
        assert sorted(reg.search_patients("", limit=100), key=lambda r: r["id"]) == before
    finally:
        reg.close()
    # The library refuses too (the TUI or a script cannot slip past the command).
    with pytest.raises(B.BackupError, match="--puskesmas-lain"):
        B.restore_backup(theirs, live, actor="uji")
    done = mtbs_here(live, "restore", str(theirs), "--ya", "--puskesmas-lain", env=env)
    assert done.returncode == 0, done.stderr
    assert "Yang akan diganti" in done.stdout and "5 pasien" in done.stdout and "3 pasien" in done.stdout


def test_restore_into_a_fresh_register_of_the_same_puskesmas_needs_no_override(live: Path, tmp_path: Path) -> None:
    mine = B.create_backup(live, tmp_path / "usb", audit=False).path
    fresh = tmp_path / "pc-baru" / "mtbs.db"
    fresh.parent.mkdir()
    reg = Register.open(fresh, create=True)
    try:
        reg.set_facility(name="Puskesmas Sukamaju", code="P3201010101", actor="uji")
    finally:
        reg.close()
    assert B.other_facility(mine, fresh) is None
    B.restore_backup(mine, fresh, actor="uji")
    # Its own backup, after visits were added, is never "another puskesmas".
    assert B.other_facility(mine, live) is None


def test_the_end_of_day_backup_is_not_skipped_by_a_file_named_for_tonight(live: Path) -> None:
    folder = B.backup_dir_for(live)
    folder.mkdir()
    now = dt.datetime(2026, 12, 6, 16, 0, 0)
    shutil.copy(live, folder / "mtbs-cadangan-20261206-235959.db")
    made = B.auto_backup_if_due(live, now=now)
    assert made is not None and made.exists()
    assert B.auto_backup_if_due(live, now=now + dt.timedelta(minutes=30)) is None  # once a day


def test_a_closing_tui_waits_only_briefly_for_another_backup(live: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.setattr(B, "AUTO_LOCK_TIMEOUT_S", 0.2)
    held, release = threading.Event(), threading.Event()

    def other_backup() -> None:
        with B.backup_lock(live):
            held.set()
            release.wait(10)

    worker = threading.Thread(target=other_backup)
    worker.start()
    try:
        held.wait(5)
        with pytest.raises(B.BackupError, match="sedang berjalan"):
            B.auto_backup_if_due(live)
    finally:
        release.set()
        worker.join()
    assert B.auto_backup_if_due(live) is not None


def test_an_open_during_this_process_own_restore_leaves_its_files_alone(live: Path) -> None:
    work = live.parent / ".mtbs.db.dekripsi-0123456789ab.tmp"
    shutil.copy(live, work)
    with B.backup_lock(live):
        Register.open(live).close()  # e.g. the restore's own audit entry
        assert work.exists()
    Register.open(live).close()
    assert not work.exists()
