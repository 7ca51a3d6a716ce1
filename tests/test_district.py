"""The monthly package for the district and the district merge (issue 18 items 2-4): round trip,
no personal data, tamper detection, refused inputs, the merge of three demo puskesmas read back
with openpyxl and pdftotext, and the ranking finding the practice patterns of the demo variants."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
from pathlib import Path

import openpyxl
import pytest
from cli_login import add_account, login_env, mtbs_cli, mtbs_here  # noqa: F401  (autouse: `mtbs` runs log in as kepala)
from xlsx_print import assert_prints_on_a4

from mtbs_tui.demo import PRACTICES, WORKERS, generate
from mtbs_tui.documents.common import DocumentError
from mtbs_tui.documents.package import (
    PackageError,
    build_package,
    checksum,
    load_package,
    merge_files,
    package_text,
)
from mtbs_tui.register import Register

TODAY = dt.date.today()
MONTH = (TODAY.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")  # the last complete month
VARIANTS = ("mekar", "lestari", "harapan")


@pytest.fixture(scope="module")
def demos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Three demo puskesmas (variant -> register, its package of MONTH)."""
    base = tmp_path_factory.mktemp("kabupaten")
    out = {}
    for n, variant in enumerate(VARIANTS):
        db = base / f"{variant}.db"
        reg = Register.open(db, create=True)
        try:
            generate(reg, patients=150, visits=900, seed=2026 + n, bulk=True, practice=variant)
            reg.mark_demo()
            package = base / f"{variant}.json"
            package.write_text(package_text(build_package(reg, MONTH, today=TODAY)), encoding="utf-8")
        finally:
            reg.close()
        out[variant] = (db, package)
    return out


def test_round_trip_and_no_personal_data(demos: dict[str, tuple[Path, Path]]) -> None:
    db, path = demos["harapan"]
    text = path.read_text(encoding="utf-8")
    package = load_package(path)
    assert package.month == MONTH and package.name == PRACTICES["harapan"].name
    assert package.data["checksum"] == checksum(json.loads(text))
    conn = sqlite3.connect(db)
    try:
        visits = conn.execute("SELECT count(*) FROM visits WHERE status = 'final' AND is_current = 1 "
                              "AND substr(visit_date, 1, 7) = ?", [MONTH]).fetchone()[0]
        head = conn.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()[0]
        people = conn.execute("SELECT name, nik, mother_nik, parent_name, address, phone, mrn FROM patients").fetchall()
    finally:
        conn.close()
    row = next(r for r in package.data["report"]["rows"] if r["measure"] == "kunjungan" and r["pathway"] == "balita")
    bm = next(r for r in package.data["report"]["rows"] if r["measure"] == "kunjungan" and r["pathway"] == "bayi_muda")
    assert row["values"][-1] + bm["values"][-1] == visits
    assert package.data["audit"]["head"] == head
    assert package.data["indicators"]["penilaian_lengkap"]["denominator"] == visits
    # Aggregate counts only: no child's name, NIK, parent, address, phone or record number, no worker.
    lowered = text.lower()
    for person in people:
        for value in person:
            if value:
                assert str(value).lower() not in lowered, value
    for worker in WORKERS:
        assert worker.lower() not in lowered


