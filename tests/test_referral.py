"""The referral letter: real registers, the PDF read back as text, one page, the CLI as a process."""
from __future__ import annotations

import io
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cli_login import (
    login_env,  # noqa: F401  (autouse: `mtbs` runs log in as kepala)
    mtbs_cli,
    mtbs_here,
)
from pypdf import PdfReader
from test_export_support import FACILITY, first_referred_visit, make_register

from mtbs_tui.documents.referral import build_referral_pdf, render_referral
from mtbs_tui.register import Register


@pytest.fixture(scope="module")
def register_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_register(tmp_path_factory.mktemp("ref") / "r.db", patients=10, visits=30)


def pdf_text(path_or_bytes: Path | bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else str(path_or_bytes))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def squash(text: str) -> str:
    return " ".join(text.split())


def test_letter_names_patient_reason_findings_doses_and_reply_slip(register_file: Path, tmp_path: Path) -> None:
    vid = first_referred_visit(register_file)
    reg = Register.open(register_file)
    try:
        visit = reg.get_visit(vid)
        out = build_referral_pdf(reg, vid, tmp_path / "surat.pdf")
    finally:
        reg.close()
    text, pages = pdf_text(out)
    flat = squash(text)
    assert pages == 1
    patient = visit["patient"]
    assert patient["name"] in flat
    assert patient["mrn"] in flat
    assert "SURAT PENGANTAR RUJUKAN" in flat
    assert FACILITY["name"].upper() in flat
    for c in visit["classifications"]:
        if c["colour"] == "merah":
            assert c["label"] in flat
    # The pre-referral doses, exactly as the engine gave them.
    assert "5 mg (1 mL) per rektal" in flat
    assert "2 mL (200 mg) IM" in flat
    assert "Frekuensi napas 62 kali/menit" in flat
    assert "Sedang kejang" in flat
    assert "BALASAN RUJUKAN" in flat
    assert visit["recorded_by"] in flat
    assert "Rujuk segera" not in flat.split("3. Tindakan")[1].split("4. Klasifikasi")[0]


def test_letter_is_recorded_in_audit_and_referral(register_file: Path, tmp_path: Path) -> None:
    vid = first_referred_visit(register_file)
    reg = Register.open(register_file)
    try:
        build_referral_pdf(reg, vid, tmp_path / "a.pdf")
        actions = [r["action"] for r in reg.audit_log(limit=5)]
        printed = reg.db.execute("SELECT letter_printed_at FROM referrals WHERE visit_id = ?", [vid]).fetchone()[0]
    finally:
        reg.close()
    assert "rujukan.cetak" in actions
    assert printed


def test_a_crowded_letter_continues_on_a_second_page_at_full_size(register_file: Path) -> None:
    """A long case is never shrunk: it continues on page 2, each page numbered, the reply slip whole."""
    vid = first_referred_visit(register_file)
    reg = Register.open(register_file)
    try:
        visit = reg.get_visit(vid)
        visit["treatments"] = [
            {"code": f"X{i}", "label": f"Tindakan nomor {i} dengan keterangan yang panjang sekali", "dose": "1 mL " * 12}
            for i in range(30)
        ]
        buf = io.BytesIO()
        pages_drawn = render_referral(reg, visit, buf)
    finally:
        reg.close()
    reader = PdfReader(io.BytesIO(buf.getvalue()))
    assert len(reader.pages) == pages_drawn == 2
    first, last = (squash(p.extract_text()) for p in reader.pages)
    assert "halaman 1 dari 2" in first and "halaman 2 dari 2" in last
    assert "Tindakan nomor 29" in first + last
    assert "BALASAN RUJUKAN" in last and "Dokter yang memeriksa" in last
    # Full size: the body font is the letter's, not scaled down.
    from mtbs_tui.documents.referral import BODY_SIZE

    sizes = set()
    reader.pages[0].extract_text(visitor_text=lambda t, cm, tm, font, size: sizes.add(round(size * tm[0], 1)) if t.strip() else None)
    assert BODY_SIZE in sizes


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) tidak terpasang")
def test_letter_renders_to_png(register_file: Path, tmp_path: Path) -> None:
    """Rendered once at 60 dpi (the layout was checked by eye on such a PNG): one A4 page, not blank."""
    vid = first_referred_visit(register_file)
    reg = Register.open(register_file)
    try:
        pdf = build_referral_pdf(reg, vid, tmp_path / "s.pdf", audit=False)
    finally:
        reg.close()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "s")], check=True)
    pngs = sorted(tmp_path.glob("s*.png"))
    assert len(pngs) == 1
    data = pngs[0].read_bytes()
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert abs(width - 496) <= 1 and abs(height - 702) <= 1  # A4 portrait at 60 dpi
    assert len(data) > 20_000  # a blank page compresses to a few hundred bytes



