"""The print check of a document's XLSX, as the reader prints it (one home for the assertion):
every sheet A4 landscape, readable on paper, the header row repeated on every page, a footer with
the page number. Without it a wide sheet prints as many portrait pages of one or two columns each;
fit to one page wide, the register's 43 columns printed at about 19 % (letters under 2 mm)."""
from __future__ import annotations

from typing import Any

from openpyxl.utils import column_index_from_string, get_column_letter

from mtbs_tui.documents.xlsx import A4_LANDSCAPE_PRINTABLE_MM, READABLE_PRINT_SCALE, column_mm


def sheet_width_mm(ws: Any) -> float:
    """The sheet's printed width at 100 % (columns without a width of their own: Excel's 8.43)."""
    default = ws.sheet_format.defaultColWidth or 8.43
    total = 0.0
    for i in range(1, ws.max_column + 1):
        dim = ws.column_dimensions.get(get_column_letter(i))
        total += column_mm(dim.width if dim is not None and dim.width else default)
    return total


def frozen_columns(ws: Any) -> int:
    """How many columns are frozen at the left (0 when none)."""
    if not ws.freeze_panes:
        return 0
    letters = "".join(ch for ch in ws.freeze_panes if ch.isalpha())
    return column_index_from_string(letters) - 1


def assert_prints_on_a4(wb: Any, head_rows: dict[str, int] | None = None) -> None:
    """Each sheet of `wb` (openpyxl) prints A4 landscape at a readable size: fit to one page wide
    when that is at least READABLE_PRINT_SCALE %, otherwise at that scale over several pages, the
    pages of the same rows one after another, the frozen identity columns on every page.
    `head_rows` names the header row of sheets where it is not row 1."""
    for ws in wb.worksheets:
        head = (head_rows or {}).get(ws.title, 1)
        where = f"sheet {ws.title!r}"
        assert (ws.page_setup.orientation, str(ws.page_setup.paperSize)) == ("landscape", "9"), where
        fit = A4_LANDSCAPE_PRINTABLE_MM / sheet_width_mm(ws) * 100
        fits = ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
        if fit >= READABLE_PRINT_SCALE:
            assert fits, where
            assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), where
        else:
            assert not fits, (where, fit)
            assert int(ws.page_setup.scale) == READABLE_PRINT_SCALE, where
            assert ws.page_setup.pageOrder == "overThenDown", where
            frozen = frozen_columns(ws)
            if frozen:
                assert ws.print_title_cols == f"$A:${get_column_letter(frozen)}", (where, ws.print_title_cols)
        assert ws.print_title_rows == f"${head}:${head}", where
        assert "&P" in (ws.oddFooter.right.text or ""), where
