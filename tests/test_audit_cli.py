"""`mtbs audit verify|show` and one audit entry per CLI action (issue 7)."""
from __future__ import annotations

import functools
import random
import shutil
import sqlite3
from pathlib import Path

import pytest
from cli_login import (
    login_env,  # noqa: F401  (autouse: `mtbs` runs log in as kepala)
    mtbs_here,
)
from cli_login import mtbs as _mtbs
from test_export_support import first_referred_visit, make_register

# Printing goes to `true`: the audit of a print is tested, not a printer. In this process; `real`
# (the console script) for one tampered copy: exit status 1 of a real process.
mtbs = functools.partial(mtbs_here, env={"MTBS_PRINT_COMMAND": "true"})
real = functools.partial(_mtbs, env={"MTBS_PRINT_COMMAND": "true"})


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_register(tmp_path_factory.mktemp("audit") / "r.db", patients=6, visits=14)




def rows(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT id, actor, patient_id, action, detail FROM audit ORDER BY id").fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("command", "action", "with_patient"),
    [
        (["referral", "{visit}", "-o", "{out}/s.pdf"], "rujukan.cetak", True),
        (["referral", "{visit}", "-o", "{out}/s.pdf", "--print"], "rujukan.cetak", True),
        (["card", "{visit}", "-o", "{out}/k.pdf"], "kartu.cetak", True),
        (["export", "register", "--from", "2026-09-01", "--to", "2026-12-31", "--format", "csv", "-o",
          "{out}/e.csv"], "ekspor.register", False),
        (["report", "monthly", "2026-10", "--format", "csv", "-o", "{out}/l.csv"], "laporan.bulanan", False),
        (["backup", "--to", "{out}/usb"], "cadangan", False),
        (["backup", "--to", "{out}/usb", "--list"], "cadangan.daftar", False),
        (["audit", "verify"], "audit.periksa", False),
        (["audit", "show"], "audit.lihat", False),
    ],
)
def test_each_command_is_exactly_one_entry_after_its_login(register: Path, tmp_path: Path, command: list[str],
                                                            action: str, with_patient: bool) -> None:
    visit = first_referred_visit(register)
    argv = [a.format(visit=visit, out=tmp_path) for a in command]
    before = rows(register)
    done = mtbs(register, *argv)
    assert done.returncode == 0, done.stderr
    new = rows(register)[len(before):]
    assert [(r[1], r[3]) for r in new] == [("kepala", "login"), ("kepala", action)]
    if with_patient:
        conn = sqlite3.connect(register)
        pid = conn.execute("SELECT patient_id FROM visits WHERE id = ?", [visit]).fetchone()[0]
        conn.close()
        assert new[1][2] == pid
    assert mtbs(register, "audit", "verify").returncode == 0


def test_restore_is_one_entry_in_the_restored_register(tmp_path: Path) -> None:
    db = make_register(tmp_path / "r.db", patients=3, visits=4)
    assert mtbs(db, "backup", "--to", str(tmp_path / "usb")).returncode == 0
    [backup] = (tmp_path / "usb").glob("*.db")
    conn = sqlite3.connect(backup)
    in_backup = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    conn.close()
    done = mtbs(db, "restore", str(backup), "--ya")
    assert done.returncode == 0, done.stderr
    after = rows(db)
    assert len(after) == in_backup + 1 and after[-1][3] == "pulihkan" and after[-1][1] == "kepala"
    assert mtbs(db, "audit", "verify").returncode == 0


def test_show_filters_by_patient_and_holds_no_clinical_content(register: Path) -> None:
    visit = first_referred_visit(register)
    conn = sqlite3.connect(register)
    pid = conn.execute("SELECT patient_id FROM visits WHERE id = ?", [visit]).fetchone()[0]
    name = conn.execute("SELECT name FROM patients WHERE id = ?", [pid]).fetchone()[0]
    labels = [r[0] for r in conn.execute("SELECT DISTINCT label FROM visit_classifications")]
    conn.close()
    done = mtbs(register, "audit", "show", "--pasien", str(pid), "--limit", "1000")
    assert done.returncode == 0, done.stderr
    body = done.stdout.splitlines()[1:]
    conn = sqlite3.connect(register)
    expected = conn.execute("SELECT count(*) FROM audit WHERE patient_id = ?", [pid]).fetchone()[0]
    conn.close()
    # Every entry of that patient, and only those; the show itself is one more entry (after listing).
    assert body and len(body) == expected - 1 and all(f" {pid}  " in line for line in body)
    assert rows(register)[-1][2:4] == (pid, "audit.lihat")
    assert name not in done.stdout
    assert not [label for label in labels if label in done.stdout]


