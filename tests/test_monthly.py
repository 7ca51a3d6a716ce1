"""The monthly report checked against counts made independently (SQL + Python) on a demo register
made by `mtbs demo` with the real chart engine."""
from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
import subprocess
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from cli_login import add_account, login_env, mtbs, mtbs_here  # noqa: F401  (autouse: `mtbs` runs log in as kepala)

from mtbs_tui.display import MONTH_NAMES
from mtbs_tui.documents.common import DocumentError
from mtbs_tui.documents.monthly import (
    FOLLOW_UP_GRACE_DAYS,
    build_report,
    column_titles,
    default_table,
    label_lines,
    load_table,
    parse_month,
    table_to_json,
    write_report,
)
from mtbs_tui.register import Register


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    db = tmp_path_factory.mktemp("monthly") / "demo.db"
    done = mtbs_here(db, "demo", "--patients", "120", "--visits", "900")
    assert done.returncode == 0, done.stderr
    add_account(db)
    conn = sqlite3.connect(db)
    # The busiest full month that exercises the rows the tests check non-zero: a child with chest
    # indrawing (a finding-only row) and a young infant given vitamin K1, immunisation or breastfeeding
    # counselling. The demo's dates follow today, so the busiest month alone may lack either.
    month = conn.execute(
        "SELECT m FROM (SELECT substr(v.visit_date, 1, 7) m, count(*) n, "
        "  max(instr(v.findings_json, '\"tarikan_dinding_dada\":true') > 0) indrawing, "
        "  max(v.pathway = 'bayi_muda' AND EXISTS (SELECT 1 FROM visit_treatments t WHERE t.visit_id = v.id "
        "      AND (t.code IN ('VITAMIN_K1', 'KONSELING_MENYUSUI') OR t.code LIKE 'IMUNISASI_%'))) infant "
        "  FROM visits v WHERE v.status = 'final' AND v.is_current = 1 "
        "  AND v.visit_date < date('now', 'start of month') GROUP BY m) "
        "ORDER BY indrawing + infant DESC, n DESC LIMIT 1").fetchone()[0]
    conn.close()
    return db, month


def group_of(age_days: int, age_months: int) -> int:
    if age_days <= 7:
        return 0
    if age_days < 60:
        return 1
    return 2 if age_months < 12 else 3


def expected_counts(db: Path, month: str, today: dt.date) -> dict:
    """Independent counts: rows fetched with plain SQL, grouped in Python. `measures` counts by
    (measure, pathway, group, sex); `visits` keeps each visit of the month with what it recorded."""
    conn = sqlite3.connect(db)
    visits = conn.execute(
        "SELECT v.id, v.pathway, v.age_days, v.age_months, p.sex, v.kind, v.refer_urgently, v.patient_id, "
        "v.visit_at, v.visit_date, v.follow_up_date, v.findings_json FROM visits v "
        "JOIN patients p ON p.id = v.patient_id WHERE v.is_current = 1 AND v.status = 'final'").fetchall()
    printed: dict = {}
    for vid, code in conn.execute("SELECT visit_id, code FROM visit_classifications"):
        printed.setdefault(vid, set()).add(code)
    given: dict = {}
    for vid, code in conn.execute("SELECT visit_id, code FROM visit_treatments"):
        given.setdefault(vid, set()).add(code)
    replies = dict(conn.execute("SELECT visit_uid, outcome FROM referral_replies WHERE is_current = 1"))
    uids = dict(conn.execute("SELECT id, visit_uid FROM visits"))
    conn.close()
    in_month = [v for v in visits if v[9].startswith(month)]
    out: dict = {"measures": Counter(), "visits": []}
    for v in in_month:
        key = (v[1], group_of(v[2], v[3]), v[4])
        out["visits"].append({"key": key, "kind": v[5], "codes": printed.get(v[0], set()),
                              "given": given.get(v[0], set()), "findings": json.loads(v[11])})
        out["measures"][("kunjungan", *key)] += 1
        out["measures"][(v[5], *key)] += 1
        if v[6] == 1:
            out["measures"][("rujuk_segera", *key)] += 1
            outcome = replies.get(uids[v[0]])
            if outcome is None:
                out["measures"][("rujukan_belum_balasan", *key)] += 1
            else:
                out["measures"][("rujukan_balasan", *key)] += 1
                out["measures"][("rujukan_tidak_datang" if outcome == "tidak_datang" else "rujukan_selesai", *key)] += 1
                out["measures"][("rujukan_meninggal", *key)] += outcome == "meninggal"
        elif "RUJUK" in given.get(v[0], set()):
            out["measures"][("rujuk", *key)] += 1
    for v in visits:
        if v[10] and v[10].startswith(month):
            due = dt.date.fromisoformat(v[10])
            limit = due + dt.timedelta(days=FOLLOW_UP_GRACE_DAYS)
            done = any(w[7] == v[7] and w[8] > v[8] and dt.date.fromisoformat(w[9]) <= limit for w in visits)
            key = (v[1], group_of(v[2], v[3]), v[4])
            out["measures"][("kontrol_jatuh_tempo", *key)] += 1
            state = "kontrol_selesai" if done else ("kontrol_terlewat" if limit < today else "kontrol_belum")
            out["measures"][(state, *key)] += 1
    return out


