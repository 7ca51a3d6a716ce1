"""The tamper-evident audit trail (UU 27/2022 PDP Ps. 31; Permenkes 24/2022 Ps. 29).

Each entry records who did what to which patient id, when and from which computer, and never any
clinical content. Entries are append-only (triggers refuse UPDATE and DELETE) and hash-chained:

    v1: hash_n = sha256(hash_{n-1} | id | at | actor | workstation | patient_id | action | detail)
    v2: hash_n = sha256("v2" | hash_{n-1} | enc(id) | enc(at) | ... | enc(detail))
        enc(NULL) = "-", enc(value) = "<length>:<text>"

v1 (issue 7) read NULL and '' alike, and a value holding the separator could shift the fields; v2
tells them apart. `meta.audit_v2_from` is the first entry id written with v2 (1 for every register
made or upgraded to v3 since; for a v3 register made before, the id of the first entry written by
this code), so an old chain still verifies, and moving the key breaks every entry in between.

Account changes are covered too: every change of an account (made, disabled, enabled, new password,
unlocked, rehashed at login) appends an entry whose detail ends with `akun#<digest>` of that account
row (username, name, role, active, password hash). `verify` recomputes each account's digest and
compares it with its newest such entry: a role or a password hash changed outside the application,
or an account inserted with SQL, is reported. When the first v2 entry of an older register is
written, each existing account gets an `akun.dasar` entry (the baseline).

The newest hash and the entry count are also kept in `meta` (`audit_head`, `audit_count`), written in
the same transaction, so cutting entries off the end is detected too. `verify` recomputes the chain and
names the first broken entry. The head is written into every backup and printed on every document.
"""
from __future__ import annotations

import getpass
import hashlib
import os
import platform
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

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
    where: str | None = None  # "" = not one place in the chain (a trigger, an account, an anchor)

    def message(self) -> str:
        if self.ok:
            return f"jejak audit utuh: {self.count} entri, kepala rantai {self.head[:16]}"
        if self.where == "":
            return f"jejak audit RUSAK: {self.reason}"
        where = f"entri #{self.first_broken_id}" if self.first_broken_id is not None else "akhir rantai"
        return f"jejak audit RUSAK pada {where}: {self.reason}"


def workstation() -> str:
    """The computer's name, as recorded with each entry (no user data)."""
    return platform.node() or "tidak-diketahui"


def now_iso() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


ENCODING = 2  # the encoding every new entry is written with
V2_FROM_KEY = "audit_v2_from"


def entry_hash(prev_hash: str, row: dict[str, Any], encoding: int = ENCODING) -> str:
    return entry_hash_values(prev_hash, [row.get(c) for c in COLUMNS], encoding)


