"""User accounts stored in the register: create, list, disable, reset password, log in.

Every change and every login (failed ones too) is written to the audit trail in the same
transaction. Failed logins are counted in the database, so restarting the app does not reset the
slow-down. No textual or reportlab imports.
"""
from __future__ import annotations

import datetime as _dt
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from mtbs_tui import accounts
from mtbs_tui.accounts import AccountError, User

if TYPE_CHECKING:
    from mtbs_tui.register import Register

Now = Callable[[], _dt.datetime]


def _now() -> _dt.datetime:
    return _dt.datetime.now()


def _iso(moment: _dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _user(row: dict | tuple) -> User:
    if isinstance(row, dict):
        return User(row["id"], row["username"], row["full_name"], row["role"], bool(row["active"]))
    return User(row[0], row[1], row[2], row[3], bool(row[4]))


_COLUMNS = "id, username, full_name, role, active"


# --- accounts read over a plain read-only connection (a backup copy, or a register before it is
# opened as a Register): `mtbs restore` and the first-run check use these ---------------------------

def accounts_in_file(conn: sqlite3.Connection) -> int:
    """How many accounts the file holds; 0 for a file made before accounts existed (schema < 3)."""
    try:
        return int(conn.execute("SELECT count(*) FROM users").fetchone()[0])
    except sqlite3.Error:
        return 0


def login_row_in_file(conn: sqlite3.Connection, name: str) -> tuple[Any, ...] | None:
    """(id, username, full_name, role, active, password_hash) of one account, None when absent."""
    row = conn.execute(
        "SELECT id, username, full_name, role, active, password_hash FROM users WHERE username = ?", [name]
    ).fetchone()
    return None if row is None else tuple(row)


def file_has_accounts(conn: sqlite3.Connection) -> bool:
    return bool(conn.execute("SELECT 1 FROM users LIMIT 1").fetchone())


def count_users(register: Register) -> int:
    return int(register.db.execute("SELECT count(*) FROM users").fetchone()[0])


def list_users(register: Register) -> list[dict]:
    return list(register.db.query(
        "SELECT id, username, full_name, role, active, last_login_at, created_at, failed_count, nip, str_number "
        "FROM users ORDER BY username"
    ))


def get_user(register: Register, username: str) -> User | None:
    row = register.db.execute(f"SELECT {_COLUMNS} FROM users WHERE username = ?", [username]).fetchone()
    return None if row is None else _user(row)


def add_user(
    register: Register,
    *,
    username: str,
    full_name: str,
    role: str,
    password: str,
    actor: str,
    now: Now = _now,
    password_hash: str | None = None,
    nip: str | None = None,
    str_number: str | None = None,
) -> User:
    """Create an account. The first account of a register must be a head/admin (`kepala`).

    `password_hash`: accounts.hash_password(password) made beforehand (the demo hashes its accounts
    in a thread while it writes the visits); the password's strength is still checked here."""
    name = accounts.validate_username(username)
    accounts.validate_role(role)
    full_name = full_name.strip()
    if not full_name:
        raise AccountError("nama_lengkap", "wajib diisi")
    accounts.check_password_strength(password, username=name)
    nip, str_number = accounts.validate_nip(nip), accounts.validate_str_number(str_number)
    if password_hash is None:
        password_hash = accounts.hash_password(password)
    with register._write():
        if count_users(register) == 0 and role != "kepala":
            raise AccountError("peran", "akun pertama harus kepala puskesmas / admin (kepala)")
        if get_user(register, name) is not None:
            raise AccountError("nama_pengguna", f"{name} sudah dipakai")
        stamp = _iso(now())
        cursor = register.db.execute(
            "INSERT INTO users(username, full_name, role, password_hash, active, failed_count, "
            "created_at, created_by, updated_at, nip, str_number) VALUES (?, ?, ?, ?, 1, 0, ?, ?, ?, ?, ?)",
            [name, full_name, role, password_hash, stamp, actor, stamp, nip, str_number],
        )
        register._audit("akun.tambah", actor=actor, detail=_account_detail(register, name, f"{name} ({role})"))
        return User(cast(int, cursor.lastrowid), name, full_name, role, True)


_UNSET = object()


def set_identity(register: Register, username: str, *, actor: str, full_name: object = _UNSET,
                 nip: object = _UNSET, str_number: object = _UNSET, now: Now = _now) -> dict:
    """Change the name, NIP or STR printed in a worker's signature (an argument left out is kept;
    an empty NIP or STR clears it). Returns the changed fields, {} when nothing changed."""
    changes: dict[str, str | None] = {}
    if full_name is not _UNSET:
        name_text = str(full_name or "").strip()
        if not name_text:
            raise AccountError("nama_lengkap", "wajib diisi")
        changes["full_name"] = name_text
    if nip is not _UNSET:
        changes["nip"] = accounts.validate_nip(cast("str | None", nip))
    if str_number is not _UNSET:
        changes["str_number"] = accounts.validate_str_number(cast("str | None", str_number))
    with register._write():
        user = _require_user(register, username)
        old = register.db.execute("SELECT full_name, nip, str_number FROM users WHERE id = ?", [user.id]).fetchone()
        current = dict(zip(("full_name", "nip", "str_number"), old))
        changes = {k: v for k, v in changes.items() if current[k] != v}
        if not changes:
            return {}
        sets = ", ".join(f"{k} = ?" for k in changes)
        register.db.execute(f"UPDATE users SET {sets}, updated_at = ? WHERE id = ?",
                            [*changes.values(), _iso(now()), user.id])
        register._audit("akun.ubah", actor=actor, detail=f"{user.username}: {', '.join(sorted(changes))}")
        return changes


def set_active(register: Register, username: str, active: bool, *, actor: str, now: Now = _now) -> None:
    with register._write():
        user = _require_user(register, username)
        if not active and user.role == "kepala" and _active_heads(register) <= 1 and user.active:
            raise AccountError("nama_pengguna", "kepala puskesmas aktif terakhir tidak boleh dinonaktifkan")
        register.db.execute(
            "UPDATE users SET active = ?, updated_at = ? WHERE id = ?", [int(active), _iso(now()), user.id]
        )
        register._audit("akun.aktifkan" if active else "akun.nonaktifkan", actor=actor,
                        detail=_account_detail(register, user.username))


def reset_password(register: Register, username: str, password: str, *, actor: str, now: Now = _now) -> None:
    accounts.check_password_strength(password, username=username.strip().lower())
    password_hash = accounts.hash_password(password)
    with register._write():
        user = _require_user(register, username)
        register.db.execute(
            "UPDATE users SET password_hash = ?, failed_count = 0, last_failed_at = NULL, updated_at = ? "
            "WHERE id = ?",
            [password_hash, _iso(now()), user.id],
        )
        register._audit("akun.ganti_sandi", actor=actor, detail=_account_detail(register, user.username))


def lockout_limit(register: Register) -> int:
    """Consecutive failures that lock an account (setting `login_lockout_failures`, else the default)."""
    value = register.setting(accounts.LOCKOUT_SETTING)
    try:
        limit = int(value) if value is not None else accounts.LOCKOUT_FAILURES
    except ValueError:
        limit = accounts.LOCKOUT_FAILURES
    return limit if limit >= 1 else accounts.LOCKOUT_FAILURES


def is_locked(register: Register, user_id: int, role: str, failed_count: int) -> bool:
    """True when the account is locked: `failed_count` reached the limit, unless it is the last
    active head that is not locked (then nobody could lift it; the slow-down still applies)."""
    limit = lockout_limit(register)
    if failed_count < limit:
        return False
    if role != "kepala":
        return True
    others = register.db.execute(
        "SELECT count(*) FROM users WHERE role = 'kepala' AND active = 1 AND id != ? AND failed_count < ?",
        [user_id, limit],
    ).fetchone()[0]
    return others > 0


LOCKED_MESSAGE = ("akun terkunci setelah terlalu banyak percobaan gagal; minta kepala puskesmas "
                  "membukanya (mtbs user buka-kunci NAMA)")
WRONG_MESSAGE = "nama pengguna atau kata sandi salah"
DISABLED_MESSAGE = "akun ini dinonaktifkan; hubungi kepala puskesmas"


def authenticate(register: Register, username: str, password: str, *, now: Now = _now) -> User:
    """Check a login. Raises AccountError (field `nama_pengguna`, `kata_sandi`, `tunggu` or `terkunci`).

    The whole check runs inside one write transaction: the failure count is read, the password
    verified and the result counted and audited before another attempt (another process, another
    PC) can read the count, so parallel tries cannot skip the slow-down or the lockout.
    The same message is given for an unknown user and a wrong password, so the login screen does
    not tell an outsider which names exist; a disabled or locked account is refused without
    checking the password (the answer never confirms a password). An unknown name is recorded as a
    marker plus a hash, never as typed (it may be a password typed into the wrong field).
    """
    from mtbs_tui import audit as audit_trail

    name = username.strip().lower()
    moment = now()
    failure: AccountError | None = None
    with register._write():
        row = register.db.execute(
            f"SELECT {_COLUMNS}, password_hash, failed_count, last_failed_at FROM users WHERE username = ?",
            [name],
        ).fetchone()
        if row is None:
            accounts.verify_password(accounts.dummy_hash(), password)  # the same time as a known name
            register._audit("login.gagal", actor=audit_trail.unknown_actor(register.db.conn, username))
            failure = AccountError("kata_sandi", WRONG_MESSAGE)
        elif is_locked(register, row[0], row[3], int(row[6])):
            register._audit("login.gagal", actor=name, detail="akun terkunci")
            failure = AccountError("terkunci", LOCKED_MESSAGE)
        elif not row[4]:
            register._audit("login.gagal", actor=name, detail="akun nonaktif")
            failure = AccountError("nama_pengguna", DISABLED_MESSAGE)
        else:
            if row[6] and row[7]:
                wait = accounts.login_delay(int(row[6]))
                allowed_at = _dt.datetime.fromisoformat(row[7]) + _dt.timedelta(seconds=wait)
                if moment < allowed_at:
                    seconds = max(1, int((allowed_at - moment).total_seconds() + 0.999))
                    raise AccountError("tunggu", f"terlalu banyak percobaan gagal; coba lagi dalam {seconds} detik")
            ok, new_hash = accounts.verify_password(row[5], password)
            if ok:
                register.db.execute(
                    "UPDATE users SET failed_count = 0, last_failed_at = NULL, last_login_at = ?"
                    + (", password_hash = ?" if new_hash else "")
                    + " WHERE id = ?",
                    [_iso(moment), *([new_hash] if new_hash else []), row[0]],
                )
                # A rehash changes the account row: the entry carries its new digest.
                register._audit("login", actor=name, detail=_account_detail(register, name) if new_hash else None)
                return _user(row[:5])
            failed = int(row[6]) + 1
            register.db.execute(
                "UPDATE users SET failed_count = ?, last_failed_at = ? WHERE id = ?",
                [failed, _iso(moment), row[0]],
            )
            if is_locked(register, row[0], row[3], failed):
                register._audit("login.gagal", actor=name, detail=f"akun dikunci setelah {failed} kali gagal")
                failure = AccountError("terkunci", f"{WRONG_MESSAGE}; {LOCKED_MESSAGE}")
            else:
                register._audit("login.gagal", actor=name)
                failure = AccountError("kata_sandi", WRONG_MESSAGE)
    raise failure


def unlock(register: Register, username: str, *, actor: str, now: Now = _now) -> bool:
    """Lift a lockout (and the slow-down): the head's `mtbs user buka-kunci`. False when the account
    was not locked (nothing is written then)."""
    with register._write():
        user = _require_user(register, username)
        failed = int(register.db.execute("SELECT failed_count FROM users WHERE id = ?", [user.id]).fetchone()[0])
        if not failed:
            return False
        register.db.execute(
            "UPDATE users SET failed_count = 0, last_failed_at = NULL, updated_at = ? WHERE id = ?",
            [_iso(now()), user.id],
        )
        register._audit("akun.buka_kunci", actor=actor, detail=_account_detail(register, user.username))
        return True


def _account_detail(register: Register, username: str, detail: str | None = None) -> str:
    from mtbs_tui import audit as audit_trail

    return audit_trail.account_detail(register.db.conn, username, detail)


def _require_user(register: Register, username: str) -> User:
    user = get_user(register, username.strip().lower())
    if user is None:
        raise AccountError("nama_pengguna", f"pengguna {username!r} tidak ada")
    return user


def _active_heads(register: Register) -> int:
    return int(register.db.execute("SELECT count(*) FROM users WHERE role = 'kepala' AND active = 1").fetchone()[0])


USERS_SQL = (
    f"""CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        full_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ({", ".join(repr(r) for r in accounts.ROLES)})),
        password_hash TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        failed_count INTEGER NOT NULL DEFAULT 0,
        last_failed_at TEXT,
        last_login_at TEXT,
        created_at TEXT NOT NULL,
        created_by TEXT,
        updated_at TEXT NOT NULL)""",
)