def test_cli_writes_letter_and_prints_through_the_print_command(register_file: Path, tmp_path: Path) -> None:
    """Through the real console script (the other command cases run in this process)."""
    vid = first_referred_visit(register_file)
    spool = tmp_path / "spool"
    spool.mkdir()
    script = tmp_path / "cetak.py"
    script.write_text(f"import shutil, sys\nshutil.copy(sys.argv[1], {str(spool)!r})\n")
    out = tmp_path / "surat.pdf"
    done = mtbs_cli("--db", str(register_file), "referral", str(vid), "-o", str(out), "--print",
                    env={"MTBS_PRINT_COMMAND": f"{sys.executable} {script}"})
    assert done.returncode == 0, done.stderr
    assert out.exists() and (spool / "surat.pdf").read_bytes() == out.read_bytes()
    assert "tersimpan" in done.stdout


def test_cli_default_name_in_current_folder(register_file: Path, tmp_path: Path) -> None:
    vid = first_referred_visit(register_file)
    done = mtbs_here(register_file, "referral", str(vid), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    files = list(tmp_path.glob("rujukan-*.pdf"))
    assert len(files) == 1 and files[0].stat().st_size > 1000


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["999999"], "galat: VISIT_ID: kunjungan 999999 tidak ditemukan"),
        (["abc"], "galat: VISIT_ID: nilai tidak sah"),
    ],
)
def test_cli_unknown_visit_is_one_line_and_leaves_no_file(
    register_file: Path, tmp_path: Path, args: list[str], expected: str
) -> None:
    out = tmp_path / "x.pdf"
    done = mtbs_here(register_file, "referral", *args, "-o", str(out))
    assert done.returncode == 2
    assert done.stderr.strip().startswith(expected), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_cli_unwritable_folder_is_refused_without_partial_file(register_file: Path, tmp_path: Path) -> None:
    vid = first_referred_visit(register_file)
    blocker = tmp_path / "bukan-folder"
    blocker.write_text("x")
    done = mtbs_here(register_file, "referral", str(vid), "-o", str(blocker / "s.pdf"))
    assert done.returncode == 2
    assert done.stderr.startswith("galat: ") and len(done.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bukan-folder"]


def test_failed_render_leaves_no_file(register_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mtbs_tui.documents.referral as referral

    def broken(*a: object, **k: object) -> None:
        Path(a[2]).write_bytes(b"%PDF-1.4 half")
        raise RuntimeError("printer font exploded")

    monkeypatch.setattr(referral, "render_referral", broken)
    reg = Register.open(register_file)
    try:
        with pytest.raises(RuntimeError):
            referral.build_referral_pdf(reg, first_referred_visit(register_file), tmp_path / "s.pdf")
    finally:
        reg.close()
    assert list(tmp_path.iterdir()) == []


def test_real_engine_visit_gets_a_letter(tmp_path: Path) -> None:
    """On a demo register (the real chart engine), every referred visit gets a one-page letter."""
    db = tmp_path / "demo.db"
    done = mtbs_here(db, "demo", "--patients", "30", "--visits", "150")
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT id FROM visits WHERE refer_urgently = 1 AND is_current = 1 AND status = 'final' "
                        "LIMIT 3").fetchall()
    conn.close()
    if not rows:
        pytest.skip("demo register without an urgent referral")
    reg = Register.open(db)
    try:
        for (vid,) in rows:
            visit = reg.get_visit(vid)
            buf = io.BytesIO()
            render_referral(reg, visit, buf)
            text, pages = pdf_text(buf.getvalue())
            assert pages == 1
            flat = squash(text)
            assert visit["patient"]["name"] in flat
            for t in visit["treatments"]:
                if t.get("dose") and t["code"] != "RUJUK_SEGERA":
                    assert squash(t["dose"]).replace("≥", ">=")[:25] in flat
    finally:
        reg.close()


def test_reportlab_runs_with_its_c_accelerator() -> None:
    """rl_accel is pinned with reportlab: without it every letter takes about 1.7x as long."""
    import types

    from reportlab.lib import rl_accel

    # The pure-Python fallbacks are Python functions (_py_fp_str ...); the accelerator's are builtins.
    assert isinstance(rl_accel.fp_str, types.BuiltinFunctionType)
    assert isinstance(rl_accel.unicode2T1, types.BuiltinFunctionType)
