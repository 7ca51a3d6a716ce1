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


# --- issue 20 item 11 ---------------------------------------------------------------------------

def test_v2_tells_null_from_empty_and_fields_apart() -> None:
    base = {"id": 1, "at": "2026-01-01T08:00:00", "actor": "sari", "workstation": "pc", "patient_id": None,
            "action": "pasien.lihat", "detail": None}
    assert audit.entry_hash(audit.GENESIS, base, 1) == audit.entry_hash(audit.GENESIS, {**base, "detail": ""}, 1)
    assert audit.entry_hash(audit.GENESIS, base) != audit.entry_hash(audit.GENESIS, {**base, "detail": ""})
    shifted = {**base, "actor": "sari" + audit.SEPARATOR + "pc", "workstation": None}
    assert audit.entry_hash(audit.GENESIS, {**base, "workstation": "pc", "actor": "sari"}) != \
        audit.entry_hash(audit.GENESIS, shifted)


def test_null_turned_into_empty_is_detected(tmp_path: Path) -> None:
    conn = make_trail(tmp_path / "a.db")
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET detail = '' WHERE id = 12")
    result = audit.verify(conn)
    assert not result.ok and result.first_broken_id == 12


def _as_v1_chain(conn: sqlite3.Connection) -> None:
    """Rewrite the chain as the issue-7 code wrote it (v1 everywhere, no audit_v2_from)."""
    conn.execute("DROP TRIGGER audit_no_update")
    prev = audit.GENESIS
    for record in conn.execute("SELECT id, at, actor, workstation, patient_id, action, detail FROM audit "
                               "ORDER BY id").fetchall():
        digest = audit.entry_hash(prev, dict(zip(audit.COLUMNS, record)), 1)
        conn.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, record[0]))
        prev = digest
    conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'", (prev,))
    conn.execute("DELETE FROM meta WHERE key = ?", (audit.V2_FROM_KEY,))
    conn.executescript(audit.TRIGGERS_SQL)


def test_an_old_v1_chain_verifies_and_continues_in_v2(tmp_path: Path) -> None:
    from mtbs_tui import users

    conn = make_trail(tmp_path / "a.db", new_entries=5)
    for sql in users.USERS_SQL:
        conn.execute(sql)
    conn.execute("INSERT INTO users(username, full_name, role, password_hash, created_at, updated_at) "
                 "VALUES ('sari', 'Sari', 'klinis', 'h', 'x', 'x')")
    _as_v1_chain(conn)
    assert audit.verify(conn).ok and audit.v2_from(conn) is None
    conn.execute("BEGIN IMMEDIATE")
    audit.append(conn, "pasien.lihat", actor="sari", patient_id=1)
    conn.execute("COMMIT")
    # The first entry by this code starts v2 and records each existing account (the baseline).
    assert audit.v2_from(conn) == 11
    assert [r[0] for r in conn.execute("SELECT action FROM audit WHERE id >= 11 ORDER BY id")] == \
        ["akun.dasar", "pasien.lihat"]
    assert audit.verify(conn).ok
    # Moving the switch point breaks the entries in between.
    conn.execute("UPDATE meta SET value = '12' WHERE key = ?", (audit.V2_FROM_KEY,))
    assert audit.verify(conn).first_broken_id == 11


@pytest.mark.parametrize("change", ["drop_update", "drop_delete", "weaken"])
def test_missing_or_changed_triggers_are_reported(tmp_path: Path, change: str) -> None:
    conn = make_trail(tmp_path / "a.db")
    if change == "drop_update":
        conn.execute("DROP TRIGGER audit_no_update")
    elif change == "drop_delete":
        conn.execute("DROP TRIGGER audit_no_delete")
    else:  # still there by name, but it no longer refuses anything
        conn.execute("DROP TRIGGER audit_no_delete")
        conn.execute("CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit WHEN 0 BEGIN SELECT 1; END")
    result = audit.verify(conn)
    assert not result.ok and "pemicu" in result.message() and "RUSAK" in result.message()


@pytest.mark.parametrize(("sql", "words"), [
    ("UPDATE users SET role = 'kepala' WHERE username = 'bidan'", "berbeda"),
    ("UPDATE users SET active = 1 WHERE username = 'bidan'", "berbeda"),
    ("UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE username = 'kepala') "
     "WHERE username = 'bidan'", "berbeda"),
    ("INSERT INTO users(username, full_name, role, password_hash, created_at, updated_at) "
     "VALUES ('penyusup', 'X', 'kepala', 'h', 'x', 'x')", "tidak tercatat"),
])
def test_accounts_changed_outside_the_application_are_reported(tmp_path: Path, sql: str, words: str) -> None:
    from cli_login import add_account

    from mtbs_tui import users
    from mtbs_tui.register import Register

    db = tmp_path / "r.db"
    Register.open(db, create=True).close()
    add_account(db, "kepala", "kepala")
    add_account(db, "bidan", "klinis")
    reg = Register.open(db, check=False)
    try:
        users.set_active(reg, "bidan", False, actor="kepala")
        users.reset_password(reg, "kepala", "sandi-baru-kepala", actor="kepala")
        assert audit.verify(reg.db.conn).ok
        with reg._write():
            reg.db.execute(sql)
        result = audit.verify(reg.db.conn)
    finally:
        reg.close()
    assert not result.ok and words in result.message()


def test_anchors_catch_a_cut_tail_and_allow_a_restore(tmp_path: Path) -> None:
    conn = make_trail(tmp_path / "a.db")
    hashes = [r[0] for r in conn.execute("SELECT hash FROM audit ORDER BY id")]
    good = [audit.Anchor("cadangan A", hashes[19], 20, "2026-01-01T00:00:00"), audit.Anchor("dokumen", hashes[9][:16])]
    assert audit.check_anchors(conn, good) == (None, 2, 0)
    # The tail cut off and meta rewritten: the chain alone verifies, the anchor does not.
    conn.execute("DROP TRIGGER audit_no_delete")
    conn.execute("DELETE FROM audit WHERE id > 15")
    conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'", (hashes[14],))
    conn.execute("UPDATE meta SET value = '15' WHERE key = 'audit_count'")
    conn.executescript(audit.TRIGGERS_SQL)
    assert audit.verify(conn).ok
    problem, _, _ = audit.check_anchors(conn, good)
    assert problem is not None and "mencatat 20 entri" in problem
    problem, _, _ = audit.check_anchors(conn, [audit.Anchor("dokumen", hashes[19][:16])])
    assert problem is not None and "tidak ada dalam rantai" in problem
    # A restore rewinds on purpose and says so: older anchors beyond it are skipped, not alarms.
    conn.execute("BEGIN IMMEDIATE")
    audit.append(conn, "pulihkan", actor="kepala", detail="dari cadangan", at="2026-02-01T00:00:00")
    conn.execute("COMMIT")
    assert audit.check_anchors(conn, good) == (None, 1, 1)