def matches(row, visit: dict) -> bool:  # noqa: ANN001 - a ReportRow
    """Does a month's visit fall in a codes/treatments/findings row (any of them, its visit kind)?"""
    if row.kind not in (None, visit["kind"]):
        return False
    return (bool(set(row.codes) & visit["codes"])
            or any(t == c or (c.endswith("*") and t.startswith(c[:-1])) for c in row.treatments for t in visit["given"])
            or any(visit["findings"].get(k) is True for k in row.findings))


def test_every_cell_matches_independent_counts(demo: tuple[Path, str]) -> None:
    db, month = demo
    today = dt.date.today()
    reg = Register.open(db)
    try:
        report = build_report(reg, month, today=today)
    finally:
        reg.close()
    exp = expected_counts(db, month, today)
    nonzero = 0
    kinds = set()
    for row, vals in zip(report.rows, report.values):
        if row.heading:
            assert vals is None
            continue
        for g in range(4):
            for s, sex in enumerate("LP"):
                want = 0
                for pathway in ("balita", "bayi_muda"):
                    if row.pathway not in (None, pathway):
                        continue
                    if row.measure:
                        assert row.kind is None and not (row.codes or row.treatments or row.findings)
                        want += exp["measures"][(row.measure, pathway, g, sex)]
                    else:
                        want += sum(1 for v in exp["visits"] if v["key"] == (pathway, g, sex) and matches(row, v))
                assert vals[2 * g + s] == want, (row.label, g, sex)
                nonzero += bool(want)
                if want and row.kind:
                    kinds.add(row.kind)
        assert vals[8] == sum(vals[0:8:2]) and vals[9] == sum(vals[1:8:2]) and vals[10] == vals[8] + vals[9]
    assert nonzero > 20  # the demo month really exercises the table
    by_label = {r.label: v for r, v in zip(report.rows, report.values)}
    assert by_label["Tarikan dinding dada bagian bawah ke dalam (+)"][-1] > 0
    # Weight/breastfeeding rows at the first and at the follow-up visit add up to every visit.
    assert "pertama" in kinds
    split = [(r, v) for r, v in zip(report.rows, report.values) if r.kind]
    assert len(split) >= 6 and {r.kind for r, _ in split} == {"pertama", "ulang"}
    for code in {c for r, _ in split for c in r.codes}:
        both = [v[-1] for r, v in split if code in r.codes]
        assert sum(both) == sum(1 for v in exp["visits"] if code in v["codes"] and v["key"][0] == "bayi_muda")


def test_visit_total_equals_sql_count_and_every_code_is_in_the_table(demo: tuple[Path, str]) -> None:
    db, month = demo
    conn = sqlite3.connect(db)
    total = conn.execute("SELECT count(*) FROM visits WHERE is_current = 1 AND status = 'final' "
                         "AND visit_date LIKE ?", [month + "-%"]).fetchone()[0]
    used = {(r[0], r[1]) for r in conn.execute(
        "SELECT v.pathway, c.code FROM visit_classifications c JOIN visits v ON v.id = c.visit_id")}
    conn.close()
    reg = Register.open(db)
    try:
        report = build_report(reg, month)
    finally:
        reg.close()
    visits = [v[-1] for r, v in zip(report.rows, report.values) if r.measure == "kunjungan"]
    assert sum(visits) == total
    in_table = {(r.pathway, c) for r in report.rows for c in r.codes}
    assert used <= in_table


