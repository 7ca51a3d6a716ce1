"""The referral letter on a demo register (the real engine): its number, its refusal for a child
who was not referred, the signature, the time, the dose lines, the other classifications, the HIV
line and the mark on a superseded version (issue 15 item 3)."""
from __future__ import annotations

import io
import re
import sqlite3
from pathlib import Path

import pytest
from pypdf import PdfReader

from mtbs_tui import users
from mtbs_tui.demo import generate
from mtbs_tui.documents.common import DocumentError
from mtbs_tui.documents.referral import (
    build_referral_pdf,
    other_classifications,
    render_referral,
    treatment_rows,
)
from mtbs_tui.register import Register


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Register:
    reg = Register.open(tmp_path_factory.mktemp("letter") / "demo.db", create=True)
    generate(reg, patients=60, visits=300, seed=5, bulk=True)
    yield reg
    reg.close()


def text_of(data: bytes | Path) -> str:
    reader = PdfReader(io.BytesIO(data) if isinstance(data, bytes) else str(data))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def ids(reg: Register, where: str) -> list[int]:
    return [r[0] for r in reg.db.execute(
        f"SELECT id FROM visits WHERE status = 'final' AND is_current = 1 AND {where} ORDER BY visit_at, id")]


def audit_count(reg: Register) -> int:
    return reg.db.execute("SELECT count(*) FROM audit").fetchone()[0]


def test_number_is_assigned_once_kept_across_reprints_and_corrections(demo: Register, tmp_path: Path) -> None:
    first, second = ids(demo, "refer_urgently = 1")[:2]
    build_referral_pdf(demo, first, tmp_path / "a.pdf", actor="kepala")
    number = demo.db.execute("SELECT number FROM referral_letters").fetchone()[0]
    year = demo.get_visit(first)["visit_at"][:4]
    assert re.fullmatch(rf"001/RUJ-MTBS/[IVX]+/{year}", number)
    assert f"Nomor: {number}" in text_of(tmp_path / "a.pdf")
    build_referral_pdf(demo, first, tmp_path / "b.pdf", actor="kepala")  # a reprint: the same number
    assert f"Nomor: {number}" in text_of(tmp_path / "b.pdf")
    build_referral_pdf(demo, second, tmp_path / "c.pdf", actor="kepala")
    rows = demo.db.execute("SELECT year, seq, number FROM referral_letters ORDER BY year, seq").fetchall()
    assert len(rows) == 2 and len({r[2] for r in rows}) == 2
    # A corrected visit keeps its letter's number; the old version prints marked as superseded.
    old = demo.get_visit(first)
    new_id = demo.correct_visit(first, case=old["case"], actor="kepala", reason="uji koreksi")
    build_referral_pdf(demo, new_id, tmp_path / "d.pdf", actor="kepala")
    text_new = text_of(tmp_path / "d.pdf")
    assert f"Nomor: {number}" in text_new and "VERSI LAMA" not in text_new
    build_referral_pdf(demo, first, tmp_path / "e.pdf", actor="kepala")
    text_old = text_of(tmp_path / "e.pdf")
    assert f"Nomor: {number}" in text_old and "VERSI LAMA (versi 1): kunjungan ini sudah dikoreksi" in text_old
    assert demo.db.execute("SELECT count(*) FROM referral_letters").fetchone()[0] == 2
    with pytest.raises(sqlite3.IntegrityError):  # unique per year, whatever writes the table
        with demo._write():
            demo.db.execute("INSERT INTO referral_letters VALUES ('x', ?, ?, 'y', 'now', 'uji')", list(rows[0][:2]))


def test_a_letter_for_a_visit_not_referred_is_refused_and_writes_nothing(demo: Register, tmp_path: Path) -> None:
    vid = ids(demo, "refer_urgently = 0")[0]
    before = (audit_count(demo), demo.db.execute("SELECT count(*) FROM referrals").fetchone()[0],
              demo.db.execute("SELECT count(*) FROM referral_letters").fetchone()[0])
    with pytest.raises(DocumentError) as err:
        build_referral_pdf(demo, vid, tmp_path / "x.pdf", actor="kepala")
    assert err.value.message == (f"galat: VISIT_ID: kunjungan {vid} tidak dirujuk segera; surat rujukan hanya "
                                 "untuk anak dengan klasifikasi merah yang dirujuk")
    assert list(tmp_path.iterdir()) == []
    after = (audit_count(demo), demo.db.execute("SELECT count(*) FROM referrals").fetchone()[0],
             demo.db.execute("SELECT count(*) FROM referral_letters").fetchone()[0])
    assert after == before
    from mtbs_tui.register import RegisterError

    with pytest.raises(RegisterError):
        demo.referral_letter_number(vid, actor="kepala")


