"""`mtbs report kirim YYYY-MM [-o FILE]` (the monthly package for the district) and
`mtbs kabupaten gabung FILE... -o X.xlsx|pdf` (the district view), issue 18 items 2-3."""
from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path
from typing import Any

from mtbs_tui.commands._docs import fail, write_document
from mtbs_tui.outputs import policy


def run_send(db_path: Path, month: str, out: Path | None, *, actor: str | None = None, overwrite: bool = False,
             today: _dt.date | None = None) -> int:
    from mtbs_tui.documents.common import DocumentError, ending_format
    from mtbs_tui.documents.monthly import parse_month
    from mtbs_tui.documents.package import default_name, write_package

    try:
        if out is not None:
            ending_format(out, ("json",))
        first, _ = parse_month(month, today=today)
    except DocumentError as exc:
        return fail(exc.message)

    def make(register: Any) -> str:
        target = out if out is not None else Path(default_name(register.facility() or {}, f"{first:%Y-%m}"))
        data = write_package(register, month, target, actor=actor, today=today)
        return f"Paket laporan {data['month']} untuk kabupaten tersimpan di {target} ({data['checksum'][:23]}...)"

    return write_document(db_path, make, overwrite=overwrite)


def run_merge(files: list[Path], out: Path, *, month: str | None = None, overwrite: bool = False) -> int:
    from mtbs_tui.documents.common import DocumentError
    from mtbs_tui.documents.district import district_format, write_district
    from mtbs_tui.documents.package import PackageError, merge_files

    try:
        district_format(out)  # refused before the packages are read
    except DocumentError as exc:
        return fail(exc.message)
    try:
        district = merge_files(list(files), month)
    except PackageError as exc:
        for line in exc.message.splitlines():
            print(f"galat: {line}", file=sys.stderr)
        return 2
    try:
        with policy(register=None, overwrite=overwrite):
            write_district(district, out)
    except DocumentError as exc:
        return fail(exc.message)
    print(f"{district.title}: {len(district.facilities)} puskesmas, tersimpan di {out}")
    return 0