def test_formats_read_back(demo: tuple[Path, str], tmp_path: Path) -> None:
    from mtbs_tui import users

    db, month = demo
    reg = Register.open(db)
    try:
        # The reporter signs with the full name and NIP/STR of the account.
        users.set_identity(reg, "kepala", actor="uji", nip="198203152009042001", str_number="3312101522")
        report = write_report(reg, month, "csv", tmp_path / "l.csv", actor="kepala")
        write_report(reg, month, "xlsx", tmp_path / "l.xlsx", actor="kepala")
        write_report(reg, month, "pdf", tmp_path / "l.pdf", actor="kepala")
        actions = [r["action"] for r in reg.audit_log(limit=3)]
        facility = reg.facility()
        reporter = reg.db.execute("SELECT full_name FROM users WHERE username = 'kepala'").fetchone()[0]
        users.set_identity(reg, "kepala", actor="uji", nip="", str_number="")
    finally:
        reg.close()
    assert actions.count("laporan.bulanan") == 3
    # CSV: key/value lines naming the puskesmas and the month, an empty line, then the table.
    with open(tmp_path / "l.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[:8] == [["Laporan", report.title], ["Puskesmas", facility["name"]],
                        ["Kode puskesmas", facility["code"] or ""], ["Kabupaten/kota", facility["district"] or ""],
                        ["Provinsi", facility["province"] or ""], ["Bulan", month],
                        ["Dibuat", dt.date.today().isoformat()], []]
    assert rows[8] == ["Uraian", *column_titles()]
    assert len(rows) - 9 == len(report.rows)
    first_count = next(i for i, r in enumerate(report.rows) if not r.heading)
    assert rows[first_count + 9] == [report.rows[first_count].label, *map(str, report.values[first_count])]
    # XLSX: the counts, print setup (A4 landscape, one page wide, header repeated, frozen), signatures.
    ws = openpyxl.load_workbook(tmp_path / "l.xlsx").active
    labels = [c.value for c in ws["A"]]
    assert report.title in labels[0]
    idx = labels.index(report.rows[first_count].label)
    assert [c.value for c in ws[idx + 1][1:]] == report.values[first_count]
    head = labels.index("Uraian") + 1
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == f"$${head}:$${head}".replace("$$", "$")
    assert ws.freeze_panes == f"B{head + 1}"
    cells = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    for text in ("Mengetahui,", "Pelapor,", f"Kepala {facility['name']}", facility["head_name"],
                 f"NIP {facility['head_nip']}", reporter, "NIP 198203152009042001 / STR 3312101522"):
        assert text in cells, text
    long_label = max((r.label for r in report.rows), key=len)
    assert ws.cell(row=labels.index(long_label) + 1, column=1).alignment.wrap_text
    # PDF: read back as a receiver would (pdftotext keeps the layout).
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "l.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = " ".join(text.split())
    assert report.title.upper() in flat
    assert "PNEUMONIA" in flat and "Kunjungan ulang terlewat" in flat
    for text_ in ("Mengetahui,", "Pelapor,", f"Kepala {facility['name']}", facility["head_name"],
                  f"NIP {facility['head_nip']}", reporter, "NIP 198203152009042001 / STR 3312101522"):
        assert text_ in flat, text_
    for row in report.rows:  # every label is printed whole, line by line
        for line in label_lines(row.label, heading=row.heading):
            assert line in flat, row.label


def test_every_label_and_count_fits_its_cell(demo: tuple[Path, str]) -> None:
    """Measured with reportlab's stringWidth against the column widths: no label, header or count
    runs into the next column, for every row of the default table, a 5-digit count in every cell,
    a long custom label and a word longer than the column."""
    from mtbs_tui.documents.common import text_width
    from mtbs_tui.documents.monthly import (
        BODY_SIZE,
        LABEL_WIDTH,
        PAD,
        MonthlyReport,
        ReportRow,
        layout_problems,
    )

    rows = default_table() + [
        ReportRow("Balita dengan klasifikasi apa pun yang dirujuk ke fasilitas kesehatan tingkat lanjut "
                  "setelah penanganan awal di puskesmas pembantu atau poskesdes", measure="kunjungan"),
        ReportRow("X" * 140, measure="kunjungan"),
    ]
    values = [None if r.heading else [99999] * 11 for r in rows]
    report = MonthlyReport(month="2026-01", facility={}, rows=rows, values=values, columns=column_titles())
    assert layout_problems(report) == []
    wrapped = 0
    for row in rows:
        lines = label_lines(row.label, heading=row.heading)
        assert "".join(lines).replace(" ", "") == row.label.replace(" ", "")
        if not row.heading:
            assert all(text_width(line, BODY_SIZE) <= LABEL_WIDTH - 2 * PAD for line in lines)
        wrapped += len(lines) > 1
    assert wrapped >= 3  # the long MTBM labels really wrap
    # The measurement itself catches a label that would not fit.
    assert layout_problems(MonthlyReport(month="2026-01", facility={}, rows=[ReportRow("a", measure="kunjungan")],
                                         values=[[10 ** 40] * 11], columns=column_titles()))


