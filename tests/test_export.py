"""The Register MTBS export: CSV and XLSX read back, row counts equal to the database."""
from __future__ import annotations

import csv
import datetime as dt
import os
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from cli_login import login_env, mtbs, mtbs_here  # noqa: F401  (autouse: `mtbs` runs log in as kepala)
from test_export_support import fake_classify, make_register
from xlsx_print import assert_prints_on_a4

from mtbs_tui.documents.export import MODULE_COLUMNS, export_register, headers
from mtbs_tui.register import Register

ALL = (dt.date(2000, 1, 1), dt.date(2100, 1, 1))


@pytest.fixture(scope="module")
def register_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = make_register(tmp_path_factory.mktemp("exp") / "r.db", patients=14, visits=60)
    # A correction: only the current version may appear in the register export.
    reg = Register.open(path, classifier=fake_classify)
    try:
        vid = reg.db.execute("SELECT id FROM visits WHERE refer_urgently = 0 ORDER BY id LIMIT 1").fetchone()[0]
        case = reg.get_visit(vid)["case"]
        case["findings"] = {**case["findings"], "diare": True, "diare_hari": 3}
        reg.correct_visit(vid, case=case, actor="uji", reason="salah ketik")
        # A name that Excel would run as a formula if the CSV were opened naively.
        pid = reg.add_patient(name="=HYPERLINK(1)", sex="P", birth_date="2025-06-01", actor="uji",
                              address="-Dusun; \"Kulon\"", village="@Desa", today=dt.date(2026, 9, 1))
        reg.save_visit(patient_id=pid, case={"visit_date": "2026-09-30", "birth_date": "2025-06-01",
                                             "weight_kg": 8.25, "length_cm": 74.5, "muac_cm": 13.5,
                                             "temperature_c": 37.8,
                                             "findings": {"batuk": True, "batuk_hari": 4, "napas_per_menit": 58,
                                                          "demam": True}},
                       actor="uji", visit_at="2026-09-30T10:00:00", today=dt.date(2026, 11, 29))
    finally:
        reg.close()
    return path


def sql_count(db: Path, lo: str, hi: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM visits WHERE is_current = 1 AND status = 'final' "
                            "AND visit_date BETWEEN ? AND ?", [lo, hi]).fetchone()[0]
    finally:
        conn.close()


