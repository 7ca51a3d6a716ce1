"""The Register MTBS export: one row per visit, CSV or XLSX, streamed from one query.

Columns follow the working register of mtbs-chart.md §6.3 and the form fields of §6.1 (date, no. RM,
name, parent, address, village, age, sex, weight, length, MUAC, temperature, main symptoms, first/
follow-up visit, one column per chart module with its classification, treatment, referral, follow-up
date, outcome of the follow-up, recorded by). Only current, final versions of visits are exported.
The register keeps no free-text complaint, so the complaint column lists the chart's main symptoms
that were recorded (`register.main_symptoms_sql`); the follow-up outcome follows the one rule of
`register.follow_up_outcome_sql` (kept in time, late, not yet due, missed).

XLSX print setup (`xlsx.print_scale`): A4 landscape at a readable 70 % over several pages (one
page wide would be about 19 %), the first four columns and the header row repeated on every page;
the header row and the first four columns frozen.

CSV (docs/documents.md): the dialect of `documents.common.csv_file` (`;`, UTF-8 with BOM, CRLF) and
the decimal comma, which Excel with Indonesian regional settings uses as its decimal mark.

Memory stays flat: rows come from `Register.export_rows` (three merged cursors in one snapshot;
the SQL lives in register.py) and go straight to the file. Most formatting (age text, visit kind,
referral words, Excel date serials) is done in SQL, so Python only spreads the classifications over
the module columns.
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mtbs_tui.audit import record_audit
from mtbs_tui.display import date_text
from mtbs_tui.documents.common import DocumentError, csv_file, require_format, write_as

FORMATS = ("xlsx", "csv")  # the first is the default (documents.common.chosen_format)
PROGRESS_STEP = 2000  # rows between progress callbacks

# Chart modules that print a classification, with the register's column title, in chart order.
MODULE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("tanda_bahaya", "Tanda bahaya umum"),
    ("batuk", "Batuk/sukar bernapas"),
    ("diare", "Diare"),
    ("demam_malaria", "Demam/malaria"),
    ("campak", "Campak"),
    ("dengue", "Dengue/DBD"),
    ("telinga", "Masalah telinga"),
    ("gizi", "Status gizi"),
    ("pertumbuhan", "Pertumbuhan (PB/U, TB/U)"),
    ("lingkar_kepala", "Lingkar kepala"),
    ("anemia", "Anemia"),
    ("hiv", "HIV"),
    ("pemberian_makan", "Pemberian makan"),
    ("bm_infeksi", "Bayi muda: infeksi"),
    ("bm_ikterus", "Bayi muda: ikterus"),
    ("bm_diare", "Bayi muda: diare"),
    ("bm_hiv", "Bayi muda: HIV"),
    ("bm_berat_badan_asi", "Bayi muda: BB dan ASI/minum"),
)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    fmt: str


def columns() -> list[Any]:
    from mtbs_tui.documents.xlsx import Column

    head = [
        Column("No.", 6, "int"), Column("Tanggal", 11, "date"), Column("No. RM", 11),
        Column("Nama anak", 22), Column("Nama ibu/orang tua", 20), Column("Alamat", 26),
        Column("Desa/kelurahan", 14), Column("Umur", 9), Column("JK", 4), Column("BB (kg)", 7, "num"),
        Column("PB/TB (cm)", 7, "num"), Column("LiLA (cm)", 7, "num"), Column("Suhu (°C)", 7, "num"),
        Column("Keluhan/gejala utama", 24), Column("Kunjungan", 9),
    ]
    mods = [Column(title, 20) for _, title in MODULE_COLUMNS]
    tail = [
        Column("Tindakan/pengobatan", 45), Column("Rujukan", 14), Column("Tujuan rujukan", 24),
        Column("No. surat rujukan", 20), Column("Balasan rujukan", 18), Column("Hari sampai balasan", 9, "int"),
        Column("Pemberian tindakan", 30),
        Column("Tanggal kunjungan ulang", 12, "date"),
        Column("Hasil kunjungan ulang", 20), Column("Dicatat oleh", 16),
    ]
    return head + mods + tail


def headers() -> list[str]:
    return [c.header for c in columns()]


def iter_rows(register: Any, fmt: str, date_from: _dt.date, date_to: _dt.date, *,
              today: _dt.date | None = None) -> Any:
    """The export rows (lists) one by one, from `Register.export_rows` (which owns the query), with
    the classifications spread over MODULE_COLUMNS."""
    return register.export_rows(fmt, date_from, date_to, modules=[m for m, _ in MODULE_COLUMNS], today=today)


def export_register(
    register: Any,
    date_from: _dt.date,
    date_to: _dt.date,
    fmt: str,
    out_path: Path | str,
    *,
    progress: Callable[[int], None] | None = None,
    audit: bool = True,
    actor: str | None = None,
    today: _dt.date | None = None,
) -> ExportResult:
    """Write the register between two dates (inclusive) to `out_path`; nothing is left under that
    name when it fails. `progress(n)` is called with the number of rows written so far."""
    require_format(fmt, FORMATS)
    if date_to < date_from:
        raise DocumentError("galat: --to: tanggal akhir sebelum tanggal awal")
    rows = 0

    def each_row() -> Iterator[list[Any]]:
        nonlocal rows
        for row in iter_rows(register, fmt, date_from, date_to, today=today):
            yield row
            rows += 1
            if progress is not None and rows % PROGRESS_STEP == 0:
                progress(rows)

    def write_csv(tmp: Path) -> None:
        with csv_file(tmp) as writer:
            writer.writerow(headers())
            writer.writerows(each_row())

    def write_xlsx(tmp: Path) -> None:
        from mtbs_tui.documents.xlsx import XlsxStreamWriter

        title = f"Register MTBS {date_text(date_from)} s.d. {date_text(date_to)}"  # as the referral log's
        with XlsxStreamWriter(tmp, columns(), sheet_name="Register MTBS", freeze_columns=4, title=title) as sheet:
            for row in each_row():
                sheet.write_row(row)

    out_path = write_as(fmt, out_path, {"xlsx": write_xlsx, "csv": write_csv})
    if progress is not None:
        progress(rows)
    if audit:
        record_audit(register, "ekspor.register",
                     detail=f"{date_from.isoformat()} s.d. {date_to.isoformat()}, {fmt}, {rows} baris", actor=actor)
    return ExportResult(path=out_path, rows=rows, fmt=fmt)