def test_bayi_muda_action_rows_count_the_recorded_treatments(demo: tuple[Path, str]) -> None:
    """§6.4 MTBM rows: vitamin K1, immunisation, breastfeeding counselling (from the treatments)."""
    db, month = demo
    reg = Register.open(db)
    try:
        report = build_report(reg, month)
    finally:
        reg.close()
    conn = sqlite3.connect(db)
    want = {}
    for label, pattern in (("Vitamin K1", "VITAMIN_K1"), ("Imunisasi", "IMUNISASI_%"),
                           ("Konseling menyusui", "KONSELING_MENYUSUI")):
        want[label] = conn.execute(
            "SELECT count(DISTINCT v.id) FROM visits v JOIN visit_treatments t ON t.visit_id = v.id "
            "WHERE v.is_current = 1 AND v.status = 'final' AND v.pathway = 'bayi_muda' AND v.visit_date LIKE ? "
            "AND t.code LIKE ?", [month + "-%", pattern]).fetchone()[0]
    conn.close()
    got = {label: next(v[-1] for r, v in zip(report.rows, report.values) if r.label.startswith(label))
           for label in want}
    assert got == want and sum(want.values()) > 0


def test_custom_table_from_json(demo: tuple[Path, str], tmp_path: Path) -> None:
    db, month = demo
    custom = tmp_path / "tabel.json"
    custom.write_text(json.dumps([
        {"label": "Infeksi saluran napas", "heading": True},
        {"label": "Semua pneumonia", "codes": ["PNEUMONIA", "PNEUMONIA_BERAT"], "pathway": "balita"},
        {"label": "Semua kunjungan", "measure": "kunjungan"},
    ]), encoding="utf-8")
    rows = load_table(custom)
    reg = Register.open(db)
    try:
        report = build_report(reg, month, table=rows)
        full = build_report(reg, month)
    finally:
        reg.close()
    by_label = {r.label: v for r, v in zip(full.rows, full.values) if v is not None}
    assert report.values[1][-1] == by_label["PNEUMONIA"][-1] + by_label["PNEUMONIA BERAT"][-1]
    assert report.values[2][-1] == sum(v[-1] for r, v in zip(full.rows, full.values) if r.measure == "kunjungan")
    # The default table round-trips through its JSON form.
    assert load_table_text(table_to_json(default_table()), tmp_path) == default_table()


def load_table_text(text: str, folder: Path) -> list:
    p = folder / "t.json"
    p.write_text(text, encoding="utf-8")
    return load_table(p)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2", "bukan JSON yang sah"),
        ('[{"label": "x", "measure": "semua"}]', "measure 'semua' tidak dikenal"),
        ('[{"label": "x"}]', "isi codes, treatments, findings atau measure"),
        ('[{"label": "x", "treatments": "VITAMIN_K1"}]', "treatments harus daftar"),
        ('[{"label": "x", "findings": ["napas_per_menit"]}]', "findings harus daftar kunci temuan ya/tidak"),
        ('[{"label": "x", "codes": ["PNEUMONIA"], "kind": "kontrol"}]', "kind harus pertama atau ulang"),
    ],
)
def test_bad_table_is_refused(tmp_path: Path, content: str, message: str) -> None:
    p = tmp_path / "t.json"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(DocumentError) as err:
        load_table(p)
    assert message in err.value.message and err.value.message.startswith("galat: --tabel")


