"""The district report (`mtbs kabupaten gabung FILE... -o laporan-kabupaten.xlsx|pdf`), issue 18
item 3: the merged packages (`documents.package.merge_files`) laid out as XLSX (every count row,
the indicators, the ranking, the packages with their audit heads) or PDF (A4 landscape: the
counts with a named measure, the indicators side by side with the district median, and the
best-practice puskesmas per indicator)."""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from mtbs_tui.display import pathway_word
from mtbs_tui.documents.common import (
    FONT,
    FONT_BOLD,
    XLSX_DATETIME_FORMAT,
    build_landscape_pdf,
    ending_format,
    para_text,
    write_as,
    xlsx_header_row,
    xlsx_moment,
    xlsx_print_setup,
)
from mtbs_tui.documents.package import District, better_word
from mtbs_tui.quality import BY_ID, INDICATORS, Value

FORMATS = ("xlsx", "pdf")

SHORT_MEASURES = {
    "kunjungan": "Kunjungan", "pertama": "Pertama", "ulang": "Ulang", "rujuk_segera": "Rujuk segera",
    "rujuk": "Rujuk tidak segera", "kontrol_jatuh_tempo": "Kontrol jatuh tempo",
    "kontrol_selesai": "Kontrol tepat waktu", "kontrol_terlewat": "Kontrol terlewat",
    "kontrol_belum": "Kontrol belum lewat batas", "rujukan_balasan": "Rujukan berbalas",
    "rujukan_selesai": "Rujukan sampai", "rujukan_tidak_datang": "Rujukan tidak sampai",
    "rujukan_meninggal": "Rujukan meninggal", "rujukan_belum_balasan": "Rujukan belum berbalas",
}
RANK_SHOWN = 3
# Count columns per PDF table (A4 landscape): more go on in a second table under the first.
COLUMNS_PER_TABLE = 11


def column_title(column: tuple[str, str, str | None, str | None], *, short: bool = False) -> str:
    section, label, measure, pathway = column
    if short and measure:
        words = SHORT_MEASURES.get(measure, label)
        if measure == "rujuk_segera" and not pathway:
            words = "Rujuk segera (semua)"
        return " ".join(x for x in (pathway_word(pathway).capitalize() if pathway else "", words) if x)
    return f"{section} - {label}" if section and not short else label


def value_text(indicator_id: str, value: float | None) -> str:
    return Value(None, None, value).text(BY_ID[indicator_id].unit)


def facility_label(fac: dict[str, Any]) -> str:
    return fac["name"] + (f" ({fac['code']})" if fac.get("code") else "")


