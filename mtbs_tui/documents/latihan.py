"""The assessor's report of a kalakarya session (issue 19): PDF (reportlab, with a small bar chart
of the chart modules the group got wrong most, drawn with reportlab's own graphics) and XLSX
(openpyxl: one sheet per participant summary, per case, and every counted attempt). Fictitious
cases only: no patient data. Both are written through ``atomic_output``."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from mtbs_tui.documents.common import (
    FONT,
    XLSX_DATETIME_FORMAT,
    app_version,
    atomic_output,
    date_text,
    para_fit,
    para_text,
    report_footer_canvas,
    styles,
    write_bytes,
    xlsx_moment,
    xlsx_print_setup,
)
from mtbs_tui.latihan.report import AREA_TITLES, PracticeReport, area_percent, percent_text
from mtbs_tui.latihan.scoring import AREAS

MM = 72 / 25.4
CHART_BARS = 8
MATRIX_CASES = 12  # the participant x case table fits the page up to this many cases (XLSX: always)


def _bar_chart(report: PracticeReport) -> Any:
    """A horizontal bar chart: the chart modules with the most classification differences."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    items = report.modules_wrong[:CHART_BARS][::-1]  # the most at the top
    height = 30 + 14 * max(len(items), 1)
    drawing = Drawing(170 * MM, height)
    if not items:
        drawing.add(String(0, 4, "Tidak ada kesalahan klasifikasi.", fontName=FONT, fontSize=8))
        return drawing
    chart = HorizontalBarChart()
    chart.x, chart.y = 62 * MM, 24
    chart.width, chart.height = 100 * MM, height - 30
    chart.data = [[n for _, n in items]]
    chart.bars[0].fillColor = colors.HexColor("#C0392B")
    chart.barWidth = 8
    chart.categoryAxis.categoryNames = [label if len(label) <= 38 else label[:36] + "…" for label, _ in items]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    top = max(n for _, n in items)
    chart.valueAxis.valueMax = top + 1
    chart.valueAxis.valueStep = max(1, (top + 4) // 5)
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    drawing.add(chart)
    drawing.add(String(62 * MM, 0, "jumlah klasifikasi yang berbeda dari bagan", fontName=FONT, fontSize=6.5))
    return drawing


def _table(rows: list[list[Any]], widths: list[float], st: dict[str, Any]) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    pad = 2.5  # LEFTPADDING and RIGHTPADDING below
    cells = [[Paragraph(para_fit(c, w - 2 * pad, (st["bold"] if i == 0 else st["small"]).fontSize, bold=i == 0),
                        st["bold"] if i == 0 else st["small"])
              for c, w in zip(row, widths)] for i, row in enumerate(rows)]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDDDDD")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
    ]))
    return table


def pdf_bytes(report: PracticeReport, *, today: _dt.date | None = None) -> bytes:
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    st = styles()
    day = today or _dt.date.today()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * MM, rightMargin=15 * MM, topMargin=14 * MM,
                            bottomMargin=14 * MM, title=f"Laporan latihan MTBS: {report.title}",
                            author="mtbs_tui")
    story: list[Any] = [
        Paragraph("LAPORAN LATIHAN MTBS (KALAKARYA)", st["title"]),
        Paragraph(para_text(f"{report.title} · {len(report.participants)} peserta · {report.cases_total} kasus · "
                            f"dicetak {date_text(day)}"), st["center"]),
        Spacer(1, 4 * MM),
        Paragraph("Nilai per peserta (kasus terakhir yang dikerjakan)", st["section"]),
    ]
    head = ["Peserta", "Kasus", "Nilai", *AREA_TITLES]
    rows = [head] + [[p.name, f"{p.done}/{report.cases_total}", percent_text(p.percent),
                      *(percent_text(p.areas[a]) for a in AREAS)] for p in report.participants]
    rows.append(["Kelompok", "", percent_text(report.percent), *(percent_text(report.areas[a]) for a in AREAS)])
    story.append(_table(rows, [40 * MM, 14 * MM, 14 * MM] + [22.4 * MM] * 5, st))
    story += [Spacer(1, 3 * MM), Paragraph("Modul yang paling sering salah diklasifikasi kelompok", st["section"]),
              _bar_chart(report), Spacer(1, 2 * MM),
              Paragraph("Nilai per kasus", st["section"])]
    rows = [["Kasus", "Judul", "Orang", "Nilai", "Baris bagan paling sering terlewat"]]
    rows += [[f"{n}. {c.case_id}", c.title, str(c.done), percent_text(c.percent), c.missed or "–"]
             for n, c in enumerate(report.cases, 1)]
    story.append(_table(rows, [42 * MM, 50 * MM, 14 * MM, 14 * MM, 60 * MM], st))
    if report.participants and len(report.cases) <= MATRIX_CASES:
        story += [Spacer(1, 3 * MM), Paragraph("Nilai per peserta per kasus", st["section"])]
        rows = [["Peserta", *(str(n) for n in range(1, len(report.cases) + 1))]]
        rows += [[name, *(percent_text(v) for v in values)] for name, values in report.matrix()]
        width = (180 - 40) * MM / max(len(report.cases), 1)
        story.append(_table(rows, [40 * MM] + [width] * len(report.cases), st))
        story.append(Paragraph(para_text("Nomor kolom = nomor kasus pada tabel nilai per kasus."), st["small"]))
    if report.rules_missed:
        story += [Spacer(1, 3 * MM), Paragraph("Baris bagan yang paling sering terlewat", st["section"])]
        rows = [["Baris bagan (id aturan)", "Klasifikasi", "Kali"]]
        rows += [[rule, label, str(n)] for rule, label, n in report.rules_missed[:12]]
        story.append(_table(rows, [80 * MM, 85 * MM, 15 * MM], st))

    footer = (f"mtbs_tui {app_version()} · latihan dengan kasus rekaan, tanpa data pasien · "
              f"sesi {report.session_id or '-'}")
    doc.build(story, canvasmaker=report_footer_canvas(footer, left_mm=15, bottom_mm=8))
    return out.getvalue()


