"""The tamper-evident audit trail (UU 27/2022 PDP Ps. 31; Permenkes 24/2022 Ps. 29).

Each entry records who did what to which patient id, when and from which computer, and never any
clinical content. Entries are append-only (triggers refuse UPDATE and DELETE) and hash-chained:

    hash_n = sha256(hash_{n-1} | id | at | actor | workstation | patient_id | action | detail)

The newest hash and the entry count are also kept in `meta` (`audit_head`, `audit_count`), written in
the same transaction, so cutting entries off the end is detected too. `verify` recomputes the chain and
names the first broken entry. The head is written into every backup and printed on every document.
"""
from __future__ import annotations

import hashlib
import platform
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

GENESIS = "0" * 64
SEPARATOR = "\x1f"

# Column list shared by the migration that creates the table and by the chain computation.
COLUMNS = ("id", "at", "actor", "workstation", "patient_id", "action", "detail")

TRIGGERS_SQL = """
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'jejak audit hanya boleh ditambah, tidak boleh diubah'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'jejak audit hanya boleh ditambah, tidak boleh dihapus'); END;
"""


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    head: str
    first_broken_id: int | None = None
    reason: str | None = None

    def message(self) -> str:
        if self.ok:
            return f"jejak audit utuh: {self.count} entri, kepala rantai {self.head[:16]}"
        where = f"entri #{self.first_broken_id}" if self.first_broken_id is not None else "akhir rantai"
        return f"jejak audit RUSAK pada {where}: {self.reason}"


def workstation() -> str:
    """The computer's name, as recorded with each entry (no user data)."""
    return platform.node() or "tidak-diketahui"


def now_iso() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def entry_hash(prev_hash: str, row: dict) -> str:
    return entry_hash_values(prev_hash, [row.get(c) for c in COLUMNS])


def entry_hash_values(prev_hash: str, values: tuple | list) -> str:
    """entry_hash of an entry given as its values in COLUMNS order (the bulk demo writer's form)."""
    parts = [prev_hash] + ["" if v is None else str(v) for v in values]
    return hashlib.sha256(SEPARATOR.join(parts).encode("utf-8")).hexdigest()


UNKNOWN_ACTOR = "tak-dikenal#"


def unknown_actor(conn: sqlite3.Connection, typed: str) -> str:
    """The actor recorded for a failed login with a name that has no account: a fixed marker plus a
    keyed hash of what was typed, never the text itself (it may be a password typed into the name
    field, 100,000 characters, or a terminal escape sequence). Repeated tries with the same text
    get the same marker, so a reviewer still sees them as one source."""
    import hmac

    key = (_meta_get(conn, "install_id") or "mtbs").encode("utf-8")
    digest = hmac.new(key, typed.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()
    return UNKNOWN_ACTOR + digest[:12]


def printable(value: object) -> str:
    """An entry's field as one safe terminal line: control and format characters (newlines, ESC,
    bidi overrides, lone surrogates) are shown as escapes (`\\x1b`, `\\u202e`), never executed, so
    a stored value cannot forge a line or move the cursor of the reviewer's terminal."""
    import unicodedata

    text = "" if value is None else str(value)
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif unicodedata.category(ch)[0] == "C":
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000
                       else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


def _meta_get(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def _meta_set(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def chain_head(conn: sqlite3.Connection) -> tuple[int, str]:
    """(entry count, newest hash) as recorded in meta; (0, GENESIS) for an empty trail."""
    head = _meta_get(conn, "audit_head") or GENESIS
    count = int(_meta_get(conn, "audit_count") or 0)
    return count, head


def append(
    conn: sqlite3.Connection,
    action: str,
    *,
    actor: str,
    patient_id: int | None = None,
    detail: str | None = None,
    at: str | None = None,
    host: str | None = None,
) -> str:
    """Append one entry. Must run inside the caller's write transaction (BEGIN IMMEDIATE), so the
    entry commits or rolls back with the action it records. Returns the new chain head."""
    count, prev = chain_head(conn)
    # The id is part of the hashed content (so reordering is detected); inside the caller's
    # BEGIN IMMEDIATE transaction no other writer can take the same id.
    next_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM audit").fetchone()[0]
    row = {
        "id": next_id,
        "at": at or now_iso(),
        "actor": actor,
        "workstation": host or workstation(),
        "patient_id": patient_id,
        "action": action,
        "detail": detail,
    }
    digest = entry_hash(prev, row)
    conn.execute(
        "INSERT INTO audit(id, at, actor, workstation, patient_id, action, detail, prev_hash, hash) "
        "VALUES(:id, :at, :actor, :workstation, :patient_id, :action, :detail, :prev, :hash)",
        {**row, "prev": prev, "hash": digest},
    )
    _meta_set(conn, "audit_head", digest)
    _meta_set(conn, "audit_count", str(count + 1))
    return digest


def verify(conn: sqlite3.Connection) -> VerifyResult:
    """Recompute the chain from the first entry; report the first entry that does not fit."""
    prev = GENESIS
    count = 0
    cursor = conn.execute(
        "SELECT id, at, actor, workstation, patient_id, action, detail, prev_hash, hash "
        "FROM audit ORDER BY id"
    )
    for record in cursor:
        row = dict(zip(COLUMNS, record[:7]))
        stored_prev, stored_hash = record[7], record[8]
        if stored_prev != prev:
            return VerifyResult(False, count, prev, row["id"], "tautan ke entri sebelumnya tidak cocok "
                                "(ada entri yang dihapus, disisipkan atau diurutkan ulang)")
        expected = entry_hash(prev, row)
        if stored_hash != expected:
            return VerifyResult(False, count, prev, row["id"], "isi entri tidak cocok dengan hash-nya "
                                "(entri diubah)")
        prev = stored_hash
        count += 1
    recorded_count, recorded_head = chain_head(conn)
    if recorded_count != count or recorded_head != prev:
        return VerifyResult(False, count, prev, None, f"tercatat {recorded_count} entri, ditemukan {count} "
                            "(entri terakhir dihapus atau ditambahkan di luar aplikasi)")
    return VerifyResult(True, count, prev)


def install(conn: sqlite3.Connection) -> None:
    """Schema v3 step: add the chain columns, chain the entries written before v3 (in id order),
    then make the table append-only. Runs inside the migration's transaction."""
    existing = {row[1] for row in conn.execute("PRAGMA table_info(audit)")}
    for column in ("prev_hash", "hash"):
        if column not in existing:
            conn.execute(f"ALTER TABLE audit ADD COLUMN {column} TEXT")
    prev = GENESIS
    count = 0
    rows = conn.execute(
        "SELECT id, at, actor, workstation, patient_id, action, detail FROM audit ORDER BY id"
    ).fetchall()
    for record in rows:
        row = dict(zip(COLUMNS, record))
        digest = entry_hash(prev, row)
        conn.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, row["id"]))
        prev = digest
        count += 1
    _meta_set(conn, "audit_head", prev)
    _meta_set(conn, "audit_count", str(count))
    conn.executescript(TRIGGERS_SQL) if not conn.in_transaction else _run_script(conn, TRIGGERS_SQL)


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    # executescript() would COMMIT the migration's open transaction; run statement by statement.
    for statement in script.split("END;"):
        if statement.strip():
            conn.execute(statement + "END;")
