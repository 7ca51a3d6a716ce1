"""Every final visit of a demo register (the real engine): its mother's card and, when referred,
its referral letter, read back with `pdftotext` as a mother or a hospital doctor would (issue 15).

Checked for each: no "?" (a glyph the font could not draw), every dose printed whole (each amount,
frequency and duration on the card; each dose line on the letter), the card of an urgently referred
child without home medicine, follow-up date or return signs, and every word inside the page
margins (pdftotext -bbox). The layout code measures its own amount lines (`card.amount_lines_fit`).
The full 1,200-visit register is `slow`; the normal suite runs a 100-visit one.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mtbs_tui.demo import generate
from mtbs_tui.documents.card import HOME_MEDICINES, amount_lines_fit, medicine_lines, render_card
from mtbs_tui.documents.common import date_text, visit_doses
from mtbs_tui.documents.referral import render_referral, treatment_rows
from mtbs_tui.register import Register

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils tidak terpasang")

MM = 72 / 25.4
SIDE_MARGIN = 14 * MM  # both documents: 14 mm left and right
EDGE = 6 * MM  # nothing closer than this to the top or bottom edge (the footers sit near 12 mm)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')


def squash(text: str) -> str:
    return " ".join(text.split())


def read_pdf(path: Path) -> tuple[str, list[str]]:
    """(raw text in drawing order, words outside the margins)."""
    raw = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    bbox = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    outside = []
    for page in bbox.split("<page ")[1:]:
        width, height = map(float, _PAGE.match("<page " + page).groups())
        for x0, y0, x1, y1, word in _WORD.findall(page):
            if (float(x0) < SIDE_MARGIN - 0.5 or float(x1) > width - SIDE_MARGIN + 0.5
                    or float(y0) < EDGE or float(y1) > height - EDGE):
                outside.append(f"{word}@{float(x0):.0f},{float(y0):.0f}-{float(x1):.0f}")
    return squash(raw), outside


def check_visit(reg: Register, vid: int, folder: Path) -> None:
    visit = reg.get_visit(vid)
    card = folder / f"kartu-{vid}.pdf"
    with open(card, "wb") as fh:
        render_card(reg, visit, fh)
    text, outside = read_pdf(card)
    assert "?" not in text, (vid, text)
    assert not outside, (vid, "kartu", outside)
    assert not amount_lines_fit(visit), (vid, amount_lines_fit(visit))
    if visit["refer_urgently"]:
        assert "BAWA ANAK KE RUMAH SAKIT SEKARANG JUGA" in text
        destination = (visit["referral"] or {}).get("destination")
        if destination:  # the mother is told where to go (issue 17)
            assert f"dirujuk segera ke {destination}" in squash(text), (vid, destination)
        for absent in ("Obat yang diberikan di rumah", "Kunjungan ulang", "SEGERA BAWA ANAK KEMBALI",
                       "hari lagi", "Habiskan obat"):
            assert absent not in text, (vid, absent)
        if visit["follow_up_date"]:
            assert date_text(visit["follow_up_date"]) not in text.replace(date_text(visit["visit_date"]), "")
        for t in visit["treatments"]:
            if t["code"] != "RUJUK_SEGERA" and t["dose"]:
                assert squash(t["dose"]) in text, (vid, t["dose"])
    else:
        for line in medicine_lines(visit):
            pieces = [line.whole] if line.whole is not None else [
                *line.amount.split("\n"), line.times, line.days]
            for piece in pieces:
                assert squash(piece) in text, (vid, piece)
        if any(t["code"] in HOME_MEDICINES and t["dose"] for t in visit["treatments"]):
            assert "Berapa banyak" in text
        for line in medicine_lines(visit):
            # Never a bare mass (82,5 mg) a mother cannot measure: tablets/mL, or a blank the worker fills.
            first = (line.whole or line.amount).split("\n")[0]
            assert not re.match(r"[\d.,]+\s?mg\b", first), (vid, first)
            assert "Profilaksis kotrimoksazol mulai umur" not in line.name, (vid, line)
        if any(c["module"] == "demam_malaria" for c in visit["classifications"]):
            assert "timbul demam" not in text, vid  # the child has fever already
        courses = {"AMOKSISILIN", "KOTRIMOKSAZOL", "ANTIBIOTIK_KOLERA", "DHP", "PRIMAKUIN", "ZINK",
                   "ZAT_BESI", "TETES_TELINGA_KUINOLON", "SALEP_MATA", "NISTATIN"}
        course = any(t["code"] in courses and "profilaksis" not in t["label"].lower() for t in visit["treatments"])
        assert ("Habiskan obat" in text) == course, (vid, visit["treatments"])
        assert text.count("sampai habis") + text.count("Habiskan obat") <= 1, vid  # said once
        for t in visit["treatments"]:
            if t["code"] == "RUJUK":  # a non-urgent referral is on the card
                assert "Rujukan (tidak darurat)" in text, (vid, t["label"])
        for dose in visit_doses(visit):
            for day in getattr(dose, "days", ())[1:]:  # vitamin A day 2 and 15: the mother is told
                assert f"hari ke-{day} (" in text, (vid, day)
    if not visit["refer_urgently"]:
        return
    letter = folder / f"surat-{vid}.pdf"
    with open(letter, "wb") as fh:
        render_referral(reg, visit, fh, "001/RUJ-MTBS/I/2026")
    text, outside = read_pdf(letter)
    assert "?" not in text, (vid, text)
    assert not outside, (vid, "surat", outside)
    for _, dose in treatment_rows(visit):
        assert squash(dose) in text, (vid, dose)
    destination = (visit["referral"] or {}).get("destination")
    if destination:  # the demo's facilities (issue 17): the letter is addressed to the one chosen
        assert f"Kepada Yth. Dokter jaga {destination}" in squash(text), (vid, destination)
    if not re.search(r"T\d\d:\d\d", visit["visit_at"]) or visit["visit_at"].endswith("T00:00:00"):
        assert not re.search(r"(?<![\d.])00\.00(?![\d.])", text), vid  # "200.000 IU" is not a time


def check_register(visits: int, patients: int, folder: Path) -> tuple[int, int]:
    reg = Register.open(folder / "demo.db", create=True)
    try:
        generate(reg, patients=patients, visits=visits, seed=2026, bulk=True)
        ids = [r[0] for r in reg.db.execute(
            "SELECT id FROM visits WHERE status = 'final' AND is_current = 1 ORDER BY id")]
        referred = 0
        for vid in ids:
            check_visit(reg, vid, folder)
            referred += reg.db.execute("SELECT refer_urgently FROM visits WHERE id = ?", [vid]).fetchone()[0]
        return len(ids), referred
    finally:
        reg.close()


def test_cards_and_letters_of_a_100_visit_demo_register(tmp_path: Path) -> None:
    checked, referred = check_register(100, 40, tmp_path)
    assert checked >= 90 and referred >= 1


@pytest.mark.slow
def test_cards_and_letters_of_every_final_visit_of_a_1200_visit_demo_register(tmp_path: Path) -> None:
    checked, referred = check_register(1200, 300, tmp_path)
    assert checked >= 1100 and referred >= 30