def write_xlsx(district: District, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    bold = Font(bold=True)
    header = xlsx_header_row

    ws = wb.active
    ws.title = "Tabel kabupaten"
    ws.cell(row=1, column=1, value=district.title).font = Font(bold=True, size=13)
    ws.cell(row=2, column=1, value=f"{len(district.facilities)} puskesmas; angka: jumlah (L+P) tiap baris "
                                   "laporan bulanan")
    header(ws, 4, ["Puskesmas", "Kode", *[column_title(c) for c in district.columns]])
    for r, (fac, counts) in enumerate(zip(district.facilities, district.counts), 5):
        ws.cell(row=r, column=1, value=fac["name"])
        ws.cell(row=r, column=2, value=fac.get("code"))
        for j, v in enumerate(counts, 3):
            ws.cell(row=r, column=j, value=v)
    total_row = 5 + len(district.facilities)
    ws.cell(row=total_row, column=1, value="JUMLAH KABUPATEN").font = bold
    for j, v in enumerate(district.totals, 3):
        ws.cell(row=total_row, column=j, value=v).font = bold
    ws.column_dimensions["A"].width = 30
    ws.row_dimensions[4].height = 90
    ws.freeze_panes = "C5"

    ind = wb.create_sheet("Indikator")
    shown = list(INDICATORS)
    header(ind, 1, ["Puskesmas", *[f"{i.label} ({i.unit})" for i in shown]])
    for r, fac in enumerate(district.facilities, 2):
        ind.cell(row=r, column=1, value=fac["name"])
        for j, i in enumerate(shown, 2):
            got = district.indicators[i.id][r - 2]
            ind.cell(row=r, column=j, value=None if got is None else round(got, 1))
    r = 2 + len(district.facilities)
    for title, source in (("Median puskesmas", district.median), ("Kabupaten (gabungan)", district.district_value)):
        ind.cell(row=r, column=1, value=title).font = bold
        for j, i in enumerate(shown, 2):
            ind.cell(row=r, column=j, value=source.get(i.id)).font = bold
        r += 1
    ind.column_dimensions["A"].width = 30
    ind.row_dimensions[1].height = 45
    ind.freeze_panes = "B2"

    rank = wb.create_sheet("Peringkat")
    header(rank, 1, ["Indikator", "Arah", "Peringkat", "Puskesmas", "Nilai", "Median kabupaten"])
    r = 1
    for i in INDICATORS:
        for n, idx in enumerate(district.ranking.get(i.id, []), 1):
            r += 1
            rank.cell(row=r, column=1, value=i.label)
            rank.cell(row=r, column=2, value=better_word(i.id))
            rank.cell(row=r, column=3, value=n)
            rank.cell(row=r, column=4, value=district.facilities[idx]["name"])
            got = district.indicators[i.id][idx]
            rank.cell(row=r, column=5, value=None if got is None else round(got, 1))
            rank.cell(row=r, column=6, value=district.median.get(i.id))
    for col, width in zip("ABCDEF", (30, 18, 10, 30, 10, 16)):
        rank.column_dimensions[col].width = width

    files = wb.create_sheet("Paket")
    header(files, 1, ["Puskesmas", "Kode", "Berkas", "Dibuat", "Kepala rantai audit"])
    for r, fac in enumerate(district.facilities, 2):
        for j, key in enumerate(("name", "code", "file", "made_at", "head"), 1):
            files.cell(row=r, column=j, value=fac.get(key))
        if fac.get("file"):  # the package's name, not a folder of the PC that merged it
            files.cell(row=r, column=3, value=Path(str(fac["file"])).name)
        made = xlsx_moment(fac.get("made_at"))
        if isinstance(made, _dt.datetime):  # a date and time Excel reads, not the ISO text
            files.cell(row=r, column=4, value=made).number_format = XLSX_DATETIME_FORMAT
    for col, width in zip("ABCDE", (30, 14, 40, 20, 66)):
        files.column_dimensions[col].width = width
    for sheet, head_row in ((ws, 4), (ind, 1), (rank, 1), (files, 1)):
        xlsx_print_setup(sheet, district.title, head_row=head_row)
    wb.properties.title = district.title
    wb.properties.creator = "mtbs_tui"
    wb.save(path)


def write_pdf(district: District, path: Path) -> None:
    import datetime as _dt

    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

    from mtbs_tui.documents.common import app_version, date_text, styles

    st = styles()
    head_style = ParagraphStyle("kepala-kolom", parent=st["small"], fontName=FONT_BOLD, fontSize=6.4, leading=7.4)
    cell_style = ParagraphStyle("sel", parent=st["small"], fontSize=7, leading=8.2)
    grid = [
        ("FONT", (0, 0), (-1, -1), FONT, 7, 8.4),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dddddd")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5), ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
    ]
    usable = 273 * mm
    name_w = 52 * mm

    def facility_rows(last_rows: list[list[Any]], cells: list[list[Any]]) -> Table:
        t = Table(cells + last_rows, colWidths=[name_w] + [(usable - name_w) / (len(cells[0]) - 1)] * (len(cells[0]) - 1),
                  repeatRows=1)
        style = grid + [("FONT", (0, len(cells)), (-1, -1), FONT_BOLD, 7, 8.4),
                        ("BACKGROUND", (0, len(cells)), (-1, -1), colors.HexColor("#f0f0f0"))]
        t.setStyle(TableStyle(style))
        return t

    story: list[Any] = [Paragraph(para_text(district.title.upper()), st["title"]),
                        Paragraph(para_text(f"{len(district.facilities)} puskesmas"), st["center"]), Spacer(1, 5)]
    story.append(Paragraph("Tabel kabupaten (jumlah L+P; rincian semua baris di XLSX)", st["section"]))
    measured = district.measure_columns()
    for start in range(0, len(measured), COLUMNS_PER_TABLE):
        cols = measured[start:start + COLUMNS_PER_TABLE]
        cells: list[list[Any]] = [[Paragraph("Puskesmas", head_style),
                                   *[Paragraph(para_text(column_title(district.columns[i], short=True)), head_style)
                                     for i in cols]]]
        for fac, counts in zip(district.facilities, district.counts):
            cells.append([Paragraph(para_text(facility_label(fac)), cell_style), *[str(counts[i]) for i in cols]])
        if start:
            story.append(Spacer(1, 4))
        story.append(facility_rows([["JUMLAH KABUPATEN", *[str(district.totals[i]) for i in cols]]], cells))

    shown = list(INDICATORS)
    cells = [[Paragraph("Puskesmas", head_style), *[Paragraph(para_text(i.label), head_style) for i in shown]]]
    for n, fac in enumerate(district.facilities):
        cells.append([Paragraph(para_text(facility_label(fac)), cell_style),
                      *[value_text(i.id, district.indicators[i.id][n]) for i in shown]])
    last = [["Median puskesmas", *[value_text(i.id, district.median.get(i.id)) for i in shown]],
            ["Kabupaten (gabungan)", *[value_text(i.id, district.district_value.get(i.id)) for i in shown]]]
    story.append(Spacer(1, 6))
    story.append(Paragraph("Indikator mutu berdampingan dengan median kabupaten", st["section"]))
    story.append(facility_rows(last, cells))

    rows: list[list[Any]] = [["Indikator", "Arah", "Median", "Praktik terbaik", "Perlu pendampingan"]]
    for i in INDICATORS:
        order = district.ranking.get(i.id)
        if not order:
            continue

        def names(idxs: list[int], ind: str = i.id) -> str:
            return "; ".join(f"{district.facilities[k]['name']} {value_text(ind, district.indicators[ind][k])}"
                             for k in idxs)
        best, worst = district.best_and_worst(i.id, RANK_SHOWN)
        rows.append([Paragraph(para_text(i.label), cell_style), better_word(i.id),
                     value_text(i.id, district.median.get(i.id)),
                     Paragraph(para_text(names(best)), cell_style),
                     Paragraph(para_text(names(worst) or "-"), cell_style)])
    rank = Table(rows, colWidths=[48 * mm, 26 * mm, 18 * mm, 90 * mm, 91 * mm], repeatRows=1)
    rank.setStyle(TableStyle(grid + [("ALIGN", (1, 1), (-1, -1), "LEFT"), ("ALIGN", (2, 1), (2, -1), "RIGHT")]))
    story.append(KeepTogether([Spacer(1, 6), Paragraph("Peringkat per indikator (praktik terbaik lebih dulu)",
                                                         st["section"]), rank]))
    story.append(Spacer(1, 6))
    story.append(Paragraph(para_text("Setiap paket diperiksa checksum-nya; kepala rantai audit tiap puskesmas "
                                     "ada di lembar Paket (XLSX) untuk dicocokkan dengan mtbs audit verify "
                                     "--kepala-dokumen."), st["small"]))
    footer = f"{district.title} - dibuat {date_text(_dt.date.today())} - mtbs_tui {app_version()}"

    build_landscape_pdf(path, story, title=district.title, footer=footer)


def district_format(out_path: Path | str) -> str:
    """The format of the district report, from the ending of its name (`-o X.xlsx` or `.pdf`)."""
    return ending_format(out_path, FORMATS)


def write_district(district: District, out_path: Path | str) -> None:
    """Write the district report in the format its name ends with (`district_format`)."""
    write_as(district_format(out_path), out_path, {"xlsx": lambda tmp: write_xlsx(district, tmp),
                                                   "pdf": lambda tmp: write_pdf(district, tmp)})
