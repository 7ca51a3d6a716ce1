"""Every screen of the shell in the real `mtbs tui` at 80x24 (tmux capture): the words that matter
are whole on screen, the header keeps the clock, the footer ends in "F1 Bantuan" (issue 14 item 7).
The visit form and the accounts screen (test_login_snapshots) are covered by their own tests."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from tmux_helpers import Tmux, _demo_accounts, _quote

# About a minute on a shared 2-core machine: `make test-slow`. The Pilot tests of
# test_help_and_fit.py check the same layouts in the normal suite.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(240),
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux tidak terpasang"),
]

CLOCK = re.compile(r"\d\d-\d\d-\d{4} \d\d:\d\d\s*$")


def _escape_until(tmux: Tmux, text: str) -> str:
    """Escape, then wait for `text` (an Escape followed at once by an F-key's escape sequence
    would reach the app as one key)."""
    tmux.keys("Escape")
    return tmux.wait_for(text)


def _check(screen: str, *words: str, footer: bool = True) -> list[str]:
    lines = screen.splitlines()
    assert len(lines) == 24 and all(len(line) <= 80 for line in lines), screen
    for word in words:
        assert word in screen, f"{word!r} tidak utuh di layar:\n{screen}"
    if footer:
        assert CLOCK.search(lines[0]), f"jam hilang dari kepala layar: {lines[0]!r}"
        assert lines[-1].rstrip().endswith("F1 Bantuan"), lines[-1]
    return lines


def test_every_shell_screen_at_80x24(tmp_path: Path, tmux: Tmux, mtbs_exe: Path, _isolated_data_dir: Path) -> None:
    import os

    db = tmp_path / "demo.db"
    made = subprocess.run([str(mtbs_exe), "--db", str(db), "demo", "--patients", "40", "--visits", "150"],
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    _demo_accounts(db)
    env = {"MTBS_DATA_DIR": str(_isolated_data_dir), "TERM": "xterm-256color", "PATH": os.environ.get("PATH", "")}
    tmux.start(f"{_quote(str(mtbs_exe))} --db {_quote(str(db))} tui", env)
    tmux.wait_for("<nama>-demo")
    _check(tmux.screen(), "Nama pengguna", "Kata sandi", footer=False)
    tmux.keys(*"kepala", "Enter", *"kepala-demo", "Enter")
    tmux.wait_for("F4 Register")
    tmux.later_drafts()
    # Until the dialog has gone: with the open-referrals panel it covers the drafts' title.
    home = tmux.wait_for("Draf belum selesai")
    _check(home, "Hari ini", "Kunjungan ulang", "Draf belum selesai", "F2 Baru", "F3 Cari")

    tmux.keys("F1")
    _check(tmux.wait_for("Bantuan: Beranda"), "F5", "Kunj. ulang", "Keluar", footer=False)
    _escape_until(tmux, "Draf belum selesai")

    tmux.keys("F10")
    _check(tmux.wait_for("Rujukan segera belum ada balasan"), "Belum ada balasan:", "Dirujuk", "Balasan",
           "F5 Semua/belum")
    _escape_until(tmux, "Draf belum selesai")

    tmux.keys("F3")
    tmux.wait_for("Cari:")
    tmux.keys("a")
    tmux.wait_for("pasien cocok")
    search = tmux.keys("Down") or tmux.wait_for(" · ibu ")
    _check(search, "No. RM", "Tgl lahir", "Ibu/orang tua", "Desa", "F2 Pasien baru")

    tmux.keys("F2")
    new = tmux.wait_for("Data pasien")
    _check(new, "Nama anak", "Tanggal lahir", "NIK anak", "Nama ibu/orang tua", "Desa/kelurahan",
           "8–15 angka", "F10 Simpan")
    _escape_until(tmux, "Cari:")
    tmux.keys("Enter")
    patient = tmux.wait_for("Riwayat kunjungan")
    _check(patient, "Formulir hari ini", "F4 Ubah data")
    _escape_until(tmux, "Cari:")
    _escape_until(tmux, "F4 Register")

    tmux.keys("F4")
    tmux.wait_for("kunjungan)")
    tmux.keys("F5")
    month = tmux.wait_for("Hal. 1/")
    _check(month, "Waktu", "No. RM", "Klasifikasi", "Rujuk", "Ulang", "F7 kartu ibu · F8 surat rujukan")
    tmux.keys("End")
    assert "Hal. " in tmux.wait_for("Hal. ")
    tmux.keys("F7")
    saved = _check(tmux.wait_for("Kartu ibu tersimpan"), "Klasifikasi")
    line = next(row for row in saved if "Kartu ibu tersimpan" in row)
    assert line.rstrip().endswith(".pdf")  # the file name whole on the one line
    tmux.keys("F1")
    _check(tmux.wait_for("Bantuan: Register"), "Baris terakhir", "Kartu ibu", footer=False)
    _escape_until(tmux, "[ ] periode lain")
    tmux.keys("Enter")
    visit = tmux.wait_for("Kunjungan · versi")
    _check(visit, "Klasifikasi", "Tindakan", "bagan 2022", "F2 Koreksi")
    _escape_until(tmux, "[ ] periode lain")
    _escape_until(tmux, "F4 Register")

    tmux.keys("C-q")
