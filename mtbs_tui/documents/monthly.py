"""The monthly MTBS/MTBM report (laporan bulanan) for the Dinas Kesehatan, as XLSX, PDF or CSV.

The layout is ONE table definition (`default_table()`, or a JSON file given with `--tabel`): a list
of rows, each either a heading or a count. A count row counts visits of the month that

* printed any of its classification `codes`, or
* were given any of its `treatments` (a code, or a prefix ending in `*` such as `IMUNISASI_*`), or
* recorded any of its yes/no `findings` as true (e.g. chest indrawing), or
* match one named `measure` (visits, first visits, follow-up visits, urgent and non-urgent
  referrals, follow-ups due / done / missed / not yet due, the month's urgent referrals by their
  reply: replied, completed, not arrived, died, no reply yet),

optionally only on one `pathway` and one visit `kind`; a visit is counted once per row.

Every row is counted in the same columns: the four age groups of the Dinas template (bayi muda
0-7 days and 8 days - <2 months; 2 - <12 months; 1 - <5 years) by sex, then totals. Age groups use
the age in days for young infants (as the chart routes them) and completed months after that.
A district changes the rows, their order or their wording by editing the JSON file; see
docs/documents.md.

The register reads the month (`Register.month_tally`: plain reads along the final-visit
index, no SQL here); this module only sums the visit ids of each row into the columns, so a month of
a 100,000-visit register takes well under a second.

Every printed text is measured: `label_lines()` wraps a label to the width of the label column with
reportlab's stringWidth (a word wider than the column is broken), and `layout_problems()` lists any
cell text wider than its cell (tests assert it is empty). The PDF and XLSX end with the signature
block (pelapor: the account that made the report; mengetahui: the head of the puskesmas).
"""
from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtbs_tui.audit import record_audit
from mtbs_tui.display import MONTH_NAMES
from mtbs_tui.documents.common import (
    FONT,
    FONT_BOLD,
    HAND,
    DocumentError,
    csv_file,
    date_text,
    facility_lines,
    footer_text,
    para_text,
    pdf_text,
    place_and_date,
    puskesmas_name,
    register_fonts,
    report_footer_canvas,
    require_format,
    text_width,
    worker_signature,
    write_as,
    xlsx_print_setup,
)
from mtbs_tui.outputs import os_reason

# The follow-up rule and the age groups are the register's (one home); re-exported for callers.
from mtbs_tui.register import FOLLOW_UP_GRACE_DAYS, SEXES  # noqa: F401
from mtbs_tui.register import REPORT_AGE_GROUPS as AGE_GROUPS
from mtbs_tui.rules.age import month_end

FORMATS = ("xlsx", "pdf", "csv")

MEASURES = {
    "kunjungan": "Jumlah kunjungan sakit yang dilayani",
    "pertama": "Kunjungan pertama",
    "ulang": "Kunjungan ulang (kontrol)",
    "rujuk_segera": "Rujukan luar gedung: rujuk segera ke rumah sakit (klasifikasi merah)",
    "rujuk": "Rujukan tidak segera (dalam atau luar gedung; register tidak membedakan)",
    "kontrol_jatuh_tempo": "Kunjungan ulang yang jatuh tempo bulan ini",
    "kontrol_selesai": "Kunjungan ulang dilakukan tepat waktu",
    "kontrol_terlewat": "Kunjungan ulang terlewat",
    "kontrol_belum": "Kunjungan ulang belum dilakukan, batas waktunya belum lewat",
    "rujukan_balasan": "Rujukan segera bulan ini yang sudah ada balasan rumah sakit",
    "rujukan_selesai": "Rujukan selesai: anak sampai di rumah sakit (menurut balasan)",
    "rujukan_tidak_datang": "Rujukan tidak sampai: anak tidak datang ke rumah sakit",
    "rujukan_meninggal": "Anak yang dirujuk meninggal (menurut balasan)",
    "rujukan_belum_balasan": "Rujukan segera bulan ini yang belum ada balasan",
}


