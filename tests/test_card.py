"""The mother's card: doses printed from their parts (how much / how often / how long), signs,
follow-up date; a referred child's card says only: go to the hospital now."""
from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest
from cli_login import login_env, mtbs_here  # noqa: F401  (autouse: `mtbs` runs log in as kepala)
from pypdf import PdfReader
from test_export_support import make_register

from mtbs_tui.documents.card import build_card_pdf, dose_lines, render_card
from mtbs_tui.register import Register


@pytest.fixture(scope="module")
def register_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_register(tmp_path_factory.mktemp("card") / "r.db", patients=10, visits=40)


def visit_with(db: Path, code: str) -> int:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT v.id FROM visits v JOIN visit_treatments t ON t.visit_id = v.id "
                           "WHERE t.code = ? AND v.is_current = 1 ORDER BY v.id LIMIT 1", [code]).fetchone()
    finally:
        conn.close()
    assert row, f"no visit with {code}"
    return row[0]


def text_of(data: bytes | Path) -> str:
    reader = PdfReader(io.BytesIO(data) if isinstance(data, bytes) else str(data))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


def test_dose_rows_come_from_the_parts_never_from_cutting_the_text() -> None:
    from mtbs_tui.rules import doses

    [row] = dose_lines("Parasetamol", doses.parasetamol(5.0))
    # Quantity and unit are bound by a no-break space: "2,5 mL" never wraps apart.
    assert row.amount.split("\n") == ["⅛\u00a0tablet 500 mg", "atau ½\u00a0tablet 100 mg",
                                      "atau 2,5\u00a0mL sirup 120 mg/5 mL"]
    assert (row.times, row.days) == ("setiap 6 jam", "sampai demam atau nyeri hilang")
    [row] = dose_lines("Zat besi", doses.zat_besi(8.0))
    assert row.amount.split("\n")[0] == "¼\u00a0tablet besi-folat (60 mg Fe + 0,25 mg asam folat)"
    assert (row.times, row.days) == ("sekali sehari", "selama 4 minggu")
    first, second = dose_lines("Antibiotik kolera", doses.antibiotik_kolera(12.0))
    assert (first.name, first.amount, first.times) == ("Antibiotik kolera", "tetrasiklin 1\u00a0kapsul 250 mg",
                                                       "4 kali sehari")
    assert (second.name, second.amount, second.times) == ("atau", "kotrimoksazol 3\u00a0tablet anak", "2 kali sehari")
    [row] = dose_lines("DHP", doses.dhp(10.0))
    assert (row.amount, row.times, row.days) == ("½\u00a0tablet", "sekali sehari, sesudah makan", "selama 3 hari")
    # A text without parts (a visit classified by older tables) is printed whole, not cut.
    [row] = dose_lines("Zink", "1 tablet 20 mg, 1 kali sehari selama 10 hari")
    assert row.whole == "1 tablet 20 mg, 1 kali sehari selama 10 hari" and row.amount == ""
    [row] = dose_lines("Salep mata", None)
    assert row.whole == "cara pakai dijelaskan petugas"


def test_card_lists_medicines_signs_and_follow_up(register_file: Path, tmp_path: Path) -> None:
    vid = visit_with(register_file, "AMOKSISILIN")
    reg = Register.open(register_file)
    try:
        visit = reg.get_visit(vid)
        out = build_card_pdf(reg, vid, tmp_path / "kartu.pdf")
        actions = [r["action"] for r in reg.audit_log(limit=3)]
    finally:
        reg.close()
    text = text_of(out)
    assert "KARTU NASIHAT IBU" in text
    assert visit["patient"]["name"] in text
    assert "Amoksisilin oral" in text
    assert "¾ tablet 500 mg" in text and "2 kali sehari" in text and "3 hari" in text
    assert "SEGERA BAWA ANAK KEMBALI" in text
    from mtbs_tui.documents.card import return_signs

    signs = return_signs(visit)
    assert signs and all(" ".join(sign.split()) in text for sign in signs)
    assert any("napas" in sign.lower() for sign in signs)  # cough: the breathing signs are added
    assert "Kunjungan ulang" in text
    d = visit["follow_up_date"]
    from mtbs_tui.documents.common import date_text

    assert date_text(d) in text
    assert "kartu.cetak" in actions