def test_csv_is_semicolon_utf8_bom_crlf_with_one_row_per_current_visit(register_file: Path, tmp_path: Path) -> None:
    reg = Register.open(register_file)
    try:
        result = export_register(reg, *ALL, "csv", tmp_path / "r.csv")
    finally:
        reg.close()
    raw = (tmp_path / "r.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw and raw.count(b"\r\n") == raw.count(b"\n")
    with open(tmp_path / "r.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0] == headers()
    n = sql_count(register_file, "2000-01-01", "2100-01-01")
    assert len(rows) - 1 == n == result.rows
    assert [r[0] for r in rows[1:]] == [str(i) for i in range(1, n + 1)]
    # Visits are in date order; weights with a decimal comma; the formula name is defused.
    dates = [r[1] for r in rows[1:]]
    assert dates == sorted(dates)
    odd = [r for r in rows[1:] if "HYPERLINK" in r[3]][0]
    col = {h: i for i, h in enumerate(rows[0])}
    assert odd[3] == "'=HYPERLINK(1)"
    assert odd[col["Alamat"]] == "'-Dusun; \"Kulon\""
    assert odd[col["BB (kg)"]] == "8,25"
    # The measurements, village and main symptoms of the visit, each in its own column.
    assert odd[col["Desa/kelurahan"]] == "'@Desa"
    assert (odd[col["PB/TB (cm)"]], odd[col["LiLA (cm)"]], odd[col["Suhu (°C)"]]) == ("74,5", "13,5", "37,8")
    assert odd[col["Keluhan/gejala utama"]] == "Batuk atau sukar bernapas 4 hari; Demam"
    assert odd[headers().index("Batuk/sukar bernapas")] == "PNEUMONIA (kuning)"
    # The corrected visit appears once, with its corrected classification.
    conn = sqlite3.connect(register_file)
    new_id, uid = conn.execute("SELECT id, visit_uid FROM visits WHERE version = 2").fetchone()
    conn.close()
    diare = headers().index("Diare")
    assert sum(1 for r in rows[1:] if r[diare] == "DIARE TANPA DEHIDRASI (hijau)") >= 1


def test_xlsx_has_header_frozen_panes_widths_dates_as_dates(register_file: Path, tmp_path: Path) -> None:
    reg = Register.open(register_file)
    try:
        result = export_register(reg, *ALL, "xlsx", tmp_path / "r.xlsx")
    finally:
        reg.close()
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    ws = wb.active
    assert ws.title == "Register MTBS"
    assert [c.value for c in ws[1]] == headers()
    assert ws.freeze_panes == "E2"
    assert ws.column_dimensions["D"].width == 22
    # Print setup: A4 landscape at a readable 70 % over several pages (one page wide would be about
    # 19 %), date, RM number, name (the frozen columns) and the header row on every page, the pages
    # of the same rows together, page numbers.
    assert_prints_on_a4(wb)
    assert int(ws.page_setup.scale) == 70 and not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_cols == "$A:$D" and ws.print_title_rows == "$1:$1"
    assert "halaman &P dari &N" in ws.oddFooter.right.text
    # The period as the buku register rujukan writes it (it was ISO: 2000-01-01 s.d. 2100-01-01).
    assert ws.oddFooter.left.text == "Register MTBS 01-01-2000 s.d. 01-01-2100"
    assert ws[1][0].font.b
    n = sql_count(register_file, "2000-01-01", "2100-01-01")
    assert ws.max_row - 1 == n == result.rows
    first = [c.value for c in ws[2]]
    conn = sqlite3.connect(register_file)
    d0 = conn.execute("SELECT visit_date FROM visits WHERE is_current = 1 AND status = 'final' "
                      "ORDER BY visit_at, id LIMIT 1").fetchone()[0]
    conn.close()
    assert isinstance(first[1], dt.datetime) and first[1].date().isoformat() == d0
    assert ws.cell(row=2, column=2).number_format == "dd/mm/yyyy"
    assert isinstance(first[headers().index("BB (kg)")], float)
    fu = headers().index("Tanggal kunjungan ulang")
    assert any(isinstance(r[fu].value, dt.datetime) for r in ws.iter_rows(min_row=2))
    odd = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[3] == "=HYPERLINK(1)"]
    assert len(odd) == 1 and odd[0][headers().index("BB (kg)")] == 8.25  # a string in XLSX, never a formula
    col = {h: i for i, h in enumerate(headers())}
    assert odd[0][col["Desa/kelurahan"]] == "@Desa"
    assert (odd[0][col["PB/TB (cm)"]], odd[0][col["LiLA (cm)"]], odd[0][col["Suhu (°C)"]]) == (74.5, 13.5, 37.8)
    assert odd[0][col["Keluhan/gejala utama"]] == "Batuk atau sukar bernapas 4 hari; Demam"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(headers()))}{n + 1}"


def test_xlsx_and_csv_carry_the_same_rows(register_file: Path, tmp_path: Path) -> None:
    reg = Register.open(register_file)
    try:
        export_register(reg, dt.date(2026, 9, 10), dt.date(2026, 10, 10), "csv", tmp_path / "a.csv", audit=False)
        export_register(reg, dt.date(2026, 9, 10), dt.date(2026, 10, 10), "xlsx", tmp_path / "a.xlsx", audit=False)
    finally:
        reg.close()
    with open(tmp_path / "a.csv", encoding="utf-8-sig", newline="") as fh:
        c = list(csv.reader(fh, delimiter=";"))[1:]
    x = list(openpyxl.load_workbook(tmp_path / "a.xlsx").active.iter_rows(min_row=2, values_only=True))
    assert len(c) == len(x) == sql_count(register_file, "2026-09-10", "2026-10-10") > 0
    for crow, xrow in zip(c, x):
        assert crow[2] == xrow[2] and crow[3].lstrip("'") == xrow[3]
        assert crow[1] == xrow[1].date().isoformat()
        first_module = headers().index(MODULE_COLUMNS[0][1])
        for i in range(first_module, first_module + len(MODULE_COLUMNS)):
            assert crow[i] == (xrow[i] or "")


