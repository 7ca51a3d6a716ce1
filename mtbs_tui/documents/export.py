"""The Register MTBS export: one row per visit, CSV or XLSX, streamed from one query.

Columns follow the working register of mtbs-chart.md §6.3 and the form fields of §6.1 (date, no. RM,
name, parent, address, village, age, sex, weight, length, MUAC, temperature, main symptoms, first/
follow-up visit, one column per chart module with its classification, treatment, referral, follow-up
date, outcome of the follow-up, recorded by). Only current, final versions of visits are exported.
The register keeps no free-text complaint, so the complaint column lists the chart's main symptoms
that were recorded (`register.main_symptoms_sql`); the follow-up outcome follows the one rule of
`register.follow_up_outcome_sql` (kept in time, late, not yet due, missed).

XLSX print setup: A4 landscape, fit to one page wide, the header row repeated on every page, the
header row and the first four columns frozen.

CSV (docs/documents.md): separator `;`, UTF-8 with BOM, CRLF, decimal comma. Excel with Indonesian
regional settings uses `;` as its list separator and `,` as the decimal mark, and reads UTF-8 only
when the file starts with a BOM; LibreOffice detects all three in its import dialog.

Memory stays flat: rows come from one SQL cursor and go straight to the file. Most formatting (age
text, visit kind, referral words, Excel date serials) is done in SQL, so Python only spreads the
classifications over the module columns.
"""
from __future__ import annotations

import csv
import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mtbs_tui.audit import record_audit
from mtbs_tui.documents.common import DocumentError, atomic_output
from mtbs_tui.rules.age import YOUNG_INFANT_DAYS

FORMATS = ("csv", "xlsx")
CSV_DELIMITER = ";"
CSV_ENCODING = "utf-8-sig"
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
        Column("Tindakan/pengobatan", 45), Column("Rujukan", 14), Column("Tanggal kunjungan ulang", 12, "date"),
        Column("Hasil kunjungan ulang", 20), Column("Dicatat oleh", 16),
    ]
    return head + mods + tail


# Positions in a row of `_main_sql`: v.id, the HEAD visit columns, refer_urgently, the TAIL columns.
HEAD_COLUMNS = 14  # "Tanggal" ... "Kunjungan"
def headers() -> list[str]:
    return [c.header for c in columns()]


def _guard(expr: str) -> str:
    """CSV only: a text cell starting with = + - @ would be run as a formula by Excel; prefix '."""
    return f"CASE WHEN substr({expr}, 1, 1) IN ('=', '+', '-', '@') THEN '''' || {expr} ELSE {expr} END"


def _visit_columns(fmt: str, today: _dt.date) -> tuple[str, str]:
    """The visit's own columns of an export row, as SQL: (those before the classification columns,
    those after the referral). CSV gets text (ISO dates, decimal comma, formula guard); XLSX gets
    Excel date serials and real numbers."""
    from mtbs_tui.register import follow_up_outcome_sql, main_symptoms_sql

    if fmt == "xlsx":
        date = "julianday(v.visit_date) - 2415018.5"
        follow = "julianday(v.follow_up_date) - 2415018.5"
        num = lambda e: e  # noqa: E731
        g = lambda e: e  # noqa: E731 - XLSX inline strings are never formulas
    else:
        date, follow = "v.visit_date", "v.follow_up_date"
        num = lambda e: f"replace(CAST({e} AS TEXT), '.', ',')"  # noqa: E731
        g = _guard
    head = f"""{date}, {g('p.mrn')}, {g('p.name')}, {g("COALESCE(p.parent_name, '')")}, {g("COALESCE(p.address, '')")},
  {g("COALESCE(p.village, '')")},
  CASE WHEN v.age_days < {YOUNG_INFANT_DAYS} THEN v.age_days || ' hr'
       WHEN v.age_months < 12 THEN v.age_months || ' bl'
       WHEN v.age_months % 12 = 0 THEN (v.age_months / 12) || ' th'
       ELSE (v.age_months / 12) || ' th ' || (v.age_months % 12) || ' bl' END,
  p.sex, {num('v.weight_kg')}, {num('v.length_cm')}, {num('v.muac_cm')}, {num('v.temperature_c')},
  {main_symptoms_sql('v')},
  CASE WHEN v.kind = 'ulang' THEN 'Ulang' ELSE 'Pertama' END"""
    return head, f"{follow}, {follow_up_outcome_sql(today, 'v')}, {g('v.recorded_by')}"


