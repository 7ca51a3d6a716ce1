"""The practice file and the assessor mode (issue 19 items 3 and 4): the marker both ways, the
session, the merge of two participants' files, the report read back (pdftotext, openpyxl)."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_login import mtbs_cli, mtbs_here

from mtbs_tui.documents.common import app_version
from mtbs_tui.latihan import library, scoring
from mtbs_tui.latihan.store import PracticeError, PracticeStore, create_session, merge
from mtbs_tui.register import Register, RegisterError
from mtbs_tui.rules.engine import RULES_VERSION

CASES = ["b22-01-pneumonia", "b22-06-diare-tanpa-dehidrasi", "b15-03-pneumonia"]


def _answer(case_id: str, *, wrong: bool) -> tuple[dict, dict]:
    case = library.by_id(case_id).case
    right = scoring.correct_answer(case)
    codes = right.classifications
    if wrong:
        codes = tuple("PNEUMONIA_BERAT" if c == "PNEUMONIA" else c for c in codes)
    answer = scoring.Answer(codes, right.treatments, right.follow_up_days, case)
    return answer.to_json(), scoring.score(case, answer).to_json()


def _work(path: Path, participant: str, *, wrong: bool) -> None:
    with PracticeStore.open(path) as store:
        for case_id in CASES:
            answer, score = _answer(case_id, wrong=wrong)
            store.save_attempt(participant=participant, case_id=case_id, chart=library.by_id(case_id).chart,
                               answer=answer, score=score, started_at="2026-03-10T08:00:00",
                               rules_version=RULES_VERSION)


def test_a_practice_file_is_never_opened_as_the_register_and_the_register_never_as_practice(tmp_path):
    """The real console script (a `tui` that wrongly started would not return); the practice-file
    commands that cannot start a screen run in this process (cli_login.mtbs_here)."""
    practice = tmp_path / "latihan.db"
    PracticeStore.open(practice, create=True).close()
    with pytest.raises(RegisterError, match="berkas latihan .*bukan register klinis"):
        Register.open(practice)
    reg_path = tmp_path / "mtbs.db"
    Register.open(reg_path, create=True).close()
    with pytest.raises(PracticeError, match="bukan berkas latihan"):
        PracticeStore.open(reg_path)
    # The same through the commands (one line, exit 2), and neither file changed.
    before = (practice.read_bytes(), reg_path.read_bytes())
    tui = mtbs_cli("--db", str(practice), "tui")
    assert tui.returncode == 2 and "berkas latihan" in tui.stderr and len(tui.stderr.splitlines()) == 1
    check = mtbs_cli("--db", str(practice), "check")
    assert check.returncode == 2 and "bukan register klinis" in check.stderr
    latihan = mtbs_cli("latihan", "--berkas", str(reg_path))
    assert latihan.returncode == 2 and "bukan berkas latihan" in latihan.stderr
    assert (practice.read_bytes(), reg_path.read_bytes()) == before


def test_a_session_refuses_unknown_participants_and_cases(tmp_path):
    path = tmp_path / "sesi.db"
    with pytest.raises(PracticeError, match="tidak dikenal"):
        create_session(path, "Pelatihan", ["Sari"], ["tidak-ada"])
    assert not path.exists()
    create_session(path, "Pelatihan", ["Sari", "Rina"], CASES)
    with PracticeStore.open(path) as store, pytest.raises(PracticeError, match="tidak terdaftar"):
        store.save_attempt(participant="Budi", case_id=CASES[0], chart="2022", answer={}, score={"percent": 1},
                           started_at="x", rules_version=RULES_VERSION)


def test_session_command_names_the_option_of_bad_input(tmp_path):
    """One line naming the option typed (the store's words 'nama sesi', 'peserta' were shown)."""
    path = tmp_path / "sesi.db"
    for argv, line in ((["--nama", " ", "--peserta", "Sari"], "galat: --nama: 1–60 karakter teks yang dapat dicetak"),
                       (["--nama", "X", "--peserta", "Sari", "--peserta", "sari"],
                        "galat: --peserta: nama peserta tidak boleh sama"),
                       (["--nama", "X", "--peserta", "\t"], "galat: --peserta: 1–60 karakter teks yang dapat dicetak")):
        done = mtbs_here(None, "latihan", "sesi", str(path), *argv, "--kasus", CASES[0])
        assert (done.returncode, done.stderr.strip()) == (2, line), argv
        assert list(tmp_path.iterdir()) == [], argv  # nor its lock file


def test_merge_of_two_participants_files_and_the_report_read_back(tmp_path):
    session = tmp_path / "sesi.db"
    made = mtbs_here(None, "latihan", "sesi", str(session), "--nama", "Pelatihan MTBS Kupang",
                 "--peserta", "Sari", "--peserta", "Rina", "--kasus", ",".join(CASES))
    assert made.returncode == 0, made.stderr
    sari, rina = tmp_path / "sari.db", tmp_path / "rina.db"
    shutil.copy(session, sari)
    shutil.copy(session, rina)
    _work(sari, "Sari", wrong=False)
    _work(rina, "Rina", wrong=True)
    pdf, xlsx, merged = tmp_path / "laporan.pdf", tmp_path / "laporan.xlsx", tmp_path / "gabungan.db"
    done = mtbs_here(None, "latihan", "gabung", str(sari), str(rina), "--keluar", str(merged),
                 "--pdf", str(pdf), "--xlsx", str(xlsx))
    assert done.returncode == 0, done.stderr
    assert "6 hasil baru, 0 sudah ada" in done.stdout
    assert merge(merged, [sari, rina]) == (0, 6)  # merging again adds nothing
    with PracticeStore.open(merged) as store:
        assert store.session_name == "Pelatihan MTBS Kupang" and store.participants() == ["Sari", "Rina"]
        assert {(a["participant"], a["case_id"]) for a in store.attempts()} == \
            {(p, c) for p in ("Sari", "Rina") for c in CASES}

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "LAPORAN LATIHAN MTBS (KALAKARYA)" in text and "Pelatihan MTBS Kupang" in text
    sari_line = next(line for line in text.splitlines() if line.strip().startswith("Sari"))
    assert "3/3" in sari_line and "100 %" in sari_line
    rina_line = next(line for line in text.splitlines() if line.strip().startswith("Rina"))
    assert "3/3" in rina_line and "100 %" not in rina_line.split("3/3")[1].split()[0]
    assert "Batuk atau sukar bernapas" in text  # the module the group got wrong (bar chart label)
    assert "2022.batuk.PNEUMONIA" in text and "2015.batuk.PNEUMONIA" in text  # the rows missed most
    assert "Nilai per peserta per kasus" in text

    from openpyxl import load_workbook
    from xlsx_print import assert_prints_on_a4

    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["Peserta", "Kasus", "Matriks", "Modul salah", "Hasil"]
    assert_prints_on_a4(wb)
    matrix = {r[0]: r[1:] for r in wb["Matriks"].iter_rows(min_row=2, values_only=True)}
    assert matrix["Sari"] == (100.0, 100.0, 100.0) and matrix["Rina"][1] == 100.0 and matrix["Rina"][0] < 100
    people = {r[0]: r for r in wb["Peserta"].iter_rows(min_row=2, values_only=True)}
    assert people["Sari"][1:4] == (3, 3, 100.0) and people["Rina"][3] < 100
    cases = {r[0]: r for r in wb["Kasus"].iter_rows(min_row=2, values_only=True)}
    assert set(cases) == set(CASES) and cases["b22-01-pneumonia"][2] == 2
    assert "PNEUMONIA (2022.batuk.PNEUMONIA)" == cases["b22-01-pneumonia"][4]
    assert list(wb["Modul salah"].iter_rows(min_row=2, values_only=True))[0] == ("Batuk atau sukar bernapas", 2)
    results = list(wb["Hasil"].iter_rows(min_row=2, values_only=True))
    assert len(results) == 6 and any("bagan PNEUMONIA" in (r[-1] or "") for r in results)
    # "Selesai" is a date and time Excel sorts and filters, not the ISO text "2026-03-10T08:05:00".
    assert wb["Hasil"]["E1"].value == "Selesai"
    finished = [row[0] for row in wb["Hasil"].iter_rows(min_row=2, min_col=5, max_col=5)]
    assert all(isinstance(c.value, datetime.datetime) and c.number_format == "DD-MM-YYYY HH:MM" for c in finished)


def test_merge_refuses_files_of_another_session_and_bad_input_is_one_line(tmp_path):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    create_session(a, "Sesi A", ["Sari"], CASES[:1])
    create_session(b, "Sesi B", ["Sari"], CASES[:1])
    with pytest.raises(PracticeError, match="satu sesi"):
        merge(tmp_path / "m.db", [a, b])
    bad = mtbs_here(None, "latihan", "sesi", str(tmp_path / "c.db"), "--nama", "X", "--peserta", "Sari",
                "--acak", "500")
    assert bad.returncode == 2 and bad.stderr.startswith("galat: --acak:") and len(bad.stderr.splitlines()) == 1
    listing = mtbs_here(None, "latihan", "kasus", "--bagan", "2015")
    assert listing.returncode == 0 and "b15-01-penyakit-sangat-berat" in listing.stdout
    assert "b22-" not in listing.stdout


def test_report_pdf_breaks_a_long_case_id_only_between_its_parts(tmp_path):
    """The trainer looks a case up by its id: in the 42 mm "Kasus" column a long id was cut inside
    a word (`b22-34-multi-gizi-kurang-dia` `re-persisten`); now it breaks only after a `-` (read
    back with pdftotext), and every line of it fits the cell."""
    from mtbs_tui.documents.common import para_fit, text_width
    from mtbs_tui.documents.latihan import write_pdf
    from mtbs_tui.latihan.report import build

    long_ids = sorted((c.id for c in library.load()), key=len)[-3:]
    path = tmp_path / "sesi.db"
    create_session(path, "Pelatihan", ["Sari"], long_ids)
    with PracticeStore.open(path) as store:
        for case_id in long_ids:
            answer, score = _answer(case_id, wrong=False)
            store.save_attempt(participant="Sari", case_id=case_id, chart=library.by_id(case_id).chart,
                               answer=answer, score=score, started_at="2026-03-10T08:00:00",
                               rules_version=RULES_VERSION)
        report = build(store)
    write_pdf(report, tmp_path / "laporan.pdf")
    raw = subprocess.run(["pdftotext", "-raw", str(tmp_path / "laporan.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout  # cell by cell, lines as drawn
    for case_id in long_ids:
        # the id's lines, each ending after a separator: `b22-...-diare-` `persisten`
        pattern = r"(?m)^(?:\d+\. )?" + re.escape(case_id).replace("\\-", "-\n?") + "$"
        assert re.search(pattern, raw), (case_id, raw)
    width = 42 * 72 / 25.4 - 5
    for case_id in long_ids:
        for line in para_fit(f"12. {case_id}", width, 7.2).split("<br/>"):
            assert text_width(line.split(" ")[-1], 7.2) <= width and line[-1:] in ("-", case_id[-1]), line


def test_report_pdf_footer_says_page_n_of_m_on_every_page(tmp_path):
    """The practice report is numbered like the other reports (documents.common.report_footer_canvas):
    `halaman N dari M` on every page, so a trainer sees whether a printed page is missing."""
    from mtbs_tui.documents.latihan import write_pdf
    from mtbs_tui.latihan.report import build

    ids = [c.id for c in library.load()][:60]  # 60 rows of cases: three pages
    path = tmp_path / "sesi.db"
    create_session(path, "Pelatihan", ["Sari"], ids)
    with PracticeStore.open(path) as store:
        answer, score = _answer(ids[0], wrong=True)
        store.save_attempt(participant="Sari", case_id=ids[0], chart=library.by_id(ids[0]).chart, answer=answer,
                           score=score, started_at="2026-03-10T08:00:00", rules_version=RULES_VERSION)
        report = build(store)
        session_id = store.session_id
    pdf = tmp_path / "laporan.pdf"
    write_pdf(report, pdf)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1))
    assert pages >= 2
    for page in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        footer = [line.strip() for line in text.splitlines() if "halaman" in line]
        assert footer == [f"mtbs_tui {app_version()} · latihan dengan kasus rekaan, tanpa data pasien · "
                          f"sesi {session_id} - halaman {page} dari {pages}"], text
