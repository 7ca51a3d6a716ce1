"""The referral log (buku register rujukan) of a period, CSV or XLSX: one row per urgent referral, in
the columns of the paper book kept at the puskesmas: the referral (date, letter number, child,
reason, treatment before referral, what was actually given (as the register export's
"Pemberian tindakan"), destination, who referred) and the reply slip as it came back
(date, days, hospital diagnosis and treatment, outcome, referred on, advice, examining doctor), or
"BELUM ADA BALASAN" with the days since the referral.

The rows are the register's (`Register.referrals_between`, the one referral query); this module only
writes the file (the same CSV dialect and XLSX writer as the register export) and audits it
(`ekspor.rujukan`).
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from mtbs_tui.audit import record_audit
from mtbs_tui.display import date_text
from mtbs_tui.documents.common import DocumentError, csv_file, require_format, write_as
from mtbs_tui.documents.export import ExportResult

FORMATS = ("xlsx", "csv", "pdf")


def columns() -> list[Any]:
    from mtbs_tui.documents.xlsx import Column

    return [
        Column("No.", 5, "int"), Column("Tanggal rujukan", 11, "date"), Column("No. surat rujukan", 20),
        Column("No. RM", 11), Column("Nama anak", 22), Column("JK", 4), Column("Umur", 9),
        Column("Nama ibu/orang tua", 20), Column("Alamat", 26), Column("Telepon", 14),
        Column("Alasan rujukan (klasifikasi)", 30), Column("Tindakan sebelum dirujuk", 45),
        Column("Pemberian tindakan", 30),
        Column("Tujuan rujukan", 22), Column("Petugas perujuk", 16),
        Column("Tanggal balasan", 11, "date"), Column("Hari sampai balasan", 9, "int"),
        Column("Diagnosis rumah sakit", 26), Column("Tindakan di rumah sakit", 30), Column("Hasil", 18),
        Column("Dirujuk lagi ke", 20), Column("Anjuran tindak lanjut", 30), Column("Dokter pemeriksa", 20),
        Column("Keterangan", 24),
    ]


def headers() -> list[str]:
    return [c.header for c in columns()]


def _csv_text(value: Any) -> Any:
    """CSV only: a text cell starting with = + - @ would be run as a formula by Excel; prefix '
    (the register export does the same in SQL)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _address(row: dict[str, Any]) -> str | None:
    """The address with the village, unless the address names it already."""
    address, village = row.get("address") or "", row.get("village") or ""
    if village and village.lower() not in address.lower():
        address = f"{address}, {village}" if address else village
    return address or None


def log_rows(register: Any, date_from: _dt.date, date_to: _dt.date, fmt: str, *,
             today: _dt.date | None = None) -> list[list[Any]]:
    """The rows of the log (XLSX: dates as dates; CSV: ISO dates, as the register export, read as
    dates under every locale, and the formula guard; PDF: DD-MM-YYYY text)."""
    today = today or _dt.date.today()
    flag_after = register.referral_reply_days()
    out = []
    for n, r in enumerate(register.referrals_between(date_from, date_to, today=today), start=1):
        reply = r["reply"] or {}
        if r["reply"] is None:
            note = (f"BELUM ADA BALASAN ({r['days_open']} hari)" if r["days_open"] >= flag_after
                    else "menunggu balasan")
        elif reply.get("version", 1) > 1:
            note = f"balasan dikoreksi (versi {reply['version']})"
        else:
            note = ""
        day, received = r["visit_date"], reply.get("received_date")
        if fmt == "pdf":
            day, received = date_text(day), date_text(received) if received else None
        row = [n, day, r["letter_number"], r["mrn"], r["patient_name"], r["sex"], r["age_text"], r["parent_name"],
               _address(r), r["phone"], r["reason"],
               r["treatments"], r["given"], r["destination"], r["recorded_by"], received, reply.get("days_to_reply"),
               reply.get("diagnosis"), reply.get("treatment"), reply.get("outcome_label"), reply.get("referred_to"),
               reply.get("advice"), reply.get("examiner"), note or None]
        out.append([_csv_text(v) for v in row] if fmt == "csv" else row)
    return out