def write_pdf(report: PracticeReport, path: Path, *, today: _dt.date | None = None) -> None:
    data = pdf_bytes(report, today=today)
    with atomic_output(Path(path)) as tmp:
        write_bytes(tmp, data)


def write_xlsx(report: PracticeReport, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    bold = Font(bold=True)
    grey = PatternFill("solid", fgColor="DDDDDD")

    def sheet(ws: Any, head: list[str], rows: list[list[Any]], widths: list[float]) -> None:
        ws.append(head)
        for cell in ws[1]:
            cell.font, cell.fill = bold, grey
        for row in rows:
            ws.append(row)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, _dt.datetime):
                    cell.number_format = XLSX_DATETIME_FORMAT
        for i, w in enumerate(widths):
            ws.column_dimensions[get_column_letter(i + 1)].width = w
        ws.freeze_panes = "A2"
        xlsx_print_setup(ws, f"Laporan latihan MTBS: {report.title}")

    def pct(value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    ws = wb.active
    ws.title = "Peserta"
    sheet(ws, ["Peserta", "Kasus selesai", "Jumlah kasus", "Nilai (%)", *[f"{t} (%)" for t in AREA_TITLES]],
          [[p.name, p.done, report.cases_total, pct(p.percent), *(pct(p.areas[a]) for a in AREAS)]
           for p in report.participants], [28, 13, 13, 10, 14, 14, 14, 12, 18])
    sheet(wb.create_sheet("Kasus"), ["Kasus", "Judul", "Peserta", "Nilai (%)", "Baris bagan paling sering terlewat"],
          [[c.case_id, c.title, c.done, pct(c.percent), c.missed] for c in report.cases], [36, 44, 10, 10, 60])
    sheet(wb.create_sheet("Matriks"), ["Peserta", *(c.case_id for c in report.cases)],
          [[name, *(pct(v) for v in values)] for name, values in report.matrix()],
          [28.0] + [12.0] * len(report.cases))
    sheet(wb.create_sheet("Modul salah"), ["Modul", "Klasifikasi berbeda"],
          [[label, n] for label, n in report.modules_wrong], [44, 20])
    sheet(wb.create_sheet("Hasil"), ["Peserta", "Kasus", "Judul", "Bagan", "Selesai", "Nilai (%)",
                                     *[f"{t} (%)" for t in AREA_TITLES], "Perbedaan"],
          [[a["participant"], a["case_id"], a["title"], a["chart"], xlsx_moment(a["finished_at"]), pct(a["percent"]),
            *(pct(area_percent(a["score"], area)) for area in AREAS),
            "\n".join(d["text"] for d in a["score"].get("differences", []))] for a in report.results],
          [20, 34, 36, 8, 20, 10, 12, 12, 12, 10, 14, 90])
    wb.properties.title = f"Laporan latihan MTBS: {report.title}"
    wb.properties.creator = "mtbs_tui"
    with atomic_output(Path(path)) as tmp:
        wb.save(tmp)
