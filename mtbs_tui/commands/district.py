"""`mtbs report kirim YYYY-MM [-o FILE]` (the monthly package for the district) and
`mtbs kabupaten gabung FILE... -o X.xlsx|pdf` (the district view), issue 18 items 2-3."""
from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path

from mtbs_tui.commands._docs import fail, open_register
from mtbs_tui.outputs import policy


def run_send(db_path: Path, month: str, out: Path | None, *, actor: str | None = None, overwrite: bool = False,
             today: _dt.date | None = None) -> int:
    from mtbs_tui.audit import record_audit
    from mtbs_tui.documents.common import DocumentError, atomic_output
    from mtbs_tui.documents.monthly import parse_month
    from mtbs_tui.documents.package import build_package, package_text
    from mtbs_tui.register import RegisterError

    try:
        first, _ = parse_month(month, today=today)
    except DocumentError as exc:
        return fail(exc.message)
    try:
        register = open_register(db_path)
    except RegisterError as exc:
        return fail(exc.message)
    try:
        code = (register.facility() or {}).get("code") or "puskesmas"
        target = out if out is not None else Path(f"paket-mtbs-{code}-{first:%Y-%m}.json")
        with policy(register=db_path, overwrite=overwrite):
            data = build_package(register, month, today=today)
            with atomic_output(target) as tmp:
                tmp.write_text(package_text(data), encoding="utf-8")
        # The trail records what was sent: the package carries the head before this entry.
        record_audit(register, "laporan.kirim", detail=f"{data['month']}, {data['checksum'][:23]}", actor=actor)
    except (DocumentError, RegisterError) as exc:
        return fail(exc.message)
    finally:
        register.close()
    print(f"Paket laporan {data['month']} untuk kabupaten tersimpan di {target} ({data['checksum'][:23]}...)")
    return 0


def run_merge(files: list[Path], out: Path, *, month: str | None = None, overwrite: bool = False) -> int:
    from mtbs_tui.documents.common import DocumentError
    from mtbs_tui.documents.district import FORMATS, write_district
    from mtbs_tui.documents.package import PackageError, merge_files

    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        return fail(f"-o: akhiran {out.suffix or '(tanpa akhiran)'} tidak dikenal (pilihan: .xlsx, .pdf)")
    try:
        district = merge_files(list(files), month)
    except PackageError as exc:
        for line in exc.message.splitlines():
            print(f"galat: {line}", file=sys.stderr)
        return 2
    try:
        with policy(register=None, overwrite=overwrite):
            write_district(district, fmt, out)
    except DocumentError as exc:
        return fail(exc.message)
    print(f"{district.title}: {len(district.facilities)} puskesmas, tersimpan di {out}")
    return 0
