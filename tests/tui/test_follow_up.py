"""Kunjungan ulang: which boxes are followed and the questions shown (pure functions)."""

from __future__ import annotations

from mtbs_tui.rules import codes
from mtbs_tui.screens import follow_up as fu

EARLIER = {
    "visit_date": "2026-11-21",
    "classifications": [
        {"module": "tanda_bahaya", "code": "STABIL", "label": "STABIL", "colour": "hijau"},
        {"module": "batuk", "code": "PNEUMONIA", "label": "PNEUMONIA", "colour": "kuning"},
        {"module": "diare", "code": "DISENTRI", "label": "DISENTRI", "colour": "kuning"},
    ],
}


def test_followed_modules_are_those_with_a_follow_up_box() -> None:
    assert fu.followed_modules(EARLIER) == ["batuk", "diare"]
    assert fu.followed_modules(None) == []


def test_intro_names_the_earlier_visit_and_the_questions() -> None:
    lines = fu.intro_lines(EARLIER)
    assert lines[0] == "Kunjungan ulang dari kunjungan 21-11-2026:"
    text = "\n".join(lines)
    assert "KUNING PNEUMONIA" in text and "napas lebih lambat?" in text
    assert "masih ada darah dalam tinja?" in text
    assert all(len(line) <= fu.WIDTH for line in lines[1:] if line.startswith("    "))
    assert fu.intro_lines(None) == ["Kunjungan ulang: kunjungan sebelumnya tidak ditemukan."]


def test_every_guided_code_is_a_chart_code() -> None:
    known = {code for table in codes.CLASSIFICATIONS.values() for code in table}
    assert set(fu.GUIDE) <= known, set(fu.GUIDE) - known
