"""A small streaming XLSX writer: one worksheet, typed columns, written row by row into the zip.

Why not openpyxl (a dependency) or xlsxwriter (test-only)? On a 100,000-visit register openpyxl's
write-only mode took about 40 s and xlsxwriter's constant-memory mode about 21 s here; this writer
takes a few seconds with flat memory, because the register export knows its column types up front
and writes each row as one string. The file is a plain SpreadsheetML package (ECMA-376): inline
strings, a date number format, a bold header row, frozen panes, column widths, an autofilter and a
print setup (A4 landscape, fit to one page wide, or for a wide sheet a readable scale over several
pages with the identity columns repeated (`print_scale`), the header row repeated on every page,
page numbers in the footer).
tests/test_export*.py read every file back with openpyxl.
"""
from __future__ import annotations

import datetime as _dt
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

# Characters XML 1.0 forbids; a name pasted from elsewhere must not make Excel refuse the file.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_EPOCH = _dt.date(1899, 12, 30).toordinal()

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    kind: str = "text"  # "text" | "int" | "num" | "date" (date: an Excel serial number or ISO text)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    s = ""
    n = index + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def xml_text(value: str) -> str:
    if "&" in value or "<" in value or ">" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if not value.isprintable():
        value = _XML_BAD.sub("", value)
    return value