@dataclass(frozen=True)
class ReportRow:
    label: str
    codes: tuple[str, ...] = ()
    measure: str | None = None
    pathway: str | None = None  # "balita" | "bayi_muda" | None (both)
    heading: bool = False
    treatments: tuple[str, ...] = ()  # treatment codes; "IMUNISASI_*" matches every code with that prefix
    findings: tuple[str, ...] = ()  # yes/no finding keys recorded as true (e.g. tarikan_dinding_dada)
    kind: str | None = None  # "pertama" | "ulang" | None (both): the kind of the counted visit


@dataclass
class MonthlyReport:
    month: str  # YYYY-MM
    facility: dict
    rows: list[ReportRow]
    values: list[list[int] | None]  # per row: the count per column (None for headings)
    columns: list[str] = field(default_factory=list)
    signatures: list["Signature"] = field(default_factory=list)
    made_on: _dt.date = field(default_factory=_dt.date.today)

    @property
    def title(self) -> str:
        year, mon = int(self.month[:4]), int(self.month[5:])
        return f"Laporan Bulanan MTBS/MTBM - {MONTH_NAMES[mon - 1]} {year}"

    @property
    def partial_note(self) -> str | None:
        """Made before the month ended (on its last day, visits may still come): the one line every
        format prints under the title, so a report of the running month is never taken for the
        month's report. None for a month that is over."""
        last = month_end(_dt.date.fromisoformat(self.month + "-01"))
        if self.made_on > last:
            return None
        return f"SEMENTARA: bulan belum selesai, data sampai {date_text(self.made_on)}"


@dataclass(frozen=True)
class Signature:
    """One signature place: who signs in which role, with the name and the NIP/STR line printed
    under the space to sign (dots to fill in by hand where the register does not know them)."""
    role: str  # "Pelapor," / "Mengetahui,"
    title: str  # the office under the role ("Kepala Puskesmas Sukamaju", "Petugas MTBS")
    name: str
    ids: str  # "NIP 1979... / STR ..."


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
    ("Status HIV", "bm_hiv"),
    # §6.4: the MTBM sheet tallies weight/breastfeeding at the first visit and at the follow-up visit.
    ("Berat badan dan pemberian ASI/minum: kunjungan pertama", "bm_berat_badan_asi", "pertama"),
    ("Berat badan dan pemberian ASI/minum: kunjungan ulang", "bm_berat_badan_asi", "ulang"),
)
# Signs the §6.4 template counts before a module's classifications (the cough block starts with the
# count of chest indrawing).
_FINDING_ROWS = {"batuk": ("tarikan_dinding_dada",)}


# The MTBM sheet's rows of mtbs-chart.md §6.4 that the register can count from the recorded
# treatments (case-format.md §9 codes): vitamin K1 and immunisation given today, breastfeeding
# counselling.
_BAYI_MUDA_ACTIONS = (
    ("Vitamin K1 diberikan hari ini (belum diberikan saat lahir)", ("VITAMIN_K1",)),
    ("Imunisasi diberikan hari ini (HB0, BCG, polio)", ("IMUNISASI_*",)),
    ("Konseling menyusui (posisi, perlekatan, frekuensi)", ("KONSELING_MENYUSUI",)),
)


