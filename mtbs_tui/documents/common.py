"""What every document shares: Indonesian dates, safe output files, the audit row, PDF building blocks.

The PDF helpers import reportlab inside the functions that need it, so `export` and `monthly --csv`
never pay for it.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import os
import re
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from mtbs_tui.display import MONTH_NAMES, written_time_text
from mtbs_tui.outputs import os_reason
from mtbs_tui.rules.age import Age

SEX_TEXT = {"L": "Laki-laki", "P": "Perempuan"}


class DocumentError(Exception):
    """A document that cannot be made. `message` is one Indonesian line (`galat: ...`)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message if message.startswith("galat") else f"galat: {message}"


def require_format(fmt: str, formats: Sequence[str]) -> None:
    """The one refusal of an unknown output format: by a command before it opens the register
    (`chosen_format`) and by a document writer for its library callers."""
    if fmt not in formats:
        raise DocumentError(f"galat: --format: nilai {fmt!r} tidak sah (pilihan: {', '.join(formats)})")


# Endings of the files the documents write (and their neighbours a user may type): an `-o` with one
# of these that the command does not write is refused even with --format, so a file never carries
# the ending of another format (an XLSX named register.pdf opens nowhere).
DOCUMENT_ENDINGS = ("pdf", "xlsx", "xls", "csv", "json", "ods", "doc", "docx", "odt")


def _refuse_folder(out: Path | str | None) -> None:
    """A folder given as the output is named as one (`-o dokumen`), not as a file without an ending."""
    from mtbs_tui.outputs import folder_message

    if out is not None and Path(out).is_dir():
        raise DocumentError(folder_message(out))


def chosen_format(fmt: str | None, out: Path | None, formats: Sequence[str]) -> str:
    """The format a command writes: `--format` when given (any case; an unknown one refused), else
    the ending of `-o` (any case) when it is one of `formats` (`-o laporan.csv` writes CSV, never an
    XLSX under that name), else, without `-o`, the first of `formats`, the command's default.
    Refused, one line naming `-o`, nothing written: an ending that contradicts `--format`, the
    ending of a document format this command does not write (`-o register.pdf` for the register
    export), and, without `--format`, any other ending or none (`-o laporan`: which format was
    meant?). With `--format`, another ending (`-o data.txt --format csv`) is the user's choice."""
    choices = ", ".join(f".{f}" for f in formats)
    _refuse_folder(out)
    suffix = out.suffix if out is not None else ""
    ending = suffix.lower().lstrip(".")
    if fmt is not None:
        fmt = fmt.lower()
        require_format(fmt, formats)
    if out is None or ending == fmt:
        return fmt or formats[0]
    if ending in formats:
        if fmt is None:
            return ending
        raise DocumentError(f"galat: -o: akhiran .{ending} tidak cocok dengan --format {fmt}")
    if ending in DOCUMENT_ENDINGS:
        raise DocumentError(f"galat: -o: akhiran {suffix} tidak dibuat perintah ini (pilihan: {choices})")
    if fmt is None:
        raise DocumentError(f"galat: -o: akhiran {suffix or '(tanpa akhiran)'} tidak dikenal "
                            f"(pilihan: {choices}; atau beri --format)")
    return fmt


def ending_format(out: Path | str, formats: Sequence[str], option: str = "-o") -> str:
    """The format of a document whose command has no --format (the letter, the card, the district
    package and report, the practice report): the ending of its file (any case), one of `formats`;
    any other ending or none is refused, one line naming `option` (`-o kartu.xlsx` wrote a PDF
    under that name)."""
    _refuse_folder(out)
    suffix = Path(out).suffix
    ending = suffix.lower().lstrip(".")
    if ending not in formats:
        choices = ", ".join(f".{f}" for f in formats)
        raise DocumentError(f"galat: {option}: akhiran {suffix or '(tanpa akhiran)'} tidak dikenal (pilihan: {choices})")
    return ending


# --- words and dates ------------------------------------------------------------------------------

def as_date(value: Any) -> _dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    return _dt.date.fromisoformat(str(value)[:10])


def date_text(value: Any) -> str:
    """`2026-11-29` -> `29 November 2026`."""
    d = as_date(value)
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}" if d else "-"


def datetime_text(value: Any) -> str:
    """An ISO date-time as `29 November 2026, pukul 14.05` (Indonesian writes the time with a dot)."""
    if not value:
        return "-"
    moment = value if isinstance(value, _dt.datetime) else _dt.datetime.fromisoformat(str(value))
    return f"{date_text(moment.date())}, pukul {written_time_text(moment)}"


