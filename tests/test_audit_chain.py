"""The audit trail is append-only and hash-chained: every tampering of a copy is detected (issue 7)."""
from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from mtbs_tui import audit

V2_AUDIT = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
                    patient_id INTEGER, action TEXT NOT NULL, detail TEXT, workstation TEXT);
"""


def make_trail(path: Path, old_entries: int = 5, new_entries: int = 25) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")  # durability is not what this test is about
    conn.executescript(V2_AUDIT)
    for i in range(old_entries):  # written before the chain existed (schema v2)
        conn.execute("INSERT INTO audit(at, actor, patient_id, action, workstation) VALUES (?,?,?,?,?)",
                     (f"2026-01-0{i + 1}T08:00:00", "sari", i, "pasien.lihat", "pc-1"))
    conn.execute("BEGIN IMMEDIATE")
    audit.install(conn)
    conn.execute("COMMIT")
    for i in range(new_entries):
        conn.execute("BEGIN IMMEDIATE")
        audit.append(conn, random.choice(["kunjungan.simpan", "pasien.lihat", "cetak.rujukan"]),
                     actor=random.choice(["sari", "budi"]), patient_id=i % 7, host="pc-2")
        conn.execute("COMMIT")
    return conn


def test_intact_trail_verifies(tmp_path: Path) -> None:
    conn = make_trail(tmp_path / "a.db")
    result = audit.verify(conn)
    assert result.ok and result.count == 30
    assert result.head == audit.chain_head(conn)[1]
    assert "utuh" in result.message()


def test_database_refuses_update_and_delete(tmp_path: Path) -> None:
    conn = make_trail(tmp_path / "a.db")
    with pytest.raises(sqlite3.DatabaseError, match="hanya boleh ditambah"):
        conn.execute("UPDATE audit SET actor = 'x' WHERE id = 3")
    with pytest.raises(sqlite3.DatabaseError, match="hanya boleh ditambah"):
        conn.execute("DELETE FROM audit WHERE id = 3")


def _tamper_copy(conn: sqlite3.Connection, kind: str, rng: random.Random) -> int | None:
    """Tamper the way someone with the file and a SQLite tool would: drop the triggers first."""
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("DROP TRIGGER audit_no_delete")
    ids = [r[0] for r in conn.execute("SELECT id FROM audit ORDER BY id")]
    victim = rng.choice(ids)
    if kind == "edit":
        column = rng.choice(["at", "actor", "workstation", "patient_id", "action", "detail"])
        conn.execute(f"UPDATE audit SET {column} = 'palsu' WHERE id = ?", (victim,))
    elif kind == "delete":
        conn.execute("DELETE FROM audit WHERE id = ?", (victim,))
        # The entry after the gap no longer links; deleting the newest one shows at the end.
        return victim + 1 if victim != ids[-1] else None
    elif kind == "delete_last":
        conn.execute("DELETE FROM audit WHERE id = ?", (ids[-1],))
        return None
    elif kind == "reorder":
        other = rng.choice([i for i in ids if i != victim])
        a = conn.execute("SELECT at, actor, workstation, patient_id, action, detail, prev_hash, hash "
                         "FROM audit WHERE id = ?", (victim,)).fetchone()
        b = conn.execute("SELECT at, actor, workstation, patient_id, action, detail, prev_hash, hash "
                         "FROM audit WHERE id = ?", (other,)).fetchone()
        setter = ("UPDATE audit SET at=?, actor=?, workstation=?, patient_id=?, action=?, detail=?, "
                  "prev_hash=?, hash=? WHERE id=?")
        conn.execute(setter, (*b, victim))
        conn.execute(setter, (*a, other))
        return min(victim, other)
    elif kind == "rehash_edit":
        # An attacker who edits a row AND recomputes its hash still breaks the next link.
        row = dict(zip(audit.COLUMNS, conn.execute(
            "SELECT id, at, actor, workstation, patient_id, action, detail FROM audit WHERE id = ?",
            (victim,)).fetchone()))
        row["actor"] = "palsu"
        prev = conn.execute("SELECT prev_hash FROM audit WHERE id = ?", (victim,)).fetchone()[0]
        conn.execute("UPDATE audit SET actor = 'palsu', hash = ? WHERE id = ?",
                     (audit.entry_hash(prev, row), victim))
        return None
    return victim


@pytest.mark.parametrize("kind", ["edit", "delete", "delete_last", "reorder", "rehash_edit"])
@pytest.mark.parametrize("seed", range(8))
def test_every_tampering_is_detected(tmp_path: Path, kind: str, seed: int) -> None:
    conn = make_trail(tmp_path / "a.db")
    expected_first = _tamper_copy(conn, kind, random.Random(seed))
    result = audit.verify(conn)
    assert not result.ok, kind
    assert "RUSAK" in result.message()
    if expected_first is not None:
        assert result.first_broken_id == expected_first


def test_append_rolls_back_with_the_action(tmp_path: Path) -> None:
    conn = make_trail(tmp_path / "a.db")
    before = audit.chain_head(conn)
    conn.execute("BEGIN IMMEDIATE")
    audit.append(conn, "kunjungan.simpan", actor="sari", patient_id=1)
    conn.execute("ROLLBACK")
    assert audit.chain_head(conn) == before
    assert audit.verify(conn).ok
