"""The monthly MTBS/MTBM report (laporan bulanan) for the Dinas Kesehatan, as XLSX, PDF or CSV.

The layout is ONE table definition (`default_table()`, or a JSON file given with `--tabel`): a list
of rows, each either a heading or a count. A count row counts visits of the month that

* printed any of its classification `codes` (optionally only on one `pathway`), or
* match one named `measure` (visits, first visits, follow-up visits, urgent and non-urgent
  referrals, follow-ups due / done / missed / not yet due).

Every row is counted in the same columns: the four age groups of the Dinas template (bayi muda
0-7 days and 8 days - <2 months; 2 - <12 months; 1 - <5 years) by sex, then totals. Age groups use
the age in days for young infants (as the chart routes them) and completed months after that.
A district changes the rows, their order or their wording by editing the JSON file; see
docs/documents.md.

Counting is done in SQL (three grouped queries over the month's visits), so a month of a
100,000-visit register takes well under a second.
"""
from __future__ import annotations

import csv
import datetime as _dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtbs_tui.documents.common import (
    MONTHS,
    DocumentError,
    atomic_output,
    os_reason,
    footer_text,
    para_text,
    pdf_safe,
    record_audit,
)

FORMATS = ("xlsx", "pdf", "csv")
# A follow-up counts as done when the child is seen again on or before the due date plus this many
# days; after that it is missed. A named constant so a district can align it with its own rule.
FOLLOW_UP_GRACE_DAYS = 3

AGE_GROUPS: tuple[tuple[str, str], ...] = (
    ("0-7 hari", "v.age_days <= 7"),
    ("8 hari-<2 bulan", "v.age_days BETWEEN 8 AND 59"),
    ("2-<12 bulan", "v.age_days >= 60 AND v.age_months < 12"),
    ("1-<5 tahun", "v.age_days >= 60 AND v.age_months >= 12"),
)
SEXES = ("L", "P")

MEASURES = {
    "kunjungan": "Jumlah kunjungan sakit yang dilayani",
    "pertama": "Kunjungan pertama",
    "ulang": "Kunjungan ulang (kontrol)",
    "rujuk_segera": "Dirujuk segera (klasifikasi merah)",
    "rujuk": "Dirujuk tidak segera",
    "kontrol_jatuh_tempo": "Kunjungan ulang jatuh tempo bulan ini",
    "kontrol_selesai": "Kunjungan ulang dilakukan",
    "kontrol_terlewat": "Kunjungan ulang terlewat",
    "kontrol_belum": "Kunjungan ulang belum jatuh tempo lewat",
}


@dataclass(frozen=True)
class ReportRow:
    label: str
    codes: tuple[str, ...] = ()
    measure: str | None = None
    pathway: str | None = None  # "balita" | "bayi_muda" | None (both)
    heading: bool = False


@dataclass
class MonthlyReport:
    month: str  # YYYY-MM
    facility: dict
    rows: list[ReportRow]
    values: list[list[int] | None]  # per row: the count per column (None for headings)
    columns: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        year, mon = int(self.month[:4]), int(self.month[5:])
        return f"Laporan Bulanan MTBS/MTBM - {MONTHS[mon - 1]} {year}"


def column_titles() -> list[str]:
    cols = [f"{label} {sex}" for label, _ in AGE_GROUPS for sex in SEXES]
    return cols + ["Jumlah L", "Jumlah P", "Jumlah"]


# --- the table definition -------------------------------------------------------------------------