def age_text_long(days: int | None, months: int | None) -> str:
    """`12 hari`, `5 bulan`, `1 tahun 3 bulan` (the letter spells it out; lists use `1 th 3 bl`)."""
    if days is None:
        return "-"
    return Age(days=days, months=int(months or 0)).long()


def number_text(value: Any, decimals: int | None = None) -> str:
    """A number with the Indonesian decimal comma: 9.5 -> `9,5`."""
    if value is None or value == "":
        return "-"
    if decimals is not None:
        text = f"{float(value):.{decimals}f}"
    else:
        text = f"{value:g}" if isinstance(value, float) else str(value)
    return text.replace(".", ",")


def app_version() -> str:
    from mtbs_tui import __version__

    return __version__


# --- output files ---------------------------------------------------------------------------------

def check_output_folder(path: Path) -> None:
    """The output path passes `outputs.check_target` (never the register, its side files or
    backups, nor an existing file without --timpa) and its folder exists and is writable."""
    from mtbs_tui.outputs import OutputRefused, check_target

    try:
        check_target(path)
    except OutputRefused as exc:
        raise DocumentError(exc.message) from None
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        raise DocumentError(f"galat: {folder}: folder tidak ditemukan")
    if not folder.is_dir():
        raise DocumentError(f"galat: {folder}: bukan folder")
    if not os.access(folder, os.W_OK):
        raise DocumentError(f"galat: {folder}: folder tidak dapat ditulisi (izin ditolak)")


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it takes the final name, on any failure it
    is deleted (SIGTERM included, while a command's `outputs.policy` is active). A half-written PDF
    or export never carries the name the user asked for, and the name is checked again just before
    it is taken (`outputs.place`)."""
    from mtbs_tui.outputs import OutputRefused, place

    path = Path(path)
    check_output_folder(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        # Owner only (POSIX 0600): letters, cards, exports and reports carry children's health data.
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600))
        yield tmp
        place(tmp, path)
    except OutputRefused as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise DocumentError(exc.message) from None
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise DocumentError(f"galat: {path}: berkas tidak dapat ditulis ({os_reason(exc)})") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_as(fmt: str, out_path: Path | str, writers: Mapping[str, Callable[[Path], object]]) -> Path:
    """The one format dispatch of the writers that offer several formats (export, referral log,
    monthly and quality reports, district report): `writers[fmt]` writes into the temporary file of
    `atomic_output`, so `out_path` carries only a finished file. An unknown format is refused
    (`require_format`) before anything is written. Returns `out_path` as a Path."""
    require_format(fmt, tuple(writers))
    out_path = Path(out_path)
    with atomic_output(out_path) as tmp:
        writers[fmt](tmp)
    return out_path


# --- CSV ------------------------------------------------------------------------------------------
# The one CSV dialect of every export and report (docs/documents.md): `;` between fields, UTF-8 with
# a BOM, CRLF. Excel with Indonesian regional settings uses `;` as its list separator and reads
# UTF-8 only when the file starts with a BOM; LibreOffice detects all three in its import dialog.
CSV_DELIMITER = ";"
CSV_ENCODING = "utf-8-sig"


@contextlib.contextmanager
def csv_file(path: Path) -> Iterator[Any]:
    """A `csv.writer` on `path` (a new file) in the one CSV dialect."""
    import csv

    with open(path, "w", encoding=CSV_ENCODING, newline="") as fh:
        yield csv.writer(fh, delimiter=CSV_DELIMITER, lineterminator="\r\n")


# --- audit ----------------------------------------------------------------------------------------

def write_bytes(out: Any, data: bytes) -> None:
    """Write a finished document to `out`: a binary file object, or a path (flushed to disk)."""
    if hasattr(out, "write"):
        out.write(data)
        return
    with open(out, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


HAND = "........................"  # a blank the worker fills in by hand


def worker_signature(register: Any, username: str | None) -> tuple[str, str]:
    """(name, NIP/STR line) printed under a worker's signature, from the account: the full name
    and "NIP ... / STR ..."; the username or dots to fill in by hand for what the account lacks."""
    worker = register.worker(username) if username else None
    if not worker:
        return (username or HAND, f"NIP/STR: {HAND}")
    ids = []
    if worker.get("nip"):
        ids.append(f"NIP {worker['nip']}")
    if worker.get("str_number"):
        ids.append(f"STR {worker['str_number']}")
    return (worker.get("full_name") or username or HAND, " / ".join(ids) if ids else f"NIP/STR: {HAND}")


# --- PDF text -------------------------------------------------------------------------------------

# The letter, the card and the report draw with DejaVu Sans, embedded from package data
# (documents/fonts, license in LICENSE.txt): it has every glyph the chart texts use (⅛ ⅓ ⅔ ≥ °),
# so a dose prints exactly as the TUI shows it. The 14 standard PDF fonts only know cp1252.
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_DIR = Path(__file__).resolve().parent / "fonts"


def register_fonts() -> None:
    """Register the embedded fonts with reportlab once per process (about 0.1 s)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    try:
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    except (OSError, ValueError) as exc:  # the package was installed without its data files
        raise DocumentError(f"galat: huruf PDF tidak ditemukan di {FONT_DIR}; pasang ulang aplikasi") from exc
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width in points of `text` drawn in the document font (for layout checks)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register_fonts()
    return stringWidth(text, FONT_BOLD if bold else FONT, size)


def pdf_text(text: Any) -> str:
    """Text for the document font (DejaVu Sans draws it all): a plain str, None as ""."""
    return "" if text is None else str(text)


def para_text(text: Any) -> str:
    """XML-escaped text for platypus Paragraph markup (drawn in the document font)."""
    s = pdf_text(text)
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def place_and_date(facility: dict[str, Any] | None, day: Any) -> str:
    """`Bogor, 1 Desember 2026` above a signature (the letter, the monthly report): the district
    without its "Kabupaten"/"Kab."/"Kota" word, a line to fill in by hand when the register has
    none, and the day as a long date."""
    district = ((facility or {}).get("district") or "").strip()
    place = re.sub(r"^(kabupaten|kab\.|kota)\s+", "", district, flags=re.IGNORECASE) or "................"
    return f"{place}, {date_text(day) if day else '................'}"


_ID_BREAK = re.compile(r"(?<=[-._/])")


def para_fit(text: Any, width_pt: float, size: float, *, bold: bool = False) -> str:
    """`para_text` for a table cell of `width_pt` (less its padding) where a word may be wider than
    the cell (a case id `b22-34-multi-gizi-kurang-diare-persisten`, a rule id
    `2022.bm_infeksi.PENYAKIT_SANGAT_BERAT_...`): such a word is broken only after a `-`, `.`, `_`
    or `/`, each line measured against the cell, so it is never cut inside a part (`dia`
    `re-persisten`); reportlab wraps at the spaces as usual (its first line may follow a short
    word such as the row number, or start a line of its own)."""
    out: list[str] = []
    for word in pdf_text(text).split(" "):
        if text_width(word, size, bold) <= width_pt:
            out.append(para_text(word))
            continue
        lines, line = [], ""
        for part in _ID_BREAK.split(word):
            if line and text_width(line + part, size, bold) > width_pt:
                lines.append(line)
                line = ""
            line += part
        lines.append(line)
        out.append("<br/>".join(para_text(x) for x in lines) + "<br/>")
    return " ".join(out).replace("<br/> ", "<br/>").removesuffix("<br/>")


def styles() -> dict[str, Any]:
    """Paragraph styles shared by the letter, the card and the monthly report."""
    from reportlab import rl_config
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    # Compressed streams as binary, not also ASCII85-encoded: reportlab's pure-Python ASCII85 cost
    # ~4 ms of a 15 ms referral letter, and every PDF reader takes binary streams.
    rl_config.useA85 = 0
    register_fonts()

    base = ParagraphStyle("dasar", fontName=FONT, fontSize=8.6, leading=10.4)
    return {
        "base": base,
        "small": ParagraphStyle("kecil", parent=base, fontSize=7.2, leading=8.6),
        "bold": ParagraphStyle("tebal", parent=base, fontName=FONT_BOLD),
        "title": ParagraphStyle("judul", parent=base, fontName=FONT_BOLD, fontSize=12, leading=14,
                                alignment=TA_CENTER, spaceAfter=1),
        "center": ParagraphStyle("tengah", parent=base, alignment=TA_CENTER),
        "head1": ParagraphStyle("kop1", parent=base, fontName=FONT_BOLD, fontSize=10.5, leading=12.5,
                                alignment=TA_CENTER),
        "head2": ParagraphStyle("kop2", parent=base, fontName=FONT_BOLD, fontSize=13, leading=15,
                                alignment=TA_CENTER),
        "section": ParagraphStyle("bagian", parent=base, fontName=FONT_BOLD, fontSize=9.2, leading=11,
                                  spaceBefore=4, spaceAfter=1.5),
    }


def puskesmas_name(name: str) -> str:
    """The facility's name as the documents print it: `Puskesmas Sukamaju` whether the settings say
    `Sukamaju` or `Puskesmas Sukamaju`."""
    return name if name.lower().startswith("puskesmas") else f"Puskesmas {name}"


def facility_lines(facility: dict | None) -> list[str]:
    """The lines under a report's title that name the puskesmas: `Puskesmas X (kode K)`, then
    `Kabupaten/kota, provinsi: D, P` when the settings know them."""
    fac = facility or {}
    lines = [puskesmas_name(fac.get("name") or "-") + (f" (kode {fac['code']})" if fac.get("code") else "")]
    where = ", ".join(x for x in [fac.get("district"), fac.get("province")] if x)
    if where:
        lines.append(f"Kabupaten/kota, provinsi: {where}")
    return lines


def letterhead(facility: dict | None, st: dict[str, Any]) -> list[Any]:
    """The puskesmas letterhead from the settings: government, health office, puskesmas, address."""
    from reportlab.lib import colors
    from reportlab.platypus import HRFlowable, Paragraph

    fac = facility or {}
    district = fac.get("district")
    gov = f"PEMERINTAH {district.upper()}" if district else "PEMERINTAH KABUPATEN/KOTA ........................"
    if district and not district.lower().startswith(("kabupaten", "kota", "kab.")):
        gov = f"PEMERINTAH KABUPATEN/KOTA {district.upper()}"
    name = fac.get("name") or "........................"
    addr_bits = [fac.get("address"), fac.get("district"), fac.get("province")]
    addr = ", ".join(b for b in addr_bits if b)
    contact = []
    if fac.get("phone"):
        contact.append(f"Telp. {fac['phone']}")
    if fac.get("code"):
        contact.append(f"Kode puskesmas {fac['code']}")
    out = [
        Paragraph(para_text(gov), st["head1"]),
        Paragraph("DINAS KESEHATAN", st["head1"]),
        Paragraph(para_text(f"UPTD {puskesmas_name(name).upper()}"), st["head2"]),
    ]
    if addr or contact:
        out.append(Paragraph(para_text(" - ".join([x for x in [addr, ", ".join(contact)] if x])), st["center"]))
    out.append(HRFlowable(width="100%", thickness=1.6, color=colors.black, spaceBefore=2, spaceAfter=0.6))
    out.append(HRFlowable(width="100%", thickness=0.5, color=colors.black, spaceBefore=0, spaceAfter=4))
    return out


def old_version_mark(visit: dict, what: str) -> Any | None:
    """The red "VERSI LAMA" box printed on a document of a corrected (superseded) visit version,
    or None for the current version. `what`: the document, e.g. "Surat ini", "Kartu ini"."""
    if visit.get("is_current", 1):
        return None
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    warn = ParagraphStyle("versi_lama", parent=styles()["bold"], textColor=colors.HexColor("#b00000"),
                          borderColor=colors.HexColor("#b00000"), borderWidth=0.8, borderPadding=3,
                          alignment=1, spaceBefore=4, spaceAfter=4)
    return Paragraph(f"VERSI LAMA (versi {visit.get('version')}): kunjungan ini sudah dikoreksi. {what} tidak "
                     "berlaku; cetak dari versi terbaru.", warn)


def report_footer_canvas(footer: str, *, left_mm: float = 12, bottom_mm: float = 7) -> Any:
    """A reportlab canvas class that writes `footer - halaman N dari M` at the foot of every page
    of a report (`left_mm` from the left, `bottom_mm` from the bottom; the landscape reports' 12 and
    7 by default), M known only when the document is complete: each page is kept until `save` and
    drawn then (the reportlab recipe), so a reader of a printed report sees whether a page is
    missing."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    class FooterCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.saveState()
                self.setFont(FONT, 6.5)
                self.drawString(left_mm * mm, bottom_mm * mm, f"{footer} - halaman {self._pageNumber} dari {total}")
                self.restoreState()
                super().showPage()
            super().save()

    return FooterCanvas


def build_landscape_pdf(path: Path | str, story: list[Any], *, title: str, footer: str) -> None:
    """Build `story` on A4 landscape (12 mm sides, 11 mm top, 13 mm bottom) with `footer` and
    "halaman N dari M" at the foot of every page: the layout of the reports and logs."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    doc = SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=11 * mm, bottomMargin=13 * mm, title=title, author="mtbs_tui", invariant=1)
    doc.build(story, canvasmaker=report_footer_canvas(footer))


def footer_text(db: Any, what: str) -> str:
    """The footer line: what, when, which program; the audit chain head has its place here."""
    from mtbs_tui.audit import recorded_head

    head = recorded_head(db)
    chain = f"rantai audit {head[:16]}" if head else "rantai audit -"
    now = _dt.datetime.now()
    return pdf_text(f"{what} - dicetak {date_text(now.date())} {written_time_text(now)} - mtbs_tui {app_version()} - {chain}")


# --- XLSX (openpyxl) ------------------------------------------------------------------------------

XLSX_DATETIME_FORMAT = "DD-MM-YYYY HH:MM"  # a date and time in an openpyxl sheet, as a nurse writes it


def xlsx_moment(text: Any) -> Any:
    """A stored ISO date-time as a datetime Excel reads (with XLSX_DATETIME_FORMAT), not the text
    "2026-12-06T23:42:00"; a value that is not one (or carries a time zone: Excel has none) as it is."""
    try:
        moment = _dt.datetime.fromisoformat(str(text))
    except ValueError:
        return text
    return moment if moment.tzinfo is None else text

def xlsx_header_row(ws: Any, row: int, titles: list[str]) -> None:
    """One header row of an openpyxl sheet: bold on grey, wrapped at the top of the cell."""
    from openpyxl.styles import Alignment, Font, PatternFill

    bold, grey = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    wrap = Alignment(wrap_text=True, vertical="top")
    for j, title in enumerate(titles, 1):
        c = ws.cell(row=row, column=j, value=title)
        c.font, c.fill, c.alignment = bold, grey, wrap


def xlsx_print_setup(ws: Any, title: str, *, head_row: int | None = 1, margin_in: float = 0.4) -> None:
    """The print setup of every openpyxl sheet a document writes (the streamed exports set the
    same in `documents.xlsx`): A4 landscape, one page wide and as many pages tall as needed (a
    sheet too wide to read that way prints at `xlsx.READABLE_PRINT_SCALE` % over several pages,
    `xlsx.print_scale`), the header row (`head_row`, None: none) repeated on every page, the title
    and "halaman N dari M" in the footer. Without it a wide sheet prints as many portrait pages of
    one or two columns."""
    from openpyxl.utils import column_index_from_string, get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    from mtbs_tui.documents.xlsx import print_scale

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    default = ws.sheet_format.defaultColWidth or 8.43
    dims = [ws.column_dimensions.get(get_column_letter(i)) for i in range(1, ws.max_column + 1)]  # .get: no new
    widths = [d.width if d is not None and d.width else default for d in dims]
    scale = print_scale(widths)
    if scale is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    else:
        ws.page_setup.scale = scale
        ws.page_setup.pageOrder = "overThenDown"
        frozen = "".join(ch for ch in ws.freeze_panes or "" if ch.isalpha())
        if frozen and frozen != "A":  # the frozen identity columns at the left of every page
            ws.print_title_cols = f"A:{get_column_letter(column_index_from_string(frozen) - 1)}"
    if head_row is not None:
        ws.print_title_rows = f"{head_row}:{head_row}"
    ws.page_margins.left = ws.page_margins.right = margin_in
    ws.oddFooter.left.text = title.replace("&", "&&")
    ws.oddFooter.right.text = "halaman &P dari &N"


# --- doses ----------------------------------------------------------------------------------------

def visit_doses(visit: dict) -> list[str | None]:
    """The dose of each of the visit's treatments (in `visit["treatments"]` order) as the engine's
    structure (`rules.doses.Dose`/`Doses`), so documents print amount, frequency and duration from
    their parts and never split a text.

    The register keeps the dose texts; the structure is the engine's output for the stored case,
    used only where it gives exactly the stored text. A visit classified by other rules (an older
    version of the tables) keeps its stored text, which documents print whole.
    """
    from mtbs_tui.rules import classify
    from mtbs_tui.rules.errors import CaseError

    stored = [t.get("dose") for t in visit.get("treatments") or []]
    try:
        fresh = classify(visit["case"])["treatments"]
    except (CaseError, KeyError, TypeError, ValueError):
        return stored
    by_item = {(t["code"], t["label"]): t["dose"] for t in fresh}
    out: list[str | None] = []
    for t, text in zip(visit.get("treatments") or [], stored):
        again = by_item.get((t.get("code"), t.get("label")))
        out.append(again if text is not None and again == text else text)
    return out
