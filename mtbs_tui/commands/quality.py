"""`mtbs report mutu --from --to [--format pdf|xlsx|csv] [-o FILE]`: the quality indicators."""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from mtbs_tui.commands._docs import fail, write_document


def run(db_path: Path, date_from: str, date_to: str, fmt: str | None, out: Path | None, *, actor: str | None = None,
        overwrite: bool = False, today: _dt.date | None = None) -> int:
    from mtbs_tui.documents.common import DocumentError, chosen_format
    from mtbs_tui.documents.quality import FORMATS, write_report
    from mtbs_tui.quality import PeriodError, parse_period

    try:
        fmt = chosen_format(fmt, out, FORMATS)
    except DocumentError as exc:
        return fail(exc.message)
    try:
        first, last = parse_period(date_from, date_to, today=today or _dt.date.today())
    except PeriodError as exc:
        return fail(exc.message)
    target = out if out is not None else Path(f"mutu-mtbs-{first:%Y-%m}-{last:%Y-%m}.{fmt}")

    def make(register: Any) -> str:
        report = write_report(register, first, last, fmt, target, actor=actor, today=today)
        return f"{report.title}: tersimpan di {target}"

    return write_document(db_path, make, overwrite=overwrite)