def test_parse_month() -> None:
    today = dt.date(2026, 11, 29)
    assert parse_month("2026-02", today=today) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert parse_month("2026-11", today=today) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    for bad in ("2026-12", "2027-01"):
        with pytest.raises(DocumentError, match="belum berjalan"):
            parse_month(bad, today=today)
    for bad in ("2026-13", "26-01", "2026/01", ""):
        with pytest.raises(DocumentError, match="tidak sah"):
            parse_month(bad, today=today)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2999-01"], "galat: BULAN: 2999-01 belum berjalan"),
        (["2026-1"], "galat: BULAN: '2026-1' tidak sah"),
        (["2026-01", "--format", "docx"], "galat: --format: nilai 'docx' tidak sah"),
        ([], "galat: BULAN: wajib diisi"),
    ],
)
def test_cli_bad_month_or_format(demo: tuple[Path, str], tmp_path: Path, args: list[str], message: str) -> None:
    db, _ = demo
    done = mtbs_here(db, "report", "monthly", *args, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith(message), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_cli_report_and_unwritable_folder(demo: tuple[Path, str], tmp_path: Path) -> None:
    """Through the real console script (the other command cases run in this process)."""
    db, month = demo
    done = mtbs(db, "report", "monthly", month, "--format", "csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / f"laporan-mtbs-{month}.csv").exists()
    blocker = tmp_path / "f"
    blocker.write_text("")
    done = mtbs(db, "report", "monthly", month, "--format", "pdf", "-o", str(blocker / "x.pdf"))
    assert done.returncode == 2 and done.stderr.startswith("galat: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f", f"laporan-mtbs-{month}.csv"]




def test_age_group_and_follow_up_boundaries(tmp_path: Path) -> None:
    """Hand-made register at the edges: 7/8 days, 59/60 days, 11/12 months; follow-ups done on the
    last day of grace, one day late, and still within grace on the report day."""
    from test_export_support import FACILITY, fake_classify

    reg = Register.open(tmp_path / "b.db", create=True, classifier=fake_classify)
    today = dt.date(2026, 9, 30)
    visit_day = dt.date(2026, 9, 10)

    def child(age_days: int, sex: str = "L") -> tuple[int, str]:
        birth = visit_day - dt.timedelta(days=age_days)
        pid = reg.add_patient(name=f"Anak {age_days}", sex=sex, birth_date=birth.isoformat(), actor="uji", today=today)
        return pid, birth.isoformat()

    def visit(pid: int, birth: str, day: dt.date, findings: dict, **kw: object) -> int:
        return reg.save_visit(patient_id=pid, case={"visit_date": day.isoformat(), "birth_date": birth,
                                                    "findings": findings}, actor="uji",
                              visit_at=f"{day.isoformat()}T09:00:00", today=today, **kw)

    try:
        reg.set_facility(actor="uji", **FACILITY)
        for age in (7, 8, 59, 60, 364):
            visit(*child(age), visit_day, {})
        visit(*child(366, "P"), visit_day, {})  # 12 completed months
        # Follow-ups (PNEUMONIA: due after 2 days).
        cough = {"batuk": True, "napas_per_menit": 58}
        a, ab = child(500)
        visit(a, ab, dt.date(2026, 9, 20), cough)                     # due 09-22
        visit(a, ab, dt.date(2026, 9, 25), {})                        # 09-25 = due + 3: done
        b, bb = child(501)
        visit(b, bb, dt.date(2026, 9, 20), cough)                     # due 09-22
        visit(b, bb, dt.date(2026, 9, 26), {})                        # due + 4: late, missed
        c, cb = child(502)
        visit(c, cb, dt.date(2026, 9, 26), cough)                     # due 09-28, grace to 10-01
        report = build_report(reg, "2026-09", today=today)
    finally:
        reg.close()
    vals = {(r.measure, r.pathway): v for r, v in zip(report.rows, report.values) if r.measure}
    bm = vals[("kunjungan", "bayi_muda")]
    assert bm[0] == 1 and bm[2] == 2  # 7 days -> 0-7; 8 and 59 days -> 8 hari-<2 bulan
    balita = vals[("kunjungan", "balita")]
    assert balita[4] == 2  # 60 and 364 days -> 2-<12 bulan (L)
    assert balita[7] == 1  # 366 days, girl -> 1-<5 tahun (P)
    assert vals[("kontrol_jatuh_tempo", None)][-1] == 3
    assert vals[("kontrol_selesai", None)][-1] == 1
    assert vals[("kontrol_terlewat", None)][-1] == 1
    assert vals[("kontrol_belum", None)][-1] == 1


def test_rendered_pdf_words_stay_inside_the_margins_and_their_column(demo: tuple[Path, str], tmp_path: Path) -> None:
    """Read back as the Dinas receives it (pdftotext -bbox): every word inside the page margins,
    and no word of a count row crosses the edge between the label column and the numbers."""
    import re

    from mtbs_tui.documents.monthly import LABEL_WIDTH, MM, _column_widths

    db, month = demo
    reg = Register.open(db)
    try:
        report = write_report(reg, month, "pdf", tmp_path / "l.pdf", audit=False)
    finally:
        reg.close()
    xml = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "l.pdf"), "-"], capture_output=True, text=True,
                         check=True).stdout
    heading_words = {w for r in report.rows if r.heading for w in r.label.split()}
    margin = 12 * MM
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', xml, re.S)
    assert len(pages) >= 2
    crossing = []
    for width, height, body in pages:
        width, height = float(width), float(height)
        words = [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', body)]
        for x0, y0, x1, y1, text in words:
            assert margin - 0.5 <= x0 and x1 <= width - margin + 0.5, text
            assert 0 <= y0 and y1 <= height - 5 * MM, text
        # The table is centred in the frame: the label column's right edge on this page.
        edge = margin + (width - 2 * margin - sum(_column_widths())) / 2 + LABEL_WIDTH
        top = min(y0 for _x0, y0, _x1, _y1, t in words if t == "Uraian")
        bottom = min([y0 for x0, y0, x1, y1, t in words if t == "Mengetahui,"] + [height - 13 * MM])
        for x0, y0, x1, _y1, text in words:
            if top <= y0 < bottom and x0 < edge < x1 and text not in heading_words:
                crossing.append(text)
    assert crossing == []


def test_follow_up_rows_agree_with_the_export_outcome_column(demo: tuple[Path, str], tmp_path: Path) -> None:
    """One follow-up rule: the report's kept/missed/not-yet rows equal the export's "Hasil kunjungan
    ulang" of the visits whose follow-up falls due in the month."""
    from mtbs_tui.documents.export import export_register, headers

    db, month = demo
    today = dt.date.today()
    reg = Register.open(db)
    try:
        report = build_report(reg, month, today=today)
        export_register(reg, dt.date(2000, 1, 1), today, "csv", tmp_path / "r.csv", audit=False, today=today)
    finally:
        reg.close()
    with open(tmp_path / "r.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))[1:]
    due, outcome = headers().index("Tanggal kunjungan ulang"), headers().index("Hasil kunjungan ulang")
    seen = Counter()
    for r in rows:
        if r[due].startswith(month):
            text = r[outcome]
            seen["kontrol_jatuh_tempo"] += 1
            if text.startswith("Datang terlambat") or text == "Tidak datang":
                seen["kontrol_terlewat"] += 1
            elif text.startswith("Datang"):
                seen["kontrol_selesai"] += 1
            else:
                assert text in ("Belum datang", "Belum jatuh tempo"), text
                seen["kontrol_belum"] += 1
    got = {r.measure: v[-1] for r, v in zip(report.rows, report.values) if r.measure and r.measure.startswith("kontrol")}
    assert got == {k: seen[k] for k in got} and got["kontrol_jatuh_tempo"] > 0


def test_a_section_heading_is_never_the_last_line_of_a_page(demo: tuple[Path, str], tmp_path: Path) -> None:
    """Read back with pdftotext: on every page of every month's PDF, the last table line above the
    footer is a count row, never a heading left alone at the foot (it goes with its first rows)."""
    from mtbs_tui.documents.monthly import build_report, write_pdf

    db, _ = demo
    conn = sqlite3.connect(db)
    months = [r[0] for r in conn.execute(
        "SELECT DISTINCT substr(visit_date, 1, 7) FROM visits WHERE visit_date < date('now', 'start of month') "
        "ORDER BY 1")]
    conn.close()
    reg = Register.open(db)
    checked = 0
    try:
        for month in months:
            report = build_report(reg, month)
            headings = {" ".join(r.label.split()) for r in report.rows if r.heading}
            out = tmp_path / f"{month}.pdf"
            write_pdf(report, out, reg.db)
            pages = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                                   check=True).stdout.split("\f")
            for page in pages:
                lines = [" ".join(line.split()) for line in page.splitlines() if line.strip()]
                body = [line for line in lines if "halaman" not in line]
                if not body or "Mengetahui," in page:
                    continue
                assert body[-1] not in headings, (month, body[-3:])
                checked += 1
    finally:
        reg.close()
    assert checked >= len(months)


def test_referral_reply_rows_agree_with_the_register(demo: tuple[Path, str]) -> None:
    """Issue 17: the demo answers most referrals and leaves some unanswered; the report's referral
    rows are the register's referrals of the month (`referrals_between`) by their reply."""
    db, month = demo
    reg = Register.open(db)
    try:
        report = build_report(reg, month)
        first, last = parse_month(month)
        referrals = reg.referrals_between(first, last)
    finally:
        reg.close()
    total = {r.measure: v[-1] for r, v in zip(report.rows, report.values) if r.measure and r.pathway is None}
    replies = [r["reply"] for r in referrals if r["reply"]]
    assert total["rujuk_segera"] == len(referrals) > 0
    assert total["rujukan_balasan"] == len(replies) > 0
    assert total["rujukan_belum_balasan"] == len(referrals) - len(replies)
    assert total["rujukan_tidak_datang"] == sum(r["outcome"] == "tidak_datang" for r in replies)
    assert total["rujukan_selesai"] == len(replies) - total["rujukan_tidak_datang"]
    assert total["rujukan_meninggal"] == sum(r["outcome"] == "meninggal" for r in replies)


def test_a_report_of_the_running_month_says_it_is_provisional(demo: tuple[Path, str], tmp_path: Path) -> None:
    """Made before the month is over, every format says SEMENTARA and how far the data go (on its
    last day too: visits may still come); a month that is over says nothing of the kind."""
    db, month = demo
    first = dt.date.fromisoformat(month + "-01")
    last = (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
    note = f"SEMENTARA: bulan belum selesai, data sampai {last.day} {MONTH_NAMES[last.month - 1]} {last.year}"
    reg = Register.open(db)
    try:
        for fmt in ("csv", "xlsx", "pdf"):
            report = write_report(reg, month, fmt, tmp_path / f"l.{fmt}", actor="kepala", today=last)
        over = build_report(reg, month, today=last + dt.timedelta(days=1))
    finally:
        reg.close()
    assert report.partial_note == note and over.partial_note is None
    with open(tmp_path / "l.csv", encoding="utf-8-sig", newline="") as fh:
        assert ["Status", note] in list(csv.reader(fh, delimiter=";"))[:9]
    cells = [c.value for c in openpyxl.load_workbook(tmp_path / "l.xlsx").active["A"][:6]]
    assert note in cells
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "l.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert note in " ".join(text.split())


def test_a_months_urgent_referrals_agree_across_the_documents(demo: tuple[Path, str], tmp_path: Path) -> None:
    """The head cross-checks one number: the month's urgent referrals (and those answered) are the
    same in the monthly report, the buku register rujukan, the register export and the quality
    report, each read back from its file."""
    from mtbs_tui.documents.export import export_register
    from mtbs_tui.documents.quality import write_report as write_quality
    from mtbs_tui.documents.referral_log import export_referral_log

    db, month = demo
    first, last = parse_month(month)
    reg = Register.open(db)
    try:
        report = write_report(reg, month, "csv", tmp_path / "bulanan.csv", actor="kepala")
        export_referral_log(reg, first, last, "xlsx", tmp_path / "rujukan.xlsx", actor="kepala")
        export_register(reg, first, last, "csv", tmp_path / "register.csv", audit=False)
        write_quality(reg, first, last, "xlsx", tmp_path / "mutu.xlsx", actor="kepala")
    finally:
        reg.close()
    with open(tmp_path / "bulanan.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    labels = {r.measure: r.label for r in report.rows if r.measure and r.pathway is None}
    total = {measure: int(next(row[-1] for row in rows if row and row[0] == label).replace("-", "0"))
             for measure, label in labels.items()}
    log = [r for r in openpyxl.load_workbook(tmp_path / "rujukan.xlsx").active.iter_rows(min_row=2, values_only=True)
           if r[0] is not None]
    with open(tmp_path / "register.csv", encoding="utf-8-sig", newline="") as fh:
        exported = list(csv.DictReader(fh, delimiter=";"))
    quality = {r[0]: r for r in openpyxl.load_workbook(tmp_path / "mutu.xlsx")["Indikator"].iter_rows(values_only=True)}
    answered_in_log = sum(1 for r in log if r[15] is not None)  # "Tanggal balasan"
    assert total["rujuk_segera"] == len(log) == sum(r["Rujukan"] == "Rujuk segera" for r in exported) > 0
    assert total["rujukan_balasan"] == answered_in_log == quality["Rujukan dengan balasan"][1] > 0