_BALITA_SECTIONS = (
    ("Tanda bahaya umum / SAGA", "tanda_bahaya"), ("Batuk atau sukar bernapas", "batuk"),
    ("Diare", "diare"), ("Demam: malaria", "demam_malaria"), ("Demam: campak", "campak"),
    ("Demam: dengue/DBD", "dengue"), ("Masalah telinga", "telinga"), ("Status gizi", "gizi"),
    ("Status pertumbuhan (PB/U, TB/U)", "pertumbuhan"), ("Lingkar kepala", "lingkar_kepala"),
    ("Anemia", "anemia"), ("Status HIV", "hiv"), ("Pemberian makan", "pemberian_makan"),
)
_BAYI_MUDA_SECTIONS = (
    ("Infeksi bakteri", "bm_infeksi"), ("Ikterus", "bm_ikterus"), ("Diare", "bm_diare"),
    ("Status HIV", "bm_hiv"), ("Berat badan dan pemberian ASI/minum", "bm_berat_badan_asi"),
)


def default_table() -> list[ReportRow]:
    """The report as the Dinas template of mtbs-chart.md §6.4 lays it out (MTBS then MTBM sheet),
    with every classification code of the chart in chart order."""
    from mtbs_tui.rules.codes import CLASSIFICATIONS

    def pathway_rows(title: str, pathway: str, sections: Any, referral_title: str) -> list[ReportRow]:
        rows = [ReportRow(title, heading=True)]
        rows += [ReportRow(MEASURES[m], measure=m, pathway=pathway) for m in ("kunjungan", "pertama", "ulang")]
        for section_title, module in sections:
            rows.append(ReportRow(section_title, heading=True))
            rows += [ReportRow(c.label, codes=(c.code,), pathway=pathway)
                     for c in CLASSIFICATIONS[pathway].values() if c.module == module]
        rows.append(ReportRow(referral_title, heading=True))
        rows += [ReportRow(MEASURES[m], measure=m, pathway=pathway) for m in ("rujuk_segera", "rujuk")]
        return rows

    rows = pathway_rows("A. MTBS: BALITA SAKIT (2 BULAN - <5 TAHUN)", "balita", _BALITA_SECTIONS,
                        "Rujukan balita")
    rows += pathway_rows("B. MTBM: BAYI MUDA (0 - <2 BULAN)", "bayi_muda", _BAYI_MUDA_SECTIONS,
                         "Rujukan bayi muda")
    rows += [
        ReportRow("C. KUNJUNGAN ULANG (MTBS DAN MTBM)", heading=True),
        ReportRow(MEASURES["kontrol_jatuh_tempo"], measure="kontrol_jatuh_tempo"),
        ReportRow(MEASURES["kontrol_selesai"], measure="kontrol_selesai"),
        ReportRow(MEASURES["kontrol_terlewat"], measure="kontrol_terlewat"),
        ReportRow(MEASURES["kontrol_belum"], measure="kontrol_belum"),
    ]
    return rows


def table_to_json(rows: list[ReportRow]) -> str:
    out = []
    for r in rows:
        item: dict[str, Any] = {"label": r.label}
        if r.heading:
            item["heading"] = True
        if r.codes:
            item["codes"] = list(r.codes)
        if r.measure:
            item["measure"] = r.measure
        if r.pathway:
            item["pathway"] = r.pathway
        out.append(item)
    return json.dumps(out, ensure_ascii=False, indent=1)