def test_signature_is_the_workers_full_name_and_nip_str(demo: Register) -> None:
    """The TUI records a visit under the worker's username; the letter signs with the account."""
    vid = ids(demo, "refer_urgently = 1")[2]
    visit = dict(demo.get_visit(vid), recorded_by="bidan")  # a demo account (the demo's visits carry names)
    buf = io.BytesIO()
    render_referral(demo, visit, buf)
    text = text_of(buf.getvalue())
    assert "( Bd. Sari Wulandari )" in text and "NIP/STR: ....." in text
    users.set_identity(demo, "bidan", actor="kepala", nip="198703152010012003", str_number="3312/STR-B/2021")
    buf = io.BytesIO()
    render_referral(demo, visit, buf)
    text = text_of(buf.getvalue())
    assert "( Bd. Sari Wulandari )" in text
    assert "NIP 198703152010012003 / STR 3312/STR-B/2021" in text
    assert "( bidan )" not in text
    assert "Cap puskesmas" in text and "No. BPJS/JKN" in text


def test_unknown_visit_time_is_not_printed_as_midnight(demo: Register) -> None:
    vid = ids(demo, "refer_urgently = 1")[3]
    visit = demo.get_visit(vid)
    visit["visit_at"] = f"{visit['visit_date']}T00:00:00"  # entered later for an earlier day
    buf = io.BytesIO()
    render_referral(demo, visit, buf)
    text = text_of(buf.getvalue())
    assert "00.00" not in text and "jam tidak dicatat" in text
    known = demo.get_visit(vid)
    buf = io.BytesIO()
    render_referral(demo, known, buf)
    hh, mm = known["visit_at"][11:13], known["visit_at"][14:16]
    assert f"pukul {hh}.{mm}" in text_of(buf.getvalue())


def test_dose_lines_are_whole_separate_and_never_a_dash(demo: Register) -> None:
    for vid in ids(demo, "refer_urgently = 1"):
        visit = demo.get_visit(vid)
        rows = treatment_rows(visit)
        assert all(dose and dose.strip() != "-" for _, dose in rows), rows
        oxygen = [t["dose"] for t in visit["treatments"] if t["code"] == "OKSIGEN" and t["dose"]]
        for dose in oxygen:  # two flows from two rows: two lines, never "a; b" in one
            assert all(";" not in d for label, d in rows if "liter/menit" in d)
            assert sum(1 for _, d in rows if "liter/menit" in d) == dose.count(";") + 1


def test_other_classifications_name_their_module_once() -> None:
    visit = {"classifications": [
        {"module": "pertumbuhan", "code": "PERTUMBUHAN_NORMAL", "label": "NORMAL", "colour": "hijau"},
        {"module": "lingkar_kepala", "code": "LINGKAR_KEPALA_NORMAL", "label": "NORMAL", "colour": "hijau"},
        {"module": "lingkar_kepala", "code": "LINGKAR_KEPALA_NORMAL", "label": "NORMAL", "colour": "hijau"},
        {"module": "batuk", "code": "PNEUMONIA_BERAT", "label": "PNEUMONIA BERAT", "colour": "merah"}]}
    lines = other_classifications(visit)
    assert len(lines) == 2 and len(set(lines)) == 2
    assert all(": NORMAL (hijau)" in line and not line.startswith("NORMAL") for line in lines)


def test_hiv_tests_are_stated_even_when_negative(demo: Register) -> None:
    vid = ids(demo, "refer_urgently = 1")[0]
    visit = demo.get_visit(vid)
    visit["findings"] = dict(visit["findings"], tes_hiv_ibu="negatif", tes_virologi_anak="belum")
    buf = io.BytesIO()
    render_referral(demo, visit, buf)
    text = text_of(buf.getvalue())
    assert "Tes HIV ibu: Negatif" in text
    assert re.search(r"Tes virologis anak: \w+", text)