def test_progress_is_reported_and_audit_recorded(register_file: Path, tmp_path: Path) -> None:
    seen: list[int] = []
    reg = Register.open(register_file)
    try:
        export_register(reg, *ALL, "csv", tmp_path / "p.csv", progress=seen.append)
        last = reg.audit_log(limit=1)[0]
    finally:
        reg.close()
    assert seen and seen[-1] == sql_count(register_file, "2000-01-01", "2100-01-01")
    assert last["action"] == "ekspor.register" and "csv" in last["detail"]


def test_write_as_is_the_one_format_dispatch(tmp_path: Path) -> None:
    """`documents.common.write_as`: the chosen writer fills a temporary file that takes the name only
    when it finished; an unknown format or a failing writer leaves no file at all."""
    from mtbs_tui.documents.common import DocumentError, write_as

    written: list[str] = []

    def writer(fmt: str) -> object:
        def write(tmp: Path) -> None:
            written.append(fmt)
            tmp.write_text(fmt, encoding="utf-8")
        return write

    writers = {"xlsx": writer("xlsx"), "csv": writer("csv")}
    with pytest.raises(DocumentError) as refused:
        write_as("doc", tmp_path / "r.doc", writers)
    assert refused.value.message == "galat: --format: nilai 'doc' tidak sah (pilihan: xlsx, csv)"
    assert written == [] and list(tmp_path.iterdir()) == []

    def broken(tmp: Path) -> None:
        tmp.write_text("setengah", encoding="utf-8")
        raise RuntimeError("disk penuh")

    with pytest.raises(RuntimeError):
        write_as("csv", tmp_path / "r.csv", {"csv": broken})
    assert list(tmp_path.iterdir()) == []

    assert write_as("csv", str(tmp_path / "r.csv"), writers) == tmp_path / "r.csv"
    assert written == ["csv"] and [p.name for p in tmp_path.iterdir()] == ["r.csv"]
    assert (tmp_path / "r.csv").read_text(encoding="utf-8") == "csv"


# The export's bad input and folder refusals run in this process; the default name through `mtbs`.


def test_cli_export_default_name(register_file: Path, tmp_path: Path) -> None:
    done = mtbs(register_file, "export", "register", "--from", "2026-09-01",
                    "--to", "2026-09-30", "--format", "csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "register-mtbs-2026-09-01-sd-2026-09-30.csv"
    with open(out, encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.reader(fh, delimiter=";"))) - 1 == sql_count(register_file, "2026-09-01", "2026-09-30")


