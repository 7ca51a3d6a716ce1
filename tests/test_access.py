"""Access and audit defects found under attack (issue 20 items 9-12): login slow-down and lockout,
unknown names in the audit trail, weak passwords, disabled accounts."""
from __future__ import annotations

import datetime as _dt
import os
import subprocess
import threading
from pathlib import Path

import pytest

from cli_login import MTBS, add_account

from mtbs_tui import accounts, users
from mtbs_tui.accounts import AccountError
from mtbs_tui.register import Register

MOMENT = _dt.datetime(2026, 11, 23, 8, 0, 0)


def mtbs(db: Path, *args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("MTBS_USER", "MTBS_PASSWORD")}
    return subprocess.run([str(MTBS), "--db", str(db), *args], input=stdin, capture_output=True, text=True,
                          timeout=120, env={**base, **(env or {})})


HEAD_ENV = {"MTBS_USER": "kepala", "MTBS_PASSWORD": "kepala-demo"}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "r.db"
    Register.open(path, create=True).close()
    add_account(path, "kepala", "kepala")
    add_account(path, "bidan", "klinis")
    return path


def _failures(path: Path) -> list[tuple]:
    reg = Register.open(path, check=False)
    try:
        return reg.db.execute("SELECT actor, detail FROM audit WHERE action = 'login.gagal' ORDER BY id").fetchall()
    finally:
        reg.close()


def _set_failed(path: Path, username: str, count: int, at: str | None = "2026-11-23T07:00:00") -> None:
    reg = Register.open(path, check=False)
    try:
        with reg._write():
            reg.db.execute("UPDATE users SET failed_count = ?, last_failed_at = ? WHERE username = ?",
                           [count, at, username])
    finally:
        reg.close()


# --- item 9: parallel tries and the lockout ---------------------------------------------------------

def test_parallel_wrong_passwords_cannot_skip_the_slow_down(db: Path) -> None:
    """16 tries at the same moment: only the free attempts are evaluated, every other one must wait
    (before the fix each read the count outside the transaction and all 16 were evaluated)."""
    registers = [Register.open(db, check=False) for _ in range(16)]
    barrier = threading.Barrier(len(registers))
    outcomes: list[str] = []

    def attempt(reg: Register) -> None:
        barrier.wait()
        try:
            users.authenticate(reg, "bidan", "bukan-sandinya", now=lambda: MOMENT)
        except AccountError as exc:
            outcomes.append(exc.field)

    threads = [threading.Thread(target=attempt, args=(reg,)) for reg in registers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for reg in registers:
        reg.close()
    assert len(outcomes) == 16
    assert outcomes.count("kata_sandi") == accounts.FREE_ATTEMPTS
    assert outcomes.count("tunggu") == 16 - accounts.FREE_ATTEMPTS
    assert len(_failures(db)) == accounts.FREE_ATTEMPTS


def test_lockout_after_n_failures_only_the_head_lifts_it(db: Path) -> None:
    limit = accounts.LOCKOUT_FAILURES
    _set_failed(db, "bidan", limit - 1)  # long ago: no wait left
    reg = Register.open(db, check=False)
    try:
        with pytest.raises(AccountError) as err:
            users.authenticate(reg, "bidan", "bukan-sandinya", now=lambda: MOMENT)
        assert err.value.field == "terkunci" and "buka-kunci" in err.value.message
        # Locked: even the right password is refused, and without checking it (nothing confirmed).
        later = MOMENT + _dt.timedelta(hours=5)
        with pytest.raises(AccountError) as err:
            users.authenticate(reg, "bidan", "bidan-demo", now=lambda: later)
        assert err.value.field == "terkunci"
    finally:
        reg.close()
    assert _failures(db)[-2:] == [("bidan", f"akun dikunci setelah {limit} kali gagal"), ("bidan", "akun terkunci")]
    listing = mtbs(db, "user", "list", env=HEAD_ENV)
    assert listing.returncode == 0, listing.stderr
    assert [line for line in listing.stdout.splitlines() if line.startswith("bidan ")][0].split()[3] == "terkunci"
    # A clinical account may not lift it; the head may.
    add_account(db, "perawat", "klinis")
    refused = mtbs(db, "--user", "perawat", "--password-stdin", "user", "buka-kunci", "bidan", stdin="perawat-demo\n")
    assert refused.returncode == 2 and "akses ditolak" in refused.stderr
    lifted = mtbs(db, "user", "buka-kunci", "bidan", env=HEAD_ENV)
    assert lifted.returncode == 0 and "dibuka" in lifted.stdout, lifted.stderr
    ok = mtbs(db, "audit", "show", "--limit", "3", env={"MTBS_USER": "bidan", "MTBS_PASSWORD": "bidan-demo"})
    assert "akses ditolak" in ok.stderr  # logged in (the lock is lifted), but a nurse may not read the trail
    again = mtbs(db, "user", "buka-kunci", "bidan", env=HEAD_ENV)
    assert again.returncode == 0 and "tidak terkunci" in again.stdout


def test_the_setting_names_the_limit_and_the_last_head_is_never_locked(db: Path) -> None:
    reg = Register.open(db, check=False)
    try:
        reg.set_setting(accounts.LOCKOUT_SETTING, "3", actor="kepala")
        assert users.lockout_limit(reg) == 3
        # The only head: after any number of failures it only waits (nobody could lift a lock).
        with reg._write():
            reg.db.execute("UPDATE users SET failed_count = 50, last_failed_at = '2026-11-23T07:00:00' "
                           "WHERE username = 'kepala'")
        assert users.authenticate(reg, "kepala", "kepala-demo", now=lambda: MOMENT).username == "kepala"
        # With a second head, the first one can be locked (the other lifts it).
        add_account(db, "kapus2", "kepala")
        with reg._write():
            reg.db.execute("UPDATE users SET failed_count = 3, last_failed_at = '2026-11-23T07:00:00' "
                           "WHERE username = 'kepala'")
        with pytest.raises(AccountError) as err:
            users.authenticate(reg, "kepala", "kepala-demo", now=lambda: MOMENT)
        assert err.value.field == "terkunci"
        assert users.unlock(reg, "kepala", actor="kapus2") is True
        assert users.authenticate(reg, "kepala", "kepala-demo", now=lambda: MOMENT).username == "kepala"
    finally:
        reg.close()


# --- item 10: unknown names are not stored as typed ------------------------------------------------

@pytest.mark.parametrize("typed", ["x" * 100_000, "bidan\n2026-11-23 kepala login", "\x1b[2J\x1b[31mhantu",
                                   "kata-sandi-rahasia-kepala"])
def test_an_unknown_name_is_stored_as_a_marker_and_a_hash(db: Path, typed: str) -> None:
    reg = Register.open(db, check=False)
    try:
        with pytest.raises(AccountError):
            users.authenticate(reg, typed, "apa-saja-1", now=lambda: MOMENT)
        with pytest.raises(AccountError):
            users.authenticate(reg, typed, "apa-saja-2", now=lambda: MOMENT)
    finally:
        reg.close()
    actors = [a for a, _ in _failures(db)]
    assert len(actors) == 2 and actors[0] == actors[1]  # the same source is recognisable
    assert actors[0].startswith("tak-dikenal#") and len(actors[0]) == len("tak-dikenal#") + 12
    assert typed.strip().lower()[:20].encode() not in db.read_bytes()