# The final visits of a date range in (visit_at, id) order, along the index that has that order.
_VISITS_IN_RANGE = """
FROM visits v INDEXED BY visits_final_at JOIN patients p ON p.id = v.patient_id
WHERE v.is_current = 1 AND v.status = 'final' AND v.visit_at >= ? AND v.visit_at <= ?
ORDER BY v.visit_at, v.id
"""


def export_sql(fmt: str, today: _dt.date | None = None) -> str:
    """The export as ONE query (correlated subqueries), kept as the reference: `iter_rows` yields
    exactly these rows, faster. CSV gets text (ISO dates, decimal comma, formula guard); XLSX gets
    Excel date serials and real numbers. `today` decides the follow-up outcome of recent visits."""
    head, tail = _visit_columns(fmt, today or _dt.date.today())
    return f"""
SELECT {head},
  (SELECT group_concat(m, char(30)) FROM (
     SELECT c.module || char(31) || COALESCE(c.label, c.code) || ' (' || c.colour || ')' AS m
     FROM visit_classifications c WHERE c.visit_id = v.id ORDER BY c.position)),
  (SELECT group_concat(t, '; ') FROM (
     SELECT COALESCE(t.label, t.code) || CASE WHEN t.dose IS NOT NULL AND t.dose != '' THEN ': ' || t.dose ELSE '' END AS t
     FROM visit_treatments t WHERE t.visit_id = v.id
       AND t.code NOT IN ('RUJUK_SEGERA', 'RUJUK', 'NASIHAT_KEMBALI_SEGERA') ORDER BY t.position)),
  CASE WHEN v.refer_urgently = 1 THEN 'Rujuk segera'
       WHEN EXISTS (SELECT 1 FROM visit_treatments t WHERE t.visit_id = v.id AND t.code = 'RUJUK')
       THEN 'Rujuk (tidak segera)' ELSE 'Tidak' END,
  {tail}{_VISITS_IN_RANGE}"""


def _main_sql(fmt: str, today: _dt.date) -> str:
    """The visit columns of the export (everything but classifications, treatments, referral)."""
    head, tail = _visit_columns(fmt, today)
    return f"SELECT v.id, {head},\n  v.refer_urgently, {tail}{_VISITS_IN_RANGE}"


# Child rows in the same (visit_at, id) order as the visits: the planner walks visits_final_at and
# each visit's rows by primary key, so no sort is needed and the three cursors merge in one pass.
_CHILD_SQL = """
SELECT v.id, {cols} FROM visits v INDEXED BY visits_final_at JOIN {table} x ON x.visit_id = v.id
WHERE v.is_current = 1 AND v.status = 'final' AND v.visit_at >= ? AND v.visit_at <= ?
ORDER BY v.visit_at, v.id, x.position
"""
_HIDDEN_TREATMENTS = frozenset({"RUJUK_SEGERA", "RUJUK", "NASIHAT_KEMBALI_SEGERA"})


