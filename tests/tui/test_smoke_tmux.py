"""Smoke test of the real `mtbs` command in a real terminal (tmux, 80x24) on a demo database.

Skipped cleanly when tmux is not installed (`make test` installs it).
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from tmux_helpers import Tmux, _demo_accounts, _quote

pytestmark = [
    pytest.mark.timeout(180),
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux tidak terpasang"),
]


def test_real_mtbs_command_at_80x24(tmp_path: Path, tmux: Tmux, mtbs_exe: Path,
                                    _isolated_data_dir: Path) -> None:
    db = tmp_path / "demo.db"
    made = subprocess.run([str(mtbs_exe), "--db", str(db), "demo", "--patients", "40", "--visits", "150"],
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    _demo_accounts(db)
    env = {"MTBS_DATA_DIR": str(_isolated_data_dir), "MTBS_USER": "bidan.uji", "TERM": "xterm-256color",
           "PATH": os.environ.get("PATH", "")}
    tmux.start(f"{_quote(str(mtbs_exe))} --db {_quote(str(db))} tui", env)

    # The real login screen first; once the register is open (right after the first paint) it names
    # the facility and, on a demo register, the demo accounts.
    tmux.wait_for("Nama pengguna")
    login = tmux.wait_for("<nama>-demo")
    assert "Puskesmas Sukamaju (DEMO)" in login
    tmux.keys(*"bidan", "Enter", *"bidan-demo", "Enter")
    home = tmux.wait_for("F6 Draf")
    lines = home.splitlines()
    assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
    assert "MTBS" in lines[0] and "bidan" in lines[0]
    assert "Hari ini" in home and "Kunjungan ulang" in home and "Draf belum selesai" in home
    # The key bar ends in "F1 Bantuan"; keys that do not fit give way (^Q Keluar since F7 Latihan).
    assert "F2 Baru" in lines[-1] and lines[-1].rstrip().endswith("F1 Bantuan")

    # The demo holds unfinished drafts: they are offered right after the first paint.
    tmux.later_drafts()

    tmux.keys("F3")
    tmux.wait_for("Cari:")
    tmux.keys("a")
    search = tmux.wait_for("Cari: a")
    assert "Hal. 1" in search or "Tidak ada pasien" in search
    tmux.keys("Escape")
    tmux.wait_for("F4 Register")

    tmux.keys("F4")
    register = tmux.wait_for("kunjungan)")
    assert "Waktu" in register and "Klasifikasi" in register
    tmux.keys("F5")
    tmux.wait_for("Hari/Bulan")
    tmux.keys("Escape")
    tmux.wait_for("F4 Register")

    tmux.keys("C-q")
    done = tmux.wait_for("SELESAI:")
    assert "SELESAI:0" in done
    assert "Traceback" not in done
    wal = Path(str(db) + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # closed with a checkpoint
