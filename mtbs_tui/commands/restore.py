"""`mtbs restore FILE [--ya] [--kunci KEYFILE]`: replace the register with a verified backup (the
current one is kept). An encrypted backup (`.db.age`) is decrypted with the head's private key file
into a temporary file beside the live database, verified, restored, and the temporary file deleted."""
from __future__ import annotations

import sys
from pathlib import Path

from mtbs_tui.commands._docs import fail


def run(db_path: Path, backup_file: Path, *, yes: bool = False, key_file: Path | None = None,
        actor: str | None = None, offline_login: dict | None = None, other_facility_ok: bool = False) -> int:
    """`offline_login` (the CLI's options) is set when the live register could not be opened: the
    user then logs in with the accounts inside the verified backup."""
    from mtbs_tui.backup import (
        BackupError,
        backup_lock,
        other_facility,
        other_facility_message,
        plain_backup,
        restore_backup,
        verify_backup,
    )
    from mtbs_tui.outputs import sigterm_cleans_up

    work_dir = db_path.parent if str(db_path.parent) else Path(".")
    if not work_dir.is_dir():
        return fail(f"{work_dir}: folder database tidak ditemukan")
    plain: Path | None = None
    try:
        # SIGTERM: the decrypted and staged copies are removed, as on Ctrl-C.
        with sigterm_cleans_up(), backup_lock(db_path), plain_backup(backup_file, key_file, work_dir,
                                                                      db_path) as plain:
            counts = verify_backup(plain)
            if offline_login is not None:
                from mtbs_tui.session import SessionError, login_with_copy

                try:
                    actor = login_with_copy(plain, offline_login, "backup.restore").username
                except SessionError as exc:
                    return fail(exc.message, exc.code)
            print(f"Cadangan {backup_file} utuh: {counts.get('patients', 0)} pasien, "
                  f"{counts.get('visits', 0)} kunjungan.")
            pair = other_facility(plain, db_path)
            if pair is not None:
                if not other_facility_ok:
                    return fail(other_facility_message(Path(backup_file).name, pair))
                live, theirs = pair
                print(f"PERHATIAN: cadangan milik puskesmas/instalasi lain. Yang akan diganti: {live.text()}; "
                      f"menjadi: {theirs.text()}. Akun dan pasien database ini disimpan di salinan sebelum-pulih.")
            if not yes and sys.stdin.isatty():
                answer = input(f"Ganti isi database {db_path} dengan cadangan ini? Database sekarang disimpan dulu. [y/T] ")
                if answer.strip().lower() not in ("y", "ya"):
                    print("Dibatalkan; database tidak diubah.")
                    return 1
            info = restore_backup(plain, db_path, actor=actor, source_name=Path(backup_file).name,
                                  other_facility_ok=other_facility_ok)
    except BackupError as exc:
        # Name the file the user gave, not the decrypted temporary copy.
        message = exc.message.replace(str(plain), str(backup_file)) if plain is not None else exc.message
        return fail(message)
    print(f"Database dipulihkan dari {backup_file}.")
    if info.aside is not None:
        print(f"Database sebelumnya disimpan di {info.aside.resolve()}")
    return 0
