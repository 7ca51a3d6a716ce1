"""Issue 14's promise on the hospital's reply form (issue 17), in a real terminal: the real `mtbs`
at 80x24, the nurse types outcome 2 and a diagnosis, the process is killed with SIGKILL a second
later (no Esc, no F10), and the restarted app offers the same referral's form back with both
values ("Balasan yang belum disimpan dipulihkan"). Slow (two app starts): `make test-slow`; the
Pilot version is in test_referrals.py."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from tmux_helpers import Tmux, _demo_accounts, _quote

from mtbs_tui.register import Register

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(240),
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux tidak terpasang"),
]


def _open_first_reply(tmux: Tmux, exe: Path, db: Path, data_dir: Path) -> str:
    env = {"MTBS_DATA_DIR": str(data_dir), "TERM": "xterm-256color", "PATH": os.environ.get("PATH", "")}
    tmux.start(f"{_quote(str(exe))} --db {_quote(str(db))} tui", env)
    tmux.wait_for("<nama>-demo")
    tmux.keys(*"bidan", "Enter", *"bidan-demo", "Enter")
    tmux.wait_for("F6 Draf")
    tmux.later_drafts()
    tmux.keys("F10")
    tmux.wait_for("Rujukan segera belum ada balasan")
    tmux.keys("Enter")
    return tmux.wait_for("Dokter pemeriksa")


def test_reply_typed_then_sigkill_is_offered_back(tmp_path: Path, mtbs_exe: Path, _isolated_data_dir: Path) -> None:
    db = tmp_path / "demo.db"
    made = subprocess.run([str(mtbs_exe), "--db", str(db), "demo", "--patients", "40", "--visits", "150"],
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    _demo_accounts(db)
    first, second = Tmux(tmp_path), Tmux(tmp_path)
    try:
        _open_first_reply(first, mtbs_exe, db, _isolated_data_dir)
        first.keys("2", "Enter", *"Bronkopneumonia")
        first.wait_for("Bronkopneumonia")
        time.sleep(1.0)  # "durable within about a second"
        shell = first.run("list-panes", "-t", first.session, "-F", "#{pane_pid}").stdout.split()[0]
        [app_pid] = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True).stdout.split()
        os.kill(int(app_pid), signal.SIGKILL)
        first.wait_for("SELESAI:137")
        first.kill()
        screen = _open_first_reply(second, mtbs_exe, db, _isolated_data_dir)
        assert "Balasan yang belum disimpan dipulihkan" in screen
        outcome = next(line for line in screen.splitlines() if "Hasil (angka)" in line)
        assert outcome.split("Hasil (angka)")[1].split()[0] == "2"
        assert "Bronkopneumonia" in next(line for line in screen.splitlines() if "Diagnosis RS" in line)
        assert all(len(line) <= 80 for line in screen.splitlines())
    finally:
        first.kill()
        second.kill()
    register = Register.open(db)
    try:
        [(fields,)] = register.db.execute("SELECT fields_json FROM referral_reply_drafts").fetchall()
        assert '"outcome":"2"' in fields and "Bronkopneumonia" in fields
    finally:
        register.close()
