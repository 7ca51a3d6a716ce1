"""`mtbs restore FILE [--ya]`: replace the register with a verified backup (the current one is kept)."""
from __future__ import annotations

import sys
from pathlib import Path

from mtbs_tui.commands._docs import fail


def run(db_path: Path, backup_file: Path, *, yes: bool = False) -> int:
    from mtbs_tui.backup import BackupError, restore_backup, verify_backup

    try:
        counts = verify_backup(backup_file)
    except BackupError as exc:
        return fail(exc.message)
    print(f"Cadangan {backup_file} utuh: {counts.get('patients', 0)} pasien, {counts.get('visits', 0)} kunjungan.")
    if not yes and sys.stdin.isatty():
        answer = input(f"Ganti isi database {db_path} dengan cadangan ini? Database sekarang disimpan dulu. [y/T] ")
        if answer.strip().lower() not in ("y", "ya"):
            print("Dibatalkan; database tidak diubah.")
            return 1
    try:
        info = restore_backup(backup_file, db_path)
    except BackupError as exc:
        return fail(exc.message)
    print(f"Database dipulihkan dari {info.restored_from}.")
    if info.aside is not None:
        print(f"Database sebelumnya disimpan di {info.aside.resolve()}")
    return 0
