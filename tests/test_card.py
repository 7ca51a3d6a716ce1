"""The mother's card: doses split into how much / how often / how long, signs, follow-up date."""
from __future__ import annotations

import io
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from mtbs_tui.documents.card import build_card_pdf, render_card, split_dose
from mtbs_tui.register import Register
from test_export_support import make_register
from cli_login import login_env  # noqa: F401  (autouse: `mtbs` runs log in as kepala)


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


@pytest.mark.parametrize(
    ("dose", "expected"),
    [
        ("¾ tablet 500 mg, 2 kali sehari selama 3 hari", ("¾ tablet 500 mg", "2 kali sehari", "3 hari")),
        ("1 tablet 20 mg, 1 kali sehari selama 10 hari", ("1 tablet 20 mg", "1 kali sehari", "10 hari")),
        ("1/2 tablet 500 mg, setiap 6 jam sampai demam hilang", ("1/2 tablet 500 mg", "setiap 6 jam", "sampai demam hilang")),
        ("1 sendok takar (5 mL), 1 kali sehari selama 4 minggu", ("1 sendok takar (5 mL)", "1 kali sehari", "4 minggu")),
        ("200.000 IU (1 kapsul merah)", ("200.000 IU (1 kapsul merah)", "-", "-")),
        (None, ("sesuai petunjuk petugas", "-", "-")),
    ],
)
def test_split_dose(dose: str | None, expected: tuple[str, str, str]) -> None:
    assert split_dose(dose) == expected


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
    assert "DIRUJUK SEGERA" in text
    assert "Tidak ada obat untuk diberikan di rumah" in text
    assert "Diazepam" not in text


def test_cli_card_and_bad_input(register_file: Path, tmp_path: Path, mtbs_exe: Path) -> None:
    vid = visit_with(register_file, "ZINK")
    out = tmp_path / "k.pdf"
    done = subprocess.run([str(mtbs_exe), "--db", str(register_file), "card", str(vid), "-o", str(out)],
                          capture_output=True, text=True, timeout=120, env=os.environ.copy())
    assert done.returncode == 0, done.stderr
    assert "Tablet zink" in text_of(out)
    missing = tmp_path / "nope.pdf"
    done = subprocess.run([str(mtbs_exe), "--db", str(register_file), "card", "424242", "-o", str(missing)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip() == "galat: VISIT_ID: kunjungan 424242 tidak ditemukan"
    assert not missing.exists()
    done = subprocess.run([str(mtbs_exe), "--db", str(tmp_path / "tidak-ada.db"), "card", "1"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.startswith("galat: ")
    assert len(done.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.glob("kartu-*.pdf"))