def test_long_names_wrap_inside_their_columns(demo: Register, tmp_path: Path) -> None:
    """Values are measured against their column (`referral.fits`); what does not fit wraps, so no
    text runs into the next column or past the margin (pdftotext -bbox)."""
    import shutil

    from mtbs_tui.documents.referral import IDENT_COLS_MM, fits

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils tidak terpasang")
    from test_documents_demo import read_pdf

    assert fits("Aldo Bere", IDENT_COLS_MM[1]) and not fits("x" * 80, IDENT_COLS_MM[1])
    vid = ids(demo, "refer_urgently = 1")[0]
    visit = demo.get_visit(vid)
    visit["patient"] = dict(visit["patient"], name="Muhammad Alfarizqi Ramadhan Syahputra Wijayakusuma",
                            parent_name="Siti Nurhaliza Kusumawardhani Prameswari Lestari",
                            address="Jl. Pahlawan Kemerdekaan Republik Indonesia Gg. Mawar No. 117, RT 012/RW 009")
    visit["recorded_by"] = "bidan"
    users.set_identity(demo, "bidan", actor="kepala",
                       full_name="Bd. Sri Wahyuningsih Kusumaningrum Puspitasari, S.Tr.Keb., M.Kes.")
    pdf = tmp_path / "panjang.pdf"
    with open(pdf, "wb") as fh:
        render_referral(demo, visit, fh)
    text, outside = read_pdf(pdf)
    assert not outside, outside
    assert "Wijayakusuma" in text and "M.Kes." in text


def test_bpjs_number_is_a_patient_field_printed_on_the_letter(demo: Register) -> None:
    """No. BPJS/JKN: 13 digits or empty (the form and the register check it alike); the letter
    prints it, or a line to fill in by hand."""
    from mtbs_tui.register import FieldError

    vid = ids(demo, "refer_urgently = 1")[1]
    visit = demo.get_visit(vid)
    with pytest.raises(FieldError) as err:
        demo.update_patient(visit["patient_id"], {"bpjs": "12345"}, actor="kepala", reason="uji")
    assert str(err.value) == "galat: bpjs: No. BPJS/JKN harus 13 angka (sekarang 5 karakter)."
    demo.update_patient(visit["patient_id"], {"bpjs": "0001 2345 67890"}, actor="kepala", reason="kartu JKN")
    assert demo.get_patient(visit["patient_id"])["bpjs"] == "0001234567890"
    buf = io.BytesIO()
    render_referral(demo, demo.get_visit(vid), buf)
    assert "No. BPJS/JKN 0001234567890" in text_of(buf.getvalue())


