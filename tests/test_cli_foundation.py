"""`mtbs init`, `mtbs demo`, `mtbs check`, the --db option, $MTBS_DB and the default data folder.

Real files. Bad input: one Indonesian line on stderr, non-zero exit, no traceback, and nothing
changed. `init` and `check` of a fresh register run the real console script; the other cases run the
same entry point in this process (cli_login.mtbs_here).
"""
from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest
from cli_login import mtbs_cli, mtbs_here

from mtbs_tui import db as dbmod

IDENTITY = ["--nama", "Puskesmas Sukamaju", "--kode", "P5301011", "--alamat", "Jl. Mawar 1",
            "--kabupaten", "Kupang", "--provinsi", "NTT", "--daerah-malaria", "rendah",
            "--kepala", "dr. Maria", "--nip-kepala", "198001012010012001"]


def run(*args: str, env: dict | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return mtbs_here(None, *args, env=env, stdin=stdin)


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("galat: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def facility(db: Path) -> dict:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    row = dict(conn.execute("SELECT * FROM facility").fetchone())
    conn.close()
    return row


def test_init_creates_the_register_with_the_identity(tmp_path: Path) -> None:
    db = tmp_path / "mtbs.db"
    result = mtbs_cli("--db", str(db), "init", *IDENTITY)
    assert result.returncode == 0, result.stderr
    assert "Database dibuat" in result.stdout
    fac = facility(db)
    assert (fac["name"], fac["code"], fac["district"], fac["province"], fac["malaria_area"], fac["head_name"],
            fac["head_nip"]) == ("Puskesmas Sukamaju", "P5301011", "Kupang", "NTT", "rendah", "dr. Maria",
                                 "198001012010012001")
    # Running init again updates the identity and keeps the register.
    again = mtbs_cli("--db", str(db), "init", "--kepala", "dr. Agus")
    assert again.returncode == 0 and "diperbarui" in again.stdout
    assert facility(db)["head_name"] == "dr. Agus" and facility(db)["name"] == "Puskesmas Sukamaju"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--daerah-malaria", "rendah"], "--nama"),
        (["--nama", "P"], "--daerah-malaria"),
        (["--nama", "P", "--daerah-malaria", "sedang"], "non_endemis"),
        (["--nama", "P" * 300, "--daerah-malaria", "rendah"], "terlalu panjang"),
    ],
)
def test_init_bad_input_changes_nothing(tmp_path: Path, args: list[str], words: str) -> None:
    db = tmp_path / "mtbs.db"
    assert words in one_error_line(run("--db", str(db), "init", *args))
    assert not db.exists()


def test_init_refuses_a_network_share_and_a_missing_folder(tmp_path: Path) -> None:
    assert "jaringan" in one_error_line(run("--db", r"\\server\share\mtbs.db", "init", *IDENTITY))
    assert "folder tidak ditemukan" in one_error_line(
        run("--db", str(tmp_path / "tidak" / "ada.db"), "init", *IDENTITY))


def test_db_option_env_and_default_folder(tmp_path: Path, _isolated_data_dir: Path) -> None:
    # No --db, no $MTBS_DB: the per-user data folder (MTBS_DATA_DIR in tests, platformdirs otherwise).
    assert run("init", *IDENTITY).returncode == 0
    assert (_isolated_data_dir / "mtbs.db").exists()
    env_db = tmp_path / "env.db"
    assert run("init", *IDENTITY, env={"MTBS_DB": str(env_db)}).returncode == 0
    assert env_db.exists()
    opt_db = tmp_path / "opt.db"
    assert run("--db", str(opt_db), "init", *IDENTITY, env={"MTBS_DB": str(env_db)}).returncode == 0
    assert opt_db.exists()  # --db wins over $MTBS_DB
    check = run("check", env={"MTBS_DB": str(env_db)})
    assert check.returncode == 0 and str(env_db) in check.stdout


def test_demo_goes_to_its_own_file_and_if_missing_keeps_it(_isolated_data_dir: Path) -> None:
    result = run("demo", "--patients", "30", "--visits", "120")
    assert result.returncode == 0, result.stderr
    demo = _isolated_data_dir / "mtbs-demo.db"
    assert demo.exists() and not (_isolated_data_dir / "mtbs.db").exists()
    assert "Kunjungan: 120" in result.stdout
    conn = sqlite3.connect(demo)
    assert conn.execute("SELECT count(*) FROM visits WHERE status='final' AND is_current=1").fetchone()[0] == 120
    assert conn.execute("SELECT count(*) FROM patients").fetchone()[0] == 30
    assert conn.execute("SELECT name FROM facility").fetchone()[0].endswith("(DEMO)")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    before = demo.stat().st_mtime_ns
    kept = run("demo", "--if-missing")
    assert kept.returncode == 0 and "sudah ada" in kept.stdout and demo.stat().st_mtime_ns == before
    assert not [p for p in _isolated_data_dir.iterdir() if ".baru" in p.name]  # no temp file left


def test_demo_never_overwrites_a_real_register(tmp_path: Path) -> None:
    db = tmp_path / "mtbs.db"
    assert run("--db", str(db), "init", *IDENTITY).returncode == 0
    before = db.read_bytes()
    assert "bukan database demo" in one_error_line(run("--db", str(db), "demo", "--patients", "5"))
    assert db.read_bytes() == before


def test_check_reports_counts_and_exit_zero(tmp_path: Path) -> None:
    (tmp_path / "data puskesmas").mkdir()
    db = tmp_path / "data puskesmas" / "demo #1.db"  # spaces and '#' survive the read-only URI
    assert run("--db", str(db), "demo", "--patients", "20", "--visits", "60").returncode == 0
    result = mtbs_cli("--db", str(db), "check")
    assert result.returncode == 0, result.stderr
    assert "Keutuhan: baik" in result.stdout and f"Versi skema: {dbmod.SCHEMA_VERSION}\n" in result.stdout
    assert "Pasien: 20" in result.stdout and "Kunjungan: 60" in result.stdout and "Database sehat." in result.stdout


def test_check_bad_inputs(tmp_path: Path) -> None:
    assert "tidak ditemukan" in one_error_line(run("--db", str(tmp_path / "nope.db"), "check"))
    assert not (tmp_path / "nope.db").exists()
    assert "jaringan" in one_error_line(run("--db", r"\\srv\data\mtbs.db", "check"))
    assert "folder" in one_error_line(run("--db", str(tmp_path), "check"))
    text = tmp_path / "catatan.db"
    text.write_text("ini bukan database\n" * 20)
    assert "rusak" in one_error_line(run("--db", str(text), "check"))
    newer = tmp_path / "baru.db"
    assert run("--db", str(newer), "init", *IDENTITY).returncode == 0
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {dbmod.SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    line = one_error_line(run("--db", str(newer), "check"))
    assert "lebih baru" in line and "perbarui aplikasi" in line
    assert "lebih baru" in one_error_line(run("--db", str(newer), "init", *IDENTITY))
