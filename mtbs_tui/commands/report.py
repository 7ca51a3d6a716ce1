"""`mtbs report monthly YYYY-MM --format xlsx|pdf|csv [-o FILE] [--tabel FILE.json]`."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from mtbs_tui.commands._docs import fail, write_document
from mtbs_tui.outputs import policy


def run(db_path: Path, month: str, fmt: str | None, out: Path | None, table: Path | None = None,
        write_table: Path | None = None, *, actor: str | None = None, overwrite: bool = False) -> int:
    from mtbs_tui.documents.common import DocumentError, atomic_output, chosen_format, ending_format
    from mtbs_tui.documents.monthly import (
        FORMATS,
        default_table,
        load_table,
        parse_month,
        table_to_json,
        write_report,
    )

    if write_table is not None:
        try:
            ending_format(write_table, ("json",), "--tulis-tabel")
            with policy(register=db_path, overwrite=overwrite), atomic_output(write_table) as tmp:
                tmp.write_text(table_to_json(default_table()) + "\n", encoding="utf-8")
        except DocumentError as exc:
            return fail(exc.message)
        print(f"Tabel laporan bawaan tersimpan di {write_table}; ubah lalu pakai dengan --tabel")
        return 0
    try:
        fmt = chosen_format(fmt, out, FORMATS)
        first, _ = parse_month(month)
        rows = load_table(table) if table is not None else None
    except DocumentError as exc:
        return fail(exc.message)
    target = out if out is not None else Path(f"laporan-mtbs-{first:%Y-%m}.{fmt}")

    def make(register: Any) -> str:
        report = write_report(register, month, fmt, target, table=rows, actor=actor)
        partial = " (SEMENTARA: bulan belum selesai)" if report.partial_note else ""
        return f"{report.title}: tersimpan di {target}{partial}"

    return write_document(db_path, make, overwrite=overwrite)