def test_the_reply_slip_stays_on_page_one_when_a_compact_slip_fits(demo: Register,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A letter just too long for the full reply slip keeps a compact slip on page 1 instead of
    a second page holding the slip alone."""
    from mtbs_tui.documents import referral as letter

    vid = ids(demo, "refer_urgently = 1")[0]
    visit = demo.get_visit(vid)

    def with_notes(words: int) -> dict:
        return dict(visit, referral=dict(visit.get("referral") or {}, pre_referral_notes=" ".join(["catatan"] * words)))

    def pages(v: dict) -> tuple[int, list[str]]:
        buf = io.BytesIO()
        n = render_referral(demo, v, buf, "001/RUJ-MTBS/I/2026")
        reader = PdfReader(io.BytesIO(buf.getvalue()))
        return n, [" ".join(p.extract_text().split()) for p in reader.pages]

    full = letter.referral_story
    with monkeypatch.context() as m:  # the full slip only: the first length that needs page 2
        m.setattr(letter, "referral_story", lambda r, v, n=None, compact=False: full(r, v, n))
        words = next(w for w in range(0, 2000, 15) if pages(with_notes(w))[0] == 2)
    n, texts = pages(with_notes(words))
    assert n == 1 and "BALASAN RUJUKAN" in texts[0]
    n, texts = pages(with_notes(words + 600))  # far too long: page 2, numbered, slip whole
    assert n == 2 and "BALASAN RUJUKAN" in texts[1] and "halaman 2 dari 2" in texts[1]


def test_reply_slip_has_every_outcome_the_hospital_writes_and_the_reply_forms_fields(demo: Register,
                                                                                   tmp_path: Path) -> None:
    """The paper reply slip offers the register's reply outcomes (one home: REPLY_OUTCOMES) but
    "tidak datang" (the hospital never saw that child), a line for where a child was referred on
    to, and the reply form's fields (date received, diagnosis, treatment, advice, doctor); a
    normal case stays on one page (pdftotext read-back)."""
    import shutil
    import subprocess

    from mtbs_tui.register import REPLY_NOT_ARRIVED, REPLY_OUTCOMES

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils tidak terpasang")
    # A normal case: the referred visit with the median number of treatment lines.
    rows = demo.db.execute(
        "SELECT v.id FROM visits v LEFT JOIN visit_treatments t ON t.visit_id = v.id WHERE v.status = 'final' "
        "AND v.is_current = 1 AND v.refer_urgently = 1 GROUP BY v.id ORDER BY count(t.visit_id), v.id").fetchall()
    vid = rows[len(rows) // 2][0]
    pdf = tmp_path / "slip.pdf"
    with open(pdf, "wb") as fh:
        assert render_referral(demo, demo.get_visit(vid), fh, "001/RUJ-MTBS/I/2026") == 1
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    slip = " ".join(text[text.index("BALASAN RUJUKAN"):].split())
    for key, label in REPLY_OUTCOMES.items():
        assert (f"[ ] {label}" in slip) == (key != REPLY_NOT_ARRIVED), label
    for field in ("Tanggal diterima:", "Diagnosis:", "Tindakan/terapi yang diberikan:",
                  "Anjuran tindak lanjut di puskesmas:", "Dokter yang memeriksa,", "Dirujuk lagi ke ....",
                  "Keadaan pasien:", "surat nomor 001/RUJ-MTBS/I/2026"):
        assert field in slip, field


def test_modules_not_assessed_are_named_not_called_none(demo: Register) -> None:
    """A young infant referred after the infection section only (tmux, 80x24): the letter said
    '4. Klasifikasi lain: Tidak ada.' although jaundice, diarrhoea, HIV, feeding, immunisation and
    vitamin K1 had not been assessed; unknown is not "no"."""
    vid = ids(demo, "refer_urgently = 1")[0]
    visit = demo.get_visit(vid)
    visit["classifications"] = [c for c in visit["classifications"] if c.get("colour") == "merah"]
    visit["result"] = dict(visit["result"], incomplete=[
        {"module": "bm_ikterus", "missing": ["x"]}, {"module": "bm_diare", "missing": ["y"]},
        {"module": "bm_ikterus", "missing": ["z"]}])
    buf = io.BytesIO()
    render_referral(demo, visit, buf)
    text = text_of(buf.getvalue())
    section = text.split("4. Klasifikasi lain", 1)[1]
    assert not section.lstrip().startswith("Tidak ada"), section[:200]
    assert re.search(r"Belum dinilai \(dirujuk sebelum semua bagian diperiksa\): [^.]*Ikterus[^.]*; "
                     r"[^.]*Diare", section), section[:300]
    assert section.count("kterus") == 1
    visit["result"] = dict(visit["result"], incomplete=[])
    buf = io.BytesIO()
    render_referral(demo, visit, buf)
    assert "4. Klasifikasi lain Tidak ada." in text_of(buf.getvalue())


def test_the_given_line_names_the_worker_not_the_login(demo: Register) -> None:
    """'Jam diberikan = jam yang dicatat petugas (bidan, ...)' printed the login; the letter is
    signed with the account's full name, and the line now names her the same way."""
    vid = ids(demo, "refer_urgently = 1")[-1]
    visit = demo.get_visit(vid)
    code = next(t["code"] for t in visit["treatments"] if t["code"] not in ("RUJUK_SEGERA", "RUJUK"))
    demo.record_given(vid, [{"code": code, "outcome": "diberikan"}], actor="bidan")
    full_name = demo.worker("bidan")["full_name"]
    buf = io.BytesIO()
    render_referral(demo, demo.get_visit(vid), buf)
    text = text_of(buf.getvalue())
    assert f"jam yang dicatat petugas ({full_name}," in text and "petugas (bidan," not in text
