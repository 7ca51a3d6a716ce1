"""Access and audit defects found under attack (issue 20 items 9-12): login slow-down and lockout,
unknown names in the audit trail, weak passwords, disabled accounts."""
from __future__ import annotations

import datetime as _dt
import functools
import os
import subprocess
import threading
from pathlib import Path

import pytest
from cli_login import MTBS, add_account, mtbs_here

from mtbs_tui import accounts, users
from mtbs_tui.accounts import AccountError
from mtbs_tui.register import Register

MOMENT = _dt.datetime(2026, 11, 23, 8, 0, 0)

# `mtbs --db` without the test login (each test logs in its own way), stdin empty, in this process.
# Undecodable bytes in argv, the environment or stdin go through the real console script
# (test_hostile_input_is_one_line_and_exit_2).
mtbs = functools.partial(mtbs_here, login=False, stdin="")




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


def test_audit_show_escapes_control_characters(db: Path) -> None:
    reg = Register.open(db, check=False)
    try:
        # A value that reached the trail before the fix (or through a future caller): a forged line,
        # a terminal escape and a bidi override.
        reg.audit("pengaturan.ubah", actor="kepala", detail="x\n    99  2026-01-01 00:00:00  kepala\x1b[2J\u202e")
    finally:
        reg.close()
    shown = mtbs(db, "audit", "show", "--limit", "2", env=HEAD_ENV)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert len(lines) == 3  # the heading, that entry and the login of `audit show`
    assert "\x1b" not in shown.stdout and "\u202e" not in shown.stdout
    assert "x\\x0a    99" in lines[1] and "\\x1b[2J\\u202e" in lines[1]


# --- item 12: weak passwords, disabled accounts ---------------------------------------------------

@pytest.mark.parametrize("weak", ["aaaaaaaa", "password", "Password123", "12345678", "abcdefgh", "87654321",
                                  "bismillah", "PUSKESMAS", "qwertyuiop"])
def test_common_and_trivial_passwords_are_refused(weak: str) -> None:
    with pytest.raises(AccountError) as err:
        accounts.check_password_strength(weak)
    assert err.value.field == "kata_sandi" and "mudah ditebak" in err.value.message


def test_a_password_equal_to_the_name_is_refused_and_good_ones_pass() -> None:
    with pytest.raises(AccountError, match="nama pengguna"):
        accounts.check_password_strength("bidan.rina", username="bidan.rina")
    for good in ("kepala-demo", "sore hujan 7 kali", "Tiga-Ekor-Kucing"):
        accounts.check_password_strength(good, username="bidan.rina")
    # The list is shipped as data and every entry is long enough to matter.
    assert len(accounts.common_passwords()) >= 100
    assert all(len(p) >= accounts.MIN_PASSWORD_LENGTH for p in accounts.common_passwords())


def test_cli_refuses_a_common_password_in_one_line(db: Path) -> None:
    done = mtbs(db, "user", "add", "perawat", "--nama-lengkap", "Perawat", "--peran", "klinis", "--sandi-stdin",
                stdin="password\n", env=HEAD_ENV)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "galat: kata sandi: terlalu mudah ditebak (termasuk kata sandi yang paling umum); "
        "pakai gabungan beberapa kata atau angka yang tidak berurutan"]


def test_a_disabled_account_does_not_confirm_its_password(db: Path) -> None:
    reg = Register.open(db, check=False)
    try:
        users.set_active(reg, "bidan", False, actor="kepala")
        answers = []
        for secret in ("bidan-demo", "bukan-sandinya"):
            with pytest.raises(AccountError) as err:
                users.authenticate(reg, "bidan", secret, now=lambda: MOMENT)
            answers.append((err.value.field, err.value.message))
        assert answers[0] == answers[1] and "dinonaktifkan" in answers[0][1]
    finally:
        reg.close()


