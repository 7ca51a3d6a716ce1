"""`mtbs backup [--to DIR] [--list] [--set-key age1...]`: a verified (and, with the head's public
key, encrypted) backup of the register, the list of backups, or the public key to encrypt with."""
from __future__ import annotations

from pathlib import Path

from mtbs_tui.commands._docs import fail


def _size(n: float) -> str:
    for unit in ("bita", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bita" else f"{n:.1f} {unit}".replace(".", ",")
        n /= 1024
    return str(n)


def _audit_head(path: Path) -> str | None:
    import sqlite3

    from mtbs_tui.audit import recorded_head

    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
        try:
            return recorded_head(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return None


UNENCRYPTED_WARNING = (
    "peringatan: cadangan TIDAK dienkripsi: siapa pun yang memegang berkas atau flashdisk ini dapat "
    "membaca data pasien; kepala puskesmas: buat kunci dengan age-keygen, lalu mtbs backup --set-key age1..."
)


def _chain_text(count: int, head: str | None, ok: bool) -> str:
    if not head:
        return "rantai audit -"
    return f"rantai audit {count} entri {head[:16]}" + ("" if ok else " RUSAK")


def run(db_path: Path, to: Path | None, *, list_only: bool = False, set_key: str | None = None,
        actor: str | None = None) -> int:
    import sys

    from mtbs_tui.backup import (
        SETTING_PUBLIC_KEY,
        BackupError,
        backup_dir_for,
        chain_index,
        create_backup,
        list_backups,
        validate_public_key,
    )

    if set_key is not None:
        from mtbs_tui.register import Register, RegisterError

        try:
            key = validate_public_key(set_key)
            register = Register.open(db_path)
        except BackupError as exc:
            return fail(exc.message)
        except RegisterError as exc:
            return fail(exc.message)
        try:
            register.set_setting(SETTING_PUBLIC_KEY, key, actor=actor or "sistem")
        finally:
            register.close()
        print(f"Kunci publik cadangan disimpan ({key[:12]}...{key[-6:]}); cadangan berikutnya dienkripsi.")
        print("Simpan kunci privatnya di luar komputer ini (kepala puskesmas); tanpa kunci itu cadangan "
              "tidak bisa dipulihkan.")
        return 0
    folder = to if to is not None else backup_dir_for(db_path)
    if list_only:
        from mtbs_tui.audit import record_audit

        entries = list_backups(folder, db_path.stem)
        if db_path.exists():
            record_audit(db_path, "cadangan.daftar", detail=f"{len(entries)} cadangan di {folder}", actor=actor)
        if not entries:
            print(f"Belum ada cadangan di {folder}")
            return 0
        chains = chain_index(folder)
        print(f"Cadangan di {folder} (terbaru dulu):")
        for e in entries:
            keep = ", ".join(e.generations) if e.generations else "-"
            lock = "terenkripsi" if e.encrypted else "TIDAK terenkripsi"
            if e.path.name in chains:
                count, head, ok = chains[e.path.name]
                chain = _chain_text(count, head if head != "-" else None, ok)
            elif not e.encrypted:
                file_head = _audit_head(e.path)
                chain = f"rantai audit {file_head[:16]}" if file_head else "rantai audit -"
            else:
                chain = "rantai audit ?"
            print(f"  {e.created_at:%Y-%m-%d %H.%M.%S}  {_size(e.size):>9}  {e.path.name}  [{keep}]  {lock}, {chain}")
        return 0
    from mtbs_tui.outputs import sigterm_cleans_up

    try:
        with sigterm_cleans_up():  # SIGTERM: the temporary copy is removed, as on Ctrl-C
            info = create_backup(db_path, folder, actor=actor)
    except BackupError as exc:
        return fail(exc.message)
    if not info.encrypted:
        print(UNENCRYPTED_WARNING, file=sys.stderr)
    visits = info.counts.get("visits", 0)
    patients = info.counts.get("patients", 0)
    print(f"Cadangan terverifikasi: {info.path} ({_size(info.size)}, {patients} pasien, {visits} kunjungan)")
    if info.encrypted:
        print("Cadangan dienkripsi dengan kunci publik kepala puskesmas (age).")
    if info.audit_head:
        state = "utuh" if info.audit_ok else "RUSAK (periksa: mtbs audit verify)"
        print(f"Kepala rantai audit dalam cadangan: {info.audit_count} entri, {info.audit_head[:16]} ({state})")
    if info.pruned:
        print(f"Cadangan lama dihapus menurut aturan generasi: {len(info.pruned)} berkas")
    return 0
