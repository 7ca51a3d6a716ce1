"""Search finds a NIK pasted or typed in the groups Kartu Keluarga prints it in (tmux 80x24: F3
with '5301 2726 1124 0514' said 'Tidak ada pasien yang cocok' for a child registered with that
NIK, and offered F2 to register the child again)."""
from __future__ import annotations

from pathlib import Path

from mtbs_tui.register import Register


def test_a_nik_in_groups_is_one_number(tmp_path: Path) -> None:
    reg = Register.open(tmp_path / "r.db", create=True)
    pid = reg.add_patient(name="Rafi Nahak", sex="L", birth_date="2024-11-26", nik="5301272611240514", actor="t")
    other = reg.add_patient(name="Sari 5301", sex="P", birth_date="2024-01-02", actor="t")
    for text in ("5301 2726 1124 0514", " 5301-2726-1124-0514 ", "5301.2726.1124.0514", "5301272611240514",
                 "5301 2726"):
        assert [p["id"] for p in reg.search_patients(text)] == [pid], text
    # Words and short numbers keep their meaning: every word is matched on its own.
    assert [p["id"] for p in reg.search_patients("sari 5301")] == [other]
    reg.close()


def test_a_whole_nik_and_an_rm_number_stay_two_numbers(tmp_path: Path) -> None:
    reg = Register.open(tmp_path / "r.db", create=True)
    pid = reg.add_patient(name="Siti", sex="P", birth_date="2025-01-01", nik="5301014101250002", actor="t")
    assert [p["id"] for p in reg.search_patients("5301014101250002 1")] == [pid]
    assert reg.search_patients("5301014101250002 9") == []
    reg.close()
