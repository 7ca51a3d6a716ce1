"""Keys in a real terminal (tmux, 80x24) on the real `mtbs tui` (issue 14 items 4 and 8).

- A whole new visit sent by ONE `tmux send-keys` (every key at once, across every screen change:
  Beranda F2, the name, Enter, sex, birth date, F10 to the visit form, every section, F10): the
  saved visit holds every answer (tests/tui/test_type_ahead.py does the same through Pilot in the
  normal suite).
- Alt + a section's letter (the capital in the section strip) jumps to that section: tmux sends
  Alt as ESC + letter, which Textual must read as alt+letter, not as Escape then a letter.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from form_app import standard_visit_keys
from tmux_helpers import Tmux, _demo_accounts, _quote

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(240),
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux tidak terpasang"),
]

TMUX_NAMES = {"enter": "Enter", "pagedown": "NPage", "pageup": "PPage", "f10": "F10", "tab": "Tab",
              "escape": "Escape", "space": "Space"}


def _eleven_months_ago(today: dt.date) -> dt.date:
    y, m = divmod(today.month - 1 - 11, 12)
    return dt.date(today.year + y, m + 1, min(today.day, 28)) - dt.timedelta(days=3)


def _start(tmp_path: Path, tmux: Tmux, mtbs_exe: Path, data_dir: Path) -> Path:
    db = tmp_path / "demo.db"
    made = subprocess.run([str(mtbs_exe), "--db", str(db), "demo", "--patients", "20", "--visits", "40"],
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    _demo_accounts(db)
    env = {"MTBS_DATA_DIR": str(data_dir), "TERM": "xterm-256color", "PATH": os.environ.get("PATH", "")}
    tmux.start(f"{_quote(str(mtbs_exe))} --db {_quote(str(db))} tui", env)
    tmux.wait_for("<nama>-demo")
    tmux.keys(*"bidan", "Enter", *"bidan-demo", "Enter")
    tmux.wait_for("F2 Baru")
    tmux.later_drafts()
    return db


def test_a_whole_visit_in_one_send_keys_is_saved_whole(tmp_path: Path, tmux: Tmux, mtbs_exe: Path,
                                                       _isolated_data_dir: Path) -> None:
    from mtbs_tui.register import Register

    db = _start(tmp_path, tmux, mtbs_exe, _isolated_data_dir)
    born = _eleven_months_ago(dt.date.today())
    keys = ["F2", "Sinta", "Space", "Dewi", "Enter", "P", born.strftime("%d%m%Y"), "F10",
            *[TMUX_NAMES.get(k, k) for k in standard_visit_keys(save=True)]]
    tmux.run("send-keys", "-t", tmux.session, *keys)  # one burst: no key waits for the screen
    summary = tmux.wait_for("Tersimpan (kunjungan", timeout=60)
    assert "Sinta Dewi" in summary and "PNEUMONIA" in summary
    tmux.keys("Escape")
    tmux.wait_for("F2 Baru")
    tmux.keys("C-q")
    tmux.wait_for("SELESAI:0")

    register = Register.open(db)
    try:
        row = register.db.execute(
            "SELECT v.id FROM visits v JOIN patients p ON p.id = v.patient_id "
            "WHERE p.name = 'Sinta Dewi' AND v.status = 'final'").fetchone()
        assert row is not None
        visit = register.get_visit(row[0])
    finally:
        register.close()
    case = visit["case"]
    assert case["birth_date"] == born.isoformat() and case["sex"] == "P"
    assert (case["weight_kg"], case["length_cm"], case["temperature_c"], case["muac_cm"],
            case["head_circumference_cm"]) == (9.0, 74.0, 36.8, 14.0, 45.0)
    findings = case["findings"]
    assert findings["batuk"] is True and findings["napas_per_menit"] == 52
    assert findings["diare"] is False and findings["demam"] is False
    assert visit["result"]["incomplete"] == []


def test_alt_letter_jumps_to_a_section_in_a_real_terminal(tmp_path: Path, tmux: Tmux, mtbs_exe: Path,
                                                          _isolated_data_dir: Path) -> None:
    _start(tmp_path, tmux, mtbs_exe, _isolated_data_dir)
    born = _eleven_months_ago(dt.date.today())
    tmux.keys("F2")
    tmux.wait_for("Cari:")
    tmux.run("send-keys", "-t", tmux.session, "Rani", "Space", "Lestari", "Enter", "L", born.strftime("%d%m%Y"),
             "F10")
    form = tmux.wait_for("1/11 Data")
    assert "bAtuk" in form and "dEmam" in form  # the strip shows each section's letter in capitals
    for key, title in (("M-a", "─ 3/11 "), ("M-e", "─ 5/11 Demam"), ("M-b", "─ 2/11 "),
                       ("M-k", "─ 11/11 ")):
        tmux.run("send-keys", "-t", tmux.session, key)
        screen = tmux.wait_for(title, timeout=15)
        assert "Tinggalkan formulir?" not in screen  # not read as Escape
