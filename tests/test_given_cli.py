"""`mtbs tindakan lihat|catat` (issue 17 item 1): recording what was given from a script, and bad
input as one Indonesian line with exit status 2 and nothing written."""
from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from cli_login import add_account, login_env, mtbs_here  # noqa: F401 - login_env logs every command in

from mtbs_tui import given
from mtbs_tui.demo import BY_ID, ResultCache
from mtbs_tui.register import Register
from mtbs_tui.rules import classify

TODAY = dt.date.today() - dt.timedelta(days=1)  # an earlier day: "now" is never before the visit
BIRTH = TODAY - dt.timedelta(days=335)


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> dict:
    db = tmp_path_factory.mktemp("tindakan") / "r.db"
    reg = Register.open(db, create=True)
    try:
        reg.set_facility(name="Puskesmas Uji", malaria_area="rendah", actor="uji")
        pid = reg.add_patient(name="Aisyah Putri", sex="P", birth_date=BIRTH.isoformat(), actor="uji")
        case = ResultCache(classify, "rendah").case(BY_ID["pneumonia_berat"], BIRTH, TODAY, "P")
        vid = reg.save_visit(patient_id=pid, case=case, actor="uji", visit_at=f"{TODAY.isoformat()}T00:05:00")
        codes = [t["code"] for t in given.recommended(reg.get_visit(vid)["treatments"])]
    finally:
        reg.close()
    add_account(db)
    return {"db": db, "visit": vid, "codes": codes}


def state(db: Path) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    try:
        return (conn.execute("SELECT count(*) FROM given_records").fetchone()[0],
                conn.execute("SELECT count(*) FROM audit WHERE action = 'tindakan.catat'").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize(("args", "words"), [
    (["catat", "99999", "--semua"], "VISIT_ID: kunjungan 99999 tidak ditemukan"),
    (["catat", "{visit}", "--diberikan", "OBAT_KHAYALAN"], "KODE: kode tindakan OBAT_KHAYALAN tidak dianjurkan"),
    (["catat", "{visit}", "--semua", "--jam", "00:01"], "--jam: jam diberikan 00.01 sebelum kunjungan"),
    (["catat", "{visit}", "--semua", "--jam", "pagi"], "--jam: 'pagi' bukan jam"),
    # The hour typed with the code is named by its option (it said --jam, which was not typed).
    (["catat", "{visit}", "--diberikan", "{code}@23:99"], "--diberikan {code}@jj:mm: '23:99' bukan jam"),
    (["catat", "{visit}", "--diberikan", "{code}@00:01"], "--diberikan {code}@jj:mm: jam diberikan 00.01 sebelum"),
    (["catat", "{visit}", "--tidak", "{code}"], "--tidak: tulis KODE=TEKS"),
    (["catat", "{visit}", "--tidak", "{code}=lupa"], "--tidak ALASAN: 'lupa' tidak dikenal; pilihan: 1 stok_habis"),
    (["catat", "{visit}"], "tidak ada yang dicatat"),
    (["lihat", "99999"], "VISIT_ID: kunjungan 99999 tidak ditemukan"),
])
def test_bad_input_one_line_exit_2_nothing_written(register: dict, args: list[str], words: str,
                                                    capsys: pytest.CaptureFixture) -> None:
    """In this process (the console script itself runs in the test below): `cli.main` is what it calls."""
    from mtbs_tui import cli

    before = state(register["db"])
    argv = [a.format(visit=register["visit"], code=register["codes"][0]) for a in args]
    code = cli.main(["--db", str(register["db"]), "tindakan", *argv])
    out, err = capsys.readouterr()
    assert code == 2, err
    lines = err.strip().splitlines()
    words = words.format(code=register["codes"][0])
    assert len(lines) == 1 and lines[0].startswith("galat: ") and words in lines[0], err
    assert "Traceback" not in err and out == ""
    assert state(register["db"]) == before


def test_record_all_then_one_not_given_then_show(register: dict) -> None:
    db, vid, codes = register["db"], register["visit"], register["codes"]
    done = mtbs_here(db, "tindakan", "catat", str(vid), "--semua", "--tidak", f"{codes[0]}=lainnya:alat rusak",
                "--tambahan-pulang", "Ambroksol sirup 3x1 sendok takar")
    assert done.returncode == 0, done.stderr
    assert f"Tersimpan: tindakan kunjungan {vid} versi 1" in done.stdout
    assert f"{codes[0]}: " in done.stdout and "tidak diberikan: alat rusak" in done.stdout
    assert "T1. Ambroksol sirup 3x1 sendok takar: tambahan" in done.stdout and "(dibawa pulang)" in done.stdout
    shown = mtbs_here(db, "tindakan", "lihat", str(vid))
    assert shown.returncode == 0, shown.stderr
    assert "Dicatat: versi 1 oleh kepala" in shown.stdout and "belum dicatat" not in shown.stdout
    assert shown.stdout.count(": diberikan ") == len(codes) - 1
    # Changing one later is version 2, with the reason; the tambahan can be removed by its number.
    again = mtbs_here(db, "tindakan", "catat", str(vid), "--diberikan", codes[0], "--hapus-tambahan", "1",
                 "--alasan-ubah", "alat sudah diganti")
    assert again.returncode == 0, again.stderr
    assert "versi 2" in again.stdout and "T1." not in again.stdout
    history = mtbs_here(db, "tindakan", "lihat", str(vid), "--semua-versi")
    assert history.returncode == 0, history.stderr
    assert history.stdout.index("Dicatat: versi 1") < history.stdout.index("(versi lama, sudah diganti)") \
        < history.stdout.index("Dicatat: versi 2")
    assert "tidak diberikan: alat rusak" in history.stdout  # the old version is still readable
    reg = Register.open(db)
    try:
        versions = reg.given_versions(reg.get_visit(vid)["visit_uid"])
        assert [v["version"] for v in versions] == [1, 2] and versions[1]["reason"] == "alat sudah diganti"
        assert versions[0]["items"][0].note == "alat rusak"
    finally:
        reg.close()
