"""`mtbs user ...`, the first account, and how a command identifies its user (issue 7)."""
from __future__ import annotations

import functools
import sqlite3
import subprocess
from pathlib import Path

import pytest
from cli_login import add_account, mtbs_here
from cli_login import mtbs as _mtbs

IDENTITY = ["--nama", "Puskesmas Uji", "--daerah-malaria", "rendah"]

# `mtbs --db` without the test login (each test logs in its own way), stdin empty: in this process;
# `real` is the console script in a subprocess (test_no_terminal_and_no_password_is_one_line).
mtbs = functools.partial(mtbs_here, login=False, stdin="")
real = functools.partial(_mtbs, login=False, stdin="")




def audit_actions(db: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT actor, action FROM audit ORDER BY id").fetchall()
    finally:
        conn.close()


def one_line(done: subprocess.CompletedProcess) -> str:
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_first_run_makes_the_head_account_then_everything_needs_a_login(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    done = mtbs(db, "init", *IDENTITY)
    assert done.returncode == 0, done.stderr
    assert "Belum ada akun" in done.stdout
    # Before any account: protected commands say how to make the first one.
    assert "belum ada akun" in one_line(mtbs(db, "backup", "--to", str(tmp_path / "usb")))
    # The first account needs no login, but must be the head's.
    refused = mtbs(db, "user", "add", "bidan", "--nama-lengkap", "Bidan Ani", "--peran", "klinis",
                   "--sandi-stdin", stdin="rahasia-bidan\n")
    assert refused.returncode == 2 and "akun pertama harus kepala" in one_line(refused)
    made = mtbs(db, "user", "add", "kepala", "--nama-lengkap", "dr. Kepala", "--peran", "kepala",
                "--sandi-stdin", stdin="rahasia-kepala\n")
    assert made.returncode == 0, made.stderr
    # Now a second `user add` without credentials is refused...
    again = mtbs(db, "user", "add", "bidan", "--nama-lengkap", "Bidan Ani", "--peran", "klinis",
                 "--sandi-stdin", stdin="rahasia-bidan\n")
    assert again.returncode == 2 and "--user" in one_line(again)
    # ... and works with --user + --password-stdin (login line, then the new account's line).
    ok = mtbs(db, "--user", "kepala", "--password-stdin", "user", "add", "bidan", "--nama-lengkap", "Bidan Ani",
              "--peran", "klinis", "--sandi-stdin", stdin="rahasia-kepala\nrahasia-bidan\n")
    assert ok.returncode == 0, ok.stderr
    actions = audit_actions(db)
    assert actions[-3:] == [("kepala", "akun.tambah"), ("kepala", "login"), ("kepala", "akun.tambah")]
    # The password is stored as an argon2id hash, never in the clear.
    conn = sqlite3.connect(db)
    hashes = [r[0] for r in conn.execute("SELECT password_hash FROM users")]
    conn.close()
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert b"rahasia-kepala" not in db.read_bytes()


def test_init_makes_the_first_account_non_interactively_and_guards_the_identity(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    done = mtbs(db, "init", *IDENTITY, "--admin", "kapus", "--admin-nama-lengkap", "dr. Kapus", "--sandi-stdin",
                stdin="rahasia-kapus\n")
    assert done.returncode == 0, done.stderr
    assert "Akun kepala puskesmas dibuat: kapus" in done.stdout
    short = mtbs(tmp_path / "s.db", "init", *IDENTITY, "--admin", "kapus", "--admin-nama-lengkap", "x",
                 "--sandi-stdin", stdin="pendek\n")
    assert short.returncode == 2 and "minimal 8" in one_line(short)
    # Refused before the file is made: it left a new register with no account behind.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("s.db")) == []
    bad_name = mtbs(tmp_path / "s.db", "init", *IDENTITY, "--admin", "Ka Pus", "--admin-nama-lengkap", "x",
                    "--sandi-stdin", stdin="rahasia-kapus\n")
    assert bad_name.returncode == 2 and one_line(bad_name).startswith("galat: --admin: ")
    assert not (tmp_path / "s.db").exists()
    # Changing the identity of a register with accounts needs the head's login.
    refused = mtbs(db, "init", "--kepala", "dr. Baru")
    assert refused.returncode == 2
    ok = mtbs(db, "--user", "kapus", "--password-stdin", "init", "--kepala", "dr. Baru", stdin="rahasia-kapus\n")
    assert ok.returncode == 0, ok.stderr
    assert ("kapus", "identitas.ubah") in audit_actions(db)


@pytest.fixture(scope="module")
def accounts_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mtbs_tui.register import Register

    db = tmp_path_factory.mktemp("akun") / "r.db"
    Register.open(db, create=True).close()
    add_account(db, "kepala", "kepala")
    add_account(db, "bidan", "klinis")
    return db


HEAD_ENV = {"MTBS_USER": "kepala", "MTBS_PASSWORD": "kepala-demo"}


def test_disable_enable_reset_password_and_list(accounts_db: Path) -> None:
    db = accounts_db
    add_account(db, "perawat", "klinis")
    login = ["--user", "perawat", "--password-stdin"]
    # A clinical account may not manage accounts; it is refused after its (recorded) login.
    refused = mtbs(db, *login, "user", "list", stdin="perawat-demo\n")
    assert refused.returncode == 2
    assert one_line(refused) == "galat: akses ditolak: peran Tenaga klinis tidak boleh mengelola akun pengguna"
    listing = mtbs(db, "user", "list", env=HEAD_ENV)
    assert listing.returncode == 0 and "perawat" in listing.stdout and "Tenaga klinis" in listing.stdout
    assert "argon2" not in listing.stdout
    assert mtbs(db, "user", "disable", "perawat", env=HEAD_ENV).returncode == 0
    blocked = mtbs(db, *login, "audit", "show", stdin="perawat-demo\n")
    assert blocked.returncode == 2 and "dinonaktifkan" in one_line(blocked)
    assert mtbs(db, "user", "enable", "perawat", env=HEAD_ENV).returncode == 0
    reset = mtbs(db, "user", "reset-password", "perawat", "--sandi-stdin", stdin="sandi-baru-99\n", env=HEAD_ENV)
    assert reset.returncode == 0, reset.stderr
    old = mtbs(db, *login, "user", "list", stdin="perawat-demo\n")
    assert "masuk gagal" in one_line(old)
    new = mtbs(db, *login, "user", "list", stdin="sandi-baru-99\n")
    assert "akses ditolak" in one_line(new)  # logged in (right password), but not allowed
    # The last active head cannot be disabled.
    last = mtbs(db, "user", "disable", "kepala", env=HEAD_ENV)
    assert last.returncode == 2 and "terakhir" in one_line(last)
    missing = mtbs(db, "user", "disable", "siapa", env=HEAD_ENV)
    assert missing.returncode == 2 and "tidak ada" in one_line(missing)
    bad_role = mtbs(db, "user", "add", "x1", "--nama-lengkap", "X", "--peran", "dokter", "--sandi-stdin",
                    stdin="rahasia-x1\n", env=HEAD_ENV)
    assert bad_role.returncode == 2 and "--peran" in one_line(bad_role)


@pytest.mark.parametrize(
    ("argv", "stdin", "action"),
    [
        (["user", "list"], "", "akun.daftar"),
        (["user", "add", "satu", "--nama-lengkap", "Satu", "--peran", "peninjau", "--sandi-stdin"],
         "rahasia-satu\n", "akun.tambah"),
        (["user", "disable", "bidan"], "", "akun.nonaktifkan"),
        (["user", "enable", "bidan"], "", "akun.aktifkan"),
        (["user", "reset-password", "bidan", "--sandi-stdin"], "bidan-demo\n", "akun.ganti_sandi"),
        (["user", "ubah", "bidan", "--nip", "198801012010012001", "--str", "3312/STR-B/2020"], "",
         "akun.ubah"),
    ],
)
def test_each_user_command_is_one_audit_entry_after_the_login(accounts_db: Path, argv: list[str], stdin: str,
                                                               action: str) -> None:
    before = audit_actions(accounts_db)
    done = mtbs(accounts_db, *argv, stdin=stdin, env=HEAD_ENV)
    assert done.returncode == 0, done.stderr
    assert audit_actions(accounts_db)[len(before):] == [("kepala", "login"), ("kepala", action)]


def test_failed_logins_are_recorded_and_slowed_down(tmp_path: Path) -> None:
    from mtbs_tui.register import Register

    db = tmp_path / "r.db"
    Register.open(db, create=True).close()
    add_account(db, "kepala", "kepala")
    wrong = {"MTBS_USER": "kepala", "MTBS_PASSWORD": "bukan-sandinya"}
    for _ in range(3):
        done = mtbs(db, "audit", "verify", env=wrong)
        assert done.returncode == 2
        assert one_line(done) == "galat: masuk gagal: nama pengguna atau kata sandi salah"
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT failed_count FROM users WHERE username = 'kepala'").fetchone()[0] == 3
    # Two more failures (each after its wait) would make the next wait 8 s; set that state directly
    # so the check does not depend on how fast a loaded test machine starts the next process.
    conn.execute("UPDATE users SET failed_count = 5, last_failed_at = datetime('now', 'localtime') "
                 "WHERE username = 'kepala'")
    conn.commit()
    conn.close()
    # Even the right password must wait; the wait is in the database, so a new process (a new
    # command) does not reset it.
    waiting = mtbs(db, "audit", "verify", env=HEAD_ENV)
    assert waiting.returncode == 2 and "coba lagi dalam" in one_line(waiting)
    assert audit_actions(db).count(("kepala", "login.gagal")) == 3
    unknown = mtbs(db, "audit", "verify", env={"MTBS_USER": "hantu", "MTBS_PASSWORD": "apa-saja-1"})
    assert one_line(unknown) == "galat: masuk gagal: nama pengguna atau kata sandi salah"  # same words
    # An unknown name is recorded as a marker plus a hash, never as typed (issue 20 item 10).
    unknown_actors = [a for a, act in audit_actions(db) if act == "login.gagal" and a != "kepala"]
    assert len(unknown_actors) == 1 and unknown_actors[0].startswith("tak-dikenal#")
    assert "hantu" not in unknown_actors[0]


def test_no_terminal_and_no_password_is_one_line(accounts_db: Path) -> None:
    """The real process: stdin an empty pipe (not a terminal), so no prompt waits. Then (in this
    process) the login line and the new account's line read from one stdin."""
    done = real(accounts_db, "--user", "kepala", "audit", "verify")
    assert done.returncode == 2 and "kata sandi" in one_line(done)
    empty = real(accounts_db, "--user", "kepala", "--password-stdin", "audit", "verify", stdin="")
    assert empty.returncode == 2 and "--password-stdin" in one_line(empty)
    made = mtbs(accounts_db, "--user", "kepala", "--password-stdin", "user", "add", "pipa", "--nama-lengkap",
                "Pipa", "--peran", "klinis", "--sandi-stdin", stdin="kepala-demo\nrahasia-pipa\n")
    assert made.returncode == 0 and made.stderr == "", made.stderr
    assert audit_actions(accounts_db)[-2:] == [("kepala", "login"), ("kepala", "akun.tambah")]


def test_nip_and_str_for_the_letter_signature(accounts_db: Path) -> None:
    """`user add/ubah --nip --str` store what the referral letter signs with; bad input is one line."""
    bad = mtbs(accounts_db, "user", "add", "dua", "--nama-lengkap", "Dua", "--peran", "klinis", "--nip", "1234",
               "--sandi-stdin", stdin="rahasia-dua\n", env=HEAD_ENV)
    assert bad.returncode == 2 and one_line(bad) == "galat: --nip: NIP harus 18 angka, atau kosong"
    made = mtbs(accounts_db, "user", "add", "dua", "--nama-lengkap", "Ns. Dua Lestari, S.Kep", "--peran", "klinis",
                "--nip", "1988 0101 2010 0120 01", "--sandi-stdin", stdin="rahasia-dua\n", env=HEAD_ENV)
    assert made.returncode == 0, made.stderr
    changed = mtbs(accounts_db, "user", "ubah", "dua", "--str", "33.12/STR-B/2020", env=HEAD_ENV)
    assert changed.returncode == 0 and "STR" in changed.stdout
    nothing = mtbs(accounts_db, "user", "ubah", "dua", env=HEAD_ENV)
    assert nothing.returncode == 2 and "--nama-lengkap, --nip atau --str" in one_line(nothing)
    bad_str = mtbs(accounts_db, "user", "ubah", "dua", "--str", "STR#1", env=HEAD_ENV)
    assert bad_str.returncode == 2 and one_line(bad_str).startswith("galat: --str: nomor STR")
    conn = sqlite3.connect(accounts_db)
    try:
        row = conn.execute("SELECT full_name, nip, str_number FROM users WHERE username = 'dua'").fetchone()
    finally:
        conn.close()
    assert row == ("Ns. Dua Lestari, S.Kep", "198801012010012001", "33.12/STR-B/2020")
    cleared = mtbs(accounts_db, "user", "ubah", "dua", "--nip", "", env=HEAD_ENV)
    assert cleared.returncode == 0, cleared.stderr
