"""Migration from the first schema (v1) to the current one, on a file with data.

The upgrade happens only after an automatic, verified backup; each migration is one transaction
that also sets user_version, so a SIGKILL during the upgrade leaves v1 or v2, never a mix.
"""
from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from mtbs_tui import db as dbmod
from mtbs_tui.register import Register

V1_ONLY = ("patients_fts", "patient_versions")


def make_v1(path: Path, patients: int = 30) -> None:
    """A register as the first release wrote it, with patients and visits."""
    opened = dbmod.connect(path, create=True, target_version=1)
    db = opened.db
    with dbmod.write(db):
        db.execute("INSERT INTO facility(id, name, malaria_area) VALUES (1, 'Puskesmas Lama', 'rendah')")
        for i in range(1, patients + 1):
            db.execute(
                "INSERT INTO patients(id, mrn, mother_nik, name, sex, birth_date, parent_name, created_at, updated_at)"
                " VALUES (?, ?, '5301015912860001', ?, 'P', '2025-06-01', 'Ibu Lama', '2026-01-01T08:00:00',"
                " '2026-01-01T08:00:00')",
                [i, f"RM{i:06d}", f"Pasien Lama {i:02d}"],
            )
            db.execute(
                "INSERT INTO visits(visit_uid, patient_id, visit_at, visit_date, pathway, kind, chart, case_json,"
                " findings_json, result_json, status, recorded_by, created_at, updated_at)"
                " VALUES (?, ?, '2026-02-01T09:00:00', '2026-02-01', 'balita', 'pertama', '2022', '{}', '{}',"
                " '{\"classifications\":[],\"treatments\":[]}', 'final', 'bd', '2026-02-01T09:00:00',"
                " '2026-02-01T09:00:00')",
                [f"uid{i:05d}", i],
            )
            db.execute("INSERT INTO audit(at, actor, patient_id, action) VALUES ('2026-02-01T09:00:00', 'bd', ?, "
                       "'kunjungan.simpan')", [i])
    dbmod.close(db)


def schema_of(path: Path) -> tuple[int, set[str]]:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        return version, names
    finally:
        conn.close()


def test_v1_file_with_data_is_upgraded_after_a_verified_backup(tmp_path: Path) -> None:
    db = tmp_path / "mtbs.db"
    make_v1(db)
    version, names = schema_of(db)
    assert version == 1 and not set(V1_ONLY) & names

    reg = Register.open(db)
    try:
        assert reg.migrated_from == 1 and reg.schema_version == dbmod.SCHEMA_VERSION
        # The backup: beside the register in cadangan/, verified, still the v1 schema and data.
        backup = reg.backup_path
        assert backup is not None and backup.parent == tmp_path / "cadangan" and "sebelum-migrasi-v1" in backup.name
        b_version, b_names = schema_of(backup)
        assert b_version == 1 and "patients" in b_names and not set(V1_ONLY) & b_names
        conn = sqlite3.connect(backup)
        assert conn.execute("SELECT count(*) FROM visits").fetchone()[0] == 30
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        conn.close()
        assert not list((tmp_path / "cadangan").glob("*.tmp"))
        # The data made it through and the new features work on it.
        assert reg.counts()["pasien"] == 30 and reg.counts()["kunjungan"] == 30
        hits = reg.search_patients("lama 07")
        assert [p["mrn"] for p in hits] == ["RM000007"]
        assert hits[0]["last_seen_at"] == "2026-02-01T09:00:00"  # filled from the visits
        reg.update_patient(7, {"name": "Pasien Baru 07"}, actor="bd", reason="uji migrasi")
        assert reg.patient_versions(7)[0]["row"]["name"] == "Pasien Lama 07"
        assert reg.audit_log(patient_id=7)[0]["workstation"]
        assert reg.db.execute("SELECT value FROM meta WHERE key = 'migrated_v2_at'").fetchone()
    finally:
        reg.close()
    # Opening again does not migrate or back up again.
    reg = Register.open(db)
    assert reg.migrated_from is None and reg.backup_path is None
    reg.close()
    assert len(list((tmp_path / "cadangan").iterdir())) == 1