@pytest.mark.parametrize(("sql", "kind", "words"), [
    ("UPDATE meta SET value = '99' WHERE key = 'schema_version'", "baru", "perbarui aplikasi"),
    ("PRAGMA user_version = 2", "rusak", "versi skema tidak cocok"),
    ("UPDATE meta SET value = 'x' WHERE key = 'schema_version'", "rusak", "versi skema tidak cocok"),
])
def test_meta_schema_version_is_honoured(tmp_path: Path, sql: str, kind: str, words: str) -> None:
    import sqlite3

    from mtbs_tui.register import RegisterError

    path = tmp_path / "r.db"
    Register.open(path, create=True).close()
    conn = sqlite3.connect(path)
    conn.execute(sql)
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(RegisterError) as err:
        Register.open(path)
    assert err.value.kind == kind and words in err.value.message
    assert path.read_bytes() == before
    assert not (tmp_path / "cadangan").exists() or not list((tmp_path / "cadangan").glob("*migrasi*"))


# --- item 12: the former "galat internal" cases, as a table --------------------------------------

HUGE = "99999999999999999999999"
LONG = "a" * 5000
NOT_UTF8 = "Bu\udcffdi"  # the bytes b"Bu\xffdi" in argv (Python's surrogateescape)
ZERO = "/dev/zero"

# (case id, argv after `mtbs`, extra environment, stdin, words expected in the one line)
FUZZ = [
    ("referral-huge-id", ["--db", "{db}", "referral", HUGE], {}, "", "VISIT_ID"),
    ("card-huge-id", ["--db", "{db}", "card", HUGE], {}, "", "VISIT_ID"),
    ("audit-huge-patient", ["--db", "{db}", "audit", "show", "--pasien", HUGE], {}, "", "--pasien"),
    ("unmerge-huge-number", ["--db", "{db}", "pasien", "batal-gabung", HUGE, "--alasan", "x"], {}, "", "NOMOR"),
    ("init-name-not-utf8", ["--db", "{db}", "init", "--nama", NOT_UTF8], {}, "", "argumen ke-5"),
    ("user-full-name-not-utf8", ["--db", "{db}", "user", "add", "budi", "--nama-lengkap", NOT_UTF8, "--peran",
                                 "klinis", "--sandi-stdin"], {}, "budi-rahasia-9\n", "UTF-8"),
    ("env-user-not-utf8", ["--db", "{db}", "audit", "verify"], {"MTBS_USER": NOT_UTF8}, "", "MTBS_USER"),
    ("stdin-password-not-utf8", ["--db", "{db}", "--user", "kepala", "--password-stdin", "audit", "verify"],
     {"MTBS_PASSWORD": ""}, b"\xff\xfe\n", "--password-stdin"),
    ("db-path-too-long-check", ["--db", LONG + ".db", "check"], {}, "", "terlalu panjang"),
    ("db-path-too-long-login", ["--db", LONG + ".db", "audit", "verify"], {}, "", "terlalu panjang"),
    ("export-output-too-long", ["--db", "{db}", "export", "register", "--from", "2026-01-01", "--to", "2026-01-31",
                                "--format", "csv", "-o", "{tmp}/" + "b" * 300 + ".csv"], {}, "", "terlalu panjang"),
    ("classify-year-9999", ["classify", "{case9999}"], {}, "", "visit_date"),
    ("classify-dev-zero", ["classify", ZERO], {}, "", "terlalu besar"),
    ("report-table-dev-zero", ["--db", "{db}", "report", "monthly", "2026-10", "--format", "csv", "--tabel", ZERO,
                               "-o", "{tmp}/t.csv"], {}, "", "--tabel"),
    ("restore-key-dev-zero", ["--db", "{db}", "restore", "{tmp}/b.db.age", "--kunci", ZERO, "--ya"], {}, "",
     "--kunci"),
]


@pytest.mark.parametrize(("argv", "env", "stdin", "words"), [case[1:] for case in FUZZ],
                         ids=[case[0] for case in FUZZ])
