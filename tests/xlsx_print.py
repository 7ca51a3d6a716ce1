"""The print check of a document's XLSX, as the reader prints it (one home for the assertion):
every sheet A4 landscape, one page wide, the header row repeated on every page, a footer with the
page number. Without it a wide sheet prints as many portrait pages of one or two columns each."""
from __future__ import annotations

from typing import Any


def assert_prints_on_a4(wb: Any, head_rows: dict[str, int] | None = None) -> None:
    """Each sheet of `wb` (openpyxl) prints A4 landscape, fit to one page wide; `head_rows` names
    the header row of sheets where it is not row 1."""
    for ws in wb.worksheets:
        head = (head_rows or {}).get(ws.title, 1)
        where = f"sheet {ws.title!r}"
        assert (ws.page_setup.orientation, str(ws.page_setup.paperSize)) == ("landscape", "9"), where
        assert ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage, where
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), where
        assert ws.print_title_rows == f"${head}:${head}", where
        assert "&P" in (ws.oddFooter.right.text or ""), where