KILLABLE_OPEN = textwrap.dedent(
    """
    import sys, time
    from mtbs_tui import db as dbmod
    from mtbs_tui.register import Register
    if sys.argv[2] == "hold":
        real = dbmod.MIGRATIONS[2]
        def slow(db):
            real(db)  # every v2 statement ran, the transaction is still open
            print("INSIDE", flush=True)
            time.sleep(60)
        dbmod.MIGRATIONS[2] = slow
    print("READY", flush=True)
    sys.stdin.readline()
    Register.open(sys.argv[1]).close()
    print("DONE", flush=True)
    """
)


def _consistent(path: Path) -> int:
    version, names = schema_of(path)
    if version == 1:
        assert not set(V1_ONLY) & names, "v1 with v2 tables: a mixed schema"
    elif version == 2:
        assert set(V1_ONLY) <= names and "users" not in names, "v2 with v3 tables: a mixed schema"
    else:
        assert 3 <= version <= dbmod.SCHEMA_VERSION and set(V1_ONLY) <= names and "users" in names
        # Each later migration is whole or absent: its columns exist exactly from its version.
        conn = sqlite3.connect(path)
        patient_cols = {r[1] for r in conn.execute("PRAGMA table_info(patients)")}
        visit_cols = {r[1] for r in conn.execute("PRAGMA table_info(visits)")}
        conn.close()
        assert ("name_key" in patient_cols) == (version >= 4), "a mixed v3/v4 schema"
        assert ("rules_version" in visit_cols) == (version >= 5), "a mixed v4/v5 schema"
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM patients").fetchone()[0] == 30
    assert conn.execute("SELECT count(*) FROM visits").fetchone()[0] == 30
    conn.close()
    return version


def test_kill_inside_the_migration_transaction_leaves_v1(tmp_path: Path) -> None:
    db = tmp_path / "mtbs.db"
    make_v1(db)
    proc = subprocess.Popen([sys.executable, "-c", KILLABLE_OPEN, str(db), "hold"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "READY"
    proc.stdin.write("go\n")
    proc.stdin.flush()
    assert proc.stdout.readline().strip() == "INSIDE"
    proc.kill()
    proc.wait()
    assert _consistent(db) == 1
    assert list((tmp_path / "cadangan").glob("*sebelum-migrasi-v1*.db"))  # the backup came first
    reg = Register.open(db)  # the next start-up completes the upgrade
    assert reg.schema_version == dbmod.SCHEMA_VERSION and reg.search_patients("lama")
    reg.close()


def test_kill_at_random_moments_of_the_upgrade(tmp_path: Path) -> None:
    template = tmp_path / "template.db"
    make_v1(template)
    rng = random.Random(5)
    seen = set()
    for cycle in range(8):
        db = tmp_path / f"mtbs{cycle}.db"
        shutil.copy(template, db)
        proc = subprocess.Popen([sys.executable, "-c", KILLABLE_OPEN, str(db), "free"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "READY"
        proc.stdin.write("go\n")
        proc.stdin.flush()
        time.sleep(rng.uniform(0, 0.08))
        proc.kill()
        proc.wait()
        seen.add(_consistent(db))
        reg = Register.open(db)
        assert reg.schema_version == dbmod.SCHEMA_VERSION and reg.counts()["kunjungan"] == 30
        reg.close()
    assert seen <= set(range(1, dbmod.SCHEMA_VERSION + 1))


def test_mixed_schema_would_be_caught(tmp_path: Path) -> None:
    """_consistent can fail: a v1 file that already has a v2 table."""
    db = tmp_path / "mtbs.db"
    make_v1(db)
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE patient_versions(id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    with pytest.raises(AssertionError, match="mixed"):
        _consistent(db)
