"""The role x action table through the real `mtbs` command (issue 7).

Four accounts (one per role) on one register; every protected command is run by each of them.
An authorised user's command succeeds; an unauthorised one exits 2 with one `akses ditolak: ...`
line and changes nothing: no output file, no new backup, no audit entry besides its login.
The expected table is written out here from the regulation (Permenkes 24/2022 Ps. 30), not read
from accounts.ACTIONS, so a wrong entry in that table fails this test.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
from pathlib import Path

import pytest
from cli_login import add_account, mtbs, mtbs_here
from test_export_support import first_referred_visit, make_register

ROLES = {"kepala": "kepala", "bidan": "klinis", "daftar": "pendaftaran", "tinjau": "peninjau"}

HEAD = {"kepala"}
CLINICAL = {"kepala", "klinis"}
REVIEW = {"kepala", "peninjau"}
VIEW = {"kepala", "klinis", "peninjau"}

# command id -> (roles allowed, argv after `mtbs --db DB`, output path relative to the test folder)
COMMANDS: dict[str, tuple[set[str], list[str], str | None]] = {
    "referral": (CLINICAL, ["referral", "{visit}", "-o", "{out}/surat.pdf"], "surat.pdf"),
    "referral-surat": (CLINICAL, ["referral", "surat", "{visit}", "-o", "{out}/surat.pdf"], "surat.pdf"),
    # A reply exists after the first allowed run: every later one is a correction, with its reason.
    "referral-reply": (CLINICAL, ["referral", "reply", "{visit}", "--tanggal", "{today}", "--hasil", "rawat_jalan",
                                  "--alasan", "uji peran"], None),
    "referral-open": (CLINICAL | {"peninjau"}, ["referral", "open"], None),
    "referral-setelan": (HEAD, ["referral", "setelan", "--hari-balasan", "4"], None),
    "card": (CLINICAL, ["card", "{visit}", "-o", "{out}/kartu.pdf"], "kartu.pdf"),
    "export": (HEAD, ["export", "register", "--from", "2026-09-01", "--to", "2026-12-31", "--format", "csv",
                      "-o", "{out}/register.csv"], "register.csv"),
    "export-rujukan": (HEAD, ["export", "rujukan", "--from", "2026-09-01", "--to", "2026-12-31", "--format", "csv",
                              "-o", "{out}/rujukan.csv"], "rujukan.csv"),
    "report": (HEAD, ["report", "monthly", "2026-10", "--format", "csv", "-o", "{out}/laporan.csv"], "laporan.csv"),
    "report-mutu": (REVIEW, ["report", "mutu", "--from", "2026-09", "--to", "2026-10", "--format", "csv",
                             "-o", "{out}/mutu.csv"], "mutu.csv"),
    "report-kirim": (HEAD, ["report", "kirim", "2026-10", "-o", "{out}/paket.json"], "paket.json"),
    "backup": (HEAD, ["backup", "--to", "{out}/usb"], "usb"),
    "backup-list": (HEAD, ["backup", "--to", "{out}/usb", "--list"], None),
    "backup-set-key": (HEAD, ["backup", "--set-key",
                              "age1zncl4d50rh6ew83pslzlnh87k0w7l3t6cquypece046aqhf5qspql43u7e"], None),
    "restore": (HEAD, ["restore", "{backup}", "--ya"], None),
    # The referral facilities: anyone reads the list, only the head changes it (ubah, disable,
    # enable and default go through the same check as add: commands/faskes_cmd._run).
    "faskes-list": (set(ROLES.values()), ["faskes", "list"], None),
    "faskes-add": (HEAD, ["faskes", "add", "--nama", "RSUD Uji {user}", "--jenis", "rs"], None),
    "user-list": (HEAD, ["user", "list"], None),
    "user-add": (HEAD, ["user", "add", "baru-{user}", "--nama-lengkap", "Petugas Baru", "--peran", "klinis",
                        "--sandi-stdin"], None),
    "user-disable": (HEAD, ["user", "disable", "sasaran"], None),
    "user-enable": (HEAD, ["user", "enable", "sasaran"], None),
    "user-reset-password": (HEAD, ["user", "reset-password", "sasaran", "--sandi-stdin"], None),
    "user-buka-kunci": (HEAD, ["user", "buka-kunci", "sasaran"], None),
    "user-ubah": (HEAD, ["user", "ubah", "sasaran", "--nip", "198001012005012001"], None),
    "tindakan-lihat": (VIEW, ["tindakan", "lihat", "{visit}"], None),
    "tindakan-catat": (CLINICAL, ["tindakan", "catat", "{visit}", "--tambahan", "Parasetamol sirup (uji peran)"], None),
    "audit-verify": (REVIEW, ["audit", "verify"], None),
    "audit-show": (REVIEW, ["audit", "show", "--limit", "5"], None),
}


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("roles")
    db = make_register(base / "r.db", patients=6, visits=12)
    for user, role in ROLES.items():
        add_account(db, user, role)
    add_account(db, "sasaran", "klinis")
    # A backup to restore from, made through the library (no login needed there).
    from mtbs_tui.backup import create_backup

    backup = create_backup(db, base / "sumber", audit=False).path
    return {"db": db, "visit": first_referred_visit(db), "backup": backup}


def audit_rows(db: Path) -> list[tuple[int, str, str]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT id, actor, action FROM audit ORDER BY id").fetchall()
    finally:
        conn.close()


def env_of(user: str) -> dict[str, str]:
    return {"MTBS_USER": user, "MTBS_PASSWORD": f"{user}-demo", "MTBS_PRINT_COMMAND": "true"}


def run_as(user: str, db: Path, argv: list[str], stdin: str = "") -> subprocess.CompletedProcess:
    """In this process (`mtbs_here`): 115 cases; `test_role_table_through_the_console_script` runs
    a granted and a refused case through the real `mtbs`."""
    return mtbs_here(db, *argv, stdin=stdin, env=env_of(user))


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("user", sorted(ROLES))
def test_role_table(register: dict, tmp_path: Path, user: str, command: str) -> None:
    allowed, template, output = COMMANDS[command]
    role = ROLES[user]
    values = {"visit": str(register["visit"]), "out": str(tmp_path), "backup": str(register["backup"]),
              "user": user, "today": dt.date.today().isoformat()}
    argv = [part.format(**values) for part in template]
    db = register["db"]
    before = audit_rows(db)
    done = run_as(user, db, argv, stdin="kata-sandi-baru-1\n")
    after = audit_rows(db)
    if role in allowed:
        assert done.returncode == 0, (user, command, done.stderr)
        if output:
            assert (tmp_path / output).exists()
        return
    assert done.returncode == 2, (user, command, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("galat: akses ditolak: "), done.stderr
    assert done.stdout == ""
    assert list(tmp_path.iterdir()) == []  # no output file, no backup folder
    new = [row for row in after if row not in before]
    assert [(actor, action) for _, actor, action in new] == [(user, "login")]


def test_role_table_through_the_console_script(register: dict, tmp_path: Path) -> None:
    """The real `mtbs` process: a granted command exits 0 and writes its file; a refused one exits 2
    with one line and no traceback, its password line read from a pipe."""
    db = register["db"]
    visit = str(register["visit"])
    done = mtbs(db, "card", visit, "-o", str(tmp_path / "kartu.pdf"), env=env_of("bidan"), stdin="")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "kartu.pdf").exists()
    before = audit_rows(db)
    refused = mtbs(db, "--user", "tinjau", "--password-stdin", "backup", "--to", str(tmp_path / "usb"),
                   stdin="tinjau-demo\n", login=False)
    assert refused.returncode == 2, refused.stderr
    assert refused.stdout == "" and "Traceback" not in refused.stderr
    assert refused.stderr.startswith("galat: akses ditolak: ") and len(refused.stderr.splitlines()) == 1
    assert not (tmp_path / "usb").exists()
    new = [row for row in audit_rows(db) if row not in before]
    assert [(actor, action) for _, actor, action in new] == [("tinjau", "login")]


def test_table_covers_every_protected_command() -> None:
    """Every command that opens the register (all but tui/init/demo/check/classify) is in the table."""
    from mtbs_tui.cli import app, audit_app, given_app, referral_app, user_app

    names = {c.name for c in app.registered_commands} - {"tui", "init", "demo", "check", "classify"}
    names |= {"export", "report", "referral"}
    names |= {f"referral-{c.name}" for c in referral_app.registered_commands}
    names |= {f"user-{c.name}" for c in user_app.registered_commands}
    names |= {f"audit-{c.name}" for c in audit_app.registered_commands}
    names |= {f"tindakan-{c.name}" for c in given_app.registered_commands}
    assert names <= set(COMMANDS)


def test_no_accounts_yet_every_protected_command_says_how_to_make_one(tmp_path: Path) -> None:
    db = make_register_without_accounts(tmp_path / "kosong.db")
    for argv in (["backup", "--to", str(tmp_path / "usb")], ["audit", "verify"], ["user", "list"],
                 ["export", "register", "--from", "2026-01-01", "--to", "2026-01-31", "-o", str(tmp_path / "e.csv")]):
        done = run_as("siapa", db, argv)
        assert done.returncode == 2, argv
        assert done.stderr.strip() == (
            'galat: belum ada akun; buat akun kepala puskesmas dengan: '
            'mtbs user add NAMA --peran kepala --nama-lengkap "..."'
        )
    assert not (tmp_path / "usb").exists() and not (tmp_path / "e.csv").exists()


def make_register_without_accounts(path: Path) -> Path:
    from mtbs_tui.register import Register

    Register.open(path, create=True).close()
    return path


def test_internal_error_prints_only_the_type(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    """An exception text can carry patient data (a constraint message with a value): only its type
    reaches the terminal."""
    from mtbs_tui import cli

    def boom(*_args: object, **_kw: object) -> int:
        raise sqlite3.IntegrityError("UNIQUE constraint failed: patients.nik = 3201999988887777 Siti Aminah")

    monkeypatch.setattr("mtbs_tui.commands.classify.run", boom)
    code = cli.main(["classify", "kasus.json"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("galat internal: IntegrityError;")
    assert "Siti" not in err and "3201999988887777" not in err and "patients" not in err
    assert len(err.strip().splitlines()) == 1
