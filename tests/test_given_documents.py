"""What was given on the documents (issue 17 item 1), read back with pdftotext as the hospital
doctor and the mother read them: the letter's "Jam diberikan" is the recorded time, a treatment
not given is listed as not given with its reason, deviations are listed; the mother's card shows
only what was given (for home)."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from mtbs_tui import given
from mtbs_tui.demo import BY_ID, ResultCache
from mtbs_tui.documents.card import build_card_pdf
from mtbs_tui.documents.referral import build_referral_pdf
from mtbs_tui.register import Register
from mtbs_tui.rules import classify

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils tidak terpasang")

DAY = dt.date.today() - dt.timedelta(days=1)
BIRTH = DAY - dt.timedelta(days=335)
NOW = dt.datetime.combine(DAY, dt.time(12, 0))


def text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


@pytest.fixture(scope="module")
def reg(tmp_path_factory: pytest.TempPathFactory) -> Register:
    r = Register.open(tmp_path_factory.mktemp("diberikan") / "r.db", create=True)
    r.set_facility(name="Puskesmas Uji", malaria_area="rendah", actor="uji")
    yield r
    r.close()


def visit_of(reg: Register, scenario: str) -> tuple[int, list[dict]]:
    pid = reg.add_patient(name=f"Anak {scenario}", sex="P", birth_date=BIRTH.isoformat(), actor="uji",
                          allow_duplicate=True)
    case = ResultCache(classify, "rendah").case(BY_ID[scenario], BIRTH, DAY, "P")
    vid = reg.save_visit(patient_id=pid, case=case, actor="uji", visit_at=f"{DAY.isoformat()}T08:00:00")
    return vid, given.recommended(reg.get_visit(vid)["treatments"])


def test_letter_and_card_of_a_referred_child(reg: Register, tmp_path: Path) -> None:
    vid, items = visit_of(reg, "pneumonia_berat")
    assert len(items) >= 2, items
    first, second = items[0], items[1]
    # Before anything is recorded: the time is left to fill in by hand, never the visit's time.
    build_referral_pdf(reg, vid, tmp_path / "sebelum.pdf", actor="uji")
    before = text(tmp_path / "sebelum.pdf")
    assert "Pemberian belum dicatat di register: isi jam diberikan dengan tangan (pemeriksaan pukul 08.00)" in before
    reg.record_given(vid, [
        {"code": first["code"], "outcome": "diberikan", "time": "08:10"},
        {"code": second["code"], "outcome": "tidak_diberikan", "reason": "stok_habis"},
        {"code": None, "outcome": "tambahan", "note": "Deksametason 2 mg IV", "time": "08:20"},
    ], actor="uji", now=NOW)
    build_referral_pdf(reg, vid, tmp_path / "surat.pdf", actor="uji")
    letter = text(tmp_path / "surat.pdf")
    assert "08.10" in letter and "TIDAK DIBERIKAN: stok habis" in letter
    assert "Tambahan (di luar bagan) Deksametason 2 mg IV 08.20" in letter
    assert "Jam diberikan = jam yang dicatat petugas (uji" in letter
    assert (len(items) > 2) == ("yang belum dicatat diisi dengan tangan" in letter)
    build_card_pdf(reg, vid, tmp_path / "kartu.pdf", actor="uji")
    card = text(tmp_path / "kartu.pdf")
    assert "Sudah diberikan di puskesmas sebelum dirujuk" in card
    assert "jam 08.10" in card and "Deksametason 2 mg IV jam 08.20" in card
    assert (second.get("label") or second["code"]) not in card  # not given: not on the card


def test_card_at_home_shows_only_what_was_given(reg: Register, tmp_path: Path) -> None:
    vid, items = visit_of(reg, "pneumonia")
    home = [t for t in items if t["code"] == "AMOKSISILIN"]
    assert home, items
    build_card_pdf(reg, vid, tmp_path / "awal.pdf", actor="uji")
    assert "Amoksisilin" in text(tmp_path / "awal.pdf")
    reg.record_given(vid, [{"code": "AMOKSISILIN", "outcome": "tidak_diberikan", "reason": "stok_habis"},
                           {"code": None, "outcome": "tambahan", "note": "Kotrimoksazol sirup 2x5 mL",
                            "for_home": True},
                           {"code": None, "outcome": "tambahan", "note": "Nebulisasi salbutamol"}],
                       actor="uji", now=NOW)
    build_card_pdf(reg, vid, tmp_path / "kartu.pdf", actor="uji")
    card = text(tmp_path / "kartu.pdf")
    # Not in the medicine table (no dose to give), but named with its reason so the mother asks.
    label = home[0].get("label") or "Amoksisilin"
    assert f"BELUM DIBERIKAN di puskesmas; tanyakan petugas sebelum pulang: • {label} (stok habis)" in card, card
    assert card.count("Amoksisilin") == 1, card
    assert "Kotrimoksazol sirup cara pakai dijelaskan petugas 2x5 mL" in card and "Nebulisasi" not in card
    assert "Tidak ada obat untuk diberikan di rumah" not in card


def test_card_setting_off_lists_only_what_was_given(reg: Register, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from mtbs_tui.rules import settings

    monkeypatch.setattr(settings, "DEFAULT", dataclasses.replace(settings.DEFAULT, kartu_obat_belum_diberikan=False))
    vid, _items = visit_of(reg, "pneumonia")
    reg.record_given(vid, [{"code": "AMOKSISILIN", "outcome": "tidak_diberikan", "reason": "lainnya",
                            "note": "anak muntah saat dicoba"}], actor="uji", now=NOW)
    build_card_pdf(reg, vid, tmp_path / "mati.pdf", actor="uji")
    card = text(tmp_path / "mati.pdf")
    assert "Amoksisilin" not in card and "BELUM DIBERIKAN" not in card
    monkeypatch.undo()
    build_card_pdf(reg, vid, tmp_path / "hidup.pdf", actor="uji")
    assert "(anak muntah saat dicoba)" in text(tmp_path / "hidup.pdf")


def test_register_export_has_the_given_column(reg: Register, tmp_path: Path) -> None:
    """The XLSX register (read with openpyxl) says per visit what was not given as recommended."""
    from openpyxl import load_workbook

    from mtbs_tui.documents.export import export_register, headers

    none_yet, _ = visit_of(reg, "pneumonia")
    all_given, items = visit_of(reg, "pneumonia")
    reg.record_given(all_given, given.rest_given(reg.get_visit(all_given)["treatments"], None), actor="uji", now=NOW)
    partial, items = visit_of(reg, "pneumonia")
    reg.record_given(partial, [{"code": "AMOKSISILIN", "outcome": "tidak_diberikan", "reason": "lainnya",
                                "note": "ibu pulang dulu"},
                               {"code": None, "outcome": "tambahan", "note": "Salbutamol sirup"}],
                     actor="uji", now=NOW)
    out = export_register(reg, DAY, DAY, "xlsx", tmp_path / "register.xlsx", actor="uji").path
    ws = load_workbook(out, read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r and "Pemberian tindakan" in r)
    col = rows[head].index("Pemberian tindakan")
    assert headers()[col] == "Pemberian tindakan"
    by_mrn = {r[2]: r[col] for r in rows[head + 1:] if r and r[2]}

    def cell(vid: int) -> str:
        return by_mrn[reg.get_patient(reg.get_visit(vid)["patient_id"])["mrn"]]

    assert cell(none_yet) == "belum dicatat"
    assert cell(all_given) == "semua diberikan"
    assert cell(partial) == (f"tidak diberikan: Amoksisilin oral (ibu pulang dulu); tambahan: Salbutamol sirup; "
                             f"{len(items) - 1} belum dicatat")


def test_referral_log_says_what_was_given(reg: Register, tmp_path: Path) -> None:
    """The buku register rujukan (CSV read with csv, PDF with pdftotext) has the register export's
    "Pemberian tindakan" cell: a pre-referral treatment not given is not hidden behind the chart's
    list; the PDF keeps the letter number whole (it was cut as `001/RUJ-MTB` `S/XI/2026`)."""
    import csv

    from mtbs_tui.documents.referral_log import export_referral_log, headers

    vid, items = visit_of(reg, "pneumonia_berat")
    reg.record_given(vid, [{"code": items[0]["code"], "outcome": "tidak_diberikan", "reason": "stok_habis"},
                           {"code": None, "outcome": "tambahan", "note": "Diazepam rektal 5 mg", "time": "08:15"}],
                     actor="uji", now=NOW)
    number = reg.referral_letter_number(vid, actor="uji")
    export_referral_log(reg, DAY, DAY, "csv", tmp_path / "rujukan.csv", actor="uji")
    with open(tmp_path / "rujukan.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0] == headers()
    row = next(dict(zip(rows[0], r)) for r in rows[1:] if r[headers().index("No. surat rujukan")] == number)
    label = items[0].get("label") or items[0]["code"]
    assert row["Pemberian tindakan"].startswith(f"tidak diberikan: {label} (stok habis); tambahan: Diazepam rektal 5 mg")
    export_referral_log(reg, DAY, DAY, "pdf", tmp_path / "rujukan.pdf", actor="uji")
    pdf = subprocess.run(["pdftotext", "-layout", str(tmp_path / "rujukan.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    series, month_year = number.rsplit("/", 2)[0] + "/", "/".join(number.rsplit("/", 2)[1:])
    assert series in pdf and month_year in pdf, pdf
    assert "Pemberian tindakan" in pdf and "Diazepam rektal 5 mg" in text(tmp_path / "rujukan.pdf")


def test_letter_and_monthly_report_sign_at_the_same_place(tmp_path: Path) -> None:
    """One place of signing on every document (documents.common.place_and_date): the town of the
    district without "Kabupaten" ("Bogor, 20 November 2026"); the letter printed "Kab. Bogor, ..."
    while the monthly report printed "Bogor, ..."."""
    from mtbs_tui.documents.monthly import write_report

    r = Register.open(tmp_path / "r.db", create=True)
    try:
        r.set_facility(name="Puskesmas Uji", district="Kab. Bogor", malaria_area="rendah", actor="uji")
        vid, _ = visit_of(r, "pneumonia_berat")
        build_referral_pdf(r, vid, tmp_path / "surat.pdf", actor="uji")
        write_report(r, DAY.strftime("%Y-%m"), "pdf", tmp_path / "laporan.pdf", actor="uji")
    finally:
        r.close()
    from mtbs_tui.display import MONTH_NAMES

    letter, report = text(tmp_path / "surat.pdf"), text(tmp_path / "laporan.pdf")
    assert f"Bogor, {DAY.day} {MONTH_NAMES[DAY.month - 1]} {DAY.year}" in letter
    assert "Kab. Bogor, " not in letter
    assert "Bogor, " in report and "Kab. Bogor, " not in report


def test_report_pages_say_how_many_there_are(tmp_path: Path) -> None:
    """Every landscape report (monthly, quality, district, referral log: build_landscape_pdf and
    the monthly report's own build) ends each page with "halaman N dari M", so a reader of the
    printed report sees a missing page (was "halaman N")."""
    from reportlab.platypus import Paragraph

    from mtbs_tui.documents.common import build_landscape_pdf, styles

    story = [Paragraph(f"Baris {i}", styles()["base"]) for i in range(160)]
    build_landscape_pdf(tmp_path / "l.pdf", story, title="Uji", footer="Laporan uji")
    pages = subprocess.run(["pdftotext", "-layout", str(tmp_path / "l.pdf"), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 3
    for n, page in enumerate(pages, 1):
        assert f"Laporan uji - halaman {n} dari {len(pages)}" in page
        assert page.count("Laporan uji") == 1  # drawn once per page, not repeated
    assert "Baris 0" in pages[0] and "Baris 159" in pages[-1]
