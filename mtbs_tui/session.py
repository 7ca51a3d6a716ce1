"""Who runs a CLI command: the user's name and password, the login, and the role check.

The global options of `mtbs` (cli.py's callback) say who is working:

- `--user NAMA`, else the environment variable MTBS_USER, else (at a terminal) a question;
- the password: `--password-stdin` reads one line from standard input (for scheduled jobs, e.g. a
  nightly `mtbs backup`), else MTBS_PASSWORD (only for a scheduled job on a locked-down PC: an
  environment variable can be read by other programs of the same Windows/Linux user), else a hidden
  prompt (getpass) when standard input is a terminal.

`login_for()` = `users.authenticate()` (which records the login or the failed login in the audit
trail and slows down repeated failures) + `accounts.require(action)`. Every failure is one
Indonesian line (`SessionError.message`) and exit status 2.

Only the standard library at import time: the CLI starts fast on old PCs.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mtbs_tui.accounts import User
    from mtbs_tui.register import Register

ENV_USER = "MTBS_USER"
ENV_PASSWORD = "MTBS_PASSWORD"

NO_ACCOUNTS = (
    "galat: belum ada akun; buat akun kepala puskesmas dengan: "
    "mtbs user add NAMA --peran kepala --nama-lengkap \"...\""
)


class SessionError(Exception):
    """A login or permission failure; `message` is one Indonesian line starting with `galat:`."""

    def __init__(self, message: str, code: int = 2, *, unusable: bool = False) -> None:
        super().__init__(message)
        self.message = message if message.startswith("galat") else f"galat: {message}"
        self.code = code
        # True when the register itself is missing or damaged (no accounts can be read from it).
        self.unusable = unusable


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def read_stdin_line(what: str) -> str:
    """One line of standard input without its line ending (passwords may contain spaces)."""
    try:
        line = sys.stdin.readline() if sys.stdin is not None else ""
    except UnicodeDecodeError:
        line = "\udcff"
    from mtbs_tui.inputs import has_lone_surrogate

    if has_lone_surrogate(line):
        raise SessionError(f"galat: {what}: baris dari stdin bukan teks UTF-8 yang sah")
    if not line:
        raise SessionError(f"galat: {what}: tidak ada baris yang bisa dibaca dari stdin")
    return line.rstrip("\r\n")


def username(options: dict[str, Any]) -> str:
    name = options.get("user") or os.environ.get(ENV_USER)
    if not name and _interactive():
        try:
            name = input("Nama pengguna: ").strip()
        except EOFError:
            name = ""
    if not name:
        raise SessionError(
            "galat: --user: masuk dahulu: beri --user NAMA (atau variabel MTBS_USER)"
        )
    return str(name).strip().lower()


def password(options: dict[str, Any], name: str) -> str:
    """The login password, read once per command (a second call returns the same text)."""
    if options.get("_password") is not None:
        return options["_password"]
    if options.get("password_stdin"):
        secret = read_stdin_line("--password-stdin")
    elif os.environ.get(ENV_PASSWORD):
        secret = os.environ[ENV_PASSWORD]
    elif _interactive():
        import getpass

        try:
            secret = getpass.getpass(f"Kata sandi {name}: ")
        except EOFError:
            secret = ""
    else:
        raise SessionError(
            "galat: kata sandi: diperlukan (ketik di terminal, atau --password-stdin untuk tugas terjadwal)"
        )
    options["_password"] = secret
    return secret


def new_password(*, from_stdin: bool, who: str) -> str:
    """The password of a new account or a reset: one stdin line, or typed twice at a terminal."""
    from mtbs_tui import accounts
    from mtbs_tui.accounts import AccountError

    if from_stdin:
        secret = read_stdin_line("--sandi-stdin")
    elif _interactive():
        import getpass

        secret = getpass.getpass(f"Kata sandi baru untuk {who}: ")
        again = getpass.getpass("Ulangi kata sandi: ")
        if secret != again:
            raise SessionError("galat: kata sandi: kedua ketikan tidak sama")
    else:
        raise SessionError("galat: kata sandi baru: ketik di terminal, atau beri --sandi-stdin")
    try:
        accounts.check_password_strength(secret, username=who)
    except AccountError as exc:
        raise SessionError(f"galat: kata sandi: {exc.message}") from None
    return secret


def login_for(register: Register, options: dict[str, Any], action: str, *also: str) -> User:
    """Authenticate the command's user and check that the role may perform `action` (and each of
    `also`: a command that does two protected things)."""
    from mtbs_tui import accounts, users
    from mtbs_tui.accounts import AccessDenied, AccountError

    if users.count_users(register) == 0:
        raise SessionError(NO_ACCOUNTS)
    name = username(options)
    secret = password(options, name)
    try:
        user = users.authenticate(register, name, secret)
    except AccountError as exc:
        raise SessionError(f"galat: masuk gagal: {exc.message}") from None
    try:
        for each in (action, *also):
            accounts.require(user, each)
    except AccessDenied as exc:
        raise SessionError(f"galat: {exc.message}") from None
    return user


def login_at(db_path: Path, options: dict[str, Any], action: str, *also: str) -> User:
    """Open the register (with the health check, before the login writes its audit row), log in,
    close."""
    from mtbs_tui.register import Register, RegisterError

    try:
        register = Register.open(Path(db_path))
    except RegisterError as exc:
        raise SessionError(str(exc), unusable=exc.kind in ("rusak", "hilang")) from None
    try:
        return login_for(register, options, action, *also)
    finally:
        register.close()


def login_with_copy(copy: Path, options: dict[str, Any], action: str) -> User:
    """Log in against the accounts inside a verified backup copy (read-only).

    For `mtbs restore` when the live register is missing or too damaged to read its accounts: the
    head proves who they are with the account they had when the backup was made. Nothing can be
    recorded in a damaged register, so the restored register's `pulihkan` entry names the user.
    """
    import sqlite3

    from mtbs_tui import accounts
    from mtbs_tui.accounts import AccessDenied, User
    from mtbs_tui.users import accounts_in_file, login_row_in_file

    conn = sqlite3.connect(f"{Path(copy).resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        if not accounts_in_file(conn):
            # Nobody to log in as, in the copy or in the (missing/damaged) register: like the
            # first run, restoring it needs no login; its first `mtbs user add` makes the head.
            return User(0, "tanpa-akun", "-", "kepala", True)
        name = username(options)
        secret = password(options, name)
        row = login_row_in_file(conn, name)
    finally:
        conn.close()
    if row is not None and not row[4]:
        # Refused before the password is checked: the answer never confirms a disabled account's password.
        from mtbs_tui.users import DISABLED_MESSAGE

        raise SessionError(f"galat: masuk gagal: {DISABLED_MESSAGE} (akun dalam cadangan)")
    if row is None or not accounts.verify_password(row[5], secret)[0]:
        raise SessionError("galat: masuk gagal: nama pengguna atau kata sandi salah (akun dalam cadangan)")
    user = User(row[0], row[1], row[2], row[3], bool(row[4]))
    try:
        accounts.require(user, action)
    except AccessDenied as exc:
        raise SessionError(f"galat: {exc.message}") from None
    return user


def has_users(db_path: Path) -> bool:
    """True when the register file exists and has at least one account (read-only look)."""
    import sqlite3

    from mtbs_tui.users import file_has_accounts

    path = Path(db_path)
    if not path.exists():
        return False
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
        try:
            return file_has_accounts(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return False
