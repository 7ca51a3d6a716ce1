"""`mtbs report mutu --from --to [--format pdf|xlsx|csv] [-o FILE]`: the quality indicators."""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

from mtbs_tui.commands._docs import fail, format_problem, open_register
from mtbs_tui.outputs import policy


def run(db_path: Path, date_from: str, date_to: str, fmt: str, out: Path | None, *, actor: str | None = None,
        overwrite: bool = False, today: _dt.date | None = None) -> int:
    from mtbs_tui.documents.common import DocumentError
    from mtbs_tui.documents.quality import FORMATS, write_report
    from mtbs_tui.quality import PeriodError, parse_period
    from mtbs_tui.register import RegisterError

    fmt = (fmt or "").lower()
    if (problem := format_problem(fmt, FORMATS)) is not None:
        return fail(problem)
    try:
        first, last = parse_period(date_from, date_to, today=today or _dt.date.today())
    except PeriodError as exc:
        return fail(exc.message)
    target = out if out is not None else Path(f"mutu-mtbs-{first:%Y-%m}-{last:%Y-%m}.{fmt}")
    try:
        register = open_register(db_path)
    except RegisterError as exc:
        return fail(exc.message)
    try:
        with policy(register=db_path, overwrite=overwrite):
            report = write_report(register, first, last, fmt, target, actor=actor, today=today)
    except (DocumentError, RegisterError) as exc:
        return fail(exc.message)
    finally:
        register.close()
    print(f"{report.title}: tersimpan di {target}")
    return 0
