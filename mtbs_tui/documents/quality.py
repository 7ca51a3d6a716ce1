"""The quality-indicator report (`mtbs report mutu`) as CSV, XLSX or PDF (issue 18).

The numbers come from `mtbs_tui.quality.compute` (one home for the definitions); this module only
lays them out. The PDF (A4 landscape) has one row per indicator with its numerator/denominator,
its value for the period and a small bar chart of the months drawn with reportlab's own graphics,
then the month-by-month values (12 months per table), the median consultation minutes per worker,
and the definitions.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from mtbs_tui.audit import record_audit
from mtbs_tui.documents.common import (
    FONT,
    FONT_BOLD,
    build_landscape_pdf,
    csv_file,
    facility_lines,
    footer_text,
    para_text,
    require_format,
    write_as,
    xlsx_header_row,
    xlsx_print_setup,
)
from mtbs_tui.quality import (
    INDICATORS,
    Indicator,
    QualityReport,
    Value,
    better_text,
    compute,
    fraction_text,
)

FORMATS = ("pdf", "xlsx", "csv")
MONTHS_PER_TABLE = 12


def month_label(month: str) -> str:
    """`2026-03` -> `03/26` (a narrow column head)."""
    return f"{month[5:7]}/{month[2:4]}"


def _number(value: Value) -> float | None:
    return None if value.value is None else round(value.value, 1)




TREATMENT_HEADS = ["Kode", "Tindakan/obat bagan", "Dianjurkan", "Diberikan sesuai", "Diberikan lain",
                   "Tidak diberikan", "Belum dicatat", "% sesuai"]


def treatment_rows(report: QualityReport) -> list[list[Any]]:
    """Per chart treatment of the period (Register.treatment_agreement): recommended, each recorded
    outcome, not yet recorded, and the share given as recommended of those recorded."""
    from mtbs_tui.rules.codes import TREATMENTS

    out: list[list[Any]] = []
    for code, c in sorted(report.treatments.items(), key=lambda kv: (-kv[1]["recommended"], kv[0])):
        recorded = c["given"] + c["otherwise"] + c["not_given"]
        share = round(100.0 * c["given"] / recorded, 1) if recorded else None
        out.append([code, TREATMENTS.get(code, code), c["recommended"], c["given"], c["otherwise"], c["not_given"],
                    c["unrecorded"], share])
    return out


# --- CSV and XLSX -----------------------------------------------------------------------------------

# The minutes per worker come from visits saved from a draft; without any, both formats say so.
NO_TIMED_VISITS = "Belum ada kunjungan yang disimpan dari draf dalam periode ini."


def write_csv(report: QualityReport, path: Path) -> None:
    """Key/value lines naming the puskesmas and the period, an empty line, then one line per
    indicator and month (month `periode` = the whole period)."""
    fac = report.facility
    with csv_file(path) as w:
        w.writerow(["Laporan", report.title])
        w.writerow(["Puskesmas", fac.get("name") or ""])
        w.writerow(["Kode puskesmas", fac.get("code") or ""])
        w.writerow(["Dari", report.first.isoformat()])
        w.writerow(["Sampai", report.last.isoformat()])
        w.writerow(["Dibuat", report.made_on.isoformat()])
        w.writerow([])
        w.writerow(["Kode indikator", "Indikator", "Bulan", "Pembilang", "Penyebut", "Nilai", "Satuan"])
        for ind in INDICATORS:
            values = list(zip(report.months, report.monthly[ind.id])) + [("periode", report.total[ind.id])]
            for month, v in values:
                num = _number(v)
                w.writerow([ind.id, ind.label, month, "" if v.numerator is None else v.numerator,
                            "" if v.denominator is None else v.denominator,
                            "" if num is None else f"{num:.1f}".replace(".", ","), ind.unit])


def write_xlsx(report: QualityReport, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wrap = Alignment(wrap_text=True, vertical="top")
    header = xlsx_header_row

    ws = wb.active
    ws.title = "Indikator"
    ws.cell(row=1, column=1, value=report.title).font = Font(bold=True, size=13)
    lines = facility_lines(report.facility)
    for i, line in enumerate(lines, 2):
        ws.cell(row=i, column=1, value=line)
    top = len(lines) + 3
    header(ws, top, ["Indikator", "Pembilang", "Penyebut", "Nilai", "Satuan", "Arah", "Pembilang (definisi)",
                     "Penyebut (definisi)"])
    for r, ind in enumerate(INDICATORS, top + 1):
        v = report.total[ind.id]
        ws.cell(row=r, column=1, value=ind.label)
        ws.cell(row=r, column=2, value=v.numerator)
        ws.cell(row=r, column=3, value=v.denominator)
        ws.cell(row=r, column=4, value=_number(v))
        ws.cell(row=r, column=5, value=ind.unit)
        ws.cell(row=r, column=6, value=better_text(ind))
        ws.cell(row=r, column=7, value=ind.numerator).alignment = wrap
        ws.cell(row=r, column=8, value=ind.denominator).alignment = wrap
    for col, width in zip("ABCDEFGH", (30, 11, 11, 10, 7, 22, 50, 50)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = ws.cell(row=top + 1, column=2)

    trend = wb.create_sheet("Per bulan")
    header(trend, 1, ["Indikator", "Bulan", "Pembilang", "Penyebut", "Nilai", "Satuan"])
    r = 1
    for ind in INDICATORS:
        for month, v in zip(report.months, report.monthly[ind.id]):
            r += 1
            trend.cell(row=r, column=1, value=ind.label)
            trend.cell(row=r, column=2, value=month)
            trend.cell(row=r, column=3, value=v.numerator)
            trend.cell(row=r, column=4, value=v.denominator)
            trend.cell(row=r, column=5, value=_number(v))
            trend.cell(row=r, column=6, value=ind.unit)
    for col, width in zip("ABCDEF", (30, 10, 11, 11, 10, 7)):
        trend.column_dimensions[col].width = width
    trend.freeze_panes = "A2"

    given = wb.create_sheet("Pengobatan")
    header(given, 1, TREATMENT_HEADS)
    for r, cells in enumerate(treatment_rows(report), 2):
        for j, value in enumerate(cells, 1):
            given.cell(row=r, column=j, value=value)
    for col, width in zip("ABCDEFGH", (26, 44, 11, 11, 11, 11, 11, 10)):
        given.column_dimensions[col].width = width
    given.freeze_panes = "C2"

    people = wb.create_sheet("Petugas")
    header(people, 1, ["Petugas", "Kunjungan terukur", "Median menit per konsultasi"])
    for r, (worker, n, median) in enumerate(report.workers, 2):
        people.cell(row=r, column=1, value=worker)
        people.cell(row=r, column=2, value=n)
        people.cell(row=r, column=3, value=median)
    if not report.workers:  # an empty sheet reads as a broken file; say why it is empty
        people.cell(row=2, column=1, value=NO_TIMED_VISITS)
    for col, width in zip("ABC", (28, 18, 26)):
        people.column_dimensions[col].width = width
    for sheet, head_row in ((ws, top), (trend, 1), (given, 1), (people, 1)):
        xlsx_print_setup(sheet, report.title, head_row=head_row)
    wb.properties.title = report.title
    wb.properties.creator = "mtbs_tui"
    wb.save(path)


# --- PDF --------------------------------------------------------------------------------------------

CHART_W_MM, CHART_H_MM = 78, 11


def trend_chart(ind: Indicator, values: list[Value], months: list[str]) -> Any:
    """A small bar chart of one indicator, one bar per month (reportlab.graphics): percentages
    against 100 %, minutes against the largest month; a month without a value has no bar and a
    short grey tick on the baseline."""
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors
    from reportlab.lib.units import mm

    w, h = CHART_W_MM * mm, CHART_H_MM * mm
    d = Drawing(w, h)
    label_h = 6.0
    base = label_h
    plot_h = h - label_h - 1
    known = [v.value for v in values if v.value is not None]
    top = 100.0 if ind.unit == "%" else (max(known) if known else 1.0) or 1.0
    n = max(1, len(values))
    slot = w / n
    bar = max(1.5, slot * 0.62)
    d.add(Line(0, base, w, base, strokeColor=colors.grey, strokeWidth=0.4))
    for i, v in enumerate(values):
        x = i * slot + (slot - bar) / 2
        if v.value is None:
            d.add(Line(x, base, x + bar, base, strokeColor=colors.lightgrey, strokeWidth=1.2))
            continue
        height = max(0.6, plot_h * min(1.0, v.value / top))
        d.add(Rect(x, base, bar, height, fillColor=colors.HexColor("#4a6fa5"), strokeColor=None))
    if months:
        d.add(String(0, 0.5, month_label(months[0]), fontName=FONT, fontSize=5.2, fillColor=colors.black))
        if len(months) > 1:
            d.add(String(w, 0.5, month_label(months[-1]), fontName=FONT, fontSize=5.2, textAnchor="end",
                         fillColor=colors.black))
    return d


def write_pdf(report: QualityReport, path: Path, db: Any) -> None:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

    from mtbs_tui.documents.common import styles

    st = styles()
    footer = footer_text(db, report.title)
    grid = [
        ("FONT", (0, 0), (-1, -1), FONT, 7.6, 9.2),
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, 7.4, 9),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dddddd")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    story: list[Any] = [Paragraph(para_text(report.title.upper()), st["title"])]
    for line in facility_lines(report.facility):
        story.append(Paragraph(para_text(line), st["center"]))
    story.append(Spacer(1, 5))

    rows: list[list[Any]] = [["Indikator", "Pembilang/penyebut", "Nilai periode", "Tren per bulan", "Arah"]]
    for ind in INDICATORS:
        v = report.total[ind.id]
        rows.append([Paragraph(para_text(ind.label), st["base"]), fraction_text(ind, v),
                     v.text(ind.unit),
                     trend_chart(ind, report.monthly[ind.id], report.months), better_text(ind)])
    t = Table(rows, colWidths=[62 * mm, 34 * mm, 24 * mm, (CHART_W_MM + 6) * mm, 40 * mm], repeatRows=1)
    t.setStyle(TableStyle(grid + [("ALIGN", (1, 1), (2, -1), "RIGHT")]))
    story.append(t)

    for start in range(0, len(report.months), MONTHS_PER_TABLE):
        chunk = report.months[start:start + MONTHS_PER_TABLE]
        head = ["Indikator", *[month_label(m) for m in chunk]]
        body: list[list[Any]] = [head]
        for ind in INDICATORS:
            vals = report.monthly[ind.id][start:start + MONTHS_PER_TABLE]
            body.append([ind.label, *[v.text(ind.unit) for v in vals]])
        widths = [62 * mm] + [min(17 * mm, (273 - 62) * mm / max(1, len(chunk)))] * len(chunk)
        table = Table(body, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle(grid + [("ALIGN", (1, 0), (-1, -1), "RIGHT")]))
        story.append(KeepTogether([Spacer(1, 6), Paragraph("Nilai per bulan", st["section"]), table]))

    if report.treatments:
        rows = [["Tindakan/obat bagan", "Dianjurkan", "Sesuai", "Lain", "Tidak", "Belum dicatat", "% sesuai"]]
        for cells in treatment_rows(report):
            pct = Value(None, None, cells[7]).text()
            rows.append([Paragraph(para_text(cells[1]), st["small"]), *[str(x) for x in cells[2:7]], pct])
        tt = Table(rows, colWidths=[100 * mm] + [22 * mm] * 6, repeatRows=1, hAlign="LEFT")
        tt.setStyle(TableStyle(grid + [("ALIGN", (1, 1), (-1, -1), "RIGHT")]))
        story.append(Spacer(1, 6))
        story.append(Paragraph("Pengobatan menurut bagan: yang dicatat diberikan (periode)", st["section"]))
        story.append(tt)

    heading = [Spacer(1, 6), Paragraph("Median menit per konsultasi menurut petugas (untuk perencanaan beban "
                                       "kerja)", st["section"])]
    if report.workers:
        people = [["Petugas", "Kunjungan terukur", "Median menit"]]
        people += [[w, str(n), f"{m:.1f}".replace(".", ",")] for w, n, m in report.workers]
        pt = Table(people, colWidths=[62 * mm, 34 * mm, 30 * mm], hAlign="LEFT")
        pt.setStyle(TableStyle(grid + [("ALIGN", (1, 1), (-1, -1), "RIGHT")]))
        story.append(KeepTogether([*heading, pt]))
    else:
        story.append(KeepTogether([*heading, Paragraph(NO_TIMED_VISITS, st["base"])]))

    story.append(Spacer(1, 6))
    story.append(Paragraph("Definisi (pembilang / penyebut)", st["section"]))
    for ind in INDICATORS:
        text = f"<b>{para_text(ind.label)}</b>: {para_text(ind.numerator)} / {para_text(ind.denominator)}"
        story.append(Paragraph(text, st["small"]))

    build_landscape_pdf(path, story, title=report.title, footer=footer)


def write_report(register: Any, first: _dt.date, last: _dt.date, fmt: str, out_path: Path | str, *,
                 actor: str | None = None, today: _dt.date | None = None,
                 report: QualityReport | None = None) -> QualityReport:
    """Write the report of `first`..`last` and audit it. `report`: the same period already
    computed (the Mutu screen computes it in a worker thread; a year takes seconds on an old PC)."""
    require_format(fmt, FORMATS)
    if report is None or (report.first, report.last) != (first, last):
        report = compute(register, first, last, today=today)
    write_as(fmt, out_path, {"pdf": lambda tmp: write_pdf(report, tmp, register.db),
                             "xlsx": lambda tmp: write_xlsx(report, tmp), "csv": lambda tmp: write_csv(report, tmp)})
    record_audit(register, "laporan.mutu", detail=f"{first.isoformat()}..{last.isoformat()}, {fmt}", actor=actor)
    return report

