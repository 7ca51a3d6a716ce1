"""`mtbs faskes ...` and `mtbs referral VISIT --tujuan` through the real console script (issue 17
item 2): the head keeps the list, a clinician can only read it, bad input is one `galat:` line with
exit 2 and nothing written, and the letter read back names the destination with its address."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cli_login import (
    add_account,
    login_env,  # noqa: F401  (autouse: `mtbs` runs log in as kepala)
    mtbs,
)
from test_export_support import first_referred_visit, make_register
from test_referral import pdf_text, squash


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = make_register(tmp_path_factory.mktemp("faskes") / "r.db", patients=6, visits=14)
    add_account(db, "bidan", "klinis")
    return db


@pytest.fixture
def db(base: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "r.db"
    src = sqlite3.connect(base)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    return copy


def rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def changes(db: Path) -> tuple:
    """What a refused command must not change: the facilities, the referrals, the non-login audit."""
    return (rows(db, "SELECT * FROM referral_facilities"), rows(db, "SELECT * FROM referrals"),
            rows(db, "SELECT action FROM audit WHERE action NOT LIKE 'login%'"))


@pytest.fixture
def ok(mtbs_here):  # noqa: ANN001, ANN201
    def call(db: Path, *args: str) -> str:
        result = mtbs_here(db, *args)
        assert result.returncode == 0, result.stderr
        return result.stdout

    return call


def test_the_head_keeps_the_list(db: Path, ok) -> None:  # noqa: ANN001
    out = ok(db, "faskes", "list")
    assert "Belum ada fasilitas rujukan" in out
    out = ok(db, "faskes", "add", "--nama", "RSUD Wates", "--jenis", "rs", "--alamat", "Jl. Tentara Pelajar 1",
             "--telepon", "0274 773169")
    assert "Fasilitas rujukan 1 ditambahkan: RSUD Wates (RS) · Jl. Tentara Pelajar 1 · 0274773169 (tujuan bawaan)." in out
    ok(db, "faskes", "add", "--nama", "RSIA Sadewa", "--jenis", "RSIA")
    ok(db, "faskes", "add", "--nama", "Puskesmas Galur I", "--jenis", "pkm_ranap")
    out = ok(db, "faskes", "default", "RSIA Sadewa")
    assert "Tujuan bawaan rujukan sekarang: 2 RSIA Sadewa." in out
    out = ok(db, "faskes", "ubah", "3", "--telepon", "0274-7471234")
    assert "diubah: telepon" in out and "0274-7471234".replace("-", "") in out
    out = ok(db, "faskes", "disable", "1")
    assert "dinonaktifkan" in out
    listed = ok(db, "faskes", "list")
    assert "RSUD Wates" not in listed and "   2* RSIA   RSIA Sadewa" in listed
    assert "   1- RS     RSUD Wates" in ok(db, "faskes", "list", "--semua")
    ok(db, "faskes", "enable", "RSUD WATES")
    actions = [a for (a,) in rows(db, "SELECT action FROM audit WHERE action LIKE 'faskes.%' ORDER BY id")]
    assert actions == ["faskes.tambah"] * 3 + ["faskes.bawaan", "faskes.ubah", "faskes.nonaktifkan",
                                               "faskes.aktifkan"]
    assert {a for (a,) in rows(db, "SELECT DISTINCT actor FROM audit WHERE action LIKE 'faskes.%'")} == {"kepala"}


@pytest.mark.parametrize(("args", "line"), [
    (["faskes", "add", "--nama", "", "--jenis", "rs"], "galat: --nama: Nama fasilitas rujukan wajib diisi."),
    (["faskes", "add", "--nama", "RSUD X", "--jenis", "klinik"], "galat: --jenis: Jenis fasilitas: pilih rs, rsia"),
    (["faskes", "add", "--nama", "RSUD X", "--jenis", "rs", "--telepon", "12ab"],
     "galat: --telepon: Telepon fasilitas: 8–15 angka, boleh diawali +."),
    (["faskes", "ubah", "99", "--nama", "RS Baru"], "galat: FASKES: fasilitas rujukan 99 tidak ada"),
    (["faskes", "ubah", "1"], "galat: ubah: beri paling sedikit satu"),
    (["faskes", "default", "RS Entah"], "galat: FASKES: fasilitas rujukan \"RS Entah\" tidak ada"),
    (["faskes", "disable", "1"], "galat: FASKES: RSUD Lama adalah tujuan bawaan"),
    (["referral", "{visit}", "-o", "{out}", "--tujuan", "RS Entah"], "galat: --tujuan: fasilitas rujukan \"RS Entah\""),
    (["referral", "{plain}", "-o", "{out}", "--tujuan", "1"], "tidak dirujuk segera"),
])
def test_bad_input_is_one_line_and_writes_nothing(db: Path, tmp_path: Path, args: list[str], line: str,
                                                  ok, mtbs_here) -> None:  # noqa: ANN001
    ok(db, "faskes", "add", "--nama", "RSUD Lama", "--jenis", "rs")
    visit = first_referred_visit(db)
    plain = rows(db, "SELECT id FROM visits WHERE refer_urgently = 0 AND is_current = 1 LIMIT 1")[0][0]
    before = changes(db)
    out = tmp_path / "surat.pdf"
    result = mtbs_here(db, *[a.format(visit=visit, plain=plain, out=out) for a in args])
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.count("\n") == 1 and line in result.stderr
    assert "Traceback" not in result.stderr
    assert changes(db) == before and not out.exists()


def test_a_clinician_reads_the_list_but_cannot_change_it(db: Path, ok, mtbs_here) -> None:  # noqa: ANN001
    ok(db, "faskes", "add", "--nama", "RSUD Wates", "--jenis", "rs")
    bidan = {"MTBS_USER": "bidan", "MTBS_PASSWORD": "bidan-demo"}
    assert mtbs_here(db, "faskes", "list", env=bidan).returncode == 0
    before = changes(db)
    result = mtbs_here(db, "faskes", "add", "--nama", "RSIA X", "--jenis", "rsia", env=bidan)
    assert result.returncode == 2 and "akses ditolak: peran Tenaga klinis tidak boleh mengelola daftar " \
        "fasilitas rujukan" in result.stderr
    assert changes(db) == before


def test_referral_with_tujuan_records_it_and_the_letter_names_it(db: Path, tmp_path: Path, ok) -> None:  # noqa: ANN001
    ok(db, "faskes", "add", "--nama", "RSUD Wates", "--jenis", "rs", "--alamat", "Jl. Tentara Pelajar 1",
       "--telepon", "0274773169")
    ok(db, "faskes", "add", "--nama", "RSIA Sadewa", "--jenis", "rsia")
    visit = first_referred_visit(db)
    out = tmp_path / "surat.pdf"
    ok(db, "referral", str(visit), "-o", str(out), "--tujuan", "RSIA Sadewa")
    flat = squash(pdf_text(out)[0])
    assert "Kepada Yth. Dokter jaga RSIA Sadewa, di tempat." in flat
    assert rows(db, f"SELECT facility_id, destination, destination_by FROM referrals WHERE visit_id = {visit}") == \
        [(2, "RSIA Sadewa", "kepala")]
    number = rows(db, "SELECT number FROM referral_letters")
    # Another destination, printed again: the same letter number, the new name with its address.
    ok(db, "referral", str(visit), "-o", str(out), "--tujuan", "1", "--timpa")
    flat = squash(pdf_text(out)[0])
    assert "Kepada Yth. Dokter jaga RSUD Wates (Jl. Tentara Pelajar 1, telp. 0274773169), di tempat." in flat
    assert rows(db, "SELECT number FROM referral_letters") == number and number[0][0] in flat
    assert [a for (a,) in rows(db, "SELECT action FROM audit WHERE action LIKE 'rujukan.%' ORDER BY id")] == \
        ["rujukan.tujuan", "rujukan.cetak", "rujukan.tujuan", "rujukan.cetak"]


def test_the_console_script_refuses_an_unknown_facility_in_one_line(db: Path) -> None:
    before = changes(db)
    result = mtbs(db, "faskes", "ubah", "RS Entah", "--telepon", "08123456789")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == 'galat: FASKES: fasilitas rujukan "RS Entah" tidak ada (tulis nomor atau nama persis; ' \
        "lihat: mtbs faskes list)\n"
    assert changes(db) == before
