"""Render the monthly report (laporan bulanan) of a demo register to PNG, for a person to look at.

Makes a demo register with `mtbs demo` (or uses --db), writes the PDF of its busiest complete month
signed by the demo head account, renders every page with `pdftoppm -png -r 60` into --out, and with
--docs also writes docs/laporan-bulanan.png: the first page (header, start of the table) above the
last page (end of the table and the signature block), as a reviewer sees what the Dinas receives.

Run: .venv/bin/python bench/preview_monthly.py [--db FILE] [--out DIR] [--docs]
"""
from __future__ import annotations

import datetime as _dt
import subprocess
from pathlib import Path

from preview_common import ROOT, preview_main


def busiest_month(register) -> str:  # noqa: ANN001 - a Register
    first_of_this_month = _dt.date.today().replace(day=1)
    best = None
    for month in range(1, 13):
        day = (first_of_this_month - _dt.timedelta(days=1)).replace(day=1)
        for _ in range(month - 1):
            day = (day - _dt.timedelta(days=1)).replace(day=1)
        nxt = _dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        n = register.count_visits(day, nxt - _dt.timedelta(days=1))
        if best is None or n > best[0]:
            best = (n, day.strftime("%Y-%m"))
    return best[1]


def render(db: Path, out: Path) -> list[Path]:
    from mtbs_tui.documents.monthly import write_report
    from mtbs_tui.register import Register

    out.mkdir(parents=True, exist_ok=True)
    reg = Register.open(db)
    try:
        month = busiest_month(reg)
        pdf = out / f"laporan-bulanan-{month}.pdf"
        pdf.unlink(missing_ok=True)
        write_report(reg, month, "pdf", pdf, actor="kepala", audit=False)
    finally:
        reg.close()
    for old in out.glob("laporan-bulanan-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(out / "laporan-bulanan")], check=True)
    return sorted(out.glob("laporan-bulanan-*.png"))


def stack(pages: list[Path], target: Path) -> None:
    """The first and the last page one above the other, with a grey line between them."""
    from PIL import Image

    first, last = Image.open(pages[0]), Image.open(pages[-1])
    sheet = Image.new("RGB", (max(first.width, last.width), first.height + last.height + 4), "#888888")
    sheet.paste(first, (0, 0))
    sheet.paste(last, (0, first.height + 4))
    sheet.save(target, optimize=True)


def to_docs(pages: list[Path]) -> list[Path]:
    stack(pages, ROOT / "docs" / "laporan-bulanan.png")
    return [ROOT / "docs" / "laporan-bulanan.png"]


def main() -> int:
    return preview_main(__doc__.splitlines()[0], render, lambda pages: pages, to_docs,
                        "also write docs/laporan-bulanan.png")


if __name__ == "__main__":
    raise SystemExit(main())
