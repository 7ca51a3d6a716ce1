"""`mtbs export register --from DATE --to DATE --format csv|xlsx [-o FILE]`: the Register MTBS."""
from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path
from typing import Any

from mtbs_tui.commands._docs import fail, open_register, write_document
from mtbs_tui.outputs import policy

# A progress bar is worth drawing only for exports that take more than a moment.
PROGRESS_MIN_ROWS = 5000


def _date(text: str, option: str) -> _dt.date:
    """The register's strict date check (`register.parse_date`), its line naming the option."""
    from mtbs_tui.documents.common import DocumentError
    from mtbs_tui.register import FieldError, parse_date

    try:
        return parse_date(text, option)
    except FieldError as exc:
        raise DocumentError(f"galat: {option}: {exc.message}") from None


def _request(date_from: str, date_to: str, fmt: str | None, out: Path | None,
             formats: tuple[str, ...]) -> tuple[_dt.date, _dt.date, str]:
    """The checked --from/--to/--format of an export: (start, end, format; `chosen_format`), or a
    DocumentError whose message names the option (one line for `fail`)."""
    from mtbs_tui.documents.common import DocumentError, chosen_format

    fmt = chosen_format(fmt, out, formats)
    start = _date(date_from, "--from")
    end = _date(date_to, "--to")
    if end < start:
        raise DocumentError("--to: tanggal akhir sebelum tanggal awal")
    return start, end, fmt


def run(db_path: Path, date_from: str, date_to: str, fmt: str | None, out: Path | None, *,
        actor: str | None = None, overwrite: bool = False) -> int:
    from mtbs_tui.documents.common import DocumentError
    from mtbs_tui.documents.export import FORMATS, export_register
    from mtbs_tui.register import RegisterError

    try:
        start, end, fmt = _request(date_from, date_to, fmt, out, FORMATS)
    except DocumentError as exc:
        return fail(exc.message)
    target = out if out is not None else Path(f"register-mtbs-{start.isoformat()}-sd-{end.isoformat()}.{fmt}")
    try:
        register = open_register(db_path)
    except RegisterError as exc:
        return fail(exc.message)
    try:
        bar = None
        progress = None
        if sys.stderr.isatty():
            import typer

            total = register.count_visits(start, end)
            if total >= PROGRESS_MIN_ROWS:
                bar = typer.progressbar(length=total, label="Mengekspor", file=sys.stderr)
                bar.__enter__()
                done = [0]

                def progress(n: int) -> None:
                    bar.update(n - done[0])
                    done[0] = n
        try:
            with policy(register=db_path, overwrite=overwrite):
                result = export_register(register, start, end, fmt, target, progress=progress, actor=actor)
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
    except (DocumentError, RegisterError) as exc:
        return fail(exc.message)
    finally:
        register.close()
    from mtbs_tui.display import date_text

    print(f"Register MTBS {date_text(start)} s.d. {date_text(end)}: {result.rows} kunjungan tersimpan di {result.path}")
    return 0


def run_referral_log(db_path: Path, date_from: str, date_to: str, fmt: str | None, out: Path | None, *,
                     actor: str | None = None, overwrite: bool = False) -> int:
    """`mtbs export rujukan --from DATE --to DATE --format csv|xlsx [-o FILE]`: the buku register rujukan."""
    from mtbs_tui.documents.common import DocumentError
    from mtbs_tui.documents.referral_log import FORMATS, export_referral_log

    try:
        start, end, fmt = _request(date_from, date_to, fmt, out, FORMATS)
    except DocumentError as exc:
        return fail(exc.message)
    target = out if out is not None else Path(f"register-rujukan-{start.isoformat()}-sd-{end.isoformat()}.{fmt}")

    def make(register: Any) -> str:
        result = export_referral_log(register, start, end, fmt, target, actor=actor)
        from mtbs_tui.display import date_text

        return (f"Buku register rujukan {date_text(start)} s.d. {date_text(end)}: {result.rows} rujukan "
                f"tersimpan di {result.path}")

    return write_document(db_path, make, overwrite=overwrite)