def test_the_format_follows_the_output_name_unless_given(register_file: Path, tmp_path: Path) -> None:
    """`-o r.csv` without --format writes CSV (it wrote an XLSX under that name, which Excel refuses);
    a --format that the -o ending contradicts is one line and nothing is written
    (documents.common.chosen_format, for the exports and the monthly and quality reports)."""
    from mtbs_tui.documents.common import DocumentError, chosen_format

    period = ("export", "register", "--from", "2026-09-01", "--to", "2026-09-30")
    done = mtbs_here(register_file, *period, "-o", str(tmp_path / "r.csv"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "r.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # the CSV's BOM, not a zip
    done = mtbs_here(register_file, *period, "--format", "csv", "-o", str(tmp_path / "r.xlsx"))
    assert (done.returncode, done.stderr.strip()) == (2, "galat: -o: akhiran .xlsx tidak cocok dengan --format csv")
    assert [p.name for p in tmp_path.iterdir()] == ["r.csv"]

    # The register export does not write PDF: `-o r.pdf` wrote an XLSX under that name.
    done = mtbs_here(register_file, *period, "-o", str(tmp_path / "r.pdf"))
    assert (done.returncode, done.stderr.strip()) == (
        2, "galat: -o: akhiran .pdf tidak dibuat perintah ini (pilihan: .xlsx, .csv)")
    assert [p.name for p in tmp_path.iterdir()] == ["r.csv"]

    formats = ("pdf", "xlsx")
    assert chosen_format(None, None, formats) == "pdf"  # the first is the default
    assert chosen_format("xlsx", None, formats) == "xlsx"
    assert chosen_format(None, Path("Laporan.XLSX"), formats) == "xlsx"
    assert chosen_format("XLSX", Path("laporan.txt"), formats) == "xlsx"  # --format: the ending is hers
    assert chosen_format("pdf", Path("laporan"), formats) == "pdf"
    refusals = {
        (None, "laporan.txt"): "galat: -o: akhiran .txt tidak dikenal (pilihan: .pdf, .xlsx; atau beri --format)",
        (None, "laporan"): "galat: -o: akhiran (tanpa akhiran) tidak dikenal (pilihan: .pdf, .xlsx; atau beri --format)",
        (None, "laporan.CSV"): "galat: -o: akhiran .CSV tidak dibuat perintah ini (pilihan: .pdf, .xlsx)",
        ("pdf", "laporan.csv"): "galat: -o: akhiran .csv tidak dibuat perintah ini (pilihan: .pdf, .xlsx)",
        ("pdf", "laporan.xlsx"): "galat: -o: akhiran .xlsx tidak cocok dengan --format pdf",
        ("doc", "laporan.pdf"): "galat: --format: nilai 'doc' tidak sah (pilihan: pdf, xlsx)",
    }
    for (fmt, name), message in refusals.items():
        with pytest.raises(DocumentError) as refused:
            chosen_format(fmt, Path(name), formats)
        assert refused.value.message == message, (fmt, name)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-13-01", "--to", "2026-12-31"], "galat: --from: tanggal '2026-13-01' tidak ada di kalender"),
        (["--from", "31-01-2026", "--to", "2026-12-31"], "galat: --from: tanggal '31-01-2026' tidak sah (format TTTT-BB-HH"),
        (["--from", "2026-12-01", "--to", "2026-01-31"], "galat: --to: tanggal akhir sebelum tanggal awal"),
        (["--from", "2026-01-01", "--to", "2026-12-31", "--format", "ods"], "galat: --format: nilai 'ods' tidak sah"),
    ],
)
def test_cli_bad_input_one_line_no_file(register_file: Path, tmp_path: Path, args: list[str],
                                        message: str) -> None:
    out = tmp_path / "x.csv"
    done = mtbs_here(register_file, "export", "register", *args, "-o", str(out))
    assert done.returncode == 2
    assert done.stderr.startswith(message), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_cli_unwritable_folder(register_file: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "berkas"
    blocker.write_text("")
    for fmt in ("csv", "xlsx"):
        done = mtbs_here(register_file, "export", "register", "--from", "2026-01-01",
                        "--to", "2026-12-31", "--format", fmt, "-o", str(blocker / f"r.{fmt}"))
        assert done.returncode == 2 and done.stderr.startswith("galat: "), done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["berkas"]


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root ignores folder permissions")
def test_cli_read_only_folder(register_file: Path, tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        done = mtbs_here(register_file, "export", "register", "--from", "2026-01-01",
                        "--to", "2026-12-31", "-o", str(ro / "r.xlsx"))
        assert done.returncode == 2 and "tidak dapat ditulisi" in done.stderr
        assert list(ro.iterdir()) == []
    finally:
        ro.chmod(0o700)


def test_failure_mid_export_leaves_no_file(register_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mtbs_tui.documents.export as export

    real = export.iter_rows

    def dying(*a: object, **k: object):  # type: ignore[no-untyped-def]
        for i, row in enumerate(real(*a, **k)):
            if i == 5:
                raise OSError(28, "No space left on device")
            yield row

    monkeypatch.setattr(export, "iter_rows", dying)
    reg = Register.open(register_file)
    try:
        for fmt in ("csv", "xlsx"):
            with pytest.raises(export.DocumentError) as err:
                export.export_register(reg, *ALL, fmt, tmp_path / f"r.{fmt}")
            assert err.value.message.startswith("galat: ")
    finally:
        reg.close()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_merged_cursors_give_exactly_the_rows_of_the_single_reference_query(register_file: Path, fmt: str) -> None:
    from mtbs_tui.documents.export import MODULE_COLUMNS, iter_rows
    from mtbs_tui.register import EXPORT_HEAD_COLUMNS as HEAD_COLUMNS
    from mtbs_tui.register import export_sql

    reg = Register.open(register_file)
    try:
        fast = list(iter_rows(reg, fmt, *ALL))
        ref = []
        for n, row in enumerate(reg.db.execute(export_sql(fmt), [f"{ALL[0]}T", f"{ALL[1]}T\uffff"]), 1):
            cells = [""] * len(MODULE_COLUMNS)
            index = {m: i for i, (m, _) in enumerate(MODULE_COLUMNS)}
            for item in (row[HEAD_COLUMNS] or "").split("\x1e"):
                if item:
                    module, _, text = item.partition("\x1f")
                    i = index[module]
                    cells[i] = text if not cells[i] else f"{cells[i]}; {text}"
            ref.append([n, *row[:HEAD_COLUMNS], *cells, *row[HEAD_COLUMNS + 1:]])
    finally:
        reg.close()
    assert fast == ref and len(fast) > 40


def test_progress_bar_on_a_terminal(register_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal the command shows a progress bar (here with the threshold lowered to 1 row)."""
    import io
    import sys

    from mtbs_tui.commands import export as command

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    err = Tty()
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(command, "PROGRESS_MIN_ROWS", 1)
    monkeypatch.setattr("mtbs_tui.documents.export.PROGRESS_STEP", 10)
    code = command.run(register_file, "2000-01-01", "2100-01-01", "csv", tmp_path / "p.csv")
    assert code == 0
    assert "Mengekspor" in err.getvalue() and "100%" in err.getvalue()


def test_follow_up_outcome_column_kept_late_missed_and_not_yet_due(tmp_path: Path) -> None:
    """"Hasil kunjungan ulang": kept within FOLLOW_UP_GRACE_DAYS of the due date, late, missed,
    within the grace days, not yet due, and empty for a visit without a follow-up."""
    from mtbs_tui.register import FOLLOW_UP_GRACE_DAYS

    assert FOLLOW_UP_GRACE_DAYS == 3
    reg = Register.open(tmp_path / "r.db", create=True, classifier=fake_classify)
    today = dt.date(2026, 10, 20)
    pneumonia = {"batuk": True, "napas_per_menit": 58}  # PNEUMONIA: follow-up in 2 days
    plan = {  # child: [(visit day, findings)]
        "Tepat": [(dt.date(2026, 10, 1), pneumonia), (dt.date(2026, 10, 3), {"batuk": False})],
        "Telat": [(dt.date(2026, 10, 1), pneumonia), (dt.date(2026, 10, 9), {"batuk": False})],
        "Hilang": [(dt.date(2026, 10, 1), pneumonia)],
        "Tenggang": [(dt.date(2026, 10, 17), pneumonia)],
        "Nanti": [(dt.date(2026, 10, 19), pneumonia)],
    }
    try:
        for name, visits in plan.items():
            pid = reg.add_patient(name=name, sex="L", birth_date="2025-01-01", actor="uji", today=today)
            for day, findings in visits:
                reg.save_visit(patient_id=pid, case={"visit_date": day.isoformat(), "birth_date": "2025-01-01",
                                                     "findings": findings},
                               actor="uji", visit_at=f"{day.isoformat()}T09:00:00", today=today)
        for fmt in ("csv", "xlsx"):
            export_register(reg, dt.date(2026, 10, 1), today, fmt, tmp_path / f"r.{fmt}", audit=False, today=today)
    finally:
        reg.close()
    with open(tmp_path / "r.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    outcome = rows[0].index("Hasil kunjungan ulang")
    seen = {(r[3], r[1]): r[outcome] for r in rows[1:]}
    assert seen == {
        ("Tepat", "2026-10-01"): "Datang 03/10/2026", ("Tepat", "2026-10-03"): "",
        ("Telat", "2026-10-01"): "Datang terlambat 09/10/2026", ("Telat", "2026-10-09"): "",
        ("Hilang", "2026-10-01"): "Tidak datang",
        ("Tenggang", "2026-10-17"): "Belum datang",  # due on the 19th, grace until the 22nd
        ("Nanti", "2026-10-19"): "Belum jatuh tempo",
    }
    x = list(openpyxl.load_workbook(tmp_path / "r.xlsx").active.iter_rows(min_row=2, values_only=True))
    assert [r[outcome] or "" for r in x] == [r[outcome] for r in rows[1:]]