def test_referred_child_card_says_so_and_lists_no_home_medicine(register_file: Path) -> None:
    conn = sqlite3.connect(register_file)
    vid = conn.execute("SELECT id FROM visits WHERE refer_urgently = 1 ORDER BY id LIMIT 1").fetchone()[0]
    conn.close()
    reg = Register.open(register_file)
    try:
        buf = io.BytesIO()
        render_card(reg, reg.get_visit(vid), buf)
    finally:
        reg.close()
    text = text_of(buf.getvalue())
    assert "BAWA ANAK KE RUMAH SAKIT SEKARANG JUGA" in text
    assert "Sudah diberikan di puskesmas sebelum dirujuk" in text
    for absent in ("Obat yang diberikan di rumah", "Kunjungan ulang", "SEGERA BAWA ANAK KEMBALI",
                   "Timbul demam", "timbul demam", "hari lagi"):
        assert absent not in text
    reg = Register.open(register_file)
    try:
        visit = reg.get_visit(vid)
    finally:
        reg.close()
    for t in visit["treatments"]:
        if t["code"] != "RUJUK_SEGERA":
            assert " ".join(t["label"].split()) in text


def test_cli_card_and_bad_input(register_file: Path, tmp_path: Path) -> None:
    vid = visit_with(register_file, "ZINK")
    out = tmp_path / "k.pdf"
    done = mtbs_here(register_file, "card", str(vid), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "Tablet zink" in text_of(out)
    missing = tmp_path / "nope.pdf"
    done = mtbs_here(register_file, "card", "424242", "-o", str(missing))
    assert done.returncode == 2
    assert done.stderr.strip() == "galat: VISIT_ID: kunjungan 424242 tidak ditemukan"
    assert not missing.exists()
    done = mtbs_here(tmp_path / "tidak-ada.db", "card", "1", cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.startswith("galat: ")
    assert len(done.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.glob("kartu-*.pdf"))


def test_the_card_embeds_dejavu_and_draws_every_fraction(register_file: Path) -> None:
    """⅛ ⅓ ⅔ print as themselves (no "?"), from the font shipped as package data."""
    import fnmatch
    import re as _re

    from mtbs_tui.documents.common import FONT_DIR

    conn = sqlite3.connect(register_file)
    vid = conn.execute("SELECT id FROM visits WHERE refer_urgently = 0 AND is_current = 1 "
                       "AND status = 'final' ORDER BY id LIMIT 1").fetchone()[0]
    conn.close()
    reg = Register.open(register_file)
    try:
        visit = reg.get_visit(vid)
        from mtbs_tui.rules import doses

        visit["treatments"] = [
            {"code": "PARASETAMOL", "label": "Parasetamol", "dose": doses.parasetamol(5.0)},
            {"code": "AMOKSISILIN", "label": "Amoksisilin oral", "dose": doses.amoksisilin_telinga(12.0, 7)},
            {"code": "DHP", "label": "DHP", "dose": doses.dhp(3.5)}]
        buf = io.BytesIO()
        render_card(reg, visit, buf)
    finally:
        reg.close()
    reader = PdfReader(io.BytesIO(buf.getvalue()))
    fonts = {str(f["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()
             if "/BaseFont" in f.get_object()}
    assert any("DejaVuSans" in f for f in fonts), fonts
    text = text_of(buf.getvalue())
    assert "?" not in text
    for piece in ("⅛ tablet 500 mg", "atau 2,5 mL sirup 120 mg/5 mL", "⅔ tablet 500 mg", "⅓ tablet",
                  "selama 7 hari", "setiap 6 jam"):
        assert piece in text
    # The font and its license install with the package (pyproject package-data).
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    globs = _re.search(r'^mtbs_tui = \[(.*?)\]', pyproject, _re.M | _re.S).group(1)
    patterns = [g.strip().strip('"') for g in globs.replace("\n", " ").split(",")]
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE.txt"):
        assert (FONT_DIR / name).is_file()
        assert any(fnmatch.fnmatch(f"documents/fonts/{name}", p) for p in patterns), name


def test_a_card_of_a_corrected_version_is_refused_unless_asked_then_marked(
        register_file: Path, tmp_path: Path) -> None:
    import shutil

    db = tmp_path / "r.db"
    shutil.copy(register_file, db)
    from mtbs_tui.register import FieldError

    reg = Register.open(db)
    try:  # the first final visit whose (synthetic) case the engine accepts again
        for (old_id,) in reg.db.execute("SELECT id FROM visits WHERE status = 'final' AND is_current = 1 "
                                        "AND refer_urgently = 0 ORDER BY id").fetchall():
            try:
                new_id = reg.correct_visit(old_id, case=reg.get_visit(old_id)["case"], actor="kepala",
                                           reason="uji koreksi")
                break
            except FieldError:
                continue
    finally:
        reg.close()
    out = tmp_path / "lama.pdf"
    done = mtbs_here(db, "card", str(old_id), "-o", str(out))
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(f"galat: VISIT_ID: kunjungan {old_id} adalah versi lama (versi 1)")
    assert f"kunjungan {new_id} (versi terbaru)" in line and "--versi-lama" in line
    assert not out.exists()
    done = mtbs_here(db, "card", str(old_id), "--versi-lama", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "VERSI LAMA (versi 1): kunjungan ini sudah dikoreksi. Kartu ini tidak berlaku" in text_of(out)
    new = tmp_path / "baru.pdf"
    done = mtbs_here(db, "card", str(new_id), "-o", str(new))
    assert done.returncode == 0, done.stderr
    assert "VERSI LAMA" not in text_of(new)


def test_a_dose_the_chart_gives_only_in_mg_per_kg_is_a_blank_the_worker_fills() -> None:
    from mtbs_tui.documents.card import WORKER_FILLS
    from mtbs_tui.rules import doses

    dose = doses.amoksisilin_gizi_buruk(5.5)
    # The visit's treatment says the worker converts it; it never reads as a dose to give as written.
    assert dose == "82,5 mg (15 mg/kgBB), setiap 8 jam selama 5 hari, " + doses.WORKER_CONVERTS
    [row] = dose_lines("Amoksisilin oral", dose)
    assert row.amount.split("\n") == [WORKER_FILLS, "= 82,5\u00a0mg"]
    assert (row.times, row.days) == ("setiap 8 jam", "selama 5 hari")
    [row] = dose_lines("Parasetamol", doses.parasetamol(5.0))
    assert WORKER_FILLS not in row.amount


def test_plan_lines_say_later_doses_referrals_and_a_prophylaxis_that_starts_later() -> None:
    from mtbs_tui.documents.card import medicine_lines, plan_lines
    from mtbs_tui.rules import doses
    from mtbs_tui.rules.bayi_muda import KOTRIMOKSAZOL_LATER

    vit = doses.vitamin_a_treatment(8, (1, 2, 15))
    visit = {"visit_date": "2026-08-18", "age_days": 20, "patient": {"birth_date": "2026-07-29"},
             "treatments": [
                 {"code": "VITAMIN_A", "label": "Vitamin A dosis pengobatan", "dose": vit},
                 {"code": "RUJUK", "label": "Rujuk untuk tes virologis HIV bayi dan terapi ARV ibu", "dose": None},
                 {"code": "KOTRIMOKSAZOL", "label": KOTRIMOKSAZOL_LATER, "dose": None}]}
    vit_line, rujuk, kotri = plan_lines(visit)
    assert "hari ke-2 (Rabu, 19 Agustus 2026) dan hari ke-15 (Selasa, 1 September 2026)" in vit_line
    assert rujuk.startswith("Rujukan (tidak darurat): tes virologis HIV bayi dan terapi ARV ibu.")
    # Born 29 July: 6 weeks on 9 September; not a medicine to give now.
    assert "mulai umur 6 minggu (Rabu, 9 September 2026); belum diminum sekarang" in kotri
    assert medicine_lines(visit) == []