def entry_hash_values(prev_hash: str, values: tuple[Any, ...] | list[Any], encoding: int = ENCODING) -> str:
    """entry_hash of an entry given as its values in COLUMNS order (the bulk demo writer's form)."""
    if encoding == 1:
        parts = [prev_hash] + ["" if v is None else str(v) for v in values]
    else:
        parts = ["v2", prev_hash] + ["-" if v is None else f"{len(str(v))}:{v}" for v in values]
    return hashlib.sha256(SEPARATOR.join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def v2_from(conn: sqlite3.Connection) -> int | None:
    """The first entry id hashed with v2; None for a chain that has none yet (all v1)."""
    value = _meta_get(conn, V2_FROM_KEY)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return 0  # a key that is not a number: every entry is checked as v2, so the damage shows


# --- accounts in the chain ------------------------------------------------------------------------

ACCOUNT_COLUMNS = ("id", "username", "full_name", "role", "active", "password_hash")
ACCOUNT_MARK = " akun#"
_ACCOUNT_MARK_RE = re.compile(r"^(\S+).* akun#([0-9a-f]{16})$")


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def account_digest(conn: sqlite3.Connection, username: str) -> str | None:
    """Digest of one account row as it is now (None when there is no such account)."""
    row = conn.execute(f"SELECT {', '.join(ACCOUNT_COLUMNS)} FROM users WHERE username = ?", (username,)).fetchone()
    return None if row is None else _digest_row(row)


def _digest_row(row: tuple[Any, ...]) -> str:
    parts = ["-" if v is None else f"{len(str(v))}:{v}" for v in row]
    return hashlib.sha256(SEPARATOR.join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def account_detail(conn: sqlite3.Connection, username: str, detail: str | None = None) -> str:
    """The detail of an entry that changes an account: starts with the username, ends with the
    account row's digest after the change (written in the same transaction)."""
    text = detail if detail and detail.split(" ", 1)[0] == username else username + (f" {detail}" if detail else "")
    return f"{text}{ACCOUNT_MARK}{account_digest(conn, username)}"


def _start_v2(conn: sqlite3.Connection, next_id: int) -> None:
    """The first entry written by this code into a v1 chain: from here on v2, and a baseline entry
    for each existing account (so an account inserted later with SQL has no entry and shows)."""
    _meta_set(conn, V2_FROM_KEY, str(next_id))
    if not _has_table(conn, "users"):
        return
    for (username,) in conn.execute("SELECT username FROM users ORDER BY id").fetchall():
        append(conn, "akun.dasar", actor="sistem", detail=account_detail(conn, username))


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


def recorded_head(conn: Any) -> str | None:
    """The chain head written in meta (printed in document footers and backup lists); None for a
    register without the chain. `conn`: a sqlite3 connection or a sqlite_utils Database."""
    try:
        head = _meta_get(conn, "audit_head")
    except sqlite3.Error:  # an older register without meta
        return None
    return head or None


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
    next_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM audit").fetchone()[0]
    if v2_from(conn) is None:
        _start_v2(conn, next_id)
        next_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM audit").fetchone()[0]
    count, prev = chain_head(conn)
    # The id is part of the hashed content (so reordering is detected); inside the caller's
    # BEGIN IMMEDIATE transaction no other writer can take the same id.
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
    """Recompute the chain from the first entry and report the first entry that does not fit; then
    check that the append-only triggers are in place and that every account matches its newest
    entry in the chain."""
    result = _verify_chain(conn)
    if not result.ok:
        return result
    problem = _check_triggers(conn) or _check_accounts(conn)
    if problem:
        return VerifyResult(False, result.count, result.head, None, problem, where="")
    return result


def _check_triggers(conn: sqlite3.Connection) -> str | None:
    found = {name: _normal(sql) for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'")}
    for statement in _trigger_statements():
        name = statement.split()[5]
        if found.get(name) != _normal(statement):
            return (f"pemicu {name} (yang menolak perubahan dan penghapusan entri) hilang atau diubah: "
                    "jejak audit bisa diubah di luar aplikasi")
    return None


def _trigger_statements() -> list[str]:
    return [part.strip() + " END;" for part in TRIGGERS_SQL.split("END;") if part.strip()]


def _normal(sql: str | None) -> str:
    text = " ".join((sql or "").replace("IF NOT EXISTS ", "").split())
    return text.rstrip(";").rstrip()


def _check_accounts(conn: sqlite3.Connection) -> str | None:
    if not _has_table(conn, "users") or v2_from(conn) is None:
        return None
    newest: dict[str, str] = {}
    for (detail,) in conn.execute(
        "SELECT detail FROM audit WHERE action LIKE 'akun.%' OR action = 'login' ORDER BY id"
    ):
        match = _ACCOUNT_MARK_RE.match(detail or "")
        if match:
            newest[match.group(1)] = match.group(2)
    for row in conn.execute(f"SELECT {', '.join(ACCOUNT_COLUMNS)} FROM users ORDER BY id"):
        username = row[1]
        if username not in newest:
            return f"akun {printable(username)[:40]} tidak tercatat di jejak audit (ditambahkan di luar aplikasi)"
        if newest[username] != _digest_row(row):
            return (f"akun {printable(username)[:40]} berbeda dari catatan terakhirnya di jejak audit "
                    "(peran, status atau kata sandi diubah di luar aplikasi)")
    return None


# --- anchors: chain heads written outside the file ------------------------------------------------

@dataclass(frozen=True)
class Anchor:
    """A chain head recorded outside the register: `count` entries ending in `head` (a backup's
    line in `rantai-audit-cadangan.txt`), or only a head prefix (`count` None: printed on a
    document). `at` (local ISO time, may be None) says when it was recorded."""
    source: str
    head: str
    count: int | None = None
    at: str | None = None


def printed_head_problem(head: str) -> str | None:
    """What is wrong with a chain head as printed on a document (at least 8 lowercase hex digits),
    else None."""
    if len(head) < 8 or not re.fullmatch(r"[0-9a-f]+", head):
        return f"kepala rantai {printable(head)[:20]!r} bukan heksadesimal (min. 8)"
    return None


def check_anchors(conn: sqlite3.Connection, anchors: list[Anchor]) -> tuple[str | None, int, int]:
    """(first contradiction or None, anchors compared, anchors skipped).

    A restore legitimately rewinds the chain to the restored backup and then records `pulihkan`:
    an anchor recorded before a restore is compared only when it lies before that restore's entry
    (later parts of that older chain are gone on purpose); one that cannot be compared is skipped."""
    restores = conn.execute(
        "SELECT (SELECT count(*) FROM audit b WHERE b.id <= a.id), a.at FROM audit a WHERE a.action = 'pulihkan' "
        "ORDER BY a.id").fetchall()
    compared = skipped = 0
    for anchor in anchors:
        later = [position for position, at in restores if anchor.at is None or str(at or "") > anchor.at]
        limit = min(later) - 1 if later else None
        if anchor.count is None:
            problem = printed_head_problem(anchor.head)
            if problem:
                return f"{anchor.source}: {problem}", compared, skipped
            found = conn.execute("SELECT 1 FROM audit WHERE substr(hash, 1, ?) = ? LIMIT 1",
                                 (len(anchor.head), anchor.head)).fetchone()
            if found is None and limit is None:
                return (f"{anchor.source}: kepala rantai {anchor.head} tidak ada dalam rantai sekarang "
                        "(entri dihapus atau rantai ditulis ulang)"), compared, skipped
            if found is None:
                skipped += 1
                continue
            compared += 1
            continue
        if anchor.count <= 0 or (limit is not None and anchor.count > limit):
            skipped += 1
            continue
        row = conn.execute("SELECT hash FROM audit ORDER BY id LIMIT 1 OFFSET ?", (anchor.count - 1,)).fetchone()
        if row is None:
            have = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
            return (f"{anchor.source} mencatat {anchor.count} entri, rantai sekarang hanya {have} "
                    "(entri terakhir dihapus dan meta ditulis ulang)"), compared, skipped
        if row[0] != anchor.head:
            return (f"entri ke-{anchor.count} berbeda dari yang tercatat pada {anchor.source} "
                    "(rantai ditulis ulang)"), compared, skipped
        compared += 1
    return None, compared, skipped


def _verify_chain(conn: sqlite3.Connection) -> VerifyResult:
    prev = GENESIS
    count = 0
    start_v2 = v2_from(conn)
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
        encoding = 2 if start_v2 is not None and row["id"] >= start_v2 else 1
        expected = entry_hash(prev, row, encoding)
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
    _meta_set(conn, V2_FROM_KEY, "1")  # chained here for the first time: all of it v2
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


# --- one audit row for a print, export, backup or restore ---------------------------------------

def current_actor() -> str:
    """Who is printing or exporting: $MTBS_USER (set by the TUI's login later), else the OS user."""
    name = os.environ.get("MTBS_USER")
    if name:
        return name
    try:
        return getpass.getuser() or "admin"
    except Exception:  # noqa: BLE001 - getuser can fail without a login name (services, containers)
        return "admin"


def record_audit(target: Any, action: str, *, detail: str | None = None, actor: str | None = None,
                 patient_id: int | None = None) -> None:
    """One audit row for a print, export, backup or restore. `target` is an open Register or a path."""
    from mtbs_tui.register import Register

    who = actor or current_actor()
    if isinstance(target, (str, Path)):
        # check=False: the caller has just verified or written the file; a second full quick_check
        # only to append one audit row doubled `mtbs backup` on a large register.
        register = Register.open(Path(target), check=False)
        try:
            register.audit(action, actor=who, patient_id=patient_id, detail=detail)
        finally:
            register.close()
    else:
        target.audit(action, actor=who, patient_id=patient_id, detail=detail)
