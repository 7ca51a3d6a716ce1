"""Where commands may write (issue 20 item 1, issue 15 item 6): never over the register, its side
files or its backups, never a FIFO/device/folder, an existing file only with --timpa, no temporary
file left after SIGTERM, and printer failures as one Indonesian line."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import cli_login
import pytest
from cli_login import (
    MTBS,
    login_env,  # noqa: F401  (autouse: `mtbs` runs log in as kepala)
    mtbs_here,
)
from test_export_support import first_referred_visit, make_register

from mtbs_tui import outputs
from mtbs_tui.documents.common import DocumentError, atomic_output


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_register(tmp_path_factory.mktemp("out") / "R.db", patients=6, visits=14)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def patients(db: Path) -> list[tuple]:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return conn.execute("SELECT * FROM patients ORDER BY id").fetchall()
    finally:
        conn.close()


# The commands run in this process (cli_login.mtbs_here); the --timpa test runs the real console
# script (`real`), and so does the SIGTERM soak (make test-slow).
mtbs = mtbs_here
real = cli_login.mtbs


# --- the guard itself: every spelling of a protected path ---------------------------------------

@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_every_spelling_of_the_register_and_its_side_files_is_refused(tmp_path: Path) -> None:
    reg = tmp_path / "data" / "R.db"
    reg.parent.mkdir()
    reg.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84)
    (tmp_path / "data" / "cadangan").mkdir()
    link = tmp_path / "tautan.pdf"
    link.symlink_to(reg)
    hard = tmp_path / "keras.pdf"
    os.link(reg, hard)
    spellings = [
        reg, Path(str(reg) + "-wal"), Path(str(reg) + "-shm"), Path(str(reg) + ".writelock"),
        Path(str(reg) + "-journal"), tmp_path / "data" / ".." / "data" / "R.db", link, hard,
        tmp_path / "data" / "cadangan" / "R-cadangan-20261201-101010.db",
        tmp_path / "data" / "cadangan" / "laporan.pdf",
    ]
    for path in spellings:
        with pytest.raises(outputs.OutputRefused) as caught:
            outputs.check_target(path, register=reg, overwrite=True)
        assert caught.value.message.startswith("galat: ") and "\n" not in caught.value.message
    old = os.getcwd()
    os.chdir(tmp_path / "data")
    try:
        with pytest.raises(outputs.OutputRefused):
            outputs.check_target(Path("R.db-wal"), register=Path("R.db"), overwrite=True)
        with pytest.raises(outputs.OutputRefused):
            outputs.check_target(Path("./cadangan/x.csv"), register=reg, overwrite=True)
    finally:
        os.chdir(old)
    # A different name beside the register is fine.
    assert outputs.check_target(tmp_path / "data" / "surat.pdf", register=reg, overwrite=False)


@pytest.mark.skipif(os.name == "nt", reason="FIFOs and /dev/null are POSIX")
def test_a_fifo_a_folder_and_any_sqlite_file_are_never_outputs(tmp_path: Path) -> None:
    fifo = tmp_path / "pipa"
    os.mkfifo(fifo)
    other_db = tmp_path / "lain.db"
    other_db.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84)
    for path, word in ((fifo, "bukan berkas biasa"), (tmp_path, "folder"), (Path("/dev/null"), "bukan berkas biasa"),
                       (other_db, "database SQLite")):
        with pytest.raises(outputs.OutputRefused, match=word):
            outputs.check_target(path, overwrite=True)


def test_existing_file_needs_overwrite_and_a_late_file_is_not_replaced(tmp_path: Path) -> None:
    old = tmp_path / "surat.pdf"
    old.write_bytes(b"lama")
    with outputs.policy(register=None, overwrite=False):
        with pytest.raises(DocumentError, match="--timpa"):
            with atomic_output(old) as tmp:
                tmp.write_bytes(b"baru")
        assert old.read_bytes() == b"lama"
        # A file that appears while the document is being made is kept, and no .tmp stays behind.
        late = tmp_path / "kartu.pdf"
        with pytest.raises(DocumentError, match="--timpa"):
            with atomic_output(late) as tmp:
                tmp.write_bytes(b"baru")
                late.write_bytes(b"orang lain")
        assert late.read_bytes() == b"orang lain"
    with outputs.policy(register=None, overwrite=True):
        with atomic_output(old) as tmp:
            tmp.write_bytes(b"baru")
    assert old.read_bytes() == b"baru"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kartu.pdf", "surat.pdf"]


@pytest.mark.skipif(os.name == "nt", reason="os.kill(SIGTERM) ends the process at once on Windows")
def test_sigterm_inside_a_write_removes_the_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "ekspor.csv"
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(outputs.Terminated):
        with outputs.policy(register=None, overwrite=False), atomic_output(target) as tmp:
            tmp.write_text("separuh")
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)  # the handler raises at the next bytecode
    assert list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) == before  # the command's handler is gone afterwards


# --- the real commands ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "command",
    [
        ["referral", "{visit}", "-o", "{target}"],
        ["card", "{visit}", "-o", "{target}", "--timpa"],
        ["export", "register", "--from", "2026-09-01", "--to", "2026-12-31", "--format", "csv", "-o", "{target}",
         "--timpa"],
        ["report", "monthly", "2026-10", "--format", "pdf", "-o", "{target}", "--timpa"],
        ["report", "monthly", "--tulis-tabel", "{target}", "--timpa"],
        ["report", "mutu", "--from", "2026-09", "--to", "2026-10", "-o", "{target}", "--timpa"],
        ["report", "kirim", "2026-10", "-o", "{target}", "--timpa"],
    ],
    ids=["referral", "card", "export", "report", "tulis-tabel", "mutu", "kirim"],
)
def test_no_command_writes_over_the_register_or_its_wal(register: Path, command: list[str]) -> None:
    visit = first_referred_visit(register)
    before = patients(register)
    targets = [register, Path(str(register) + "-wal")] if command[0] == "referral" else [register]
    for target in targets:
        done = mtbs(register, *[a.format(visit=visit, target=target) for a in command])
        assert done.returncode == 2, done.stdout + done.stderr
        line = done.stderr.strip()
        assert line.startswith("galat: ") and len(line.splitlines()) == 1, line
        assert register.read_bytes()[:16] == b"SQLite format 3\x00"
        assert patients(register) == before
        assert not Path(str(register) + "-wal").exists() or Path(str(register) + "-wal").stat().st_size == 0
    assert not list(register.parent.glob(".*.tmp"))


def test_documents_refuse_to_overwrite_without_timpa_and_say_so(register: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    visit = first_referred_visit(register)
    out = tmp_path / "kartu.pdf"
    assert real(register, "card", str(visit), "-o", str(out)).returncode == 0
    first = digest(out)
    again = real(register, "card", str(visit), "-o", str(out))
    assert again.returncode == 2
    assert again.stderr.strip() == f"galat: {out}: berkas sudah ada; beri --timpa untuk menimpanya, atau pilih nama lain"
    assert digest(out) == first
    forced = real(register, "card", str(visit), "-o", str(out), "--timpa")
    assert forced.returncode == 0, forced.stderr
    if os.name != "nt":  # a card carries a child's health data: owner only
        assert (out.stat().st_mode & 0o777) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kartu.pdf"]
    from mtbs_tui.cli import main

    for command in (["referral", "surat"], ["card"], ["export", "register"], ["export", "rujukan"],
                    ["report", "monthly"], ["report", "mutu"], ["report", "kirim"], ["kabupaten", "gabung"],
                    ["latihan", "gabung"], ["latihan", "laporan"]):
        assert main([*command, "--help"]) == 0
        shown = " ".join(capsys.readouterr().out.split())
        assert "--timpa" in shown and "Timpa berkas tujuan yang sudah ada" in shown


@pytest.mark.slow
@pytest.mark.skipif(os.name == "nt", reason="SIGTERM")
def test_sigterm_during_an_export_leaves_no_temporary_file(tmp_path: Path) -> None:
    db = tmp_path / "besar.db"
    made = real(db, "demo", "--patients", "400", "--visits", "6000", timeout=300)
    assert made.returncode == 0, made.stderr
    out_dir = tmp_path / "keluar"
    out_dir.mkdir()
    proc = subprocess.Popen(
        [str(MTBS), "--db", str(db), "export", "register", "--from", "2020-01-01", "--to", "2030-12-31",
         "--format", "xlsx", "-o", str(out_dir / "r.xlsx")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
        env={**os.environ, "MTBS_USER": "kepala", "MTBS_PASSWORD": "kepala-demo"},
    )
    deadline = time.monotonic() + 60
    while not list(out_dir.glob(".*.tmp")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert proc.poll() is None, "the export finished before it could be interrupted"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert err.strip() == "galat: dihentikan (SIGTERM); berkas yang belum selesai dihapus"
    assert list(out_dir.iterdir()) == []


# --- printing -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("import sys; print('lp: Error - No default destination.', file=sys.stderr); sys.exit(1)",
         "belum ada pencetak bawaan"),
        ("import sys; print('lp: The printer or class does not exist.', file=sys.stderr); sys.exit(1)",
         "pencetak yang dipilih tidak dikenal"),
        ("import sys; print('lp: Some new failure', file=sys.stderr); sys.exit(3)",
         "pencetak menolak pekerjaan cetak (status 3)"),
    ],
)
def test_printer_failures_are_one_indonesian_line(register: Path, tmp_path: Path, script: str,
                                                  expected: str) -> None:
    fake = tmp_path / "lp.py"
    fake.write_text(script)
    out = tmp_path / "s.pdf"
    done = mtbs(register, "referral", str(first_referred_visit(register)), "-o", str(out), "--print",
                env={"MTBS_PRINT_COMMAND": f"{sys.executable} {fake}"})
    assert done.returncode == 1
    line = done.stderr.strip()
    assert len(line.splitlines()) == 1 and line.startswith("galat: --print: ") and expected in line, line
    assert "Error" not in line and "destination" not in line and str(out) in line
    assert out.exists()


def test_a_print_command_that_does_not_exist_says_what_to_check(register: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.pdf"
    done = mtbs(register, "referral", str(first_referred_visit(register)), "-o", str(out), "--print",
                env={"MTBS_PRINT_COMMAND": "/tidak/ada/lp-palsu"})
    assert done.returncode == 1
    line = done.stderr.strip()
    assert "Errno" not in line and "MTBS_PRINT_COMMAND" in line and "tidak ditemukan" in line, line


def test_a_document_without_format_choice_refuses_another_ending(register: Path, tmp_path: Path) -> None:
    """The letter, the card (PDF), the district package and the report table (JSON), the practice
    report (--pdf, --xlsx): a file named for another format, or with no ending, is one line naming
    the option and nothing is written (`card -o kartu.xlsx` wrote a PDF under that name)."""
    visit = str(first_referred_visit(register))
    cases = [
        (["card", visit, "-o", "{out}/kartu.xlsx"], "galat: -o: akhiran .xlsx tidak dikenal (pilihan: .pdf)"),
        (["card", visit, "-o", "{out}/kartu"], "galat: -o: akhiran (tanpa akhiran) tidak dikenal (pilihan: .pdf)"),
        (["referral", visit, "-o", "{out}/surat.csv"], "galat: -o: akhiran .csv tidak dikenal (pilihan: .pdf)"),
        (["report", "kirim", "2026-10", "-o", "{out}/paket.xlsx"],
         "galat: -o: akhiran .xlsx tidak dikenal (pilihan: .json)"),
        (["report", "monthly", "--tulis-tabel", "{out}/tabel.pdf"],
         "galat: --tulis-tabel: akhiran .pdf tidak dikenal (pilihan: .json)"),
        (["latihan", "laporan", "{out}/tidak-dibuka.db", "--xlsx", "{out}/laporan.pdf"],
         "galat: --xlsx: akhiran .pdf tidak dikenal (pilihan: .xlsx)"),
    ]
    for argv, message in cases:
        done = mtbs(register, *[a.format(out=tmp_path) for a in argv])
        assert (done.returncode, done.stderr.strip()) == (2, message), argv
        assert list(tmp_path.iterdir()) == [], argv
    # A folder is named as one, not as a file without an ending.
    (tmp_path / "dokumen").mkdir()
    for argv in (["card", visit], ["report", "monthly", "2026-10"], ["export", "register", "--from", "2026-10-01",
                                                                     "--to", "2026-10-31"]):
        done = mtbs(register, *argv, "-o", str(tmp_path / "dokumen"))
        assert (done.returncode, done.stderr.strip()) == (2, f"galat: {tmp_path / 'dokumen'}: ini folder, bukan nama berkas")
    assert [p.name for p in tmp_path.iterdir()] == ["dokumen"] and not any((tmp_path / "dokumen").iterdir())
    (tmp_path / "dokumen").rmdir()
    done = mtbs(register, "card", visit, "-o", str(tmp_path / "Kartu.PDF"))  # any case of the right one
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "Kartu.PDF").read_bytes().startswith(b"%PDF")