def _write(path: Path, data: dict, *, resign: bool = False) -> Path:
    if resign:
        data["checksum"] = checksum(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_damaged_or_edited_packages_are_refused(demos: dict[str, tuple[Path, Path]], tmp_path: Path) -> None:
    _, path = demos["mekar"]
    data = json.loads(path.read_text(encoding="utf-8"))
    edited = json.loads(json.dumps(data))
    next(r for r in edited["report"]["rows"] if not r["heading"])["values"][-1] += 1
    cases = {
        "diubah": (_write(tmp_path / "diubah.json", edited), "checksum tidak cocok"),
        "terpotong": (tmp_path / "terpotong.json", "rusak (bukan JSON yang utuh)"),
        "lain": (_write(tmp_path / "lain.json", {"format": "lain"}), "bukan paket laporan MTBS"),
        "baru": (_write(tmp_path / "baru.json", dict(data, version=2), resign=True), "versi 2 lebih baru"),
    }
    (tmp_path / "terpotong.json").write_bytes(path.read_bytes()[:500])
    # A package a tool re-indented without changing anything still passes (checksum of the content).
    pretty = tmp_path / "rapi.json"
    pretty.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    assert load_package(pretty).data == data
    negative = json.loads(json.dumps(data))
    next(r for r in negative["report"]["rows"] if not r["heading"])["values"][0] = -4
    cases["negatif"] = (_write(tmp_path / "negatif.json", negative, resign=True), "tidak sah")
    for name, (file, words) in cases.items():
        with pytest.raises(PackageError) as err:
            load_package(file)
        assert err.value.message.startswith(str(file)) and words in err.value.message, name
        assert "\n" not in err.value.message


def test_merge_refuses_duplicates_other_months_and_damage_one_line_each(
        demos: dict[str, tuple[Path, Path]], tmp_path: Path) -> None:
    _, mekar = demos["mekar"]
    _, lestari = demos["lestari"]
    data = json.loads(lestari.read_text(encoding="utf-8"))
    other = _write(tmp_path / "bulan-lain.json", dict(data, month="2020-01"), resign=True)
    copy = tmp_path / "salinan.json"
    copy.write_bytes(mekar.read_bytes())
    broken = tmp_path / "rusak.json"
    broken.write_bytes(mekar.read_bytes()[:-40])
    out = tmp_path / "kabupaten.xlsx"
    done = mtbs_cli("kabupaten", "gabung", str(mekar), str(lestari), str(other), str(copy), str(broken),
                    "-o", str(out), login=False)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert lines == [
        f"galat: {broken}: rusak (bukan JSON yang utuh)",
        f"galat: {other}: paket bulan 2020-01, bukan {MONTH}",
        f"galat: {copy}: puskesmas {PRACTICES['mekar'].name} (kode {PRACTICES['mekar'].code}) sudah ada di {mekar}",
    ]
    assert not out.exists()
    with pytest.raises(PackageError) as err:
        merge_files([mekar], "2026-13")
    assert err.value.message.startswith("--bulan")


def test_the_district_report_name_must_end_in_xlsx_or_pdf(tmp_path: Path) -> None:
    """One `-o` line (documents.district.district_format) from the command, before any package is
    read, and from the writer itself; nothing is written."""
    from mtbs_tui.documents.district import district_format

    for name, shown in (("k.docx", ".docx"), ("kabupaten", "(tanpa akhiran)")):
        done = mtbs_here(None, "kabupaten", "gabung", str(tmp_path / "tidak-ada.json"), "-o", str(tmp_path / name),
                         login=False)
        assert (done.returncode, done.stdout) == (2, "")
        assert done.stderr.strip() == f"galat: -o: akhiran {shown} tidak dikenal (pilihan: .xlsx, .pdf)"
    assert list(tmp_path.iterdir()) == []
    assert district_format(tmp_path / "K.PDF") == "pdf"
    with pytest.raises(DocumentError) as refused:
        district_format("k.csv")
    assert refused.value.message == "galat: -o: akhiran .csv tidak dikenal (pilihan: .xlsx, .pdf)"


def test_merge_of_three_demo_puskesmas_read_back_and_ranked(demos: dict[str, tuple[Path, Path]],
                                                            tmp_path: Path) -> None:
    files = [str(demos[v][1]) for v in VARIANTS]
    for suffix in ("xlsx", "pdf"):
        done = mtbs_here(None, "kabupaten", "gabung", *files, "-o", str(tmp_path / f"k.{suffix}"), login=False)
        assert done.returncode == 0, done.stderr
    wb = openpyxl.load_workbook(tmp_path / "k.xlsx")
    sheet = wb["Tabel kabupaten"]
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    names = [r[0] for r in rows[:3]]
    assert names == [PRACTICES[v].name for v in VARIANTS] and rows[3][0] == "JUMLAH KABUPATEN"
    for j in range(2, len(rows[3])):
        assert rows[3][j] == sum(r[j] for r in rows[:3])
    assert_prints_on_a4(wb, {"Tabel kabupaten": 4})
    names = {r[2] for r in wb["Paket"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert names == {Path(f).name for f in files}  # the file names only, no folder of this PC
    made = [r[3] for r in wb["Paket"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert len(made) == 3 and all(isinstance(m, dt.datetime) for m in made), made  # a date, not ISO text
    heads = next(sheet.iter_rows(min_row=4, max_row=4, values_only=True))
    visits = heads.index("A. MTBS: BALITA SAKIT (2 BULAN - <5 TAHUN) - Jumlah kunjungan sakit yang dilayani")
    for v, row in zip(VARIANTS, rows):
        package = json.loads(demos[v][1].read_text(encoding="utf-8"))
        assert row[visits] == next(r["values"][-1] for r in package["report"]["rows"]
                                   if r["measure"] == "kunjungan" and r["pathway"] == "balita")
    ranks: dict[str, list[tuple[str, float]]] = {}
    for label, _arah, _n, name, value, _median in wb["Peringkat"].iter_rows(min_row=2, values_only=True):
        ranks.setdefault(label, []).append((name, value))
    # The ranking finds the practice patterns: Harapan gives antibiotics for coughs (last, clearly
    # worse), Lestari skips follow-ups (last), Mekar Sari keeps them (first) and gives no
    # antibiotic outside the chart (among the best).
    antibiotics = ranks["Antibiotik tanpa indikasi"]
    assert antibiotics[-1][0] == PRACTICES["harapan"].name and antibiotics[-1][1] > antibiotics[-2][1]
    assert (PRACTICES["mekar"].name, 0.0) in antibiotics
    follow_ups = ranks["Kunjungan ulang tepat waktu"]
    assert follow_ups[-1][0] == PRACTICES["lestari"].name and follow_ups[-1][1] < follow_ups[-2][1]
    assert follow_ups[0][0] == PRACTICES["mekar"].name
    indicators = {r[0]: r[1:] for r in wb["Indikator"].iter_rows(values_only=True) if r[0]}
    assert "Median puskesmas" in indicators and "Kabupaten (gabungan)" in indicators
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "k.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "LAPORAN KABUPATEN MTBS/MTBM" in text and "JUMLAH KABUPATEN" in text and "Median puskesmas" in text
    assert "Peringkat per indikator" in text and "Perlu pendampingan" in text
    # Short column heads, whole words (the counts go on in a second table when there are many).
    for head in ("Kunjungan", "Kontrol tepat", "Rujukan berbalas", "Rujukan sampai"):
        assert head in text, head
    for v in VARIANTS:
        assert PRACTICES[v].name in text


def test_send_command_writes_the_package_and_audits_its_checksum(demos: dict[str, tuple[Path, Path]],
                                                                 tmp_path: Path) -> None:
    db, _ = demos["lestari"]
    add_account(db)
    out = tmp_path / "paket.json"
    done = mtbs_here(db, "report", "kirim", MONTH, "-o", str(out))
    assert done.returncode == 0, done.stderr
    package = load_package(out)
    conn = sqlite3.connect(db)
    try:
        detail = conn.execute("SELECT detail FROM audit WHERE action = 'laporan.kirim' ORDER BY id DESC").fetchone()[0]
    finally:
        conn.close()
    assert detail == f"{MONTH}, {package.data['checksum'][:23]}"
    bad = mtbs_here(db, "report", "kirim", "2026-13", "-o", str(tmp_path / "x.json"))
    assert bad.returncode == 2 and bad.stderr.startswith("galat: BULAN:") and not (tmp_path / "x.json").exists()
    # The running month has no package yet: the district takes one per puskesmas and month, and a
    # part of the month would stand for all of it (the screen's F8 sends the last complete month).
    reg = Register.open(db)
    try:
        with pytest.raises(DocumentError) as early:
            build_package(reg, "2026-10", today=dt.date(2026, 10, 31))
    finally:
        reg.close()
    assert early.value.message == ("galat: BULAN: 2026-10 belum selesai (sampai 31 Oktober 2026); "
                                   "paketnya dibuat mulai 1 November 2026")
    running = mtbs_here(db, "report", "kirim", f"{TODAY:%Y-%m}", "-o", str(tmp_path / "kini.json"))
    assert running.returncode == 2 and "belum selesai" in running.stderr
    assert not (tmp_path / "kini.json").exists()