def load_table(path: Path | str) -> list[ReportRow]:
    """A district's own table: a JSON list of {label, heading?, codes?, measure?, pathway?}."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DocumentError(f"galat: --tabel: {path}: berkas tidak dapat dibaca ({os_reason(exc)})") from exc
    except ValueError as exc:
        raise DocumentError(f"galat: --tabel: {path}: bukan JSON yang sah ({exc})") from exc
    if not isinstance(data, list) or not data:
        raise DocumentError("galat: --tabel: harus berupa daftar baris JSON yang tidak kosong")
    rows = []
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict) or not isinstance(item.get("label"), str):
            raise DocumentError(f"galat: --tabel: baris {i}: wajib berupa objek dengan \"label\" teks")
        unknown = set(item) - {"label", "heading", "codes", "measure", "pathway"}
        if unknown:
            raise DocumentError(f"galat: --tabel: baris {i}: kunci tidak dikenal {sorted(unknown)[0]}")
        measure = item.get("measure")
        if measure is not None and measure not in MEASURES:
            raise DocumentError(f"galat: --tabel: baris {i}: measure {measure!r} tidak dikenal "
                                f"(pilihan: {', '.join(MEASURES)})")
        pathway = item.get("pathway")
        if pathway not in (None, "balita", "bayi_muda"):
            raise DocumentError(f"galat: --tabel: baris {i}: pathway harus balita atau bayi_muda")
        codes = item.get("codes") or []
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise DocumentError(f"galat: --tabel: baris {i}: codes harus daftar kode klasifikasi")
        heading = bool(item.get("heading"))
        if not heading and not codes and not measure:
            raise DocumentError(f"galat: --tabel: baris {i}: isi codes atau measure (atau heading: true)")
        rows.append(ReportRow(item["label"], tuple(codes), measure, pathway, heading))
    return rows


# --- counting -------------------------------------------------------------------------------------

def parse_month(text: str, *, today: _dt.date | None = None) -> tuple[_dt.date, _dt.date]:
    """`2026-11` -> (first day, last day); refuses a malformed or future month."""
    today = today or _dt.date.today()
    m = re.fullmatch(r"(\d{4})-(\d{2})", (text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise DocumentError(f"galat: BULAN: {text!r} tidak sah (format TTTT-BB, mis. {today:%Y-%m})")
    first = _dt.date(int(m.group(1)), int(m.group(2)), 1)
    if first > today.replace(day=1):
        raise DocumentError(f"galat: BULAN: {text} belum berjalan (bulan ini {today:%Y-%m})")
    nxt = _dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, nxt - _dt.timedelta(days=1)


def _group_case() -> str:
    parts = " ".join(f"WHEN {cond} THEN {i}" for i, (_, cond) in enumerate(AGE_GROUPS))
    return f"CASE {parts} END"


def count_month(db: Any, first: _dt.date, last: _dt.date, rows: list[ReportRow], *,
                today: _dt.date | None = None) -> list[list[int] | None]:
    today = today or _dt.date.today()
    grp = _group_case()
    base = ("FROM visits v INDEXED BY visits_final_at WHERE v.is_current = 1 AND v.status = 'final' "
            "AND v.visit_at >= ? AND v.visit_at <= ?")
    rng = [f"{first.isoformat()}T", f"{last.isoformat()}T\uffff"]
    # measure -> (pathway, group, sex) -> count
    m: dict[str, dict[tuple[str, int, str], int]] = {k: {} for k in MEASURES}
    for pathway, g, sex, total, pertama, ulang, segera, rujuk in db.execute(
        f"SELECT v.pathway, {grp}, (SELECT sex FROM patients p WHERE p.id = v.patient_id), count(*), "
        "sum(v.kind = 'pertama'), sum(v.kind = 'ulang'), sum(v.refer_urgently = 1), "
        "sum(v.refer_urgently IS NOT 1 AND EXISTS (SELECT 1 FROM visit_treatments t WHERE t.visit_id = v.id "
        "  AND t.code = 'RUJUK')) "
        f"{base} GROUP BY 1, 2, 3", rng
    ):
        key = (pathway, g, sex)
        for name, value in (("kunjungan", total), ("pertama", pertama), ("ulang", ulang),
                            ("rujuk_segera", segera), ("rujuk", rujuk)):
            m[name][key] = int(value or 0)
    # code -> (pathway, group, sex) -> visits with that classification
    codes: dict[str, dict[tuple[str, int, str], int]] = {}
    for pathway, code, g, sex, n in db.execute(
        f"SELECT v.pathway, c.code, {grp}, p.sex, count(DISTINCT v.id) "
        f"FROM visit_classifications c JOIN visits v ON v.id = c.visit_id JOIN patients p ON p.id = v.patient_id "
        f"WHERE v.id IN (SELECT v.id {base}) GROUP BY 1, 2, 3, 4", rng
    ):
        codes.setdefault(code, {})[(pathway, g, sex)] = int(n)
    # Follow-ups due this month, by the age group of the visit that asked for them.
    grace = FOLLOW_UP_GRACE_DAYS
    for pathway, g, sex, due, done, missed in db.execute(
        f"SELECT v.pathway, {grp}, (SELECT sex FROM patients p WHERE p.id = v.patient_id), count(*), "
        "sum(d.done), sum(NOT d.done AND date(v.follow_up_date, ?) < ?) "
        "FROM visits v JOIN (SELECT w.id, EXISTS (SELECT 1 FROM visits x WHERE x.patient_id = w.patient_id "
        "  AND x.is_current = 1 AND x.status = 'final' AND x.visit_at > w.visit_at "
        "  AND x.visit_date <= date(w.follow_up_date, ?)) AS done FROM visits w "
        "  WHERE w.is_current = 1 AND w.status = 'final' AND w.follow_up_date BETWEEN ? AND ?) d ON d.id = v.id "
        "GROUP BY 1, 2, 3",
        [f"+{grace} days", today.isoformat(), f"+{grace} days", first.isoformat(), last.isoformat()],
    ):
        key = (pathway, g, sex)
        m["kontrol_jatuh_tempo"][key] = int(due)
        m["kontrol_selesai"][key] = int(done or 0)
        m["kontrol_terlewat"][key] = int(missed or 0)
        m["kontrol_belum"][key] = int(due) - int(done or 0) - int(missed or 0)

    values: list[list[int] | None] = []
    for row in rows:
        if row.heading:
            values.append(None)
            continue
        sources: list[dict[tuple[str, int, str], int]] = []
        if row.measure:
            sources.append(m[row.measure])
        sources += [codes.get(c, {}) for c in row.codes]
        cells = []
        for g in range(len(AGE_GROUPS)):
            for sex in SEXES:
                cells.append(sum(n for src in sources for (p, gg, s), n in src.items()
                                 if gg == g and s == sex and (row.pathway is None or p == row.pathway)))
        total_l = sum(cells[0::2])
        total_p = sum(cells[1::2])
        values.append(cells + [total_l, total_p, total_l + total_p])
    return values


def build_report(register: Any, month: str, *, table: list[ReportRow] | None = None,
                 today: _dt.date | None = None) -> MonthlyReport:
    first, last = parse_month(month, today=today)
    rows = table or default_table()
    values = count_month(register.db, first, last, rows, today=today)
    return MonthlyReport(month=first.strftime("%Y-%m"), facility=register.facility() or {}, rows=rows,
                         values=values, columns=column_titles())


# --- output ---------------------------------------------------------------------------------------

def _identity_lines(report: MonthlyReport) -> list[str]:
    fac = report.facility
    name = fac.get("name") or "-"
    if not name.lower().startswith("puskesmas"):
        name = f"Puskesmas {name}"
    lines = [report.title, name + (f" (kode {fac['code']})" if fac.get("code") else "")]
    where = ", ".join(x for x in [fac.get("district"), fac.get("province")] if x)
    if where:
        lines.append(f"Kabupaten/kota, provinsi: {where}")
    return lines


def write_csv(report: MonthlyReport, path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        w.writerow(["Uraian", *report.columns])
        for row, vals in zip(report.rows, report.values):
            w.writerow([row.label] + ([""] * len(report.columns) if vals is None else vals))


def write_xlsx(report: MonthlyReport, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = f"MTBS {report.month}"
    bold = Font(bold=True)
    lines = _identity_lines(report)
    for i, text in enumerate(lines, 1):
        ws.cell(row=i, column=1, value=text).font = Font(bold=True, size=13 if i == 1 else 11)
    head_row = len(lines) + 2
    grey = PatternFill("solid", fgColor="DDDDDD")
    for j, title in enumerate(["Uraian", *report.columns], 1):
        c = ws.cell(row=head_row, column=j, value=title)
        c.font = bold
        c.fill = grey
        c.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center")
    r = head_row
    for row, vals in zip(report.rows, report.values):
        r += 1
        c = ws.cell(row=r, column=1, value=row.label)
        if vals is None:
            c.font = bold
            continue
        for j, v in enumerate(vals, 2):
            ws.cell(row=r, column=j, value=v)
    ws.column_dimensions["A"].width = 58
    for j in range(2, len(report.columns) + 2):
        ws.column_dimensions[get_column_letter(j)].width = 10
    ws.row_dimensions[head_row].height = 32
    ws.freeze_panes = ws.cell(row=head_row + 1, column=2)
    wb.properties.title = report.title
    wb.properties.creator = "mtbs_tui"
    wb.save(path)


def write_pdf(report: MonthlyReport, path: Path, db: Any) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from mtbs_tui.documents.common import styles

    st = styles()
    page = landscape(A4)
    footer = footer_text(db, report.title)

    def on_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 6.5)
        canvas.drawString(12 * mm, 7 * mm, f"{footer} - halaman {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(str(path), pagesize=page, leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=11 * mm, bottomMargin=13 * mm, title=report.title, author="mtbs_tui",
                            invariant=1)
    story: list[Any] = [Paragraph(para_text(report.title.upper()), st["title"])]
    for line in _identity_lines(report)[1:]:
        story.append(Paragraph(para_text(line), st["center"]))
    story.append(Spacer(1, 4))
    ncols = len(report.columns)
    top: list[Any] = ["Uraian"]
    for label, _ in AGE_GROUPS:
        top += [label, ""]
    top += ["Jumlah", "", ""]
    data: list[list[Any]] = [top, [""] + [s for _ in AGE_GROUPS for s in SEXES] + ["L", "P", "L+P"]]
    heading_rows = []
    for i, (row, vals) in enumerate(zip(report.rows, report.values), 2):
        if vals is None:
            data.append([pdf_safe(row.label)] + [""] * ncols)
            heading_rows.append(i)
        else:
            data.append([pdf_safe(row.label)] + [str(v) if v else "-" for v in vals])
    widths = [95 * mm] + [16 * mm] * 8 + [15 * mm] * 3
    t = Table(data, colWidths=widths, repeatRows=2)
    style = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 7.4),
        ("FONT", (0, 0), (-1, 1), "Helvetica-Bold", 7.2),
        ("BACKGROUND", (0, 0), (-1, 1), colors.HexColor("#dddddd")),
        ("SPAN", (0, 0), (0, 1)),
        *[("SPAN", (1 + 2 * g, 0), (2 + 2 * g, 0)) for g in range(len(AGE_GROUPS))],
        ("SPAN", (1 + 2 * len(AGE_GROUPS), 0), (-1, 0)),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("ALIGN", (1, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("BACKGROUND", (-3, 2), (-1, -1), colors.HexColor("#f3f3f3")),
    ]
    for i in heading_rows:
        style += [("FONT", (0, i), (-1, i), "Helvetica-Bold", 7.6), ("SPAN", (0, i), (-1, i)),
                  ("BACKGROUND", (0, i), (-1, i), colors.HexColor("#eeeeee"))]
    t.setStyle(TableStyle(style))
    story.append(t)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)


def write_report(register: Any, month: str, fmt: str, out_path: Path | str, *,
                 table: list[ReportRow] | None = None, audit: bool = True, actor: str | None = None,
                 today: _dt.date | None = None) -> MonthlyReport:
    if fmt not in FORMATS:
        raise DocumentError(f"galat: --format: pilihan: {', '.join(FORMATS)}")
    report = build_report(register, month, table=table, today=today)
    out_path = Path(out_path)
    with atomic_output(out_path) as tmp:
        if fmt == "csv":
            write_csv(report, tmp)
        elif fmt == "xlsx":
            write_xlsx(report, tmp)
        else:
            write_pdf(report, tmp, register.db)
    if audit:
        record_audit(register, "laporan.bulanan", detail=f"{report.month}, {fmt}", actor=actor)
    return report