def iter_rows(db: Any, fmt: str, date_from: _dt.date, date_to: _dt.date, *,
              today: _dt.date | None = None) -> Any:
    """Yield the export rows (lists) one by one.

    Three cursors in one read transaction (visits, classifications, treatments), merged on the
    visit id: the same rows as the single query `export_sql()` (tests/test_export.py proves it),
    at about half its CPU time, because SQLite's correlated subqueries cost ~13 us per visit each.
    """
    conn = db.conn
    from mtbs_tui.register import visit_at_range

    params = visit_at_range(date_from, date_to)
    index = {m: i for i, (m, _) in enumerate(MODULE_COLUMNS)}
    width = len(MODULE_COLUMNS)
    own_txn = not conn.in_transaction
    if own_txn:
        conn.execute("BEGIN")  # one snapshot for the three cursors
    try:
        visits = conn.execute(_main_sql(fmt, today or _dt.date.today()), params)
        cls = conn.execute(_CHILD_SQL.format(cols="x.module, COALESCE(x.label, x.code), x.colour",
                                             table="visit_classifications"), params)
        trs = conn.execute(_CHILD_SQL.format(cols="x.code, COALESCE(x.label, x.code), x.dose",
                                             table="visit_treatments"), params)
        c_next = next(cls, None)
        t_next = next(trs, None)
        n = 0
        for row in visits:
            vid = row[0]
            n += 1
            cells = [""] * width
            while c_next is not None and c_next[0] == vid:
                i = index.get(c_next[1])
                if i is not None:
                    text = f"{c_next[2]} ({c_next[3]})"
                    cells[i] = text if not cells[i] else f"{cells[i]}; {text}"
                c_next = next(cls, None)
            done: list[str] = []
            other_referral = False
            while t_next is not None and t_next[0] == vid:
                code = t_next[1]
                if code in _HIDDEN_TREATMENTS:
                    other_referral = other_referral or code == "RUJUK"
                else:
                    done.append(f"{t_next[2]}: {t_next[3]}" if t_next[3] else t_next[2])
                t_next = next(trs, None)
            if row[HEAD_COLUMNS + 1] == 1:
                referral = "Rujuk segera"
            elif other_referral:
                referral = "Rujuk (tidak segera)"
            else:
                referral = "Tidak"
            # Treatment labels and doses come from the chart engine, never from typed text: no guard.
            treatment = "; ".join(done) if done else None
            yield [n, *row[1:HEAD_COLUMNS + 1], *cells, treatment, referral, *row[HEAD_COLUMNS + 2:]]
    finally:
        if own_txn and conn.in_transaction:
            conn.execute("COMMIT")


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
    if fmt not in FORMATS:
        raise DocumentError(f"galat: --format: pilihan: {', '.join(FORMATS)}")
    if date_to < date_from:
        raise DocumentError("galat: --to: tanggal akhir sebelum tanggal awal")
    out_path = Path(out_path)
    db = register.db
    rows = 0
    with atomic_output(out_path) as tmp:
        if fmt == "csv":
            with open(tmp, "w", encoding=CSV_ENCODING, newline="") as fh:
                writer = csv.writer(fh, delimiter=CSV_DELIMITER, lineterminator="\r\n")
                writer.writerow(headers())
                for row in iter_rows(db, fmt, date_from, date_to, today=today):
                    writer.writerow(row)
                    rows += 1
                    if progress is not None and rows % PROGRESS_STEP == 0:
                        progress(rows)
        else:
            from mtbs_tui.documents.xlsx import XlsxStreamWriter

            title = f"Register MTBS {date_from.isoformat()} s.d. {date_to.isoformat()}"
            with XlsxStreamWriter(tmp, columns(), sheet_name="Register MTBS", freeze_columns=4,
                                  title=title) as sheet:
                for row in iter_rows(db, fmt, date_from, date_to, today=today):
                    sheet.write_row(row)
                    rows += 1
                    if progress is not None and rows % PROGRESS_STEP == 0:
                        progress(rows)
    if progress is not None:
        progress(rows)
    if audit:
        record_audit(register, "ekspor.register",
                     detail=f"{date_from.isoformat()} s.d. {date_to.isoformat()}, {fmt}, {rows} baris", actor=actor)
    return ExportResult(path=out_path, rows=rows, fmt=fmt)