def export_referral_log(register: Any, date_from: _dt.date, date_to: _dt.date, fmt: str, out_path: Path | str,
                        *, actor: str | None = None, today: _dt.date | None = None) -> ExportResult:
    """Write the referral log of `date_from`..`date_to` (inclusive) to `out_path`; nothing is left
    under that name when it fails."""
    require_format(fmt, FORMATS)
    if date_to < date_from:
        raise DocumentError("galat: --to: tanggal akhir sebelum tanggal awal")
    rows = log_rows(register, date_from, date_to, fmt, today=today)
    facility = (register.facility() or {}).get("name") or ""
    title = f"Buku Register Rujukan {facility} {date_text(date_from)} s.d. {date_text(date_to)}".replace("  ", " ")

    def write_csv(tmp: Path) -> None:
        with csv_file(tmp) as writer:
            writer.writerow(headers())
            writer.writerows(rows)

    def write_xlsx(tmp: Path) -> None:
        from mtbs_tui.documents.xlsx import XlsxStreamWriter

        with XlsxStreamWriter(tmp, columns(), sheet_name="Register Rujukan", freeze_columns=5, title=title) as sheet:
            for row in rows:
                sheet.write_row(row)

    out_path = write_as(fmt, out_path, {"xlsx": write_xlsx, "csv": write_csv,
                                        "pdf": lambda tmp: write_pdf(register, rows, tmp, title)})
    record_audit(register, "ekspor.rujukan",
                 detail=f"{date_from.isoformat()} s.d. {date_to.isoformat()}, {fmt}, {len(rows)} baris", actor=actor)
    return ExportResult(path=out_path, rows=len(rows), fmt=fmt)


# PDF: A4 landscape, the paper book's columns grouped into eleven (what was given, as the register
# export's "Pemberian tindakan", beside the reason), widths in mm (273 mm between margins).
PDF_COLUMNS: tuple[tuple[str, float], ...] = (
    ("No.", 7), ("Tanggal rujukan", 21), ("Anak (No. RM, JK, umur)", 36), ("Alasan rujukan", 36),
    ("Pemberian tindakan", 32), ("Tujuan rujukan", 26), ("Perujuk", 18), ("Balasan (hari)", 17),
    ("Hasil", 18), ("Diagnosis, tindakan RS, anjuran", 40), ("Keterangan", 22),
)


def _number_lines(number: str | None) -> list[str]:
    """A letter number on two lines broken before its month and year (`001/RUJ-MTBS/` and
    `XI/2026`), so a narrow column never breaks it inside a word (`001/RUJ-MTB` `S/XI/2026`)."""
    if not number:
        return []
    parts = number.rsplit("/", 2)
    return [parts[0] + "/", "/".join(parts[1:])] if len(parts) == 3 else [number]


def write_pdf(register: Any, rows: list[list[Any]], path: Path, title: str) -> None:
    """The log as an A4 landscape table, the header row on every page, the footer line (what, when,
    the audit chain head) and the page number on each page."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    from mtbs_tui.documents.common import FONT_BOLD, build_landscape_pdf, footer_text, para_text, styles

    st = styles()
    cell = ParagraphStyle("sel", parent=st["small"], fontSize=6.8, leading=8)
    head = ParagraphStyle("kepala", parent=cell, fontName=FONT_BOLD)
    footer = footer_text(register.db, title)
    names = headers()

    def para(*parts: Any, sep: str = "<br/>") -> Any:
        return Paragraph(sep.join(para_text(p) for p in parts if p not in (None, "")), cell)

    table_rows: list[list[Any]] = [[Paragraph(para_text(t), head) for t, _ in PDF_COLUMNS]]
    for values in rows:
        r = dict(zip(names, values))
        days = r["Hari sampai balasan"]
        rs = [f"Dx: {r['Diagnosis rumah sakit']}" if r["Diagnosis rumah sakit"] else None,
              r["Tindakan di rumah sakit"],
              f"Dirujuk lagi ke {r['Dirujuk lagi ke']}" if r["Dirujuk lagi ke"] else None,
              f"Anjuran: {r['Anjuran tindak lanjut']}" if r["Anjuran tindak lanjut"] else None,
              r["Dokter pemeriksa"]]
        table_rows.append([
            para(r["No."]), para(r["Tanggal rujukan"], *_number_lines(r["No. surat rujukan"])),
            para(r["Nama anak"], f"{r['No. RM']} · {r['JK']} · {r['Umur']}", r["Nama ibu/orang tua"]),
            para(r["Alasan rujukan (klasifikasi)"]), para(r["Pemberian tindakan"]), para(r["Tujuan rujukan"] or "-"), para(r["Petugas perujuk"]),
            para(r["Tanggal balasan"], f"({days} hari)" if days is not None else None),
            para(r["Hasil"]), para(*rs), para(r["Keterangan"]),
        ])
    table = Table(table_rows, colWidths=[w * mm for _, w in PDF_COLUMNS], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dddddd")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))

    story: list[Any] = [Paragraph(para_text(title.upper()), st["title"]), Spacer(1, 4)]
    story.append(table if rows else Paragraph("Tidak ada rujukan segera pada periode ini.", st["base"]))
    build_landscape_pdf(path, story, title=title, footer=footer)
