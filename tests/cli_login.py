"""Credentials for tests that run `mtbs` commands on a register (every register command logs in).

`add_account(db)` gives a test register the head's account (`kepala`, password `kepala-demo`, the
same as the demo register's); `login_env` (autouse when imported into a test module) makes every
`mtbs` subprocess of that module log in as that account through MTBS_USER / MTBS_PASSWORD.
The argon2 hash is computed once per process and reused: hashing costs ~0.25 s.
"""
from __future__ import annotations

import functools
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

# The real console script of the virtualenv. Kept here, not in conftest.py: tests/tui has a
# conftest.py too, and `from conftest import ...` resolves to whichever pytest imported last.
MTBS = Path(sys.executable).parent / ("mtbs.exe" if os.name == "nt" else "mtbs")



def mtbs_cli(*args: str, stdin: str | None = None, env: dict | None = None, login: bool = True,
             cwd: Path | None = None, encoding: str | None = None,
             timeout: float = 120) -> subprocess.CompletedProcess:
    """The one way tests run the real `mtbs` console script in a subprocess.

    The environment is this process's (so `login_env` logs it in), without MTBS_USER/MTBS_PASSWORD
    when `login` is False, updated with `env`; stdin is `stdin` or closed (a prompt never waits)."""
    base = {k: v for k, v in os.environ.items() if login or k not in ("MTBS_USER", "MTBS_PASSWORD")}
    given = {"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}
    return subprocess.run([str(MTBS), *args], capture_output=True, text=True, encoding=encoding,
                          timeout=timeout, env={**base, **(env or {})}, cwd=cwd, **given)


def mtbs(db: Path, *args: str, **options) -> subprocess.CompletedProcess:  # noqa: ANN003
    """`mtbs --db <db> <args>` (options as `mtbs_cli`)."""
    return mtbs_cli("--db", str(db), *args, **options)


def mtbs_here(db: Path | None, *args: str, stdin: str | bytes | None = None, env: dict | None = None,
              login: bool = True, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`mtbs [--db DB] ARGS` in this process: the real entry point (`cli.main`), as `mtbs(...)` runs
    it in a subprocess, without the ~0.5 s of a new interpreter and its imports. `db` None: no --db.

    What a subprocess would see is rebuilt for the call and undone after it: the environment (this
    process's, without MTBS_USER/MTBS_PASSWORD when `login` is False, updated with `env`), the
    current folder (`cwd`), standard input (`stdin`, else empty: a prompt never waits, as with a
    closed stdin) and standard output/error (UTF-8 pipes that are not terminals: no colour, 80
    columns). A SystemExit ends the call with its code, as it would end the process.
    tests/test_cli_here.py compares this with the console script. Keep one test per command family
    on the console script itself (`mtbs`/`mtbs_cli`): the exit status of a real process, the
    console-script entry point, stdin from a pipe."""
    from mtbs_tui.cli import main

    argv = (["--db", str(db)] if db is not None else []) + list(args)
    saved_env = dict(os.environ)
    saved_cwd = os.getcwd()
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    data = stdin.encode("utf-8") if isinstance(stdin, str) else (stdin or b"")
    out_bytes, err_bytes = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_bytes, encoding="utf-8", newline="\n", write_through=True)
    err = io.TextIOWrapper(err_bytes, encoding="utf-8", errors="backslashreplace", newline="\n",
                           write_through=True)
    try:
        if not login:
            os.environ.pop("MTBS_USER", None)
            os.environ.pop("MTBS_PASSWORD", None)
        os.environ.update(env or {})
        # A pipe has no terminal size: click and Rich then take 80 columns (shutil's fallback); in
        # this process fds 0-2 may be a terminal (pytest -s), so say it as the environment would.
        os.environ.setdefault("COLUMNS", "80")
        os.environ.setdefault("LINES", "24")
        if cwd is not None:
            os.chdir(cwd)
        sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
        sys.stdout, sys.stderr = out, err
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if exc.code is not None and not isinstance(exc.code, int):
                print(exc.code, file=sys.stderr)
    finally:
        out.flush()
        err.flush()
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return subprocess.CompletedProcess(["mtbs", *argv], code, out_bytes.getvalue().decode("utf-8"),
                                       err_bytes.getvalue().decode("utf-8"))


HEAD_USER = "kepala"
HEAD_PASSWORD = "kepala-demo"


def password_hash(password: str) -> str:
    from mtbs_tui.accounts import FAST_HASH_ENV

    # Keyed by the hash profile too: a strong hash cached by a `strong_hash` test would make every
    # later login of that account slow and rehash it (a changed account digest in the audit trail).
    return _password_hash(password, os.environ.get(FAST_HASH_ENV) == "1")


@functools.lru_cache(maxsize=None)
def _password_hash(password: str, fast: bool) -> str:
    from mtbs_tui import accounts

    return accounts.hash_password(password)


def add_account(db: Path, username: str = HEAD_USER, role: str = "kepala", password: str | None = None) -> Path:
    """Add an account (once) to the register at `db`, with its audit entry, like `mtbs user add`."""
    from mtbs_tui import users
    from mtbs_tui.register import Register

    secret = password if password is not None else f"{username}-demo"
    reg = Register.open(Path(db), check=False)
    try:
        if users.get_user(reg, username) is None:
            with reg._write():
                reg.db.execute(
                    "INSERT INTO users(username, full_name, role, password_hash, active, failed_count, "
                    "created_at, created_by, updated_at) VALUES (?, ?, ?, ?, 1, 0, datetime('now'), 'uji', "
                    "datetime('now'))",
                    [username, f"Petugas {username}", role, password_hash(secret)],
                )
                from mtbs_tui import audit

                reg._audit("akun.tambah", actor="uji",
                           detail=audit.account_detail(reg.db.conn, username, f"{username} ({role})"))
    finally:
        reg.close()
    return Path(db)


@pytest.fixture(autouse=True)
def login_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MTBS_USER", HEAD_USER)
    monkeypatch.setenv("MTBS_PASSWORD", HEAD_PASSWORD)