def test_hostile_input_is_one_line_and_exit_2(db: Path, tmp_path: Path, argv: list[str], env: dict,
                                              stdin: str | bytes, words: str) -> None:
    if ZERO in argv and not Path(ZERO).exists():
        pytest.skip("no /dev/zero on this system")
    case9999 = tmp_path / "c.json"
    case9999.write_text('{"visit_date": "9999-12-31", "birth_date": "9999-01-01", "sex": "L", "findings": {}}',
                        encoding="utf-8")
    (tmp_path / "b.db.age").write_bytes(b"age-encryption.org/v1\n")
    args = [a.format(db=db, tmp=tmp_path, case9999=case9999) for a in argv]
    if isinstance(stdin, bytes) or any(NOT_UTF8 in part for part in [*args, *env.values()]):
        # Bytes that are not UTF-8 reach a real process through the operating system.
        environment = {**{k: v for k, v in os.environ.items() if k not in ("MTBS_USER", "MTBS_PASSWORD")},
                       **HEAD_ENV, **env}
        data = stdin if isinstance(stdin, bytes) else stdin.encode()
        real = subprocess.run([str(MTBS), *args], input=data, capture_output=True, timeout=120, env=environment)
        code, stderr = real.returncode, real.stderr.decode("utf-8", "replace")
    else:
        done = mtbs_here(None, *args, stdin=stdin, env={**HEAD_ENV, **env}, login=False)
        code, stderr = done.returncode, done.stderr
    err = stderr.strip().splitlines()
    assert code == 2, err
    assert len(err) == 1 and err[0].startswith("galat: ") and "internal" not in err[0], err
    assert words in err[0]


# --- item 11: audit verify compares the chain with the anchors outside the file -------------------

def test_audit_verify_compares_with_the_backup_index_and_printed_heads(db: Path) -> None:
    import sqlite3

    # Entries 3 and 4 (a login and its `audit show`), so the backup records 5 entries: cut back to 2,
    # the chain cannot reach the backup's count again with the one login of the `audit verify` below,
    # even in the same second (an identical login entry would rebuild entry 3 exactly).
    assert mtbs(db, "audit", "show", "--limit", "1", env=HEAD_ENV).returncode == 0
    made = mtbs(db, "backup", env=HEAD_ENV)
    assert made.returncode == 0, made.stderr
    ok = mtbs(db, "audit", "verify", env=HEAD_ENV)
    assert ok.returncode == 0, ok.stderr
    assert "cocok dengan 1 kepala rantai" in ok.stdout
    conn = sqlite3.connect(db)
    head = conn.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()[0]
    conn.close()
    printed = mtbs(db, "audit", "verify", "--kepala-dokumen", head[:16], env=HEAD_ENV)
    assert printed.returncode == 0 and "cocok dengan 2" in printed.stdout, printed.stderr
    forged = mtbs(db, "audit", "verify", "--kepala-dokumen", "0123456789abcdef", env=HEAD_ENV)
    assert forged.returncode == 1 and "0123456789abcdef tidak ada dalam rantai" in forged.stderr
    # Someone with the file cuts the tail and rewrites meta: the chain alone still verifies, the
    # backup's index contradicts it.
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER audit_no_delete")
    conn.execute("DELETE FROM audit WHERE id > 2")
    last = conn.execute("SELECT hash FROM audit WHERE id = 2").fetchone()[0]
    conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'", (last,))
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'audit_count'")
    from mtbs_tui import audit

    conn.executescript(audit.TRIGGERS_SQL)
    conn.commit()
    conn.close()
    cut = mtbs(db, "audit", "verify", env=HEAD_ENV)
    assert cut.returncode == 1
    assert cut.stderr.strip().startswith("jejak audit RUSAK: cadangan r-cadangan-"), cut.stderr
    assert "mencatat 5 entri, rantai sekarang hanya 3" in cut.stderr


def test_an_entry_rewritten_since_the_backup_contradicts_its_anchor(db: Path) -> None:
    """The other contradiction: the chain is long enough, but the entry at the backup's count is not
    the one the backup recorded."""
    import sqlite3

    from mtbs_tui import audit

    conn = sqlite3.connect(db)
    try:
        count, head = conn.execute("SELECT count(*), (SELECT hash FROM audit ORDER BY id DESC LIMIT 1) FROM audit"
                                   ).fetchone()
        same = audit.Anchor("cadangan r-cadangan-x.db", head, count, None)
        assert audit.check_anchors(conn, [same]) == (None, 1, 0)
        other = audit.Anchor("cadangan r-cadangan-x.db", "0" * 64, count, None)
        problem, _, _ = audit.check_anchors(conn, [other])
    finally:
        conn.close()
    assert problem == (f"entri ke-{count} berbeda dari yang tercatat pada cadangan r-cadangan-x.db "
                       "(rantai ditulis ulang)")