def default_table() -> list[ReportRow]:
    """The report as the Dinas template of mtbs-chart.md §6.4 lays it out (MTBS then MTBM sheet),
    with every classification code of the chart in chart order."""
    from mtbs_tui.rules.codes import CLASSIFICATIONS
    from mtbs_tui.rules.vocabulary import FINDINGS

    def pathway_rows(title: str, pathway: str, sections: Any, referral_title: str,
                     actions: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> list[ReportRow]:
        rows = [ReportRow(title, heading=True)]
        rows += [ReportRow(MEASURES[m], measure=m, pathway=pathway) for m in ("kunjungan", "pertama", "ulang")]
        for section_title, module, *kind in sections:
            rows.append(ReportRow(section_title, heading=True))
            rows += [ReportRow(f"{FINDINGS[key].label} (+)", findings=(key,), pathway=pathway)
                     for key in _FINDING_ROWS.get(module, ())]
            rows += [ReportRow(c.label, codes=(c.code,), pathway=pathway, kind=kind[0] if kind else None)
                     for c in CLASSIFICATIONS[pathway].values() if c.module == module]
        if actions:
            rows.append(ReportRow("Tindakan hari ini", heading=True))
            rows += [ReportRow(label, treatments=codes, pathway=pathway) for label, codes in actions]
        rows.append(ReportRow(referral_title, heading=True))
        rows += [ReportRow(MEASURES[m], measure=m, pathway=pathway) for m in ("rujuk_segera", "rujuk")]
        return rows

    rows = pathway_rows("A. MTBS: BALITA SAKIT (2 BULAN - <5 TAHUN)", "balita", _BALITA_SECTIONS,
                        "Rujukan balita")
    rows += pathway_rows("B. MTBM: BAYI MUDA (0 - <2 BULAN)", "bayi_muda", _BAYI_MUDA_SECTIONS,
                         "Rujukan bayi muda", _BAYI_MUDA_ACTIONS)
    rows += [
        ReportRow("C. KUNJUNGAN ULANG (MTBS DAN MTBM)", heading=True),
        ReportRow(MEASURES["kontrol_jatuh_tempo"], measure="kontrol_jatuh_tempo"),
        ReportRow(MEASURES["kontrol_selesai"], measure="kontrol_selesai"),
        ReportRow(MEASURES["kontrol_terlewat"], measure="kontrol_terlewat"),
        ReportRow(MEASURES["kontrol_belum"], measure="kontrol_belum"),
        # Issue 17: the referrals of the month and what the hospitals answered (as known when the
        # report is made; a reply that comes later counts in a report made again).
        ReportRow("D. RUJUKAN SEGERA DAN BALASAN RUJUKAN (MTBS DAN MTBM)", heading=True),
        ReportRow("Rujukan segera yang dibuat bulan ini", measure="rujuk_segera"),
        *(ReportRow(MEASURES[m], measure=m) for m in ("rujukan_balasan", "rujukan_selesai", "rujukan_tidak_datang",
                                                      "rujukan_meninggal", "rujukan_belum_balasan")),
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
        if r.treatments:
            item["treatments"] = list(r.treatments)
        if r.findings:
            item["findings"] = list(r.findings)
        if r.kind:
            item["kind"] = r.kind
        if r.measure:
            item["measure"] = r.measure
        if r.pathway:
            item["pathway"] = r.pathway
        out.append(item)
    return json.dumps(out, ensure_ascii=False, indent=1)


def load_table(path: Path | str) -> list[ReportRow]:
    """A district's own table: a JSON list of {label, heading?, codes?, treatments?, findings?, measure?,
    pathway?, kind?}."""
    from mtbs_tui.inputs import TABLE_MAX_BYTES, InputTooLarge, read_capped
    from mtbs_tui.rules.vocabulary import FINDINGS

    path = Path(path)
    try:
        data = json.loads(read_capped(path, TABLE_MAX_BYTES).decode("utf-8"))
    except InputTooLarge as exc:
        raise DocumentError(f"galat: --tabel: {path}: {exc}") from None
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
        unknown = set(item) - {"label", "heading", "codes", "treatments", "findings", "measure", "pathway", "kind"}
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
        treatments = item.get("treatments") or []
        if not isinstance(treatments, list) or not all(isinstance(c, str) for c in treatments):
            raise DocumentError(f"galat: --tabel: baris {i}: treatments harus daftar kode tindakan")
        findings = item.get("findings") or []
        if not isinstance(findings, list) or not all(
                isinstance(k, str) and k in FINDINGS and FINDINGS[k].kind == "bool" for k in findings):
            raise DocumentError(f"galat: --tabel: baris {i}: findings harus daftar kunci temuan ya/tidak "
                                "(case-format.md §5, mis. tarikan_dinding_dada)")
        kind = item.get("kind")
        if kind not in (None, "pertama", "ulang"):
            raise DocumentError(f"galat: --tabel: baris {i}: kind harus pertama atau ulang")
        heading = bool(item.get("heading"))
        if not heading and not codes and not measure and not treatments and not findings:
            raise DocumentError(f"galat: --tabel: baris {i}: isi codes, treatments, findings atau measure "
                                "(atau heading: true)")
        rows.append(ReportRow(item["label"], tuple(codes), measure, pathway, heading, tuple(treatments),
                              tuple(findings), kind))
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
    return first, month_end(first)


def count_month(tally: dict, rows: list[ReportRow]) -> list[list[int] | None]:
    """The cells of every row from the register's `month_tally`: each row's visits (the union of
    its measure, codes, treatments and findings, limited to its pathway and visit kind) counted once,
    by age group and sex."""
    visits = tally["visits"]
    treatments = tally["treatments"]
    values: list[list[int] | None] = []
    for row in rows:
        if row.heading:
            values.append(None)
            continue
        ids: set[int] = set()
        if row.measure:
            ids |= tally["measures"][row.measure]
        for code in row.codes:
            ids |= tally["classifications"].get(code, set())
        for code in row.treatments:
            if code.endswith("*"):
                for have, given in treatments.items():
                    if have.startswith(code[:-1]):
                        ids |= given
            else:
                ids |= treatments.get(code, set())
        for key in row.findings:
            ids |= tally["findings"].get(key, set())
        cells = [0] * (len(AGE_GROUPS) * len(SEXES))
        for vid in ids:
            pathway, g, sex, kind = visits[vid]
            if (g is not None and sex in SEXES and row.pathway in (None, pathway)
                    and row.kind in (None, kind)):
                cells[2 * g + SEXES.index(sex)] += 1
        total_l = sum(cells[0::2])
        total_p = sum(cells[1::2])
        values.append(cells + [total_l, total_p, total_l + total_p])
    return values


def signatures(register: Any, actor: str | None) -> list[Signature]:
    """Pelapor (the account that makes the report: full name and NIP/STR, `worker_signature`) and,
    mengetahui, the head of the puskesmas (name and NIP from the facility settings)."""
    fac = register.facility() or {}
    name = fac.get("name") or ""
    office = f"Kepala {puskesmas_name(name)}".strip()
    reporter, reporter_ids = worker_signature(register, actor)
    head_ids = f"NIP {fac['head_nip']}" if fac.get("head_nip") else f"NIP: {HAND}"
    return [
        Signature("Pelapor,", "Petugas MTBS", reporter, reporter_ids),
        Signature("Mengetahui,", office, fac.get("head_name") or HAND, head_ids),
    ]


def build_report(register: Any, month: str, *, table: list[ReportRow] | None = None,
                 today: _dt.date | None = None, actor: str | None = None) -> MonthlyReport:
    today = today or _dt.date.today()
    first, last = parse_month(month, today=today)
    rows = table or default_table()
    keys = sorted({key for row in rows for key in row.findings})
    values = count_month(register.month_tally(first, last, today=today, findings=keys), rows)
    return MonthlyReport(month=first.strftime("%Y-%m"), facility=register.facility() or {}, rows=rows,
                         values=values, columns=column_titles(), signatures=signatures(register, actor),
                         made_on=today)


# --- output ---------------------------------------------------------------------------------------

def _identity_lines(report: MonthlyReport) -> list[str]:
    note = report.partial_note
    return [report.title, *facility_lines(report.facility), *([note] if note else [])]


def _place_and_date(report: MonthlyReport) -> str:
    """`Bogor, 1 Desember 2026`: the place and the day the report was made."""
    return place_and_date(report.facility, report.made_on)


def write_csv(report: MonthlyReport, path: Path) -> None:
    """Key/value lines naming the puskesmas and the month, an empty line, then the table."""
    fac = report.facility
    with csv_file(path) as w:
        w.writerow(["Laporan", report.title])
        w.writerow(["Puskesmas", fac.get("name") or ""])
        w.writerow(["Kode puskesmas", fac.get("code") or ""])
        w.writerow(["Kabupaten/kota", fac.get("district") or ""])
        w.writerow(["Provinsi", fac.get("province") or ""])
        w.writerow(["Bulan", report.month])
        w.writerow(["Dibuat", report.made_on.isoformat()])
        if report.partial_note:
            w.writerow(["Status", report.partial_note])
        w.writerow([])
        w.writerow(["Uraian", *report.columns])
        for row, vals in zip(report.rows, report.values):
            w.writerow([row.label] + ([""] * len(report.columns) if vals is None else vals))


XLSX_LABEL_WIDTH = 58  # characters


def write_xlsx(report: MonthlyReport, path: Path) -> None:
    import textwrap

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = f"MTBS {report.month}"
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
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
        c.alignment = wrap
        # A label longer than the column wraps; the row is made tall enough for its lines.
        n_lines = len(textwrap.wrap(row.label, XLSX_LABEL_WIDTH - 4)) or 1
        if n_lines > 1:
            ws.row_dimensions[r].height = 15 * n_lines
        if vals is None:
            c.font = bold
            continue
        for j, v in enumerate(vals, 2):
            ws.cell(row=r, column=j, value=v)
    ws.column_dimensions["A"].width = XLSX_LABEL_WIDTH
    for j in range(2, len(report.columns) + 2):
        ws.column_dimensions[get_column_letter(j)].width = 10
    ws.row_dimensions[head_row].height = 32
    ws.freeze_panes = ws.cell(row=head_row + 1, column=2)
    # The signature block: mengetahui (head of the puskesmas) left, pelapor right under the date.
    r += 2
    right = 2 + len(report.columns) - 4
    ws.cell(row=r, column=right, value=_place_and_date(report))
    for col, sig in zip((1, right), report.signatures[::-1]):
        ws.cell(row=r + 1, column=col, value=sig.role)
        ws.cell(row=r + 2, column=col, value=sig.title)
        ws.cell(row=r + 6, column=col, value=sig.name).font = Font(bold=True, underline="single")
        ws.cell(row=r + 7, column=col, value=sig.ids)
    # Print setup: A4 landscape, one page wide, the table header on every page.
    xlsx_print_setup(ws, report.title, head_row=head_row)
    wb.properties.title = report.title
    wb.properties.creator = "mtbs_tui"
    wb.save(path)


# --- PDF layout: every width measured ------------------------------------------------------------

PDF_FONT, PDF_BOLD = FONT, FONT_BOLD  # the embedded DejaVu Sans of every document
BODY_SIZE, HEADING_SIZE, HEAD_SIZE = 7.4, 7.6, 7.2
PAD = 3.0  # left/right cell padding, points
MM = 72 / 25.4
LABEL_WIDTH = 95 * MM
COUNT_WIDTHS = [16 * MM] * 8 + [15 * MM] * 3


def _column_widths() -> list[float]:
    return [LABEL_WIDTH, *COUNT_WIDTHS]


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """`text` in lines no wider than `width` points: split at spaces, and a word wider than the
    line broken between letters."""
    from reportlab.lib.utils import simpleSplit

    register_fonts()
    bold = font == PDF_BOLD
    out: list[str] = []
    for line in simpleSplit(text, font, size, width) or [""]:
        while text_width(line, size, bold) > width:
            cut = len(line) - 1
            while cut > 1 and text_width(line[:cut], size, bold) > width:
                cut -= 1
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return out


def label_lines(label: str, *, heading: bool = False) -> list[str]:
    """A row label as printed: headings span the whole table, counts fit the label column."""
    width = sum(_column_widths()) if heading else LABEL_WIDTH
    return _wrap(pdf_text(label), PDF_BOLD if heading else PDF_FONT, HEADING_SIZE if heading else BODY_SIZE,
                 width - 2 * PAD)


def _header_cells() -> list[tuple[str, float]]:
    """The two header rows' texts with the width of the (spanned) cell each is drawn in."""
    widths = _column_widths()
    cells = [("Uraian", widths[0])]
    for g, (label, _) in enumerate(AGE_GROUPS):
        cells.append((label, widths[1 + 2 * g] + widths[2 + 2 * g]))
        cells += [(sex, widths[1 + 2 * g + i]) for i, sex in enumerate(SEXES)]
    cells.append(("Jumlah", sum(widths[-3:])))
    cells += [(t, w) for t, w in zip(("L", "P", "L+P"), widths[-3:])]
    return cells


def layout_problems(report: MonthlyReport) -> list[str]:
    """Every printed table text wider than its cell (empty when the layout is right)."""
    widths = _column_widths()
    problems = []
    for text, width in _header_cells():
        if text_width(text, HEAD_SIZE, bold=True) > width - 2 * PAD:
            problems.append(f"kepala kolom {text!r}")
    for row, vals in zip(report.rows, report.values):
        heading = vals is None
        size = HEADING_SIZE if heading else BODY_SIZE
        room = (sum(widths) if heading else widths[0]) - 2 * PAD
        for line in label_lines(row.label, heading=heading):
            if text_width(line, size, bold=heading) > room:
                problems.append(f"label {line!r}")
        for v, width in zip(vals or [], widths[1:]):
            if text_width(str(v), BODY_SIZE) > width - 2 * PAD:
                problems.append(f"angka {v} pada {row.label!r}")
    return problems


# Rows of the table kept on the signature's page when the signature would otherwise start a page alone.
SIGNATURE_KEEPS_ROWS = 3


def write_pdf(report: MonthlyReport, path: Path, db: Any) -> None:
    """A4 landscape; the two header rows repeat on every page. The signature block never stands
    alone on a page: when it would, the layout is made again with the last rows of the table
    moved to the signature's page (under their own header rows)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        Flowable,
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    from mtbs_tui.documents.common import styles

    st = styles()
    footer = footer_text(db, report.title)
    ncols = len(report.columns)
    top: list[Any] = ["Uraian"]
    for label, _ in AGE_GROUPS:
        top += [label, ""]
    top += ["Jumlah", "", ""]
    header = [top, [""] + [s for _ in AGE_GROUPS for s in SEXES] + ["L", "P", "L+P"]]
    body: list[tuple[list[Any], bool]] = []
    for row, vals in zip(report.rows, report.values):
        text = "\n".join(label_lines(row.label, heading=vals is None))
        if vals is None:
            body.append(([text] + [""] * ncols, True))
        else:
            body.append(([text] + [str(v) if v else "-" for v in vals], False))

    def table(rows: list[tuple[list[Any], bool]]) -> Any:
        t = Table(header + [cells for cells, _ in rows], colWidths=_column_widths(), repeatRows=2)
        style = [
            ("FONT", (0, 0), (-1, -1), PDF_FONT, BODY_SIZE, BODY_SIZE * 1.2),
            ("FONT", (0, 0), (-1, 1), PDF_BOLD, HEAD_SIZE, HEAD_SIZE * 1.2),
            ("BACKGROUND", (0, 0), (-1, 1), colors.HexColor("#dddddd")),
            ("SPAN", (0, 0), (0, 1)),
            *[("SPAN", (1 + 2 * g, 0), (2 + 2 * g, 0)) for g in range(len(AGE_GROUPS))],
            ("SPAN", (1 + 2 * len(AGE_GROUPS), 0), (-1, 0)),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("ALIGN", (1, 0), (-1, -1), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD), ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
            ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ("BACKGROUND", (-3, 2), (-1, -1), colors.HexColor("#f3f3f3")),
        ]
        for i, (_, heading) in enumerate(rows, 2):
            if heading:
                style += [("FONT", (0, i), (-1, i), PDF_BOLD, HEADING_SIZE, HEADING_SIZE * 1.2),
                          ("SPAN", (0, i), (-1, i)), ("BACKGROUND", (0, i), (-1, i), colors.HexColor("#eeeeee"))]
                # A heading stays on the page of its first count row (never orphaned at a page foot).
                first = next((j for j, (_, h) in enumerate(rows[i - 1:], i + 1) if not h), None)
                if first is not None:
                    style.append(("NOSPLIT", (0, i), (-1, first)))
        t.setStyle(TableStyle(style))
        return t

    pages: dict[str, int] = {}

    class Mark(Flowable):
        """Draws nothing; tells on which page the story reached it."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

        def wrap(self, *_: Any) -> tuple[float, float]:
            return 0, 0

        def draw(self) -> None:
            pass

    class Doc(SimpleDocTemplate):
        def afterFlowable(self, flowable: Any) -> None:  # noqa: N802 - reportlab's hook name
            if isinstance(flowable, Mark):
                pages[flowable.name] = self.page

    def build(keep: int) -> None:
        pages.clear()
        doc = Doc(str(path), pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                  topMargin=11 * mm, bottomMargin=13 * mm, title=report.title, author="mtbs_tui", invariant=1)
        story: list[Any] = [Paragraph(para_text(report.title.upper()), st["title"])]
        for line in _identity_lines(report)[1:]:
            text = para_text(line)
            story.append(Paragraph(f"<b>{text}</b>" if line == report.partial_note else text, st["center"]))
        story.append(Spacer(1, 4))
        cut = len(body) - keep
        while keep and cut > 0 and body[cut - 1][1]:  # a heading goes with the rows kept for the signature
            cut -= 1
        story += [table(body[:cut]), Mark("table")]
        signature = _signature_table(report, ParagraphStyle("ttd", parent=st["base"]))
        tail = [table(body[cut:])] if keep else []
        story.append(KeepTogether([*tail, Spacer(1, 10), signature, Mark("signature")]))
        doc.build(story, canvasmaker=report_footer_canvas(footer))

    build(0)
    if pages["signature"] > pages["table"] and len(body) > SIGNATURE_KEEPS_ROWS:
        build(SIGNATURE_KEEPS_ROWS)


def _signature_table(report: MonthlyReport, style: Any) -> Any:
    """Mengetahui (head of the puskesmas) on the left, pelapor on the right under the place and date;
    room to sign and stamp between the office and the name."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    cols = []
    for sig in report.signatures[::-1]:
        cols.append([Paragraph(para_text(sig.role), style), Paragraph(para_text(sig.title), style),
                     "", Paragraph(f"<b><u>{para_text(sig.name)}</u></b>", style), Paragraph(para_text(sig.ids), style)])
    rows = [["", Paragraph(para_text(_place_and_date(report)), style)]]
    rows += [[left, right] for left, right in zip(*cols)]
    t = Table(rows, colWidths=[160 * mm, 95 * mm], rowHeights=[None, None, None, 16 * mm, None, None],
              hAlign="LEFT")
    t.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    # Indented a little from the table's left edge.
    outer = Table([["", t]], colWidths=[15 * mm, 255 * mm], hAlign="LEFT")
    outer.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return outer


def write_report(register: Any, month: str, fmt: str, out_path: Path | str, *,
                 table: list[ReportRow] | None = None, audit: bool = True, actor: str | None = None,
                 today: _dt.date | None = None) -> MonthlyReport:
    require_format(fmt, FORMATS)
    report = build_report(register, month, table=table, today=today, actor=actor)
    write_as(fmt, out_path, {"xlsx": lambda tmp: write_xlsx(report, tmp),
                             "pdf": lambda tmp: write_pdf(report, tmp, register.db),
                             "csv": lambda tmp: write_csv(report, tmp)})
    if audit:
        record_audit(register, "laporan.bulanan", detail=f"{report.month}, {fmt}", actor=actor)
    return report