def tamper(db: Path, kind: str, rng: random.Random) -> None:
    """What someone with the file and a SQLite tool could do (the triggers dropped first)."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("DROP TRIGGER audit_no_delete")
    ids = [r[0] for r in conn.execute("SELECT id FROM audit ORDER BY id")]
    victim = rng.choice(ids[1:-1])
    if kind == "edit":
        column = rng.choice(["at", "actor", "workstation", "patient_id", "action", "detail"])
        conn.execute(f"UPDATE audit SET {column} = ? WHERE id = ?", ["x-ubah", victim])
    elif kind == "delete":
        conn.execute("DELETE FROM audit WHERE id = ?", [victim])
    elif kind == "delete-last":
        conn.execute("DELETE FROM audit WHERE id = ?", [ids[-1]])
    elif kind == "swap":
        other = victim + 1
        conn.execute("UPDATE audit SET id = -1 WHERE id = ?", [victim])
        conn.execute("UPDATE audit SET id = ? WHERE id = ?", [victim, other])
        conn.execute("UPDATE audit SET id = ? WHERE id = -1", [other])
    conn.close()


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("kind", ["edit", "delete", "delete-last", "swap"])
def test_verify_finds_every_tampering_of_a_copy(register: Path, tmp_path: Path, kind: str, seed: int) -> None:
    """(The intact register verifies: every test above ends with `audit verify` exit 0.)"""
    copy = tmp_path / "salinan.db"
    shutil.copy(register, copy)
    for suffix in ("-wal", "-shm"):
        if Path(str(register) + suffix).exists():
            shutil.copy(str(register) + suffix, str(copy) + suffix)
    tamper(copy, kind, random.Random(f"{kind}-{seed}"))
    done = (real if (kind, seed) == ("edit", 0) else mtbs)(copy, "audit", "verify")
    assert done.returncode == 1, (kind, done.stdout, done.stderr)
    assert done.stderr.startswith("jejak audit RUSAK pada "), done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize("command", ["referral", "card"])
def test_documents_print_the_chain_head_of_the_moment(register: Path, tmp_path: Path, command: str) -> None:
    """The footer carries the audit chain head as it was when the document was made (after the
    login entry, before the print entry), so a paper copy can be matched to the trail."""
    from pypdf import PdfReader

    out = tmp_path / "d.pdf"
    done = mtbs(register, command, str(first_referred_visit(register)), "-o", str(out))
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(register)
    login_hash = conn.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1 OFFSET 1").fetchone()[0]
    conn.close()
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(str(out)).pages).split())
    assert f"rantai audit {login_hash[:16]}" in text


def test_verify_refuses_bad_input_before_checking_or_recording(register: Path, tmp_path: Path) -> None:
    """A mistyped printed head is bad input (exit 2), not a rewritten chain: it was reported as
    'jejak audit RUSAK' with exit 1 and recorded 'audit.periksa rusak'. A --cadangan folder that is
    not there, or holds no chain index, was passed over and the trail reported whole."""
    (tmp_path / "kosong").mkdir()
    before = rows(register)
    for argv, line in (
        (["--kepala-dokumen", "xyz"], "galat: --kepala-dokumen: kepala rantai 'xyz' bukan heksadesimal (min. 8)"),
        (["--cadangan", str(tmp_path / "usb")], f"galat: --cadangan: {tmp_path / 'usb'}: folder tidak ditemukan"),
        (["--cadangan", str(tmp_path / "kosong")],
         f"galat: --cadangan: {tmp_path / 'kosong'}: tidak ada rantai-audit-cadangan.txt "
         "(bukan folder cadangan register ini?)"),
    ):
        done = mtbs(register, "audit", "verify", *argv)
        assert (done.returncode, done.stderr.strip(), done.stdout) == (2, line, ""), argv
    assert rows(register) == before  # nothing checked, nothing recorded (not even the login)
    # A well-formed head (any case) that is not in the chain is still a finding: exit 1.
    assert mtbs(register, "audit", "verify", "--kepala-dokumen", "ABCDEF12").returncode == 1
