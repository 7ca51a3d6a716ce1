"""`mtbs backup [--to DIR] [--list]`: a verified backup of the register, or the list of backups."""
from __future__ import annotations

from pathlib import Path

from mtbs_tui.commands._docs import fail


def _size(n: int) -> str:
    for unit in ("bita", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bita" else f"{n:.1f} {unit}".replace(".", ",")
        n /= 1024
    return str(n)


def _audit_head(path: Path) -> str | None:
    import sqlite3

    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def run(db_path: Path, to: Path | None, *, list_only: bool = False) -> int:
    from mtbs_tui.backup import BackupError, backup_dir_for, create_backup, list_backups

    folder = to if to is not None else backup_dir_for(db_path)
    if list_only:
        entries = list_backups(folder, db_path.stem)
        if not entries:
            print(f"Belum ada cadangan di {folder}")
            return 0
        print(f"Cadangan di {folder} (terbaru dulu):")
        for e in entries:
            keep = ", ".join(e.generations) if e.generations else "-"
            print(f"  {e.created_at:%Y-%m-%d %H.%M.%S}  {_size(e.size):>9}  {e.path.name}  [{keep}]")
        return 0
    try:
        info = create_backup(db_path, folder)
    except BackupError as exc:
        return fail(exc.message)
    visits = info.counts.get("visits", 0)
    patients = info.counts.get("patients", 0)
    print(f"Cadangan terverifikasi: {info.path} ({_size(info.size)}, {patients} pasien, {visits} kunjungan)")
    head = _audit_head(info.path)
    if head:
        print(f"Kepala rantai audit dalam cadangan: {head[:16]}")
    if info.pruned:
        print(f"Cadangan lama dihapus menurut aturan generasi: {len(info.pruned)} berkas")
    return 0