def date_serial(value: Any) -> float | None:
    """An Excel date serial from a date, a datetime or ISO text (None when empty)."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, _dt.datetime):
        return value.toordinal() - _EXCEL_EPOCH + (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    if isinstance(value, _dt.date):
        return value.toordinal() - _EXCEL_EPOCH
    return _dt.date.fromisoformat(str(value)[:10]).toordinal() - _EXCEL_EPOCH


# --- printing (one home for the streamed writer here and `common.xlsx_print_setup`) ------------
# A4 landscape with 0.4 in side margins. A sheet that fits one page wide at READABLE_PRINT_SCALE %
# or more is fit to one page wide. A wider one (the register export's 43 columns would print at
# about 19 %, letters under 2 mm) prints at READABLE_PRINT_SCALE % across several pages instead,
# with its identity columns (the frozen ones: date, RM number, name) repeated at the left of every
# page and the pages of the same rows printed one after another ("over, then down"), so each sheet
# of paper can be read on its own and the set for one stretch of the register stays together.
A4_LANDSCAPE_PRINTABLE_MM = 297 - 2 * 0.4 * 25.4
READABLE_PRINT_SCALE = 70


def column_mm(width: float) -> float:
    """Printed width at 100 % of an Excel column `width` characters wide (Calibri 11: 7 px a
    character plus 5 px of padding, at 96 px an inch)."""
    return (width * 7 + 5) * 25.4 / 96


def print_scale(widths: Iterable[float]) -> int | None:
    """None: fit the sheet to one page wide; a number: print at that scale over several pages."""
    total = sum(column_mm(w) for w in widths)
    if total <= 0 or A4_LANDSCAPE_PRINTABLE_MM / total * 100 >= READABLE_PRINT_SCALE:
        return None
    return READABLE_PRINT_SCALE


class XlsxStreamWriter:
    """Write rows of `columns` into `path`. Use as a context manager; rows are sequences."""

    def __init__(self, path: Path | str, columns: Sequence[Column], *, sheet_name: str = "Sheet1",
                 freeze_columns: int = 0, title: str = "", compresslevel: int = 1) -> None:
        self.path = Path(path)
        self.columns = list(columns)
        self.sheet_name = sheet_name[:31]
        self.freeze_columns = freeze_columns
        self.title = title
        self.rows_written = 0
        self._zip = zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self._sheet = self._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        self._letters = [column_letter(i) for i in range(len(self.columns))]
        self.print_scale = print_scale(c.width for c in self.columns)
        self._cell_fns = [self._cell_fn(i, c.kind) for i, c in enumerate(self.columns)]
        self._buf: list[str] = []
        self._row = 1
        self._write_head()

    # -- cells --

    def _cell_fn(self, index: int, kind: str) -> Callable[[Any, int], str]:
        letter = self._letters[index]
        if kind == "date":
            def date_cell(v: Any, r: int) -> str:
                if v is None or v == "":
                    return ""
                s = v if isinstance(v, (int, float)) else date_serial(v)
                return f'<c r="{letter}{r}" s="1"><v>{s}</v></c>'
            return date_cell
        if kind in ("int", "num"):
            def num_cell(v: Any, r: int) -> str:
                if v is None or v == "":
                    return ""
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    return f'<c r="{letter}{r}"><v>{v!r}</v></c>'
                return text_cell(str(v), r)
            def text_cell(v: str, r: int) -> str:
                return _text(letter, r, v)
            return num_cell

        def str_cell(v: Any, r: int) -> str:
            if v is None or v == "":
                return ""
            return _text(letter, r, v if isinstance(v, str) else str(v))
        return str_cell

    # -- rows --

    def write_row(self, row: Sequence[Any]) -> None:
        r = self._row + 1
        self._row = r
        fns = self._cell_fns
        self._buf.append(f'<row r="{r}">' + "".join([fns[i](v, r) for i, v in enumerate(row)]) + "</row>")
        if len(self._buf) >= 500:
            self._flush()

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self.write_row(row)

    def _flush(self) -> None:
        if self._buf:
            self._sheet.write("".join(self._buf).encode("utf-8"))
            self._buf.clear()

    # -- package parts --

    def _write_head(self) -> None:
        fc = self.freeze_columns
        if fc:
            top_left = f"{column_letter(fc)}2"
            pane = (f'<pane xSplit="{fc}" ySplit="1" topLeftCell="{top_left}" activePane="bottomRight" state="frozen"/>'
                    f'<selection pane="topRight"/><selection pane="bottomLeft"/>'
                    f'<selection pane="bottomRight" activeCell="{top_left}" sqref="{top_left}"/>')
        else:
            pane = ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>')
        cols = "".join(
            f'<col min="{i + 1}" max="{i + 1}" width="{c.width}" customWidth="1"/>' for i, c in enumerate(self.columns)
        )
        header = "".join(_text(self._letters[i], 1, c.header, style=2) for i, c in enumerate(self.columns))
        self._sheet.write(
            (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
             + ('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if self.print_scale is None else '') +
             f'<sheetViews><sheetView tabSelected="1" workbookViewId="0">{pane}</sheetView></sheetViews>'
             f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
             f'<row r="1">{header}</row>').encode("utf-8")
        )

    def close(self) -> None:
        self._flush()
        last = f"{self._letters[-1]}{max(self._row, 1)}"
        self._sheet.write(
            (f'</sheetData><autoFilter ref="A1:{last}"/>'
             '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
             + self._page_setup() +
             f'<headerFooter><oddFooter>{self._footer()}</oddFooter></headerFooter></worksheet>').encode("utf-8")
        )
        self._sheet.close()
        self.rows_written = self._row - 1
        z = self._zip
        now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        sheet_attr = quoteattr(self.sheet_name)
        quoted = "'" + self.sheet_name.replace("'", "''") + "'"
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("docProps/app.xml", _APP)
        z.writestr("docProps/core.xml", _CORE.format(title=xml_text(self.title), now=now))
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/styles.xml", _STYLES)
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
            f'<bookViews><workbookView/></bookViews><sheets><sheet name={sheet_attr} sheetId="1" r:id="rId1"/></sheets>'
            f'<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            f'{xml_text(quoted)}!$A$1:${self._letters[-1]}${max(self._row, 1)}</definedName>'
            # The header row printed at the top of every page (and, when the sheet prints over
            # several pages wide, the frozen identity columns at the left of every page).
            f'<definedName name="_xlnm.Print_Titles" localSheetId="0">{self._print_titles(quoted)}</definedName>'
            '</definedNames></workbook>',
        )
        z.close()

    def _page_setup(self) -> str:
        if self.print_scale is None:  # landscape, one page wide and as many tall as needed
            return '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        return (f'<pageSetup paperSize="9" orientation="landscape" scale="{self.print_scale}" '
                'pageOrder="overThenDown"/>')

    def _print_titles(self, quoted: str) -> str:
        rows = f"{xml_text(quoted)}!$1:$1"
        if self.print_scale is None or not self.freeze_columns:
            return rows
        last = self._letters[self.freeze_columns - 1]
        return f"{xml_text(quoted)}!$A:${last},{rows}"

    def _footer(self) -> str:
        """The printed footer: the title on the left, "halaman P dari N" on the right ("&" starts a
        code in Excel's header/footer language, so a literal one is doubled)."""
        title = self.title.replace("&", "&&")
        return xml_text(f"&L{title}&Rhalaman &P dari &N")

    def abort(self) -> None:
        try:
            self._sheet.close()
        finally:
            self._zip.close()

    def __enter__(self) -> "XlsxStreamWriter":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def _text(letter: str, r: int, value: str, style: int = 0) -> str:
    s = xml_text(value)
    space = ' xml:space="preserve"' if s[:1] == " " or s[-1:] == " " else ""
    st = f' s="{style}"' if style else ""
    return f'<c r="{letter}{r}"{st} t="inlineStr"><is><t{space}>{s}</t></is></c>'


_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"""

_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"""

_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"""

_APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>mtbs_tui</Application></Properties>"""

_CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{title}</dc:title><dc:creator>mtbs_tui</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified></cp:coreProperties>"""

# Style 0 normal, 1 date (dd/mm/yyyy, as Indonesian registers write it), 2 header (bold, grey, wrapped).
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFDDDDDD"/><bgColor indexed="64"/></patternFill></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""
